import { formatPath } from './spec/issues.js';

/**
 * The deepest nesting a sample may carry in any field (arrays and objects counted alike). Real samples nest a
 * few levels (a code reference's test arguments perhaps ten); the recursive walks a sample meets on its way
 * (JSON.stringify of the cache key, structured clone to a worker, rewards reading the reference) overflow
 * the stack somewhere past ten thousand, so a sample must be refused well before, on its own.
 */
export const MAX_SAMPLE_DEPTH = 1000;

/** True when `value` nests arrays/objects more than `max` levels. Iterative: it must not overflow itself. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * The error for a sample with a field nested more than MAX_SAMPLE_DEPTH levels, naming the field
 * (`samples[3].meta: nested more than 1000 levels deep; …`), or undefined when every field is within it.
 */
export function nestingError(sample: unknown, root: readonly PropertyKey[] = []): string | undefined {
  if (typeof sample !== 'object' || sample === null) return undefined;
  for (const [field, value] of Object.entries(sample)) {
    if (nestsDeeperThan(value, MAX_SAMPLE_DEPTH)) {
      return `${formatPath([...root, field])}: nested more than ${MAX_SAMPLE_DEPTH} levels deep (arrays and objects); flatten it`;
    }
  }
  return undefined;
}
