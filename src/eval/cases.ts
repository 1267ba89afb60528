/**
 * Evaluation cases: one row of a benchmark file, in the shape its metric needs. Every published format is
 * read into one of these kinds (src/eval/formats.ts); the metrics (src/eval/metrics.ts) work on them only.
 */
import type { Message } from '../core/types.js';

export type Prompt = string | Message[];

interface CaseBase {
  /** The row's id as published, or its 1-based row number. */
  id: string;
  /** The subset the row reports under (`subset`, `domain`, `source`…; `all` when the file has none). */
  subset: string;
  prompt?: Prompt;
  /** Where the row is in the file (1-based), for messages. */
  row: number;
}

/** Preference pair: chosen must score above rejected (RewardBench v1; JudgeBench after reading its label). */
export interface PairCase extends CaseBase {
  kind: 'pair';
  chosen: string;
  rejected: string;
}

/**
 * RM-Bench: three chosen and three rejected responses in three styles (concise, detailed, detailed with
 * markdown); all 3×3 comparisons count, grouped into hard (chosen less styled), normal and easy.
 */
export interface StyledPairCase extends CaseBase {
  kind: 'styled_pair';
  chosen: string[];
  rejected: string[];
}

/**
 * RewardBench 2: best-of-N, one chosen (or several in the Ties subset) among rejected responses. In the
 * Ties subset the id is `ref:N` (one correct answer) or `tied:N` (several), N pairing the two prompts.
 */
export interface BestOfCase extends CaseBase {
  kind: 'best_of';
  chosen: string[];
  rejected: string[];
}

/** Verification: does the reward accept the response exactly when the label says it is correct? */
export interface VerificationCase extends CaseBase {
  kind: 'verification';
  response: string | Message[];
  reference?: unknown;
  label: boolean;
}

/** ProcessBench: `label` is the index of the first wrong step, or −1 when every step is right. */
export interface ProcessCase extends CaseBase {
  kind: 'process';
  steps: string[];
  label: number;
}

export type EvalCase = PairCase | StyledPairCase | BestOfCase | VerificationCase | ProcessCase;
export type CaseKind = EvalCase['kind'];
