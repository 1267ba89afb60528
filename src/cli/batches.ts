import { groupIndices } from '../core/sample.js';
import type { Sample } from '../core/types.js';

/**
 * Cut indexed samples into batches of about `size`, never splitting a group: group rewards (tournaments,
 * pass-rate weights) must see all rollouts of a prompt together. Groups keep their first-appearance order.
 */
export function groupedBatches<T extends { sample: Sample }>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  for (const members of groupIndices(items.map((it) => it.sample))) {
    const unit = members.map((i) => items[i]!);
    if (current.length > 0 && current.length + unit.length > size) {
      batches.push(current);
      current = [];
    }
    current.push(...unit);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Run `each` over the batches, two at a time: the workers score one while this thread handles the results
 * of the other. Batches are taken in order.
 */
export async function twoInFlight<T>(batches: T[][], each: (batch: T[]) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await each(batches[next++]!);
  };
  await Promise.all([worker(), worker()]);
}
