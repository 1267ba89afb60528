import type { Sample } from '../core/types.js';

/**
 * Cut indexed samples into batches of about `size`, never splitting a group: group rewards (tournaments,
 * pass-rate weights) must see all rollouts of a prompt together. Groups keep their first-appearance order.
 */
export function groupedBatches<T extends { sample: Sample }>(items: T[], size: number): T[][] {
  const units = new Map<string, T[]>();
  items.forEach((item, i) => {
    const key = item.sample.group === undefined ? `\u0000${i}` : `g:${item.sample.group}`;
    const unit = units.get(key);
    if (unit) unit.push(item);
    else units.set(key, [item]);
  });
  const batches: T[][] = [];
  let current: T[] = [];
  for (const unit of units.values()) {
    if (current.length > 0 && current.length + unit.length > size) {
      batches.push(current);
      current = [];
    }
    current.push(...unit);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
