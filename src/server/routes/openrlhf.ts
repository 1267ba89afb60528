import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { componentScores } from '../../core/encoded.js';
import { scoreUnderPolicy } from '../../core/on-error.js';
import type { OnErrorPolicy, RewardResult, Sample } from '../../core/types.js';
import { abortOnDisconnect } from '../disconnect.js';
import { HttpError } from '../http-error.js';
import { parseBody, policyOf, runOf, stepOf } from '../request.js';
import type { ScoringService } from '../service.js';

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
});

/**
 * OpenRLHF's remote reward protocol (`--remote_rm_url http://host:8787/get_reward`): each query is the
 * prompt followed by the response. OpenRLHF cannot send options, so the spec and onError policy come from
 * the URL (`/get_reward?spec=math&onError=zero`).
 */
export const openrlhfRoutes: FastifyPluginAsync<{ service: ScoringService }> = async (app, { service }) => {
  app.post('/get_reward', async (req, reply) => {
    const { query, prompts = [], labels = [] } = parseBody(body, req.body);
    const qs = parseBody(queryString, req.query ?? {});
    const policy = policyOf(qs.onError);
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
    const samples = query.map((q, i) => toSample(q, prompts[i], labels[i]));
    const results = await service.scoreResults({
      spec: qs.spec,
      samples,
      step: stepOf(req, qs.step),
      run: runOf(req, undefined),
      route: 'openrlhf',
      signal: abortOnDisconnect(reply),
    });
    const rewards = results.map((r) => scoreUnderPolicy(r, policy) as number | null);
    return { rewards, scores: rewards, extra_logs: extraLogs(results, policy) };
  });
};

/** The response is the query with its prompt removed; when the query does not start with it, the whole query. */
export function toSample(query: string, prompt: string | undefined, label: unknown): Sample {
  const response = prompt !== undefined && query.startsWith(prompt) ? query.slice(prompt.length) : query;
  return {
    response,
    ...(prompt !== undefined && { prompt }),
    ...(label !== undefined && label !== null && { reference: label }),
  };
}

/** Scalar per-component values aligned with query, plus `assay_failed` (1 where the reward failed). */
function extraLogs(results: RewardResult[], policy: OnErrorPolicy): Record<string, (number | null)[]> {
  const logs: Record<string, (number | null)[]> = {
    assay_failed: results.map((r) => (r.status === 'error' || r.status === 'timeout' ? 1 : 0)),
  };
  results.forEach((r, i) => {
    for (const [name, score] of Object.entries(componentScores(r.components ?? []))) {
      if (!logs[name]) logs[name] = new Array(results.length).fill(null);
      logs[name]![i] = score ?? (scoreUnderPolicy({ ...r, status: 'error' }, policy) as number | null);
    }
  });
  return logs;
}
