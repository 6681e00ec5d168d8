/**
 * Validation of SARIF logs against __tests__/schemas/sarif-2.1.0.json: the SARIF 2.1.0 schema body
 * as shipped by Microsoft's SARIF SDK (npm @microsoft/sarif-multitool, MIT), with the OASIS
 * draft-07 header (`$schema`, `$id`) of the official sarif-schema-2.1.0.json. No network needed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { FINGERPRINT_KEY, type SarifLog } from '../../lib/audit';
import { REPO_ROOT } from './paths';

const SCHEMA_PATH = path.join(REPO_ROOT, '__tests__', 'schemas', 'sarif-2.1.0.json');

let validator: ValidateFunction | undefined;

/** The schema's formats, checked for real (ajv 8 ships none without ajv-formats). */
export function sarifValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/') && !/\s/.test(value));
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d\d-\d\dT/.test(value));
  validator = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as object);
  return validator;
}

export function assertValidSarif(log: unknown): void {
  const validate = sarifValidator();
  const ok = validate(log);
  assert.ok(ok, `SARIF schema errors: ${JSON.stringify(validate.errors, null, 2)}`);
}

/** Constraints code scanning applies on upload, beyond the schema. */
export function assertCodeScanningReady(log: SarifLog): void {
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  const ids = run.tool.driver.rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.shortDescription.text.length > 0 && rule.shortDescription.text.length <= 1024);
    assert.ok(rule.help.text.length > 0 && (rule.help.markdown ?? '').length > 0, `${rule.id} has help text`);
  }
  for (const result of run.results) {
    assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId, 'ruleIndex points at ruleId');
    assert.ok(result.message.text.length > 0);
    const location = result.locations[0].physicalLocation;
    assert.ok(!location.artifactLocation.uri.startsWith('/') && !location.artifactLocation.uri.includes('\\'), 'repository-relative URI');
    assert.ok(location.region && location.region.startLine >= 1 && location.region.startColumn >= 1);
    assert.ok(location.region.endLine >= location.region.startLine);
    assert.ok(result.partialFingerprints[FINGERPRINT_KEY]);
  }
}

