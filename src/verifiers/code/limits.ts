import type { LimitSource, Suite } from './reference.js';

/**
 * `dataset`: a row's own time limit, or its dataset's harness convention (see DATASET_TIME_LIMIT_MS),
 * times `time_limit_scale`, is the per-test limit; `fixed`: the reward's `cpu_ms` / `test_timeout_ms`
 * always are.
 */
export type TimeLimitPolicy = 'dataset' | 'fixed';

/** The reward args that decide time limits (see reward.ts for each). */
export interface TimeLimitArgs {
  cpu_ms: number;
  test_timeout_ms: number;
  time_limit_scale: number;
  time_limits: TimeLimitPolicy;
}

/** Time limits of one sample's runs, all CPU time in ms. */
export interface AppliedLimits {
  /** Of one program run: one stdio test, or the whole harness run of a function-style suite. */
  cpuMs: number;
  /** Of one function-style test inside the harness. */
  testTimeoutMs: number;
  /** The limit one test gets (cpuMs for stdio, testTimeoutMs otherwise), shown in `detail`. */
  perTestMs: number;
  /** `args`: the reward's own cpu_ms / test_timeout_ms (no dataset limit, or `fixed`). */
  source: LimitSource | 'args';
}

/**
 * Room beyond per-test × tests in the whole harness run of a call suite, for starting the program and
 * the harness. LiveCodeBench's harness bounds a whole problem the same way ((per-test + 1 s) × tests +
 * 5 s); ours is tighter because per-test limits here are CPU time, which idling never spends.
 */
const HARNESS_MARGIN_MS = 1000;

/**
 * The limits a suite's runs get. Under a dataset limit a call suite's whole run may use what the
 * dataset allows all its tests together, never less than `cpu_ms`: many quick tests then never add up
 * to a kill that no single test deserved. The reward's deadline still caps every run.
 */
export function appliedLimits(suite: Suite, a: TimeLimitArgs): AppliedLimits {
  const own = suite.kind === 'stdio' || suite.kind === 'calls' ? suite.limits : undefined;
  if (a.time_limits === 'fixed' || own?.timeMs === undefined) {
    const perTestMs = suite.kind === 'stdio' ? a.cpu_ms : a.test_timeout_ms;
    return { cpuMs: a.cpu_ms, testTimeoutMs: a.test_timeout_ms, perTestMs, source: 'args' };
  }
  const perTestMs = Math.ceil(own.timeMs * a.time_limit_scale);
  const source = own.source ?? 'row';
  if (suite.kind === 'stdio')
    return { cpuMs: perTestMs, testTimeoutMs: a.test_timeout_ms, perTestMs, source };
  const whole = perTestMs * (suite.kind === 'calls' ? suite.count : 1) + HARNESS_MARGIN_MS;
  return { cpuMs: Math.max(a.cpu_ms, whole), testTimeoutMs: perTestMs, perTestMs, source };
}
