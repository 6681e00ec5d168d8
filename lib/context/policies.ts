/**
 * What a file's context changes, for every transform: the documented refusal reasons below, the
 * runtime refusal a fix that needs `@leakfix/runtime` asks for, and the site policies the engine
 * applies to every rule's sites (nothing is rewritten inside a test callback or a process signal or
 * exit handler). Each reason is listed by `leakfix list` and documented in docs/context.md.
 */
import type * as t from '@babel/types';
import { refused, type Site } from '../findings';
import { isFunction, memberPath, unwrapExpression, type AstIndex, type Node } from '../analysis/ast';
import type { ScopeAnalysis } from '../analysis/scope';
import { TEST_FUNCTIONS, TEST_MODULES } from '../analysis/promises';
import { isProgramRole } from './classify';
import type { FileContext } from './types';

/** Refusal (and skip) reasons that come from where a file runs; every transform can report them. */
export const POLICY_REASONS: Readonly<Record<string, string>> = {
  'test-file':
    'Test and fixture files (test folders and names, the repo\'s mocha/jest/vitest/playwright configs, files importing a test framework) are skipped unless --include-tests (or "includeTests": true) is set.',
  'example-file':
    'Example and demo code (examples/, demo/, samples/, *-examples/) is written to be read and copied, not run as the product: skipped unless --include-tests (or "includeTests": true) is set.',
  'test-callback':
    'Inside an it/test/describe/before*/after* callback: the test runner owns that code\'s lifetime, and a tracked promise would turn a failing assertion into a log line.',
  'signal-handler':
    'Inside a process signal or exit handler (process.on("SIGTERM" | "SIGINT" | "exit" | ...)): it must still end the process as it did; leakfix never rewrites it.',
  'runtime-in-library':
    'The file belongs to a published library package: the fix would add @leakfix/runtime as a dependency for its users. Set "runtimeInLibraries": true (or --runtime-in-libraries) to allow it.',
  'runtime-in-browser':
    'The file runs in a browser (DOM or UI-framework code, a client folder, a browser-app package): the page already reports an unhandled rejection or a throwing timer (and error monitors such as Sentry listen for them), and there is no process to shut down, so @leakfix/runtime would add a bundle dependency and take the error away from window\'s handlers. Set "runtimeInBrowser": true (or --runtime-in-browser) to allow it.',
  'no-module-system':
    'A classic script (loaded by <script src>, served as a static file, concatenated by the build, or using window/document at top level with no module syntax): no import or require can be added, so fixes that need the runtime are left alone.',
  'ts-global-script':
    'A TypeScript file without import/export is a global script: adding an import would make it a module and other files would lose its globals.',
};

/** The GREEN pattern for a top-level promise of an entry point or script. */
export const PROCESS_LIFETIME_PATTERN = 'promise-process-lifetime';
export const PROCESS_LIFETIME_DESCRIPTION =
  "A top-level promise of an entry point or script (main(), an async IIFE): the process's own lifetime, whose failure must still fail the process.";

export interface RuntimeRefusal {
  reason: string;
  message: string;
}

/** Why a fix that needs the runtime cannot be applied in this file, or undefined when it can. */
export function runtimeRefusal(context: FileContext, options: { runtimeInLibraries: boolean; runtimeInBrowser: boolean; specifier: string }): RuntimeRefusal | undefined {
  if (context.moduleKind === 'script') {
    return { reason: 'no-module-system', message: `a classic script (${context.moduleEvidence}): ${options.specifier} cannot be imported here` };
  }
  if (context.moduleKind === 'ts-script') {
    return { reason: 'ts-global-script', message: `a TypeScript global script (no import/export): importing ${options.specifier} would make it a module` };
  }
  if (context.environment === 'browser' && !options.runtimeInBrowser) {
    return {
      reason: 'runtime-in-browser',
      message: `runs in a browser (${context.environmentEvidence}): the page reports this failure itself, ${options.specifier} would only add a bundle dependency (set runtimeInBrowser to allow)`,
    };
  }
  const pkg = context.package;
  if (pkg?.kind === 'library' && !options.runtimeInLibraries && !pkg.dependencies.includes(options.specifier) && pkg.name !== options.specifier) {
    return {
      reason: 'runtime-in-library',
      message: `${pkg.name ?? 'this package'} is a published library: ${options.specifier} would become its users' dependency (set runtimeInLibraries to allow)`,
    };
  }
  return undefined;
}

const SIGNAL_EVENTS = new Set(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGBREAK', 'SIGUSR1', 'SIGUSR2', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection']);
const LISTEN_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

function stringValue(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrapExpression(node);
  if (n.type === 'StringLiteral') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** The root identifier of a test-framework callee (`it`, `describe.each(...)`, `test.only`), or undefined. */
function testCalleeRoot(callee: Node): t.Identifier | undefined {
  let node = unwrapExpression(callee);
  while (node.type === 'CallExpression' || node.type === 'TaggedTemplateExpression') node = unwrapExpression(node.type === 'CallExpression' ? node.callee : node.tag);
  const text = memberPath(node);
  if (text === undefined || !TEST_FUNCTIONS.has(text.split('.')[0])) return undefined;
  while (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') node = unwrapExpression(node.object);
  return node.type === 'Identifier' ? node : undefined;
}

/** Reads the tree of one file to answer "is this node inside a test callback / a signal handler?". */
export class SitePolicies {
  /** Named functions registered as signal or exit handlers (`process.on('SIGTERM', stop)`). */
  private handlerFunctions: Set<Node> | undefined;

  constructor(
    private readonly index: AstIndex,
    private readonly scope: () => ScopeAnalysis,
  ) {}

  /** Whether `root` is the test framework's function (a global, or imported from a test module). */
  private isTestFunction(root: t.Identifier): boolean {
    const binding = this.scope().resolve(root);
    if (!binding) return true;
    if (binding.kind !== 'import') return false;
    const declaration = this.index.parent(binding.declaration);
    return declaration?.type === 'ImportDeclaration' && TEST_MODULES.has(declaration.source.value);
  }

  private isSignalRegistration(call: Node): boolean {
    if (call.type !== 'CallExpression') return false;
    const callee = unwrapExpression(call.callee);
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || !LISTEN_METHODS.has(callee.property.name)) return false;
    const object = unwrapExpression(callee.object);
    if (object.type !== 'Identifier' || object.name !== 'process' || this.scope().resolve(object)) return false;
    const event = stringValue(call.arguments[0] as Node | undefined);
    return event !== undefined && SIGNAL_EVENTS.has(event);
  }

  /** Functions declared in this file and registered by name as signal/exit handlers. */
  private namedHandlers(): Set<Node> {
    if (this.handlerFunctions) return this.handlerFunctions;
    const found = new Set<Node>();
    for (const call of this.index.ofType('CallExpression')) {
      if (!this.isSignalRegistration(call)) continue;
      const handler = call.arguments[1] ? unwrapExpression(call.arguments[1] as Node) : undefined;
      if (handler?.type !== 'Identifier') continue;
      const binding = this.scope().resolve(handler);
      if (!binding) continue;
      const declaration = binding.declaration;
      if (isFunction(declaration)) found.add(declaration);
      else if (declaration.type === 'VariableDeclarator' && declaration.init && isFunction(unwrapExpression(declaration.init))) found.add(unwrapExpression(declaration.init));
    }
    this.handlerFunctions = found;
    return found;
  }

  /** The policy a node falls under: `test-callback`, `signal-handler`, or undefined. */
  policyAt(node: Node): { reason: string; message: string } | undefined {
    for (const ancestor of this.index.ancestors(node)) {
      if (!isFunction(ancestor)) continue;
      if (this.namedHandlers().has(ancestor)) return { reason: 'signal-handler', message: 'inside a process signal/exit handler, which must end the process as before: left unchanged' };
      const parent = this.index.parent(ancestor);
      if (parent?.type !== 'CallExpression' || !parent.arguments.includes(ancestor as t.Expression)) continue;
      if (this.isSignalRegistration(parent)) return { reason: 'signal-handler', message: 'inside a process signal/exit handler, which must end the process as before: left unchanged' };
      const root = testCalleeRoot(parent.callee);
      if (root && this.isTestFunction(root)) {
        return { reason: 'test-callback', message: `inside a test callback (${memberPath(root) ?? 'test'}()): the test runner owns this code's lifetime, left unchanged` };
      }
    }
    return undefined;
  }

  /** Fixable sites under a policy become refusals with its reason (same pattern and grade). */
  apply(sites: Site[]): Site[] {
    return sites.map((site) => {
      if (site.status !== 'fixable') return site;
      const policy = this.policyAt(site.node);
      if (!policy) return site;
      return refused(site.rule, site.node, site.grade, policy.reason, `${site.message} (${policy.message})`);
    });
  }
}

/** True for a statement at the top level of an entry point or script (not inside any function). */
export function isProcessLifetime(context: FileContext, index: AstIndex, node: Node): boolean {
  if (!isProgramRole(context.role)) return false;
  for (const ancestor of index.ancestors(node)) if (isFunction(ancestor) || ancestor.type === 'ClassBody') return false;
  return true;
}
