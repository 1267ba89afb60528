import { errorMessage, failure } from '../result.js';
import type { RewardResult } from '../types.js';

/** The reason the watchdog aborts a task with: the sample at `index` passed its deadline. */
export class SampleTimeout extends Error {
  constructor(readonly index: number) {
    super(`sample ${index} passed its deadline`);
  }
}

/** Why a worker ended in the middle of a sample, for that sample's `error` result. */
function describeCrash(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory (heap cap reached)';
  return errorMessage(err);
}

/**
 * The result of the sample a worker was running when it ended: `timeout` when the watchdog aborted it
 * for passing its budget (`reason`, the abort reason), else `error` with what ended the worker.
 */
export function endedSample(name: string, reason: unknown, err: unknown, budgetMs: number): RewardResult {
  return reason instanceof SampleTimeout
    ? failure(name, 'timeout', `deadline of ${budgetMs} ms passed; worker terminated`)
    : failure(name, 'error', `worker crashed: ${describeCrash(err)}`);
}
