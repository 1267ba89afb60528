import { errorMessage } from '../result.js';

/** The reason the watchdog aborts a task with: the sample at `index` passed its deadline. */
export class SampleTimeout extends Error {
  constructor(readonly index: number) {
    super(`sample ${index} passed its deadline`);
  }
}

/** Why a worker ended in the middle of a sample, for that sample's `error` result. */
export function describeCrash(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory (heap cap reached)';
  return errorMessage(err);
}
