// The part of node:test's types the typed fixtures need: test() returns a promise, as in @types/node.
declare module 'node:test' {
  export function test(name: string, fn: () => Promise<void>): Promise<void>;
  export function describe(name: string, fn: () => void): Promise<void>;
}
