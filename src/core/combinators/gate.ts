import { z } from 'zod';
import { type CompiledNode, type Item, type RunContext, runNode } from '../engine/node.js';
import { round3 } from '../result.js';
import { registerNodeKind, type SpecNode } from '../spec/kinds.js';
import { commonFields, nodeSchema } from '../spec/schema.js';
import type { RewardResult } from '../types.js';
import { nodeBase } from './compose.js';
import { partValue } from './parts.js';

/**
 * Hierarchical gating (ChipSeek-R1; Gated Reward Accumulation): part k+1 counts only if part k scored
 * ≥ threshold. The score is Σ wₖ·rₖ over the parts that count, the first failing part included; later
 * parts are not computed at all (a failed format check never pays for a sandbox run) and show as `skipped`.
 */
class GateFold {
  readonly results: RewardResult[] = [];
  total = 0;
  open = true;
  failure?: RewardResult;

  constructor(
    private readonly parts: CompiledNode[],
    private readonly threshold: number,
  ) {}

  /** Record part k's result; returns whether the next part should run. */
  add(k: number, result: RewardResult): boolean {
    this.results.push(result);
    const part = this.parts[k]!;
    const v = partValue(part, result);
    if ('propagate' in v) {
      this.failure = result;
      this.open = false;
    } else if ('omit' in v) {
      this.open = false; // a part that could not be scored cannot open the gate
    } else {
      this.total += part.weight * v.value;
      this.open = v.value >= this.threshold;
    }
    return this.open && k + 1 < this.parts.length;
  }

  finish(name: string): RewardResult {
    const closedAt = this.results.length - 1;
    for (let k = this.results.length; k < this.parts.length; k++) {
      this.results.push({
        name: this.parts[k]!.name,
        status: 'skipped',
        score: null,
        reason: `gate closed at part ${closedAt}`,
      });
    }
    if (this.failure) {
      const k = this.results.indexOf(this.failure);
      return {
        name,
        status: this.failure.status === 'ok' ? 'error' : this.failure.status,
        score: null,
        reason:
          `part ${k} (${this.parts[k]!.name}) ${this.failure.status}: ${this.failure.reason ?? ''}`.trim(),
        components: this.results,
      };
    }
    return { name, status: 'ok', score: this.total, components: this.results };
  }
}

registerNodeKind({
  key: 'gate',
  description:
    '{ gate: [nodes], threshold?: 1 }: part k+1 counts only if part k scored ≥ threshold; sum of the parts that count',
  schema: z
    .object({ gate: z.array(nodeSchema).min(1), threshold: z.number().optional(), ...commonFields })
    .strict(),
  build(node, b) {
    const parts = (node.body.gate as SpecNode[]).map((c) => b.child(c));
    const threshold = (node.body.threshold as number | undefined) ?? 1;
    const base = nodeBase(node, 'gate');
    const compiled: CompiledNode = { ...base, parts, cpu: parts.every((p) => p.cpu) };
    if (compiled.cpu) {
      compiled.runSync = (item: Item, ctx: RunContext) => {
        const started = performance.now();
        const fold = new GateFold(parts, threshold);
        for (let k = 0; fold.add(k, parts[k]!.runSync!(item, ctx)); k++);
        return { ...fold.finish(base.name), ms: round3(performance.now() - started) };
      };
    }
    compiled.run = async (items: Item[], ctx: RunContext) => {
      const started = performance.now();
      const folds = items.map(() => new GateFold(parts, threshold));
      let active = items.map((_, i) => i);
      for (let k = 0; k < parts.length && active.length > 0; k++) {
        const results = await runNode(
          parts[k]!,
          active.map((i) => items[i]!),
          ctx,
        );
        active = active.filter((i, j) => folds[i]!.add(k, results[j]!));
      }
      const ms = round3(performance.now() - started);
      return folds.map((f) => ({ ...f.finish(base.name), ms }));
    };
    return compiled;
  },
});
