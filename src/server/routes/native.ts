import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { scoreUnderPolicy } from '../../core/on-error.js';
import { listRewards } from '../../core/registry.js';
import type { OnErrorPolicy, RewardResult, Sample } from '../../core/types.js';
import { computeAdvantages, diagnose, groupRecords, OUTCOME_METHODS } from '../../credit/advantages.js';
import { abortOnDisconnect } from '../disconnect.js';
import { HttpError } from '../http-error.js';
import { failedCount } from '../metrics.js';
import {
  checkSamples,
  inRequestOrder,
  parseBody,
  policyOf,
  readScoreBody,
  runOf,
  scoreResponse,
  scoringFields,
  stepOf,
  underPolicy,
} from '../request.js';
import type { ScoringService } from '../service.js';

const groupsBody = z
  .object({
    ...scoringFields,
    /** Advantage method (src/credit); without it only the statistics are returned. */
    method: z.enum(OUTCOME_METHODS).optional(),
    passThreshold: z.number().optional(),
    std: z.enum(['sample', 'population']).optional(),
    epsilon: z.number().nonnegative().optional(),
    positiveScale: z.number().optional(),
    negativeScale: z.number().optional(),
    positiveWeight: z.number().optional(),
    negativeWeight: z.number().optional(),
    lengthWeight: z.number().optional(),
  })
  .strict();
type GroupsBody = z.infer<typeof groupsBody>;
const ADVANTAGE_OPTIONS = [
  'passThreshold',
  'std',
  'epsilon',
  'positiveScale',
  'negativeScale',
  'positiveWeight',
  'negativeWeight',
  'lengthWeight',
] as const;

/** The native API: `/v1/score`, `/v1/groups`, `/v1/specs`. */
export const nativeRoutes: FastifyPluginAsync<{ service: ScoringService }> = async (app, { service }) => {
  // `/v1/score` takes its body as text: for a CPU spec the workers parse it (src/server/offload), so this
  // thread never builds the samples; any other body is parsed here as fastify would have.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) =>
      done(null, text),
    );
    scope.post('/v1/score', async (req, reply) => {
      const text = req.body as string;
      const headers = { step: req.headers['x-assay-step'], run: req.headers['x-assay-run'] };
      const inWorkers = await service.scoreBody(text, headers, (m) => req.log.warn(m));
      if (inWorkers !== undefined) return reply.type('application/json; charset=utf-8').send(inWorkers);
      const read = readScoreBody(text, headers, (name) => service.scorerFor(name));
      const spec = service.scorerFor(read.spec).scorer.spec.name;
      const results = await service.score({
        spec,
        samples: read.checked.valid.map((v) => v.sample),
        step: read.step,
        timeoutMs: read.timeoutMs,
        run: read.run,
        route: 'score',
        signal: abortOnDisconnect(reply),
      });
      service.noteScoredFailures(
        'score',
        spec,
        read.policy,
        failedCount(results.status) + read.checked.invalid.length,
        (m) => req.log.warn(m),
      );
      // The results arrive as JSON text from the workers: the response is joined, not serialized again.
      return reply.type('application/json; charset=utf-8').send(
        scoreResponse(
          spec,
          read.checked.valid.map((v) => v.index),
          read.checked.invalid,
          results,
          read.policy,
          read.total,
        ),
      );
    });
  });

  app.post('/v1/groups', async (req, reply) => {
    const body = parseBody(groupsBody, req.body);
    const policy = policyOf(body.onError);
    const spec = service.scorerFor(body.spec).scorer.spec.name;
    const checked = checkSamples(body.samples, (s, i) =>
      s.group === undefined ? `samples[${i}].group: required by /v1/groups` : undefined,
    );
    const samples = checked.valid.map((v) => v.sample);
    const results = await service.scoreResults({
      spec,
      samples,
      step: stepOf(req, body.step),
      timeoutMs: body.timeoutMs,
      run: runOf(req, body.run),
      route: 'groups',
      signal: abortOnDisconnect(reply),
    });
    const ordered = inRequestOrder(checked, results, body.samples.length);
    service.noteScoredFailures(
      'groups',
      spec,
      policy,
      ordered.filter((r) => r.status === 'error' || r.status === 'timeout').length,
      (m) => req.log.warn(m),
    );
    return {
      spec,
      results: ordered.map((r) => underPolicy(r, policy)),
      ...groupCredit(
        checked.valid.map((v) => v.index),
        samples,
        results,
        policy,
        body,
        body.samples.length,
      ),
      ...(checked.invalid.length > 0 && { invalid: checked.invalid }),
    };
  });

  app.get('/v1/specs', async () => ({
    default: service.defaultSpec,
    specs: [...service.specs.values()].map(({ scorer, cacheKey, components }) => ({
      name: scorer.spec.name,
      ...(scorer.spec.description !== undefined && { description: scorer.spec.description }),
      timeoutMs: scorer.spec.timeoutMs,
      seed: scorer.spec.seed,
      cached: cacheKey !== undefined,
      reward: scorer.spec.rawReward,
      /** The component names every result of this spec reports (what trainers' adapters log). */
      components,
    })),
    rewards: listRewards().map((r) => ({
      name: r.name,
      mode: r.mode,
      description: r.description,
      deterministic: r.deterministic === true,
      args: argsSchema(r.args),
    })),
  }));
};

/** The JSON Schema of a reward's arguments, or null where zod cannot express it (custom checks). */
function argsSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
  } catch {
    return null;
  }
}

/**
 * Group statistics as trainers, JSONL files and the CLI name them (`pass_rate`, `zero_variance`): the
 * one place the route turns credit's field names into the project's JSON convention.
 */
function snakeCase<T extends { passRate: number | null; zeroVariance: boolean }>(g: T) {
  const { passRate, zeroVariance, ...rest } = g;
  return { ...rest, pass_rate: passRate, zero_variance: zeroVariance };
}

/**
 * Per-group statistics and, when a method is named, advantages (src/credit). Scores enter under the
 * request's onError policy: a failure is left out (advantage null) unless the caller mapped it to a number.
 */
function groupCredit(
  indices: number[],
  samples: Sample[],
  results: RewardResult[],
  policy: OnErrorPolicy,
  body: GroupsBody,
  total: number,
) {
  const { method } = body;
  // Only the options given: credit's defaults must not be overwritten by undefined.
  const options = Object.fromEntries(
    ADVANTAGE_OPTIONS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]),
  );
  const groups = groupRecords(samples, (s) => s.group).map(({ id, members }) => ({
    id,
    members,
    scores: members.map((i) => scoreUnderPolicy(results[i]!, policy) ?? null),
    lengths: members.map((i) => {
      const length = samples[i]!.meta?.length;
      return typeof length === 'number' ? length : null;
    }),
  }));
  if (method === undefined) {
    return {
      groups: groups.map((g) => ({
        ...snakeCase(diagnose(g, options)),
        members: g.members.map((i) => indices[i]!),
      })),
    };
  }
  let credit: ReturnType<typeof computeAdvantages>;
  try {
    credit = computeAdvantages(groups, method, options);
  } catch (err) {
    throw new HttpError(400, `method: ${(err as Error).message}`);
  }
  const advantages: (number | null)[] = new Array(total).fill(null);
  credit.groups.forEach((g, k) => {
    groups[k]!.members.forEach((i, j) => {
      advantages[indices[i]!] = g.advantages[j]!;
    });
  });
  return {
    method,
    advantages,
    groups: credit.groups.map((g, k) => ({
      ...snakeCase(g),
      members: groups[k]!.members.map((i) => indices[i]!),
    })),
    ...(credit.batch && { batch: credit.batch }),
  };
}
