/**
 * The few host globals the runtime's own code uses, declared here instead of through the DOM lib or
 * @types/node. This file is only part of the runtime's compilation: no emitted .d.ts refers to it,
 * so consumers never see these declarations (public types use the *Like interfaces of types.ts).
 */
interface RuntimeAbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

declare var AbortController: {
  new (): { readonly signal: RuntimeAbortSignal; abort(reason?: unknown): void };
};

declare var console: {
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};

declare function queueMicrotask(callback: () => void): void;

/** Read literally as `process.env.NODE_ENV` so bundlers can replace it (see creation-site.ts). */
declare var process: { env: Record<string, string | undefined> };

/** Only the vitest opt-in entry imports vitest (it runs inside vitest); typed here, not from vitest. */
declare module 'vitest' {
  export function beforeEach(hook: (...args: any[]) => unknown): void;
  export function afterEach(hook: (...args: any[]) => unknown): void;
  export const expect: { getState(): { currentTestName?: string } };
}

declare module 'node:test' {
  export function beforeEach(hook: (...args: any[]) => unknown): void;
  export function afterEach(hook: (...args: any[]) => unknown): void;
}
