/**
 * Types that public declarations use in place of host globals, so the .d.ts files type-check in a
 * project without the DOM lib, without @types/node, and without `esnext.disposable` (no
 * `/// <reference lib>` is emitted): each resolves to the host's own type when the consumer's
 * compilation has it, else to the members the runtime needs.
 */

/** What the runtime calls on an AbortSignal (a DOM or Node AbortSignal has all of it). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: any;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The host's AbortSignal type (DOM lib or @types/node) when the consumer has one, else AbortSignalLike. */
export type HostAbortSignal = typeof globalThis extends { AbortSignal: { prototype: infer Signal } } ? Signal : AbortSignalLike;

/** `typeof Symbol.asyncDispose` where the consumer's lib declares it (TS >= 5.2 with esnext.disposable, or @types/node), else never. */
export type AsyncDisposeSymbol = SymbolConstructor extends { readonly asyncDispose: infer Key } ? Key : never;

/** `[Symbol.asyncDispose](): Promise<void>` when the consumer's lib knows the symbol, else nothing. */
export type AsyncDisposable = { [Key in AsyncDisposeSymbol & symbol]: () => Promise<void> };
