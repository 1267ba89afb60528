/**
 * Scored records: `assay score` output lines ({id, score, status, reason, components, …}) joined with their
 * samples by id, or samples that carry a `score` field. Pure parsing of text the fronts have read; bad lines
 * become problems with their line numbers, never exceptions.
 *
 * The score is taken as written: a failure the scorer mapped with `--on-error zero` is a 0 here, and a
 * `null` score (the default policy) is a failed sample, left out of every baseline and statistic.
 */
import { parseSample } from '../core/sample.js';
import { type Sample, STATUSES, type Status } from '../core/types.js';

export interface ScoredRecord {
  /** 1-based line number in the scored input. */
  line: number;
  id?: string;
  score: number | null;
  status: Status;
  group?: string;
  source?: string;
  /** The sample (response, steps, logprobs…) when the line carries it or it was joined by id. */
  sample?: Sample;
  /** The line as read: passed through to the output with the new fields added. */
  raw: Record<string, unknown>;
}

export interface Problem {
  line: number;
  message: string;
}

const asId = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;

/** Parse scored JSONL; `samples` (by id) fill in what a score line lacks (group, source, response…). */
export function parseScoredLines(
  text: string,
  samples?: ReadonlyMap<string, Sample>,
): { records: ScoredRecord[]; problems: Problem[] } {
  const records: ScoredRecord[] = [];
  const problems: Problem[] = [];
  let line = 0;
  for (const rawLine of text.split('\n')) {
    line++;
    if (rawLine.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(rawLine);
    } catch (err) {
      problems.push({ line, message: `not valid JSON: ${(err as Error).message}` });
      continue;
    }
    const parsed = parseRecord(line, value, samples);
    if ('message' in parsed) problems.push(parsed);
    else records.push(parsed);
  }
  return { records, problems };
}

function parseRecord(
  line: number,
  value: unknown,
  samples?: ReadonlyMap<string, Sample>,
): ScoredRecord | Problem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, message: 'expected a JSON object with a "score" field' };
  }
  const raw = value as Record<string, unknown>;
  if (!('score' in raw))
    return { line, message: 'no "score" field (expected `assay score` output or a sample with a score)' };
  const score = raw.score;
  if (score !== null && (typeof score !== 'number' || !Number.isFinite(score))) {
    return { line, message: `score: expected a finite number or null, got ${JSON.stringify(score)}` };
  }
  if (raw.status !== undefined && !STATUSES.includes(raw.status as Status)) {
    return {
      line,
      message: `status: expected one of ${STATUSES.join(', ')}, got ${JSON.stringify(raw.status)}`,
    };
  }
  const id = asId(raw.id);
  let sample: Sample | undefined;
  if ('response' in raw) {
    const s = parseSample(raw);
    if (!s.ok) return { line, message: `invalid sample: ${s.errors.join('; ')}` };
    sample = s.sample;
  } else if (id !== undefined) sample = samples?.get(id);
  const status = (raw.status as Status | undefined) ?? (score === null ? 'error' : 'ok');
  const group = asId(raw.group) ?? sample?.group;
  const source = typeof raw.source === 'string' ? raw.source : sample?.source;
  return {
    line,
    score: score as number | null,
    status,
    raw,
    ...(id !== undefined && { id }),
    ...(group !== undefined && { group }),
    ...(source !== undefined && { source }),
    ...(sample !== undefined && { sample }),
  };
}

/** The first `detail[key]` found in a result or its components, depth-first (where a reward left it). */
export function findDetail(result: unknown, key: string, depth = 0): unknown {
  if (typeof result !== 'object' || result === null || depth > 32) return undefined;
  const r = result as { detail?: Record<string, unknown>; components?: unknown[] };
  if (r.detail && r.detail[key] !== undefined && r.detail[key] !== null) return r.detail[key];
  for (const c of r.components ?? []) {
    const found = findDetail(c, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Per-step rewards of a record: `step_rewards` on the line, or the `steps` node's `detail.step_scores`. */
export function stepRewardsOf(record: ScoredRecord): number[] | null {
  return partRewardsOf(record, 'step');
}

/** Per-turn rewards of a record: `turn_rewards` on the line, or the `turns` node's `detail.turn_scores`. */
export function turnRewardsOf(record: ScoredRecord): number[] | null {
  return partRewardsOf(record, 'turn');
}

function partRewardsOf(record: ScoredRecord, unit: 'step' | 'turn'): number[] | null {
  const v = record.raw[`${unit}_rewards`] ?? findDetail(record.raw, `${unit}_scores`);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) return null;
  return v as number[];
}
