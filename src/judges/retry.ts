import { APIConnectionError, APIError, APIUserAbortError } from 'openai';

/** An HTTP failure from a raw fetch (reward-model servers), shaped like the SDK's errors. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers?: Headers,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff; doubles each attempt, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Retry only what may succeed later: 429, 5xx and connection failures (timeouts included), never aborts or 4xx. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof APIUserAbortError) return false;
  if (err instanceof APIConnectionError) return true;
  const status = err instanceof APIError || err instanceof HttpError ? err.status : undefined;
  if (status !== undefined) return status === 429 || status >= 500;
  // fetch() itself: network errors are TypeErrors ("fetch failed"); aborts are AbortErrors.
  return err instanceof TypeError;
}

/** Seconds or an HTTP date in Retry-After (or retry-after-ms, which OpenAI-style servers send), in ms. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  const headers = err instanceof APIError || err instanceof HttpError ? err.headers : undefined;
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** How long to wait before retry `attempt` (1-based): the server's Retry-After if given, else jittered backoff. */
export function backoffMs(attempt: number, policy: RetryPolicy, err: unknown, random = Math.random): number {
  const told = retryAfterMs(err);
  if (told !== undefined) return told + random() * policy.baseDelayMs * 0.1; // a little jitter so waiters do not return in lockstep
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return random() * cap;
}

/** A short description of an error for a reason string: status and message. */
export function describeError(err: unknown): string {
  if (err instanceof APIError || err instanceof HttpError) {
    const status = err.status === undefined ? '' : `HTTP ${err.status}: `;
    return `${status}${err.message}`.slice(0, 300);
  }
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}
