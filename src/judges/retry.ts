/**
 * Retry policy for judge calls. Errors are classified by shape (status, headers, class names), not with
 * `instanceof` against the SDK's classes, so importing this module does not load the OpenAI SDK (every
 * CPU worker thread imports the built-ins; the SDK is loaded only when a judge first calls).
 */

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

/** Class names along the prototype chain (`APIConnectionTimeoutError`, `APIConnectionError`, `APIError`…). */
function classNames(err: unknown): string[] {
  const names: string[] = [];
  for (let p = err as object | null; p && names.length < 8; p = Object.getPrototypeOf(p)) {
    const name = (p as { constructor?: { name?: string } }).constructor?.name;
    if (name && name !== 'Object') names.push(name);
  }
  return names;
}

const statusOf = (err: unknown): number | undefined => {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
};

const headersOf = (err: unknown): Headers | undefined => {
  const headers = (err as { headers?: unknown } | null)?.headers;
  return headers instanceof Headers ? headers : undefined;
};

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff; doubles each attempt, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Retry only what may succeed later: 429, 5xx and connection failures (timeouts included), never aborts or 4xx. */
export function isRetryable(err: unknown): boolean {
  const names = classNames(err);
  if (names.includes('APIUserAbortError')) return false;
  if (names.includes('APIConnectionError')) return true;
  const status = statusOf(err);
  if (status !== undefined) return status === 429 || status >= 500;
  // fetch() itself: network errors are TypeErrors ("fetch failed"), a per-attempt timeout a TimeoutError.
  return err instanceof TypeError || (err instanceof Error && err.name === 'TimeoutError');
}

/** Seconds or an HTTP date in Retry-After (or retry-after-ms, which OpenAI-style servers send), in ms. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  const headers = headersOf(err);
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
  const status = statusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  return `${status === undefined || message.startsWith(String(status)) ? '' : `HTTP ${status}: `}${message}`.slice(
    0,
    300,
  );
}
