import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { componentScores } from '../../core/encoded.js';
import { scoreUnderPolicy } from '../../core/on-error.js';
import type { OnErrorPolicy, RewardResult, Sample } from '../../core/types.js';
import { abortOnDisconnect } from '../disconnect.js';
import { HttpError } from '../http-error.js';
import { invalidResult, parseBody, policyOf, runOf, stepOf } from '../request.js';
import type { ScoringService } from '../service.js';
import { DEFAULT_SPECIAL_TOKENS, responseOfQuery } from './openrlhf-query.js';

// OpenRLHF sends more fields in some versions; only these three are read.
const body = z.looseObject({
  query: z.array(z.string()),
  prompts: z.array(z.string()).optional(),
  labels: z.array(z.unknown()).optional(),
});

const queryString = z.object({
  spec: z.string().optional(),
  onError: z.string().optional(),
  step: z.coerce.number().int().nonnegative().optional(),
  /** The `source` of every sample of the request (OpenRLHF labels carry none), for `route: {by: source}`. */
  source: z.string().min(1).optional(),
});

/**
 * OpenRLHF makes `torch.tensor` of every reward and log, so a failure cannot be null here: unless the URL
 * says otherwise (`?onError=-1`, `?onError=null` for a trainer that can take it) a failed sample scores 0,
 * with `assay_failed` 1 in its logs, counted in `/metrics` (assay_failures_scored_total) and logged.
 */
const DEFAULT_POLICY: OnErrorPolicy = 'zero';

/**
 * OpenRLHF's remote reward protocol (`--remote_rm_url http://host:8787/get_reward`): each query is the
 * prompt followed by the response. OpenRLHF cannot send options, so the spec and onError policy come from
 * the URL (`/get_reward?spec=math&onError=zero`).
 */
export const openrlhfRoutes: FastifyPluginAsync<{
  service: ScoringService;
  /** Tokens stripped from both ends of a response (default `DEFAULT_SPECIAL_TOKENS`). */
  specialTokens?: readonly string[] | undefined;
}> = async (app, { service, specialTokens = DEFAULT_SPECIAL_TOKENS }) => {
  app.post('/get_reward', async (req, reply) => {
    const { query, prompts = [], labels = [] } = parseBody(body, req.body);
    const qs = parseBody(queryString, req.query ?? {});
    const policy = qs.onError === undefined ? DEFAULT_POLICY : policyOf(qs.onError);
    if (policy === 'drop')
      throw new HttpError(400, 'onError: "drop" is not possible here: rewards must stay aligned with query');
    if (prompts.length > 0 && prompts.length !== query.length) {
      throw new HttpError(
        400,
        `prompts: expected ${query.length} items (one per query) or none, got ${prompts.length}`,
      );
    }
    if (labels.length > 0 && labels.length !== query.length) {
      throw new HttpError(
        400,
        `labels: expected ${query.length} items (one per query) or none, got ${labels.length}`,
      );
    }
    const read = query.map((q, i) => toSample(q, prompts[i], labels[i], specialTokens));
    const valid = read.flatMap((s, i) => ('error' in s ? [] : [i]));
    const { scorer, components } = service.scorerFor(qs.spec);
    const spec = scorer.spec.name;
    const scored = await service.scoreResults({
      spec,
      samples: valid.map((i) => ({
        ...(read[i] as Sample),
        ...(qs.source !== undefined && { source: qs.source }),
      })),
      step: stepOf(req, qs.step),
      run: runOf(req, undefined),
      route: 'openrlhf',
      signal: abortOnDisconnect(reply),
    });
    let k = 0;
    const results = read.map(
      (s, i): RewardResult => ('error' in s ? invalidResult([`query[${i}]: ${s.error}`]) : scored[k++]!),
    );
    const rewards = results.map((r) => scoreUnderPolicy(r, policy) as number | null);
    const failed = results.filter((r) => r.status === 'error' || r.status === 'timeout').length;
    service.noteScoredFailures('openrlhf', spec, policy, failed, (m) => req.log.warn(m));
    return { rewards, scores: rewards, extra_logs: trainerLogs(results, components) };
  });
};

/**
 * The sample of one query: the response inside it (see `responseOfQuery`), the prompt and the label as
 * reference; `{error}` when the response cannot be told from the prompt.
 */
export function toSample(
  query: string,
  prompt: string | undefined,
  label: unknown,
  specialTokens: readonly string[] = DEFAULT_SPECIAL_TOKENS,
): Sample | { error: string } {
  const found = responseOfQuery(query, prompt, specialTokens);
  if ('error' in found) return found;
  return {
    response: found.response,
    ...(prompt !== undefined && { prompt }),
    ...(label !== undefined && label !== null && { reference: label }),
  };
}

/**
 * Per-sample logs a trainer turns into tensors or arrays and averages over a batch, so every value is a
 * finite number and every sample has the same keys (the spec's `components`, fixed by the spec):
 * - `assay_failed`: 1 where the reward failed (error or timeout), else 0;
 * - `NAME`: the component's score where it applied, else 0 (a branch the route did not take, a part a
 *   closed gate skipped, a part that failed);
 * - `NAME/applied`: 1 where it applied, else 0. The mean over the samples where a part applied is
 *   mean(NAME) / mean(NAME/applied); mean(NAME) alone is its contribution per sample of the batch.
 */
export function trainerLogs(results: RewardResult[], components: string[]): Record<string, number[]> {
  const logs: Record<string, number[]> = {
    assay_failed: results.map((r) => (r.status === 'error' || r.status === 'timeout' ? 1 : 0)),
  };
  for (const name of components) {
    logs[name] = new Array(results.length).fill(0);
    logs[`${name}/applied`] = new Array(results.length).fill(0);
  }
  results.forEach((r, i) => {
    for (const [name, score] of Object.entries(componentScores(r.components ?? []))) {
      if (!logs[name] || score === null || !Number.isFinite(score)) continue;
      logs[name]![i] = score;
      logs[`${name}/applied`]![i] = 1;
    }
  });
  return logs;
}
