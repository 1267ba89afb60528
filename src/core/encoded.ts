import { type RecordExtra, recordExtra } from './record-extra.js';
import { type RewardResult, type Sample, STATUSES, type Status } from './types.js';
import { wellFormed } from './unicode.js';

/**
 * Results of a batch in the form a server sends and records them, made where the results are made (in the
 * worker thread that scored them): each result as JSON text, each sample's run-store record as JSON text,
 * and what the metrics need (statuses and reward timings). The thread that serves HTTP then only joins
 * strings: it never rebuilds result objects from a worker's message only to serialize them again, which
 * cost it more than the HTTP work itself (about 2 µs a sample).
 */
export interface EncodedResults {
  /** `JSON.stringify(result)` of each sample, in order. */
  json: string[];
  /** Index into STATUSES of each result's status. */
  status: Uint8Array;
  /** The JSON text of each sample's run-store record (`SampleRecord`). */
  records: string[];
  /** 1 where no part of the result failed, so it may be cached. */
  clean: Uint8Array;
  /** Reward durations in ms by reward name: each top-level result and its direct components. */
  timings: Record<string, number[]>;
}

/**
 * A scored sample as the run store's `samples` view reads it (src/store/schema.ts): sample id, source,
 * group, reward name, status, score, reason, and the component scores as `{name: score}`; then what the
 * dashboard reads (src/core/record-extra.ts): response length, signal bits, texts, component details.
 */
export type SampleRecord = [
  sampleId: string | null,
  source: string | null,
  group: string | null,
  name: string,
  status: Status,
  score: number | null,
  reason: string | null,
  components: Record<string, number | null> | null,
  ...extra: RecordExtra,
];

const STATUS_CODE = new Map<Status, number>(STATUSES.map((s, i) => [s, i]));

export const statusOf = (encoded: EncodedResults, i: number): Status => STATUSES[encoded.status[i]!]!;

/** What a record keeps of the sample itself. */
export interface SampleKeys {
  id?: string | undefined;
  source?: string | undefined;
  group?: string | undefined;
  prompt?: Sample['prompt'];
  response?: Sample['response'];
  reference?: unknown;
}

const text = (value: string | undefined): string | null => (value === undefined ? null : wellFormed(value));

/**
 * The record the run store keeps for a sample and its result. Its strings are made well-formed (a lone
 * surrogate in an id or a reason quoting model output becomes U+FFFD): SQLite would store it as invalid
 * UTF-8 and the `samples` view would break its readers.
 */
export function sampleRecord(sample: SampleKeys | undefined, result: RewardResult): SampleRecord {
  return [
    text(sample?.id),
    text(sample?.source),
    text(sample?.group),
    wellFormed(result.name),
    result.status,
    result.score,
    text(result.reason),
    result.components ? componentScores(result.components) : null,
    ...recordExtra(sample, result),
  ];
}

/** Components as `{name: score}` (nested parts as `parent.child`), the shape per-component charts want. */
export function componentScores(components: RewardResult[], prefix = ''): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const c of components) {
    let key = prefix + wellFormed(c.name);
    // Two parts with the same name (two exact_match parts with different args) keep both values.
    for (let n = 2; key in out; n++) key = `${prefix}${wellFormed(c.name)}#${n}`;
    out[key] = c.score;
    if (c.components) Object.assign(out, componentScores(c.components, `${key}.`));
  }
  return out;
}

/** True when no part of the result failed: a transient error or timeout must never be replayed from a cache. */
export function isClean(r: RewardResult): boolean {
  return (r.status === 'ok' || r.status === 'skipped') && (r.components ?? []).every(isClean);
}

/** Encode results; `samples[i]` is the sample `results[i]` scored (for the store record). */
export function encodeResults(results: readonly RewardResult[], samples: readonly Sample[]): EncodedResults {
  const n = results.length;
  // Filled by push: packed arrays travel between threads faster than holey ones.
  const out: EncodedResults = { json: [], records: [], ...tallyResults(results), clean: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const r = results[i]!;
    out.json.push(JSON.stringify(r));
    out.records.push(JSON.stringify(sampleRecord(samples[i], r)));
    out.clean[i] = isClean(r) ? 1 : 0;
  }
  return out;
}

/** What the metrics need of results: their statuses and reward timings, as in `EncodedResults`. */
export function tallyResults(results: readonly RewardResult[]): Pick<EncodedResults, 'status' | 'timings'> {
  const status = new Uint8Array(results.length);
  const timings: Record<string, number[]> = {};
  results.forEach((r, i) => {
    status[i] = STATUS_CODE.get(r.status) ?? 1;
    addTiming(timings, r);
    for (const c of r.components ?? []) addTiming(timings, c);
  });
  return { status, timings };
}

function addTiming(timings: Record<string, number[]>, r: RewardResult): void {
  if (r.ms === undefined) return;
  const list = timings[r.name];
  if (list) list.push(r.ms);
  else timings[r.name] = [r.ms];
}

/** Room for `n` results, filled in place by place (with `copyEncoded`, say). */
export function allocEncoded(n: number): EncodedResults {
  return {
    json: new Array(n),
    status: new Uint8Array(n),
    records: new Array(n),
    clean: new Uint8Array(n),
    timings: {},
  };
}

/** Result `j` of `from` into place `i` of `into` (timings are per batch, not per result: see `addTimings`). */
export function copyEncoded(into: EncodedResults, i: number, from: EncodedResults, j: number): void {
  into.json[i] = from.json[j]!;
  into.status[i] = from.status[j]!;
  into.records[i] = from.records[j]!;
  into.clean[i] = from.clean[j]!;
}

/** Add the timings of `from` to those of `into`. */
export function addTimings(into: EncodedResults, from: EncodedResults): void {
  for (const [name, ms] of Object.entries(from.timings)) {
    let list = into.timings[name];
    if (!list) {
      list = [];
      into.timings[name] = list;
    }
    for (const m of ms) list.push(m);
  }
}

/** One EncodedResults of the parts, in order. */
export function concatEncoded(parts: readonly EncodedResults[]): EncodedResults {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((sum, p) => sum + p.json.length, 0);
  const out: EncodedResults = {
    json: [],
    status: new Uint8Array(n),
    records: [],
    clean: new Uint8Array(n),
    timings: {},
  };
  let at = 0;
  // Loops, not push(...spread): a part may be larger than the engine's limit on call arguments.
  for (const p of parts) {
    for (const text of p.json) out.json.push(text);
    for (const text of p.records) out.records.push(text);
    out.status.set(p.status, at);
    out.clean.set(p.clean, at);
    at += p.json.length;
    addTimings(out, p);
  }
  return out;
}

/** The results as objects again (routes that compute with them, such as OpenRLHF's). */
export const decodeResults = (encoded: EncodedResults): RewardResult[] =>
  encoded.json.map((text) => JSON.parse(text) as RewardResult);

/** Mean reward time per sample of the top-level results, for sizing chunks; undefined when none was timed. */
export function meanMs(encoded: EncodedResults, name: string): number | undefined {
  const ms = encoded.timings[name];
  if (!ms || ms.length === 0) return undefined;
  let total = 0;
  for (const m of ms) total += m;
  return total / ms.length;
}
