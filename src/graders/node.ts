/**
 * The `{ grader: {...} }` spec node: an OpenAI grader object as written for the fine-tuning / evals API,
 * with an optional `endpoint` saying where model graders' models are served. Each grader type runs as an
 * Assay reward (`grader.string_check`, …); `multi` combines its graders' scores with `calculate_output`.
 */
import { z } from 'zod';
import { composeNode, type nodeBase } from '../core/combinators/compose.js';
import type { CompiledNode } from '../core/engine/node.js';
import type { RewardEnv } from '../core/reward.js';
import { registerNodeKind, type SpecNode } from '../core/spec/kinds.js';
import { commonFields } from '../core/spec/schema.js';
import type { RewardResult } from '../core/types.js';
import { compileFormula } from './expression.js';
import { type EndpointConfig, endpointConfig } from './model.js';
import { type Grader, grader, type MultiGrader } from './schema.js';

const REWARD: Record<Exclude<Grader['type'], 'multi'>, string> = {
  string_check: 'grader.string_check',
  text_similarity: 'grader.text_similarity',
  score_model: 'grader.score_model',
  label_model: 'grader.label_model',
  python: 'grader.python',
};
const WITH_ENDPOINT = new Set(['score_model', 'label_model', 'grader.cosine']);

function leaf(
  g: Exclude<Grader, MultiGrader>,
  endpoint: EndpointConfig | undefined,
  env: RewardEnv,
  extra: object,
) {
  const use =
    g.type === 'text_similarity' && g.evaluation_metric === 'cosine' ? 'grader.cosine' : REWARD[g.type];
  const withEndpoint = endpoint !== undefined && (WITH_ENDPOINT.has(g.type) || WITH_ENDPOINT.has(use));
  return env.compile({
    use,
    name: g.name ?? g.type,
    args: { ...g, ...(withEndpoint && { endpoint }) },
    ...extra,
  });
}

function multi(
  g: MultiGrader,
  endpoint: EndpointConfig | undefined,
  env: RewardEnv,
  base: ReturnType<typeof nodeBase>,
) {
  const names = Object.keys(g.graders);
  const children = names.map((n) =>
    compileGrader({ ...g.graders[n]!, name: n } as Grader, endpoint, env, {}),
  );
  const formula = compileFormula(g.calculate_output, names);
  return composeNode(base, children, (results): RewardResult => {
    const failedPart = results.find((r) => r.status !== 'ok' || r.score === null);
    if (failedPart) {
      return {
        name: base.name,
        status: failedPart.status === 'ok' ? 'error' : failedPart.status,
        score: null,
        reason: `${failedPart.name} ${failedPart.status}: ${failedPart.reason ?? ''}`.trim(),
        components: results,
      };
    }
    const score = formula(Object.fromEntries(names.map((n, i) => [n, results[i]!.score!])));
    if (!Number.isFinite(score)) {
      return {
        name: base.name,
        status: 'error',
        score: null,
        reason: `calculate_output gave ${score}`,
        components: results,
      };
    }
    return {
      name: base.name,
      status: 'ok',
      score,
      components: results,
      ...(g.pass_threshold !== undefined && { detail: { passed: score >= g.pass_threshold } }),
    };
  });
}

function compileGrader(
  g: Grader,
  endpoint: EndpointConfig | undefined,
  env: RewardEnv,
  extra: Record<string, unknown>,
): CompiledNode {
  if (g.type !== 'multi') return leaf(g, endpoint, env, extra);
  const base = {
    name: (extra.name as string | undefined) ?? g.name ?? 'multi',
    spec: { grader: g, ...(endpoint && { endpoint }), ...extra },
    weight: (extra.weight as number | undefined) ?? 1,
    ...(extra.onError !== undefined && { onError: extra.onError as null }),
  };
  return multi(g, endpoint, env, base);
}

registerNodeKind({
  key: 'grader',
  description:
    '{ grader: {type: string_check|text_similarity|score_model|label_model|python|multi, …}, endpoint? }: an OpenAI grader object',
  schema: z.object({ grader, endpoint: endpointConfig.optional(), ...commonFields }).strict() as never,
  build(node: SpecNode, b) {
    const { name, weight, onError } = node.body;
    const extra = {
      ...(name !== undefined && { name }),
      ...(weight !== undefined && { weight }),
      ...(onError !== undefined && { onError }),
    };
    return compileGrader(
      node.body.grader as Grader,
      node.body.endpoint as EndpointConfig | undefined,
      b.env,
      extra,
    );
  },
});
