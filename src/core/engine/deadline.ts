import { setMaxListeners } from 'node:events';
import { errorMessage, failure, toResult } from '../result.js';
import type { Outcome, RewardResult } from '../types.js';

class DeadlineExceeded extends Error {}

/**
 * Run asynchronous reward work against an absolute deadline. The work receives a signal that aborts at
 * the deadline (so it can cancel its HTTP call or kill its process group); whatever the work does, the
 * caller gets a result by the deadline: `timeout`, never a hang.
 */
export async function withDeadline(
  name: string,
  deadline: number,
  work: (signal: AbortSignal) => Promise<Outcome>,
  parent?: AbortSignal,
): Promise<RewardResult> {
  const started = performance.now();
  const remaining = deadline - Date.now();
  if (remaining <= 0) return failure(name, 'timeout', 'deadline passed before the reward started', 0);
  if (parent?.aborted) return failure(name, 'error', `cancelled: ${errorMessage(parent.reason)}`, 0);
  const controller = new AbortController();
  // One sample's signal is shared by all its calls (every match of a pairwise group, every retry), each
  // listening while it runs and removing its listener after: a fan-out, not a leak.
  setMaxListeners(0, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineExceeded(`deadline of ${Math.round(remaining)} ms passed`);
      controller.abort(err);
      reject(err);
    }, remaining);
  });
  const onParentAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onParentAbort, { once: true });
  try {
    const outcome = await Promise.race([work(controller.signal), expired]);
    return toResult(name, outcome, performance.now() - started);
  } catch (err) {
    const ms = performance.now() - started;
    if (err instanceof DeadlineExceeded) return failure(name, 'timeout', err.message, ms);
    if (controller.signal.aborted && controller.signal.reason instanceof DeadlineExceeded) {
      return failure(name, 'timeout', controller.signal.reason.message, ms);
    }
    return failure(name, 'error', `${name} failed: ${errorMessage(err)}`, ms);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
  }
}
