// Reached only through the `paths` alias of tsconfig.app.json, which the solution tsconfig references.
export async function reindex(): Promise<void> {}
