import type { OnErrorPolicy, RewardResult } from './types.js';

/** Parse `null | zero | drop | <number>` as given on a command line or in a request. */
export function parseOnError(value: unknown): OnErrorPolicy {
  if (value === null || value === 'null') return 'null';
  if (value === 'zero' || value === 'drop') return value;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (Number.isFinite(n)) return n;
  throw new Error(`onError: expected null, zero, drop or a number, got ${JSON.stringify(value)}`);
}

/**
 * The score a caller reports for a result under its policy. The status is never changed: an error mapped
 * to 0 still says `error`, so nobody mistakes it for a wrong answer. `undefined` means drop the sample.
 */
export function scoreUnderPolicy(result: RewardResult, policy: OnErrorPolicy): number | null | undefined {
  if (result.status === 'ok') return result.score;
  if (policy === 'drop') return undefined;
  if (policy === 'null') return null;
  if (policy === 'zero') return 0;
  return policy;
}
