import type { CompiledNode } from './engine/node.js';
import type { RewardResult } from './types.js';

/**
 * Every part of a result tree as `path → score` (`gate/weighted/exact_match`), the root excluded.
 * Used for per-component summaries and for trainers' scalar logs; sibling names are made unique with #k.
 */
export function flattenComponents(result: RewardResult): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const walk = (parts: RewardResult[] | undefined, prefix: string) => {
    if (!parts) return;
    const seen = new Map<string, number>();
    for (const part of parts) {
      const n = seen.get(part.name) ?? 0;
      seen.set(part.name, n + 1);
      const path = `${prefix}${part.name}${n > 0 ? `#${n}` : ''}`;
      out[path] = part.score;
      walk(part.components, `${path}/`);
    }
  };
  walk(result.components, '');
  return out;
}

/**
 * The component names every result of `root` reports, in the form of `componentScores` (`parent.child`,
 * a repeated sibling name as `name#2`): the parts fixed by the spec, down to the nodes whose own parts
 * vary by sample (a rubric's criteria), which are named but not entered. Trainers that turn each name
 * into an array across a batch (verl, OpenRLHF) get the same names for every sample, in every process.
 */
export function componentPaths(root: CompiledNode): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (parts: readonly CompiledNode[] | undefined, prefix: string) => {
    for (const part of parts ?? []) {
      let key = prefix + part.name;
      for (let n = 2; seen.has(key); n++) key = `${prefix}${part.name}#${n}`;
      seen.add(key);
      out.push(key);
      walk(part.parts, `${key}.`);
    }
  };
  walk(root.parts, '');
  return out;
}
