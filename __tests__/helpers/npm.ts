/**
 * Running npm from a test as a user's shell would. `npm test` exports npm_* variables
 * (npm_config_local_prefix, npm_package_*, ...) that would point a nested npm at this repository;
 * only the settings that say where packages come from are kept.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

const KEEP = /^npm_config_(cache|registry|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|prefer_offline|offline)$/i;

export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !KEEP.test(key)) continue;
    if (key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key === 'NODE_PATH') continue;
    env[key] = value;
  }
  return {
    ...env,
    NO_COLOR: '1',
    CI: '1',
    NO_UPDATE_NOTIFIER: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

/** Runs a command with userEnv() and returns its output as text. */
export function sh(command: string, args: string[], cwd: string, timeoutMs = 240_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
}
