import * as path from 'node:path';

/** The repository root, whether tests run from `dist/__tests__` or from source. */
export const REPO_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
export const FIXTURES = path.join(REPO_ROOT, '__testfixtures__');
export const CLI = path.join(REPO_ROOT, 'dist', 'bin', 'leakfix.js');
