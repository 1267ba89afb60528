/**
 * Runs in the worker threads (a `TextReaderModule`, see src/core/pool/task.ts): reads a `/v1/score` body
 * with the very function the route reads it with on its ordinary path (`readScoreBody`), and finishes a
 * batch that one worker scored whole into its response body and store rows, as the route would have.
 * Anything that the route would answer with a 400 is given back (undefined), so that path words the error.
 */
import { sampleRecord, tallyResults } from '../../core/encoded.js';
import type { TextRead } from '../../core/pool/task.js';
import type { OnErrorPolicy, RewardResult, Sample } from '../../core/types.js';
import { type CheckedSamples, readScoreBody, type ScoreHeaders, scoreResponseOf } from '../request.js';

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
  // Nothing to score: the route answers with the errors itself.
  if (body.checked.valid.length === 0) return undefined;
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

/** A `/v1/score` batch finished in the worker that scored all of it: all the HTTP thread needs. */
export interface FinishedScore {
  /** The response body, as `scoreResponse` writes it. */
  body: string;
  /** The batch's run-store samples: a JSON array of `n` `SampleRecord`s (src/core/encoded.ts). */
  records: string;
  n: number;
  /** For the metrics: the results' statuses and reward timings, as in `EncodedResults`. */
  status: Uint8Array;
  timings: Record<string, number[]>;
}

/** A `TextFinisher`: `results[i]` is that of entry `indices[i]`, every valid entry in entry order. */
export function finish(
  read: TextRead,
  spec: string,
  indices: readonly number[],
  results: RewardResult[],
): FinishedScore {
  const meta = read.meta as ScoreBodyMeta;
  // One JSON.stringify for the whole response and one for the store rows: a quarter cheaper than one
  // per result and record joined (src/core/encoded.ts), which batches shared by workers still need.
  return {
    body: scoreResponseOf(spec, indices, meta.invalid, results, meta.policy, read.samples.length),
    records: JSON.stringify(results.map((r, i) => sampleRecord(read.samples[indices[i]!], r))),
    n: results.length,
    ...tallyResults(results),
  };
}
