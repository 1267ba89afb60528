import type { FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { z } from 'zod';
import { type EncodedResults, statusOf } from '../core/encoded.js';
import { parseOnError, scoreUnderPolicy } from '../core/on-error.js';
import { parseSample } from '../core/sample.js';
import { formatIssues } from '../core/spec/issues.js';
import type { OnErrorPolicy, RewardResult, Sample } from '../core/types.js';
import { loneSurrogateAt } from '../core/unicode.js';
import { HttpError } from './http-error.js';

/** Fields shared by the native scoring routes. Samples are checked one by one afterwards. */
export const scoringFields = {
  spec: z.string().min(1).optional(),
  samples: z.array(z.unknown()),
  onError: z.unknown().optional(),
  step: z.number().int().nonnegative().optional(),
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  run: z
    .string()
    .min(1)
    .max(200)
    .refine((run) => loneSurrogateAt(run) < 0, {
      error: (issue) =>
        `a lone surrogate at index ${loneSurrogateAt(issue.input as string)}: a run id must be valid Unicode text`,
    })
    .optional(),
};

/** The body of `/v1/score`. */
const scoreBody = z.object(scoringFields).strict();

/**
 * JSON text as fastify's own JSON parser reads it (which `/v1/score` replaces, to hand the text to a
 * worker): prototype-poisoning keys refused, errors worded as for every other route.
 */
function parseJsonText(text: string): unknown {
  if (text === '') throw new HttpError(400, 'body: empty; expected a JSON object');
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw new HttpError(400, `body: not valid JSON (${(err as Error).message})`);
  }
}

/** Parse a body with a zod schema; a structurally broken body is a 400 that names every bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'body: expected a JSON object');
  }
  const parsed = schema.safeParse(body, { reportInput: true });
  if (!parsed.success) throw new HttpError(400, formatIssues(parsed.error).join('; '));
  return parsed.data;
}

export function policyOf(value: unknown): OnErrorPolicy {
  if (value === undefined) return 'null';
  try {
    return parseOnError(value);
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
}

/** Step and run id may also come as headers, for trainers that cannot change the body. */
export function stepOf(req: FastifyRequest, fromBody: number | undefined): number | undefined {
  if (fromBody !== undefined) return fromBody;
  return stepFromHeader(req.headers['x-assay-step']);
}

function stepFromHeader(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const step = Number(header);
  if (!Number.isInteger(step) || step < 0)
    throw new HttpError(400, `x-assay-step: expected a non-negative integer, got "${header}"`);
  return step;
}

export function runOf(req: FastifyRequest, fromBody: string | undefined): string | undefined {
  return fromBody ?? runFromHeader(req.headers['x-assay-run']);
}

const runFromHeader = (header: string | string[] | undefined): string | undefined =>
  typeof header === 'string' && header !== '' ? header : undefined;

export interface CheckedSamples {
  /** Valid samples with their index in the request. */
  valid: { index: number; sample: Sample }[];
  /** Invalid entries: the result reported in their place, its reason naming the field. */
  invalid: { index: number; errors: string[] }[];
}

/**
 * Check each entry of `samples` on its own: a bad sample is reported in its place and the others are still
 * scored. Only when none is valid is the whole request a 400 (there is nothing to keep).
 */
export function checkSamples(
  raw: unknown[],
  extra?: (s: Sample, index: number) => string | undefined,
): CheckedSamples {
  const out: CheckedSamples = { valid: [], invalid: [] };
  raw.forEach((value, index) => {
    const parsed = parseSample(value, ['samples', index]);
    const errors = parsed.ok
      ? [extra?.(parsed.sample, index)].filter((e): e is string => e !== undefined)
      : parsed.errors;
    if (parsed.ok && errors.length === 0) out.valid.push({ index, sample: parsed.sample });
    else
      out.invalid.push({
        index,
        errors: errors.map((e) => (e.startsWith('samples[') ? e : `samples[${index}]: ${e}`)),
      });
  });
  if (out.valid.length === 0 && out.invalid.length > 0) {
    throw new HttpError(
      400,
      out.invalid
        .flatMap((i) => i.errors)
        .slice(0, 20)
        .join('; '),
    );
  }
  return out;
}

export function invalidResult(errors: string[]): RewardResult {
  return { name: 'sample', status: 'error', score: null, reason: `invalid sample: ${errors.join('; ')}` };
}

/** Put results of the valid samples and reports for the invalid ones back in request order. */
export function inRequestOrder(
  checked: CheckedSamples,
  results: RewardResult[],
  total: number,
): RewardResult[] {
  const out: RewardResult[] = new Array(total);
  checked.valid.forEach((v, i) => {
    out[v.index] = results[i]!;
  });
  for (const bad of checked.invalid) out[bad.index] = invalidResult(bad.errors);
  return out;
}

/** Header values a `/v1/score` body may leave step and run to. */
export interface ScoreHeaders {
  step?: string | string[] | undefined;
  run?: string | string[] | undefined;
}

/** A `/v1/score` body read and checked. */
export interface ScoreBodyRead {
  spec: string | undefined;
  policy: OnErrorPolicy;
  checked: CheckedSamples;
  /** Entries in `samples`, valid or not. */
  total: number;
  step: number | undefined;
  timeoutMs: number | undefined;
  run: string | undefined;
}

/**
 * Read a `/v1/score` body as both the route and the workers that read bodies (src/server/offload) do,
 * so the two can never disagree; throws HttpError 400 naming what is wrong. `checkSpec` (the route's
 * check that the spec exists) runs where an unknown spec is to be reported.
 */
export function readScoreBody(
  text: string,
  headers: ScoreHeaders,
  checkSpec?: (name: string | undefined) => void,
): ScoreBodyRead {
  const body = parseBody(scoreBody, parseJsonText(text));
  const policy = policyOf(body.onError);
  checkSpec?.(body.spec);
  const checked = checkSamples(body.samples);
  return {
    spec: body.spec,
    policy,
    checked,
    total: body.samples.length,
    step: body.step ?? stepFromHeader(headers.step),
    timeoutMs: body.timeoutMs,
    run: body.run ?? runFromHeader(headers.run),
  };
}

/**
 * The body of a `/v1/score` response, `{spec, results, invalid?}`, from encoded results (of the valid
 * entries, whose request indices are `valid`): a result that is ok is sent as the worker wrote it; only
 * failures are decoded, to apply the caller's onError policy.
 */
export function scoreResponse(
  spec: string,
  valid: readonly number[],
  invalid: CheckedSamples['invalid'],
  results: EncodedResults,
  policy: OnErrorPolicy,
  total: number,
): string {
  const parts: string[] = new Array(total);
  valid.forEach((index, i) => {
    const json = results.json[i]!;
    parts[index] =
      statusOf(results, i) === 'ok'
        ? json
        : JSON.stringify(underPolicy(JSON.parse(json) as RewardResult, policy));
  });
  for (const bad of invalid)
    parts[bad.index] = JSON.stringify(underPolicy(invalidResult(bad.errors), policy));
  return responseText(spec, `[${parts.join(',')}]`, invalid);
}

/** `scoreResponse` from results as objects, in one JSON.stringify (for a worker that has the objects). */
export function scoreResponseOf(
  spec: string,
  valid: readonly number[],
  invalid: CheckedSamples['invalid'],
  results: readonly RewardResult[],
  policy: OnErrorPolicy,
  total: number,
): string {
  const entries: RewardResult[] = new Array(total);
  valid.forEach((index, i) => {
    entries[index] = underPolicy(results[i]!, policy);
  });
  for (const bad of invalid) entries[bad.index] = underPolicy(invalidResult(bad.errors), policy);
  return responseText(spec, JSON.stringify(entries), invalid);
}

/** `{spec, results, invalid?}` around the results array as JSON text. */
function responseText(spec: string, results: string, invalid: CheckedSamples['invalid']): string {
  const listed = invalid.length > 0 ? `,"invalid":${JSON.stringify(invalid)}` : '';
  return `{"spec":${JSON.stringify(spec)},"results":${results}${listed}}`;
}

/** A result as the caller sees it: the score under its onError policy, the status untouched. */
export function underPolicy(result: RewardResult, policy: OnErrorPolicy): RewardResult & { dropped?: true } {
  if (result.status === 'ok') return result;
  const score = scoreUnderPolicy(result, policy);
  return score === undefined ? { ...result, score: null, dropped: true } : { ...result, score };
}
