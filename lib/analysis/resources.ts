/**
 * What counts as a resource's cleanup and as an owner's disposal point. One list for every
 * transform and for audit; each rule exposes the parts its users may change as options.
 */
import type * as t from '@babel/types';
import { calleePath, isCall, unwrapExpression, type Node } from './ast';

/** Global functions that release a timer handle passed as their first argument. */
export const TIMER_CLEARS: Readonly<Record<string, string>> = {
  setInterval: 'clearInterval',
  setTimeout: 'clearTimeout',
  setImmediate: 'clearImmediate',
};

/** `r.<method>()` calls that release `r`. `end` is deliberately absent (graceful, questionable on error paths). */
export const DEFAULT_CLEANUP_METHODS: readonly string[] = [
  'release',
  'close',
  'destroy',
  'dispose',
  'abort',
  'unsubscribe',
  'disconnect',
  'stop',
];

/** Methods of a class that end its instances' life; intervals owned by the instance are cleared there. */
export const DEFAULT_DISPOSAL_METHODS: readonly string[] = [
  'close',
  'stop',
  'dispose',
  'destroy',
  'shutdown',
  'disconnect',
  'componentWillUnmount',
  'Symbol.dispose',
  'Symbol.asyncDispose',
];

/** Names of the global object, through which globals are also called: `window.setInterval`, `globalThis.fetch`. */
export const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['window', 'globalThis', 'global', 'self']);

/**
 * The timer function a call creates, when the callee is the global one: `setInterval(...)`,
 * `window.setInterval(...)`, `globalThis.setTimeout(...)`. `isGlobal(name, node)` must say whether
 * a name is unshadowed at the call.
 */
export function globalTimerCall(
  node: Node,
  isGlobal: (name: string, at: Node) => boolean,
): { kind: 'setInterval' | 'setTimeout' | 'setImmediate'; call: t.CallExpression } | undefined {
  const n = unwrapExpression(node);
  if (n.type !== 'CallExpression') return undefined;
  const path = calleePath(n);
  if (!path) return undefined;
  const parts = path.split('.');
  const name = parts[parts.length - 1];
  if (name !== 'setInterval' && name !== 'setTimeout' && name !== 'setImmediate') return undefined;
  if (parts.length === 1) return isGlobal(name, n.callee) ? { kind: name, call: n } : undefined;
  if (parts.length === 2 && GLOBAL_OBJECTS.has(parts[0])) {
    const object = (n.callee as t.MemberExpression).object;
    return isGlobal(parts[0], object) ? { kind: name, call: n } : undefined;
  }
  return undefined;
}

/** True when the call looks like any recognised disposal (`clearInterval(x)`, `x.close()`, `sub.unsubscribe()`). */
export function isDisposalCall(node: Node, methods: readonly string[]): boolean {
  const n = unwrapExpression(node);
  if (!isCall(n)) return false;
  const path = calleePath(n);
  if (!path) return false;
  const last = path.split('.').pop()!;
  if (Object.values(TIMER_CLEARS).includes(path)) return true;
  return path.includes('.') && methods.includes(last);
}
