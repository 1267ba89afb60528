import type { Outcome, RewardResult, Status } from './types.js';

export const ok = (score: number, reason?: string, detail?: Record<string, unknown>): Outcome => ({
  status: 'ok',
  score,
  ...(reason !== undefined && { reason }),
  ...(detail !== undefined && { detail }),
});

export const failed = (reason: string, detail?: Record<string, unknown>): Outcome => ({
  status: 'error',
  reason,
  ...(detail !== undefined && { detail }),
});

export const timedOut = (reason: string, detail?: Record<string, unknown>): Outcome => ({
  status: 'timeout',
  reason,
  ...(detail !== undefined && { detail }),
});

/** Turn a reward's outcome into a result, refusing non-finite scores (they would poison a training step). */
export function toResult(name: string, outcome: Outcome, ms?: number): RewardResult {
  const result: RewardResult =
    outcome.status === undefined || outcome.status === 'ok'
      ? Number.isFinite(outcome.score)
        ? { name, status: 'ok', score: outcome.score }
        : {
            name,
            status: 'error',
            score: null,
            reason: `reward returned a non-finite score (${outcome.score})`,
          }
      : { name, status: outcome.status, score: null };
  if (outcome.reason !== undefined && result.reason === undefined) result.reason = outcome.reason;
  if (outcome.detail !== undefined) result.detail = outcome.detail;
  if (outcome.components !== undefined) result.components = outcome.components;
  if (ms !== undefined) result.ms = round3(ms);
  return result;
}

export function failure(
  name: string,
  status: Exclude<Status, 'ok'>,
  reason: string,
  ms?: number,
): RewardResult {
  const result: RewardResult = { name, status, score: null, reason };
  if (ms !== undefined) result.ms = round3(ms);
  return result;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
