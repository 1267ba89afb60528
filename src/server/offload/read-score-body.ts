/**
 * Runs in the worker threads: reads a `/v1/score` body for the CPU pool (a `TextReader`, see
 * src/core/pool/task.ts) with the very function the route reads it with on its ordinary path (`readScoreBody`). Anything that the
 * route would answer with a 400 is given back (undefined), so that path words the error.
 */
import type { TextRead } from '../../core/pool/task.js';
import type { OnErrorPolicy, Sample } from '../../core/types.js';
import { type CheckedSamples, readScoreBody, type ScoreHeaders } from '../request.js';

/** What the route needs back besides the results. */
export interface ScoreBodyMeta {
  policy: OnErrorPolicy;
  invalid: CheckedSamples['invalid'];
  step: number | undefined;
  run: string | undefined;
}

export function read(text: string, headers: ScoreHeaders): TextRead | undefined {
  let body: ReturnType<typeof readScoreBody>;
  try {
    body = readScoreBody(text, headers);
  } catch {
    return undefined;
  }
  const samples: (Sample | undefined)[] = new Array(body.total).fill(undefined);
  for (const v of body.checked.valid) samples[v.index] = v.sample;
  const meta: ScoreBodyMeta = {
    policy: body.policy,
    invalid: body.checked.invalid,
    step: body.step,
    run: body.run,
  };
  return { spec: body.spec, samples, step: body.step, timeoutMs: body.timeoutMs, meta };
}
