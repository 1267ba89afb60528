/**
 * Benchmark rows as they are published, read into evaluation cases. Pure: takes parsed rows (from JSONL,
 * JSON or Parquet, see read.ts), detects the format from the first row's shape unless it is named, and
 * reports a bad row with its number without dropping the others.
 *
 * | format         | row shape (published by)                                                              |
 * |----------------|---------------------------------------------------------------------------------------|
 * | `pairs`        | `prompt, chosen, rejected, subset` strings (RewardBench v1)                            |
 * | `rm-bench`     | `prompt, chosen[3], rejected[3], domain` (RM-Bench: concise, detailed, markdown)       |
 * | `judgebench`   | `question, response_A, response_B, label` with label `A>B` or `B>A` (JudgeBench)       |
 * | `best-of`      | `prompt, chosen[], rejected[], subset, num_correct` (RewardBench 2, its Ties subset)   |
 * | `verification` | `question, gold, response, label` (VerifyBench-, RewardMATH-like)                      |
 * | `process`      | `problem, steps[], label` = first wrong step or −1 (ProcessBench)                      |
 * | `assay`        | Assay samples (`prompt, response, reference, source`) with a boolean `label`           |
 */
import { parseSample } from '../core/sample.js';
import type { EvalCase, VerificationCase } from './cases.js';

export const FORMATS = [
  'pairs',
  'rm-bench',
  'judgebench',
  'best-of',
  'verification',
  'process',
  'assay',
] as const;
export type Format = (typeof FORMATS)[number];

export interface RowProblem {
  /** 1-based row number in the file. */
  row: number;
  message: string;
}

export interface LoadedCases {
  format: Format;
  cases: EvalCase[];
  problems: RowProblem[];
}

type Row = Record<string, unknown>;

const isObject = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const first = (row: Row, keys: string[]): unknown => {
  for (const k of keys) if (row[k] !== undefined && row[k] !== null) return row[k];
  return undefined;
};

/** The format a row's fields say it is in, or undefined. */
export function detectFormat(row: unknown): Format | undefined {
  if (!isObject(row)) return undefined;
  if (Array.isArray(row.steps) && row.label !== undefined) return 'process';
  if (row.response_A !== undefined && row.response_B !== undefined) return 'judgebench';
  if (row.chosen !== undefined && row.rejected !== undefined) {
    if (typeof row.chosen === 'string' && typeof row.rejected === 'string') return 'pairs';
    if (row.num_correct !== undefined || row.total_completions !== undefined) return 'best-of';
    if (Array.isArray(row.chosen) && Array.isArray(row.rejected))
      return row.chosen.length === 3 && row.rejected.length === 3 ? 'rm-bench' : 'best-of';
    return undefined;
  }
  if (row.label !== undefined && first(row, RESPONSE_KEYS) !== undefined) {
    const published = ['question', 'gold', 'gold_answer', 'llm_response'].some((k) => row[k] !== undefined);
    return published ? 'verification' : 'assay';
  }
  return undefined;
}

const PROMPT_KEYS = ['prompt', 'question', 'problem', 'instruction'];
const RESPONSE_KEYS = ['response', 'llm_response', 'completion', 'output'];
const GOLD_KEYS = ['gold', 'gold_answer', 'reference', 'answer', 'ground_truth'];
const SUBSET_KEYS = ['subset', 'domain', 'source', 'category'];

/** A label meaning "the response is correct": booleans, 0/1, and the words datasets use. */
export function parseLabel(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v !== 'string') return undefined;
  const w = v.trim().toLowerCase();
  if (['true', 'correct', 'yes', '1', 'right'].includes(w)) return true;
  if (['false', 'incorrect', 'no', '0', 'wrong'].includes(w)) return false;
  return undefined;
}

function base(row: Row, n: number): { id: string; subset: string; row: number; prompt?: string } {
  const id = row.id ?? row.pair_id ?? row.idx;
  const subset = first(row, SUBSET_KEYS);
  const prompt = first(row, PROMPT_KEYS);
  return {
    id: typeof id === 'string' || typeof id === 'number' ? String(id) : String(n),
    subset: typeof subset === 'string' && subset !== '' ? subset : 'all',
    row: n,
    ...(typeof prompt === 'string' && { prompt }),
  };
}

/** One row into a case, or what is wrong with it. */
type Reader = (row: Row, n: number) => EvalCase | string;

const readers: Record<Format, Reader> = {
  pairs(row, n) {
    if (typeof row.chosen !== 'string') return 'chosen: expected a string';
    if (typeof row.rejected !== 'string') return 'rejected: expected a string';
    return { kind: 'pair', ...base(row, n), chosen: row.chosen, rejected: row.rejected };
  },
  'rm-bench'(row, n) {
    if (!isStringList(row.chosen) || row.chosen.length !== 3)
      return 'chosen: expected a list of 3 responses (concise, detailed, markdown)';
    if (!isStringList(row.rejected) || row.rejected.length !== 3)
      return 'rejected: expected a list of 3 responses (concise, detailed, markdown)';
    return { kind: 'styled_pair', ...base(row, n), chosen: row.chosen, rejected: row.rejected };
  },
  judgebench(row, n) {
    if (typeof row.response_A !== 'string') return 'response_A: expected a string';
    if (typeof row.response_B !== 'string') return 'response_B: expected a string';
    const label = typeof row.label === 'string' ? row.label.replace(/\s+/g, '') : '';
    const aWins = label === 'A>B' || label === 'A>>B';
    const bWins = label === 'B>A' || label === 'B>>A';
    if (!aWins && !bWins) return `label: expected "A>B" or "B>A", got ${JSON.stringify(row.label)}`;
    const [chosen, rejected] = aWins ? [row.response_A, row.response_B] : [row.response_B, row.response_A];
    return { kind: 'pair', ...base(row, n), chosen, rejected };
  },
  'best-of'(row, n) {
    if (!isStringList(row.chosen) || row.chosen.length === 0)
      return 'chosen: expected a non-empty list of responses';
    if (!isStringList(row.rejected) || row.rejected.length === 0)
      return 'rejected: expected a non-empty list of responses';
    return { kind: 'best_of', ...base(row, n), chosen: row.chosen, rejected: row.rejected };
  },
  verification(row, n) {
    const response = first(row, RESPONSE_KEYS);
    if (typeof response !== 'string') return `${RESPONSE_KEYS.join('|')}: expected a string response`;
    const label = parseLabel(row.label ?? row.correct);
    if (label === undefined)
      return `label: expected true/false (or 1/0, "correct"/"incorrect"), got ${JSON.stringify(row.label)}`;
    const gold = first(row, GOLD_KEYS);
    return {
      kind: 'verification',
      ...base(row, n),
      response,
      label,
      ...(gold !== undefined && { reference: gold }),
    } satisfies VerificationCase;
  },
  process(row, n) {
    if (!isStringList(row.steps) || row.steps.length === 0)
      return 'steps: expected a non-empty list of strings';
    const label = row.label;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < -1 || label >= row.steps.length)
      return `label: expected the index of the first wrong step (0…${row.steps.length - 1}) or -1, got ${JSON.stringify(label)}`;
    return { kind: 'process', ...base(row, n), steps: row.steps, label };
  },
  assay(row, n) {
    const { label: rawLabel, ...rest } = row;
    const label = parseLabel(rawLabel ?? (isObject(row.meta) ? row.meta.label : undefined));
    if (label === undefined) return `label: expected true/false (or 1/0), got ${JSON.stringify(rawLabel)}`;
    const parsed = parseSample(rest);
    if (!parsed.ok) return parsed.errors.join('; ');
    const s = parsed.sample;
    return {
      kind: 'verification',
      id: s.id ?? String(n),
      subset: s.source ?? 'all',
      row: n,
      response: s.response,
      label,
      ...(s.prompt !== undefined && { prompt: s.prompt }),
      ...(s.reference !== undefined && { reference: s.reference }),
    };
  },
};

/**
 * Rows into cases. With no `format`, the first object row decides; an undetectable file is an error that
 * lists what each format needs. Bad rows are problems (row number and field), the rest still load.
 */
export function loadCases(rows: unknown[], format?: Format): LoadedCases {
  const chosen = format ?? detectFormat(rows.find(isObject));
  if (!chosen) {
    const fields = Object.keys(rows.find(isObject) ?? {}).join(', ') || 'none';
    throw new Error(
      `could not tell the format from the first row (fields: ${fields}); expected one of: ` +
        'pairs (prompt, chosen, rejected), rm-bench (chosen/rejected lists of 3), judgebench (response_A, response_B, label), ' +
        'best-of (chosen/rejected lists, num_correct), verification (question, gold, response, label), ' +
        'process (problem, steps, label), assay (samples with label); or name it with --format',
    );
  }
  const cases: EvalCase[] = [];
  const problems: RowProblem[] = [];
  rows.forEach((row, i) => {
    const n = i + 1;
    if (row === null) return; // a blank or unparseable JSONL line, already reported by the reader
    if (!isObject(row)) {
      problems.push({ row: n, message: 'expected a JSON object' });
      return;
    }
    const c = readers[chosen](row, n);
    if (typeof c === 'string') problems.push({ row: n, message: c });
    else cases.push(c);
  });
  return { format: chosen, cases, problems };
}
