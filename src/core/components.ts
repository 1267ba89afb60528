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
