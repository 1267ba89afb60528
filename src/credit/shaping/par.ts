import { z } from 'zod';
import { nodeBase } from '../../core/combinators/compose.js';
import { type CompiledNode, type Item, type RunContext, runNode } from '../../core/engine/node.js';
import { round3 } from '../../core/result.js';
import { registerNodeKind, type SpecNode } from '../../core/spec/kinds.js';
import { commonFields, nodeSchema } from '../../core/spec/schema.js';
import type { RewardResult, Sample } from '../../core/types.js';
import { sigmoid } from '../stats.js';
import { derivedSample, inputError, valueOrFailure } from './common.js';

/**
 * Preference As Reward (PAR; Fu et al. 2025, "Reward Shaping to Mitigate Reward Hacking in RLHF"):
 * r_PAR = (1/M) Σ_m σ(β·(r(y) − r(y_ref_m))), bounded in (0, 1) and centred at ½ when the response is as
 * good as the reference. The reference responses come from `sample.meta.reference_response` (a string, or a
 * list of strings): they are scored by the same child node, as samples with the same prompt and reference.
 */
export function referenceResponses(sample: Sample): string[] | string {
  const ref = sample.meta?.reference_response;
  if (typeof ref === 'string') return [ref];
  if (Array.isArray(ref) && ref.length > 0 && ref.every((r) => typeof r === 'string')) return ref as string[];
  return 'par needs the reference response in sample.meta.reference_response (a string or a non-empty list of strings)';
}

function combine(name: string, child: CompiledNode, beta: number, results: RewardResult[]): RewardResult {
  const components = results.map((r, k) => (k === 0 ? r : { ...r, name: `reference[${k - 1}]` }));
  const own = valueOrFailure(name, child, results[0]!, components);
  if (typeof own !== 'number') return own;
  const refs: number[] = [];
  for (let k = 1; k < results.length; k++) {
    const v = valueOrFailure(name, child, results[k]!, components);
    if (typeof v !== 'number') return { ...v, reason: `reference response ${k - 1}: ${v.reason}` };
    refs.push(v);
  }
  const score = refs.reduce((s, r) => s + sigmoid(beta * (own - r)), 0) / refs.length;
  return { name, status: 'ok', score, detail: { reward: own, reference_rewards: refs }, components };
}

/** The sample followed by one derived sample per reference response, or the input error. */
function expand(item: Item): Item[] | string {
  const refs = referenceResponses(item.sample);
  if (typeof refs === 'string') return refs;
  return [
    item,
    ...refs.map((r, k) => ({ ...item, sample: derivedSample(item.sample, r, { par_reference: k }) })),
  ];
}

registerNodeKind({
  key: 'par',
  description:
    '{ par: node, beta?: 1 }: σ(β·(r(response) − r(meta.reference_response))), averaged over references',
  schema: z.object({ par: nodeSchema, beta: z.number().positive().optional(), ...commonFields }).strict(),
  build(node, b) {
    const child = b.child(node.body.par as SpecNode);
    const base = nodeBase(node, 'par');
    const beta = (node.body.beta as number | undefined) ?? 1;
    const compiled: CompiledNode = { ...base, cpu: child.cpu };
    if (child.cpu) {
      compiled.runSync = (item: Item, ctx: RunContext) => {
        const started = performance.now();
        const items = expand(item);
        const result =
          typeof items === 'string'
            ? inputError(base.name, items)
            : combine(
                base.name,
                child,
                beta,
                items.map((it) => child.runSync!(it, ctx)),
              );
        return { ...result, ms: round3(performance.now() - started) };
      };
    }
    compiled.run = async (items: Item[], ctx: RunContext) => {
      const started = performance.now();
      const expanded = items.map(expand);
      const flat = await runNode(
        child,
        expanded.flatMap((e) => (typeof e === 'string' ? [] : e)),
        ctx,
      );
      const ms = round3(performance.now() - started);
      let at = 0;
      return expanded.map((e) => {
        if (typeof e === 'string') return { ...inputError(base.name, e), ms };
        const results = flat.slice(at, at + e.length);
        at += e.length;
        return { ...combine(base.name, child, beta, results), ms };
      });
    };
    return compiled;
  },
});
