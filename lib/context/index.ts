/**
 * Where each file runs, answered once for every transform and report: see ./types for the
 * FileContext object, ./classify for the pure decision, ./resolver for the cached I/O and
 * ./policies for what the context changes (skipped tests, refused runtime fixes, ...).
 */
export * from './types';
export { classifyFile, isProgramRole, isTestPath, isTestRole, roleFromPath } from './classify';
export { ContextResolver, packageFacts } from './resolver';
