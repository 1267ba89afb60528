import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { listRewards } from '../../core/registry.js';
import { abortOnDisconnect } from '../disconnect.js';
import { groupStats } from '../group-stats.js';
import {
  checkSamples,
  inRequestOrder,
  parseBody,
  policyOf,
  runOf,
  scoringFields,
  stepOf,
  underPolicy,
} from '../request.js';
import type { ScoringService } from '../service.js';

const scoreBody = z.object(scoringFields).strict();
const groupsBody = z.object({ ...scoringFields, passThreshold: z.number().optional() }).strict();

/** The native API: `/v1/score`, `/v1/groups`, `/v1/specs`. */
export const nativeRoutes: FastifyPluginAsync<{ service: ScoringService }> = async (app, { service }) => {
  app.post('/v1/score', async (req, reply) => {
    const body = parseBody(scoreBody, req.body);
    const policy = policyOf(body.onError);
    const spec = service.scorerFor(body.spec).scorer.spec.name;
    const checked = checkSamples(body.samples);
    const results = await service.score({
      spec,
      samples: checked.valid.map((v) => v.sample),
      step: stepOf(req, body.step),
      timeoutMs: body.timeoutMs,
      run: runOf(req, body.run),
      route: 'score',
      signal: abortOnDisconnect(reply),
    });
    const ordered = inRequestOrder(checked, results, body.samples.length);
    return {
      spec,
      results: ordered.map((r) => underPolicy(r, policy)),
      ...(checked.invalid.length > 0 && { invalid: checked.invalid }),
    };
  });

  app.post('/v1/groups', async (req, reply) => {
    const body = parseBody(groupsBody, req.body);
    const policy = policyOf(body.onError);
    const spec = service.scorerFor(body.spec).scorer.spec.name;
    const checked = checkSamples(body.samples, (s, i) =>
      s.group === undefined ? `samples[${i}].group: required by /v1/groups` : undefined,
    );
    const samples = checked.valid.map((v) => v.sample);
    const results = await service.score({
      spec,
      samples,
      step: stepOf(req, body.step),
      timeoutMs: body.timeoutMs,
      run: runOf(req, body.run),
      route: 'groups',
      signal: abortOnDisconnect(reply),
    });
    const ordered = inRequestOrder(checked, results, body.samples.length);
    return {
      spec,
      results: ordered.map((r) => underPolicy(r, policy)),
      groups: groupStats(
        samples.map((s) => s.group),
        results,
        body.passThreshold ?? 1,
      ),
      ...(checked.invalid.length > 0 && { invalid: checked.invalid }),
    };
  });

  app.get('/v1/specs', async () => ({
    default: service.defaultSpec,
    specs: [...service.specs.values()].map(({ scorer, cacheKey }) => ({
      name: scorer.spec.name,
      ...(scorer.spec.description !== undefined && { description: scorer.spec.description }),
      timeoutMs: scorer.spec.timeoutMs,
      seed: scorer.spec.seed,
      cached: cacheKey !== undefined,
      reward: scorer.spec.rawReward,
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
