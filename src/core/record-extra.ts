import type { Message, RewardResult, Sample } from './types.js';

/**
 * What the run store keeps of a sample beyond its scores, for the dashboard (src/ui/): the response length,
 * the reward-hacking signal bits, the texts (capped) and every component's score, reason and detail (capped).
 * Made in the worker that scored the sample, from objects it already holds, so the thread that serves HTTP
 * only joins the text.
 */
export type RecordExtra = [
  /** Response length in characters (the last assistant message of a conversation, or the whole string). */
  length: number,
  /** `SIGNAL` bits. */
  signals: number,
  /** Prompt, response and reference as text, each cut to `TEXT_CAP` characters. */
  texts: [prompt: string | null, response: string, reference: string | null],
  /** Every component, depth-first: key (`parent.child`), status, score, reason, detail as capped JSON. */
  parts: [key: string, status: string, score: number | null, reason: string | null, detail: string | null][],
];

/** Bits of `RecordExtra.signals`: which guards the sample tripped, and whether only format parts paid it. */
export const SIGNAL = {
  /** A judge's master-key guard answered for it ("One Token to Fool LLM-as-a-Judge", src/judges/guard.ts). */
  masterKey: 1,
  /** Math refused a candidate listing: more distinct boxed answers than `max_boxed` (shotgun answer). */
  shotgun: 2,
  /** Code: the program exited before a test finished (a `sys.exit(0)` / `os._exit(0)` trick). */
  exitTrick: 4,
  /** Rewarded (score > 0) while every top-level component that paid anything is a format part. */
  formatOnly: 8,
} as const;

/** Characters kept of each text field: bounds the store's growth per sample. */
export const TEXT_CAP = 16_000;
/** Characters kept of each component's detail JSON. */
export const DETAIL_CAP = 4_000;

const cap = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…[cut ${s.length - n}]` : s);

/**
 * JSON text of a value for display, capped. A value that cannot be written (nested deeper than the stack
 * allows: such a sample is already an `error` of its own, issue 14 item 8) is shown as a note, so recording
 * it can never fail the batch it came in.
 */
function displayJson(value: unknown, n: number): string {
  try {
    return cap(JSON.stringify(value) ?? String(value), n);
  } catch (err) {
    return `[not shown: ${(err as Error).message}]`;
  }
}

function messagesText(m: string | Message[]): string {
  return typeof m === 'string' ? m : m.map((x) => `[${x.role}] ${x.content}`).join('\n\n');
}

function lastAssistantLength(response: string | Message[]): number {
  if (typeof response === 'string') return response.length;
  for (let i = response.length - 1; i >= 0; i--)
    if (response[i]!.role === 'assistant') return response[i]!.content.length;
  return response.at(-1)?.content.length ?? 0;
}

/** Reward names whose score says only whether the output has the asked shape. */
export function isFormatReward(name: string): boolean {
  return name.startsWith('format.') || name === 'json_schema';
}

/** True when every leaf of the result is a format reward. */
function formatOnlyPart(r: RewardResult): boolean {
  if (!r.components || r.components.length === 0) return isFormatReward(r.name);
  return r.components.every(formatOnlyPart);
}

function signalsOf(r: RewardResult): number {
  let bits = 0;
  const visit = (c: RewardResult): void => {
    const d = c.detail;
    if (d && typeof d.guarded === 'string') bits |= SIGNAL.masterKey;
    if (c.reason?.includes('candidate listing')) bits |= SIGNAL.shotgun;
    if (d && Array.isArray(d.failed) && d.failed.some((f) => (f as { status?: string })?.status === 'exit'))
      bits |= SIGNAL.exitTrick;
    for (const child of c.components ?? []) visit(child);
  };
  visit(r);
  const paid = (r.components ?? []).filter((c) => c.status === 'ok' && (c.score ?? 0) > 0);
  if (r.status === 'ok' && (r.score ?? 0) > 0 && paid.length > 0 && paid.every(formatOnlyPart))
    bits |= SIGNAL.formatOnly;
  return bits;
}

function partsOf(
  components: RewardResult[] | undefined,
  prefix: string,
  out: RecordExtra[3],
): RecordExtra[3] {
  const seen = new Set<string>();
  for (const c of components ?? []) {
    let key = prefix + c.name;
    for (let n = 2; seen.has(key); n++) key = `${prefix}${c.name}#${n}`;
    seen.add(key);
    out.push([key, c.status, c.score, c.reason ?? null, c.detail ? displayJson(c.detail, DETAIL_CAP) : null]);
    partsOf(c.components, `${key}.`, out);
  }
  return out;
}

/** The extra record fields of a sample (`sample` may carry only its keys: then texts are empty). */
export function recordExtra(sample: Partial<Sample> | undefined, r: RewardResult): RecordExtra {
  const response = sample?.response;
  const reference = sample?.reference;
  return [
    response === undefined ? 0 : lastAssistantLength(response),
    signalsOf(r),
    [
      sample?.prompt === undefined ? null : cap(messagesText(sample.prompt), TEXT_CAP),
      response === undefined ? '' : cap(messagesText(response), TEXT_CAP),
      reference === undefined
        ? null
        : typeof reference === 'string'
          ? cap(reference, TEXT_CAP)
          : displayJson(reference, TEXT_CAP),
    ],
    partsOf(r.components, '', []),
  ];
}
