/**
 * The path-sensitive trace of one resource through the region after its acquisition, for
 * cleanup-to-finally: on each way out (return, throw, break/continue, the end), is the resource
 * released, by which cleanup, and did anything happen after the release that a finally would
 * reorder (a use of the resource, an await, code that could observe the release)?
 *
 * The transform moves the cleanup only when every normal exit is released with nothing after it;
 * the trace's `taint` says what stands in the way. Cleanups of enclosing resources that move into
 * outer finally blocks in the same run (`later`) keep their order and so do not count, and a
 * returned disposer (`releasing`) counts as the release on its path.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import type { Node } from './ast';
import { IDEMPOTENT_CLEANUPS, idempotentClearCall, type AnalysisContext, type CleanupConfig, type CleanupStatement } from './cleanup-calls';
import { canThrow, isWithin, traceRegion, type FlowDomain, type RegionExit } from './control-flow';
import { cannotObserveRelease, containsAwait } from './release-observers';

export interface ResourceState {
  released: boolean;
  signature: string;
  /** What happened after the release: a use of the resource, an await/yield, code that could observe it, or '' (nothing). */
  taint: '' | 'use' | 'await' | 'effect';
  at?: Node;
}

export interface ResourceTrace {
  exits: Array<RegionExit<ResourceState>>;
  /** Statements the tracer does not model (`with`, a loop that does not settle). */
  unsupported: Node[];
}

/**
 * `references`: the resource's identifiers. `releasing`: returned values that hand the release to
 * the caller (disposers); returning one counts as the cleanup on that path. `later`: cleanup
 * statements of enclosing resources that move to an outer finally, taken as inert.
 */
export function traceResource(
  ctx: AnalysisContext,
  config: CleanupConfig,
  region: readonly t.Statement[],
  cleanups: readonly CleanupStatement[],
  references: readonly Node[],
  releasing: ReadonlySet<Node> = new Set(),
  later: ReadonlySet<Node> = new Set(),
): ResourceTrace {
  const byStatement = new Map<Node, CleanupStatement>(cleanups.map((c) => [c.statement, c]));
  const touches = (node: Node): boolean => references.some((r) => isWithin(r, node));
  const safeCall = idempotentClearCall(ctx, config);
  const taint = (state: ResourceState, taintKind: ResourceState['taint'], at: Node): ResourceState =>
    state.released && state.taint === '' ? { ...state, taint: taintKind, at } : state;
  // Clearing a timer is seen only by the event loop: code that does not await cannot tell it moved.
  const observable = cleanups.some((c) => !IDEMPOTENT_CLEANUPS.has(c.kind));
  const domain: FlowDomain<ResourceState> = {
    key: (s) => `${s.released ? 1 : 0}|${s.signature}|${s.taint}`,
    statement(state, statement) {
      if (later.has(statement)) return state;
      const cleanup = byStatement.get(statement);
      if (!cleanup) return undefined;
      if (!state.released) return { released: true, signature: cleanup.signature, taint: '' };
      // A second clear of a timer is harmless; a second release/close is a use after cleanup.
      if (IDEMPOTENT_CLEANUPS.has(cleanup.kind) && state.signature === cleanup.signature) return state;
      return taint(state, 'use', statement);
    },
    evaluate(state, node) {
      if (!state.released && releasing.has(node)) return { released: true, signature: 'disposer', taint: '' };
      if (!state.released || state.taint !== '') return state;
      if (touches(node)) return taint(state, 'use', node);
      if (containsAwait(node)) return taint(state, 'await', node);
      if (observable && !cannotObserveRelease(ctx, node)) return taint(state, 'effect', node);
      return state;
    },
    iterate(state, loop) {
      if (loop.type === 'ForOfStatement' && loop.await) return taint(state, 'await', loop);
      return observable && loop.type === 'ForOfStatement' ? taint(state, 'effect', loop) : state;
    },
    // A cleanup that throws is taken as not having failed half-way: both versions run it once.
    mayThrow: (node) => !byStatement.has(node) && !later.has(node) && canThrow(node, { safeCall }),
  };
  return traceRegion(region, { released: false, signature: '', taint: '' }, domain);
}

/** The first exit on which something happened after the release (see `ResourceState.taint`). */
export function releasedTooEarly(trace: ResourceTrace): RegionExit<ResourceState> | undefined {
  return trace.exits.find((e) => e.state.released && e.state.taint !== '');
}
