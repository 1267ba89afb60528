import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { RewardResult, Sample } from '../../core/types.js';
import {
  contiguousChunks,
  DEFAULT_EVAL_OPTIONS,
  type EvalOptions,
  reportOf,
  scoreCases,
  usesGroupReward,
} from '../../eval/evaluate.js';
import { FORMATS, loadCases } from '../../eval/formats.js';
import { abortOnDisconnect } from '../disconnect.js';
import { HttpError } from '../http-error.js';
import { parseBody, runOf } from '../request.js';
import type { ScoringService } from '../service.js';

/** Samples per call into the scoring service. */
const EVAL_CHUNK = 1024;

/**
 * Bootstrap work the route may do, in case-resamples: the intervals are computed on the thread that
 * serves HTTP (a few hundred ms at this size), so a body of 20 000 one-row subsets with 10 000 rounds
 * cannot hold `/health` for a minute. Each subset costs as much as `SUBSET_COST` cases (sorting its
 * resampled figures). Without `bootstrap` in the body the rounds are lowered to fit; asked for, a
 * larger product is a 400 naming it.
 */
export const EVAL_BOOTSTRAP_BUDGET = 5_000_000;
const SUBSET_COST = 16;

/** The bootstrap rounds for `cases` cases in `subsets` subsets (see EVAL_BOOTSTRAP_BUDGET). */
function boundedRounds(asked: number | undefined, cases: number, subsets: number): number {
  const unit = cases + SUBSET_COST * subsets;
  if (asked === undefined)
    return Math.min(DEFAULT_EVAL_OPTIONS.rounds, Math.floor(EVAL_BOOTSTRAP_BUDGET / unit));
  if (asked * unit > EVAL_BOOTSTRAP_BUDGET)
    throw new HttpError(
      400,
      `bootstrap: ${asked} rounds over ${cases} cases in ${subsets} subsets is more than this route computes ` +
        `(rounds × (cases + ${SUBSET_COST} × subsets) ≤ ${EVAL_BOOTSTRAP_BUDGET}); ask for at most ` +
        `${Math.floor(EVAL_BOOTSTRAP_BUDGET / unit)}, or run \`assay eval\` on the file`,
    );
  return asked;
}

const evalBody = z
  .object({
    spec: z.string().min(1).optional(),
    /** Rows of a benchmark file as published (see src/eval/formats.ts); the format is detected unless named. */
    rows: z.array(z.unknown()).min(1),
    format: z.enum(FORMATS).optional(),
    threshold: z.number().optional(),
    seed: z.number().int().nonnegative().optional(),
    /** Bootstrap resamples for the 95% intervals (0: none). */
    bootstrap: z.number().int().min(0).max(10_000).optional(),
    /** Cases whose prompts the built-in master keys are tried with (0: not measured). */
    masterKeys: z.number().int().min(0).max(100).optional(),
    bothOrders: z.boolean().optional(),
    run: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * `POST /v1/eval`: a loaded spec evaluated on benchmark rows sent in the body, scored through the same
 * service as `/v1/score` (bounded queue, cache, run store). Answers the report `assay eval --json` prints,
 * plus the rows that could not be read.
 */
export const evalRoutes: FastifyPluginAsync<{ service: ScoringService }> = async (app, { service }) => {
  app.post('/v1/eval', async (req, reply) => {
    const body = parseBody(evalBody, req.body);
    const { scorer } = service.scorerFor(body.spec);
    let loaded: ReturnType<typeof loadCases>;
    try {
      loaded = loadCases(body.rows, body.format);
    } catch (err) {
      throw new HttpError(400, `rows: ${(err as Error).message}`);
    }
    if (loaded.cases.length === 0)
      throw new HttpError(400, `rows: no usable row (${loaded.problems[0]?.message ?? 'empty'})`);
    const subsets = new Set(loaded.cases.map((c) => c.subset)).size;
    const rounds = boundedRounds(body.bootstrap, loaded.cases.length, subsets);
    const pairwise = usesGroupReward(scorer.spec.rawReward);
    const opts: EvalOptions = {
      ...DEFAULT_EVAL_OPTIONS,
      pairwise,
      bothOrders: body.bothOrders ?? pairwise,
      ...(body.threshold !== undefined && { threshold: body.threshold }),
      ...(body.seed !== undefined && { seed: body.seed }),
      rounds,
      ...(body.masterKeys !== undefined && { masterKeyPrompts: body.masterKeys }),
    };
    const signal = abortOnDisconnect(reply);
    // Recorded apart from the training run the server was started for, unless the request names one.
    const runId = runOf(req, body.run) ?? `eval:${scorer.spec.name}`;
    // Chunk by chunk, so a large evaluation takes its turn in the bounded queue instead of filling it.
    const score = async (samples: Sample[]) => {
      const out: RewardResult[] = [];
      for (const chunk of contiguousChunks(samples, EVAL_CHUNK))
        out.push(
          ...(await service.scoreResults({
            spec: body.spec,
            samples: chunk,
            route: 'eval',
            run: runId,
            signal,
          })),
        );
      return out;
    };
    const run = await scoreCases(loaded.cases, score, opts);
    const kind = loaded.cases[0]!.kind;
    return {
      ...reportOf(loaded.format, kind, scorer.spec.name, run, opts),
      bootstrap: rounds,
      rows: body.rows.length,
      problems: loaded.problems.map((p) => ({ row: p.row, message: p.message })),
    };
  });
};
