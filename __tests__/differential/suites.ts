/**
 * The transforms the differential tester knows, with their generator, oracle and world: one
 * place for `npm test` (a fixed seed set) and `npm run differential -- --transform <name>`.
 */
import { rule as breakToReturn } from '../../transforms/break-to-return';
import { rule as cleanupToFinally } from '../../transforms/cleanup-to-finally';
import { generateFunctions } from './generate';
import type { DifferentialOptions } from './harness';
import { ENDLESS_SUBSCRIPTION, generateLoopFunctions } from './loop-generate';
import { breakToReturnOracle } from './loop-oracle';
import { LoopWorld } from './loop-world';

export type Suite = Omit<DifferentialOptions, 'seeds'>;

export const DIFFERENTIAL_SUITES: Record<string, (perFile: number) => Suite> = {
  'cleanup-to-finally': (perFile) => ({ rule: cleanupToFinally, generate: (seed) => generateFunctions(seed, perFile) }),
  'break-to-return': (perFile) => ({
    rule: breakToReturn,
    generate: (seed) => generateLoopFunctions(seed, perFile),
    // The world's subscription never ends by itself, like `events.on`: the transform is told so.
    ruleOptions: { endlessIterables: [...(breakToReturn.meta.options.endlessIterables.default as string[]), ENDLESS_SUBSCRIPTION] },
    oracle: breakToReturnOracle,
    world: (failAt, choices) => new LoopWorld(failAt, choices),
  }),
};
