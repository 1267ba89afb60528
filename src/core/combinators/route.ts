import { z } from 'zod';
import { type CompiledNode, type Item, type RunContext, runNode } from '../engine/node.js';
import { round3 } from '../result.js';
import { registerNodeKind, type SpecNode } from '../spec/kinds.js';
import { commonFields, nodeSchema } from '../spec/schema.js';
import type { RewardResult, Sample } from '../types.js';
import { nodeBase } from './compose.js';
import { partValue } from './parts.js';

/** What a `route` node reads from a sample to choose its case. */
const BY = z.union([
  z.literal('source'),
  z.literal('reference_type'),
  z.string().regex(/^meta\.[^.]+$/, 'expected source, reference_type or meta.<key>'),
]);

/**
 * The kind of a reference, as `reference_type` routes on it: `none`, `string`, `number`, `boolean`,
 * `list` or `object`. The JSON text of an object counts as `object`, because datasets ship test suites as
 * text (verl's code data keeps `ground_truth` as a JSON string). So does text that opens like an object
 * with a quoted key (`{"input_output": …` or a Python repr `{'inputs': …`) but does not parse: it is a
 * broken test suite, and the branch for objects says so (an error), where a math branch would quietly
 * find no answer in it and score 0. A math answer never opens that way (`{1, 2}` is a set).
 */
export function referenceType(reference: unknown): string {
  if (reference === undefined || reference === null) return 'none';
  if (Array.isArray(reference)) return 'list';
  if (typeof reference === 'string') {
    const t = reference.trimStart();
    if (!t.startsWith('{')) return 'string';
    try {
      const parsed: unknown = JSON.parse(t);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? 'object' : 'string';
    } catch {
      return QUOTED_KEY.test(t.slice(0, 200)) ? 'object' : 'string';
    }
  }
  return typeof reference === 'object' ? 'object' : typeof reference;
}
/** `{` then a quoted key and a colon, at the start of a text (bounded input, no backtracking to speak of). */
const QUOTED_KEY = /^\{\s*["'][A-Za-z_][\w-]*["']\s*:/;

/** The value a sample is routed on; undefined when it has none (then the `default` case, if any). */
export function routeValue(by: string, sample: Sample): string | undefined {
  if (by === 'source') return sample.source;
  if (by === 'reference_type') return referenceType(sample.reference);
  const v = sample.meta?.[by.slice('meta.'.length)];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * Runs exactly one branch per sample, chosen by its source, the kind of its reference or a `meta` field,
 * so a mixed-data spec (math and code) never computes, or fails, a part that does not apply. Its
 * components are one entry per case (labelled by the case node's `name`, else by the case key, and
 * `default`), the chosen one holding the
 * branch's result and the others `skipped`: every sample of a spec reports the same component names.
 */
registerNodeKind({
  key: 'route',
  description:
    '{ route: { by: source | reference_type | meta.KEY, cases: {NAME: node, …}, default?: node } }: one branch per sample',
  schema: z
    .object({
      route: z
        .object({
          by: BY,
          cases: z.record(z.string().min(1), nodeSchema),
          default: nodeSchema.optional(),
        })
        .strict()
        .refine((r) => Object.keys(r.cases).length > 0 || r.default !== undefined, {
          message: 'expected at least one case or a default',
          path: ['cases'],
        }),
      ...commonFields,
    })
    .strict(),
  build(node, b) {
    const body = node.body.route as { by: string; cases: Record<string, SpecNode>; default?: SpecNode };
    // A case is labelled by its node's `name` when it has one, else by the case (or `default`).
    const labels = Object.entries(body.cases).map(([k, c]) => c.body.name ?? k);
    const branches = Object.values(body.cases).map((c) => b.child(c));
    const hasDefault = body.default !== undefined;
    if (hasDefault) {
      labels.push(body.default!.body.name ?? 'default');
      branches.push(b.child(body.default!));
    }
    const base = nodeBase(node, 'route');
    const caseOf = new Map(Object.keys(body.cases).map((k, i) => [k, i]));
    /** Index of the branch for a sample, or -1 when none applies. */
    const choose = (sample: Sample): number => {
      const value = routeValue(body.by, sample);
      const i = value === undefined ? undefined : caseOf.get(value);
      return i ?? (hasDefault ? branches.length - 1 : -1);
    };
    const finish = (sample: Sample, chosen: number, result: RewardResult | undefined): RewardResult => {
      const components = labels.map(
        (label, i): RewardResult =>
          i === chosen && result
            ? { ...result, name: label }
            : { name: label, status: 'skipped', score: null, reason: 'route chose another case' },
      );
      if (chosen < 0 || !result) {
        const value = routeValue(body.by, sample);
        return {
          name: base.name,
          status: 'error',
          score: null,
          reason: `route: no case for ${body.by} ${value === undefined ? '(none)' : JSON.stringify(value)} (cases: ${Object.keys(body.cases).join(', ')}) and no default`,
          components,
        };
      }
      const v = partValue(branches[chosen]!, result);
      if ('value' in v) return { name: base.name, status: 'ok', score: v.value, components };
      return {
        name: base.name,
        status: result.status === 'ok' ? 'error' : result.status,
        score: null,
        reason: `${labels[chosen]} ${result.status}: ${result.reason ?? ''}`.trim(),
        components,
      };
    };
    const compiled: CompiledNode = {
      ...base,
      cpu: branches.every((c) => c.cpu),
      // Copies named by case, for the component names only (see CompiledNode.parts).
      parts: branches.map((c, i) => ({ ...c, name: labels[i]! })),
    };
    if (compiled.cpu) {
      compiled.runSync = (item: Item, ctx: RunContext) => {
        const started = performance.now();
        const chosen = choose(item.sample);
        const result = chosen < 0 ? undefined : branches[chosen]!.runSync!(item, ctx);
        return { ...finish(item.sample, chosen, result), ms: round3(performance.now() - started) };
      };
    }
    compiled.run = async (items: Item[], ctx: RunContext) => {
      const started = performance.now();
      const chosen = items.map((item) => choose(item.sample));
      const results: (RewardResult | undefined)[] = new Array(items.length);
      await Promise.all(
        branches.map(async (branch, k) => {
          const at = chosen.flatMap((c, i) => (c === k ? [i] : []));
          const out = await runNode(
            branch,
            at.map((i) => items[i]!),
            ctx,
          );
          at.forEach((i, j) => {
            results[i] = out[j];
          });
        }),
      );
      const ms = round3(performance.now() - started);
      return items.map((item, i) => ({ ...finish(item.sample, chosen[i]!, results[i]), ms }));
    };
    return compiled;
  },
});
