/**
 * Runs in the worker threads: reads a `/v1/score` body for the CPU pool (a `TextReader`, see
 * src/core/pool/task.ts) with the same checks the route makes on its ordinary path. Anything that the
 * route would answer with a 400 is given back (undefined), so that path words the error.
 */
import type { TextRead } from '../../core/pool/task.js';
import type { OnErrorPolicy, Sample } from '../../core/types.js';
import {
  type CheckedSamples,
  checkSamples,
  parseBody,
  parseJsonText,
  policyOf,
  runFromHeader,
  scoreBody,
  stepFromHeader,
} from '../request.js';

/** Header values the route passes along, since a body may leave step and run to them. */
export interface ScoreHints {
  step?: string | undefined;
  run?: string | undefined;
}

/** What the route needs back besides the results. */
export interface ScoreBodyMeta {
  policy: OnErrorPolicy;
  invalid: CheckedSamples['invalid'];
  step: number | undefined;
  run: string | undefined;
}

export function read(text: string, hints: ScoreHints): TextRead | undefined {
  try {
    const body = parseBody(scoreBody, parseJsonText(text));
    const policy = policyOf(body.onError);
    const step = body.step ?? stepFromHeader(hints.step);
    const checked = checkSamples(body.samples);
    const samples: (Sample | undefined)[] = new Array(body.samples.length).fill(undefined);
    for (const v of checked.valid) samples[v.index] = v.sample;
    const meta: ScoreBodyMeta = {
      policy,
      invalid: checked.invalid,
      step,
      run: body.run ?? runFromHeader(hints.run),
    };
    return { spec: body.spec, samples, step, timeoutMs: body.timeoutMs, meta };
  } catch {
    return undefined;
  }
}
