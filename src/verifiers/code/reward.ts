import { z } from 'zod';
import { failed, ok, timedOut } from '../../core/result.js';
import type { AsyncReward, GroupReward, RewardEnv } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import type { Outcome, RewardContext, Sample } from '../../core/types.js';
import { getSandbox } from '../../sandbox/index.js';
import { findProfile, languageNames } from '../../sandbox/profiles.js';
import { extractProgram } from './extract.js';
import { appliedLimits } from './limits.js';
import { parseReference } from './reference.js';
import { runSuite, type SuiteRun, type TestOutcome } from './run-suite.js';
import { verpoWeights, weightedScore } from './verpo.js';

const language = z.string().refine((l) => findProfile(l) !== undefined, {
  message: `unknown language (known: ${languageNames().join(', ')})`,
});

const common = {
  /** Language of the program (function-style tests, HumanEval/MBPP/call-based, are Python). */
  language: language.default('python'),
  /** `auto`: last fenced block of the language, else the whole response; `fence`: a block is required. */
  extract: z.enum(['auto', 'fence', 'whole']).default('auto'),
  /**
   * CPU time of one stdin/stdout test (one program run), the limit that decides `timeout`: CPU time
   * does not depend on what else runs on the machine, so the reward stays deterministic under load.
   * Under `time_limits: dataset` a row's limit times `time_limit_scale` replaces it; it is also the
   * least CPU time the whole harness run of a function-style suite gets.
   */
  cpu_ms: z.number().int().positive().default(10_000),
  /** Wall-clock backstop of one run; by default 3 × the CPU limit + 1 s (a waiting program uses no CPU). */
  wall_ms: z.number().int().positive().optional(),
  memory_mb: z.number().int().positive().default(512),
  /**
   * Multiplies a dataset's per-test time limit (`time_limits: dataset`); not `cpu_ms` or
   * `test_timeout_ms`. Contest limits are set for C++: Python solutions may need more.
   */
  time_limit_scale: z.number().positive().default(1),
  /**
   * Per-test time limit. `dataset`: the row's own (CodeContests `time_limit`), else its dataset
   * harness's (APPS and TACO 4 s, the larger of that and a TACO row's own; LiveCodeBench 6 s), times
   * `time_limit_scale`, as CPU time; rows of no dataset (HumanEval, MBPP, {tests} without time_limit,
   * bare {inputs, outputs}) keep `cpu_ms` / `test_timeout_ms`. `fixed`: always `cpu_ms` for a stdio
   * test and `test_timeout_ms` for a function-style one. `detail.time_limit_ms` and
   * `detail.time_limit_source` (row | convention | args) say which applied.
   */
  time_limits: z.enum(['dataset', 'fixed']).default('dataset'),
  /** CPU time of one function-style test: a hung test fails and the others still run. */
  test_timeout_ms: z.number().int().positive().default(3000),
  /**
   * Tolerance for numbers written as floats in outputs (absolute or relative); a reference's
   * float_tolerance wins. With compare `tokens`, 0 means the usual judge epsilon, 1e-6.
   */
  float_tolerance: z.number().min(0).default(0),
  /** Output comparison: `tokens` (whitespace-insensitive, as judges' default checkers) or `strict` (lines). */
  compare: z.enum(['tokens', 'strict']).default('tokens'),
  /** Stdio tests of one sample run (or wait for a sandbox slot) at once, in either `mode`. */
  parallel: z.number().int().positive().default(2),
  /** Failed tests listed in `detail`. */
  max_failures_shown: z.number().int().min(0).default(5),
};

const codeArgs = z
  .object({
    ...common,
    /** `all`: 1 iff every test passes (stops at the first failure); `fraction`: weighted share passed. */
    mode: z.enum(['all', 'fraction']).default('all'),
  })
  .strict();

const weightedArgs = z
  .object({
    ...common,
    /** Weight kept by a test every rollout passes (see verpo.ts). */
    floor: z.number().min(0).default(0.1),
  })
  .strict();

type CommonArgs = z.infer<typeof weightedArgs> | z.infer<typeof codeArgs>;

type Graded =
  | { kind: 'graded'; outcomes: TestOutcome[]; base: Record<string, unknown> }
  | { kind: 'final'; outcome: Outcome };

/** Extract, parse the tests, run them: everything but the scoring, shared by both rewards. */
async function grade(
  env: RewardEnv,
  a: CommonArgs,
  sample: Sample,
  ctx: RewardContext,
  stopFirst: boolean,
): Promise<Graded> {
  const parsed = parseReference(sample.reference, a.float_tolerance);
  if (!parsed.ok) return { kind: 'final', outcome: failed(`invalid reference: ${parsed.error}`) };
  const suite = parsed.suite;
  const lang = suite.kind === 'stdio' ? a.language : 'python';
  if (suite.kind !== 'stdio' && findProfile(a.language)?.name !== 'python') {
    return {
      kind: 'final',
      outcome: failed(`${suite.kind} tests run Python programs; language is ${a.language}`),
    };
  }
  const program = extractProgram(responseText(sample), lang, a.extract);
  if (!program)
    return {
      kind: 'final',
      outcome: ok(0, `no ${lang} program found in the response`, { program_found: false }),
    };
  const time = appliedLimits(suite, a);
  const ownMemoryMb = suite.kind === 'stdio' || suite.kind === 'calls' ? suite.limits?.memoryMb : undefined;
  const run: SuiteRun = await runSuite(getSandbox(env), suite, program.code, {
    language: lang,
    stopFirst,
    compare: a.compare,
    limits: {
      cpuMs: time.cpuMs,
      wallMs: a.wall_ms ?? time.cpuMs * 3 + 1000,
      memoryMb: Math.max(a.memory_mb, ownMemoryMb ?? 0),
    },
    testTimeoutMs: time.testTimeoutMs,
    parallel: a.parallel,
    deadline: ctx.deadline,
    signal: ctx.signal,
  });
  if (!run.ok) return { kind: 'final', outcome: run.timeout ? timedOut(run.error) : failed(run.error) };
  const base: Record<string, unknown> = {
    language: lang,
    format: suite.kind,
    extracted_from: program.from,
    time_limit_ms: time.perTestMs,
    time_limit_source: time.source,
  };
  if (run.compile)
    base.compile = { status: run.compile.status, cached: run.compile.cached, ms: run.compile.wallMs };
  return { kind: 'graded', outcomes: run.outcomes, base };
}

function describe(
  outcomes: TestOutcome[],
  base: Record<string, unknown>,
  maxShown: number,
): { reason: string; detail: Record<string, unknown> } {
  const passed = outcomes.filter((o) => o.status === 'pass').length;
  const failures = outcomes.filter((o) => o.status !== 'pass' && o.status !== 'not_run');
  const first = failures[0];
  const reason =
    failures.length === 0
      ? `${passed}/${outcomes.length} tests passed`
      : `${passed}/${outcomes.length} tests passed; test ${first!.index}: ${first!.status}${first!.message ? ` (${first!.message})` : ''}`;
  const detail = {
    ...base,
    passed,
    total: outcomes.length,
    failed: failures.slice(0, maxShown).map(({ weight: _w, ...o }) => o),
    ...(outcomes.some((o) => o.status === 'not_run') && {
      not_run: outcomes.filter((o) => o.status === 'not_run').length,
    }),
  };
  return { reason: reason.length > 300 ? `${reason.slice(0, 300)}…` : reason, detail };
}

export const code: AsyncReward<z.infer<typeof codeArgs>> = {
  name: 'code',
  mode: 'async',
  deterministic: true,
  description:
    'runs the program in the response against the tests in `reference` (HumanEval, MBPP, APPS/TACO, LiveCodeBench or {tests}) in the sandbox; mode all | fraction',
  args: codeArgs,
  create(a, env) {
    return async (sample, ctx) => {
      const g = await grade(env, a, sample, ctx, a.mode === 'all');
      if (g.kind === 'final') return g.outcome;
      const { reason, detail } = describe(g.outcomes, g.base, a.max_failures_shown);
      const passed = g.outcomes.map((o) => o.status === 'pass');
      const score =
        a.mode === 'all'
          ? Number(passed.every(Boolean))
          : weightedScore(
              passed,
              g.outcomes.map((o) => o.weight),
            );
      return ok(score, reason, detail);
    };
  },
};

export const codeWeighted: GroupReward<z.infer<typeof weightedArgs>> = {
  name: 'code.weighted',
  mode: 'group',
  deterministic: true,
  description:
    'like `code` with mode fraction, but over the rollouts of a group a test weighs more the fewer rollouts pass it (VeRPO)',
  args: weightedArgs,
  create(a, env) {
    return async (samples, ctx) => {
      const graded = await Promise.all(samples.map((s) => grade(env, a, s, ctx, false)));
      // Pass rates are taken among rollouts that share a reference (normally the whole group).
      const byRef = new Map<string, number[]>();
      samples.forEach((s, i) => {
        const key = JSON.stringify(s.reference ?? null);
        byRef.set(key, [...(byRef.get(key) ?? []), i]);
      });
      const out: Outcome[] = new Array(samples.length);
      for (const members of byRef.values()) {
        const rows = members.flatMap((i) => {
          const g = graded[i]!;
          return g.kind === 'graded' ? [g.outcomes.map((o) => o.status === 'pass')] : [];
        });
        // A rollout with no program still counts as having passed nothing.
        const withMissing = [
          ...rows,
          ...members.filter((i) => isNoProgram(graded[i]!)).map(() => [] as boolean[]),
        ];
        const sizes = members.map((i) => graded[i]!).find((g) => g.kind === 'graded');
        const baseWeights = sizes?.kind === 'graded' ? sizes.outcomes.map((o) => o.weight) : [];
        const weights = verpoWeights(withMissing, baseWeights, a.floor);
        for (const i of members) {
          const g = graded[i]!;
          if (g.kind === 'final') {
            out[i] = g.outcome;
            continue;
          }
          const { reason, detail } = describe(g.outcomes, g.base, a.max_failures_shown);
          const passed = g.outcomes.map((o) => o.status === 'pass');
          out[i] = ok(weightedScore(passed, weights), reason, {
            ...detail,
            weights: weights.map((w) => Math.round(w * 1000) / 1000),
          });
        }
      }
      return out;
    };
  },
};

const isNoProgram = (g: Graded): boolean => g.kind === 'final' && g.outcome.detail?.program_found === false;
