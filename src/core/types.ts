/**
 * The shared contracts of Assay (see DESIGN.md). Every reward, combinator and front speaks these types.
 */

export type Role = 'system' | 'user' | 'assistant' | 'tool';
export interface Message {
  role: Role;
  content: string;
  /** OpenAI-style tool calls of an assistant message (`function.arguments` is a JSON string). */
  tool_calls?: unknown[];
  /** On a tool message: the call it answers. */
  tool_call_id?: string;
  /** On a tool message: the tool's name. */
  name?: string;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top_logprobs?: { token: string; logprob: number }[];
}

export interface Sample {
  id?: string;
  prompt?: string | Message[];
  /** The completion being rewarded. */
  response: string | Message[];
  /** Gold answer, tests, rubric, reference text… each reward documents what it expects. */
  reference?: unknown;
  /** Data source, used for routing and per-source metrics. */
  source?: string;
  /** Samples with the same group id are rollouts of one prompt. */
  group?: string;
  /** Optional pre-split reasoning steps. */
  steps?: string[];
  /** Optional token log-probabilities, for confidence-based rewards. */
  logprobs?: TokenLogprob[];
  meta?: Record<string, unknown>;
}

export type Status = 'ok' | 'error' | 'timeout' | 'skipped';
export const STATUSES: readonly Status[] = ['ok', 'error', 'timeout', 'skipped'];

export interface RewardResult {
  /** null unless status is 'ok'. */
  score: number | null;
  status: Status;
  name: string;
  /** Children of a combinator, for per-component logging. */
  components?: RewardResult[];
  /** Short and human-readable: why this score, or what failed. */
  reason?: string;
  detail?: Record<string, unknown>;
  ms?: number;
}

/**
 * What a reward function returns: a score with its explanation, or a failure.
 * The engine turns it into a RewardResult (adds the name, timing, and checks the score is finite).
 */
export type Outcome =
  | {
      status?: 'ok';
      score: number;
      reason?: string;
      detail?: Record<string, unknown>;
      components?: RewardResult[];
    }
  | {
      status: 'error' | 'timeout' | 'skipped';
      reason: string;
      detail?: Record<string, unknown>;
      components?: RewardResult[];
    };

/** Per-call context handed to every reward. */
export interface RewardContext {
  /** Absolute deadline (ms since epoch) for this sample. */
  deadline: number;
  /** Aborted when the deadline passes or the caller gives up; I/O rewards pass it to their clients. */
  signal: AbortSignal;
  /** Seed for anything random; the same input and seed give the same output. */
  seed: number;
  /** Training step, when the caller gave one (schedules, curricula). */
  step?: number;
}

/** What the caller maps a failed (non-ok) result to, decided at the front, never inside a reward. */
export type OnErrorPolicy = 'null' | 'zero' | 'drop' | number;
