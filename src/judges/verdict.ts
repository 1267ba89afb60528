import type { TokenLogprob } from '../core/types.js';
import { stripThink } from './text.js';

/**
 * Reading the judge's verdict: from its structured output, or from its final verdict line only, never
 * from anywhere in its text (a judge that quotes "VERDICT: yes" from the response must not be believed).
 */

/**
 * `VERDICT:` and its decorations up to the value. Anchored and without nested or adjacent ambiguous
 * quantifiers, so one attempt costs at most a pass over the line; the value's trailing decoration is cut
 * by `verdictValue`, because `(.+?)[\s*_`.]*$` would retry the tail from every character (quadratic).
 */
const VERDICT_LABEL =
  /^[\s*_#>`-]*(?:final\s+)?(?:verdict|judgement|judgment|score|grade|decision|winner)[\s*_`]*[:：=]/i;

const isLeadDecoration = (c: string) => c === '*' || c === '_' || c === '`' || /\s/.test(c);
const isTrailDecoration = (c: string) => c === '.' || isLeadDecoration(c);

/** The value of a `VERDICT: value` line, without the markdown around it, or undefined when it is not one. */
function verdictValue(line: string): string | undefined {
  const label = VERDICT_LABEL.exec(line);
  if (!label) return undefined;
  const rest = line.slice(label[0].length);
  if (rest === '') return undefined;
  let start = 0;
  while (start < rest.length && isLeadDecoration(rest[start]!)) start++;
  let value: string;
  // a value is at least one character: all decoration ("VERDICT: *") leaves the last one
  if (start === rest.length) value = rest.slice(-1);
  else {
    let end = rest.length;
    while (end > start + 1 && isTrailDecoration(rest[end - 1]!)) end--;
    value = rest.slice(start, end);
  }
  if (/[\r\u2028\u2029]/.test(value)) return undefined;
  return value.trim();
}

/** The value on the judge's last non-empty line when that line is `VERDICT: value`, else undefined. */
export function finalVerdictLine(output: string): string | undefined {
  const lines = stripThink(output)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  return verdictValue(last);
}

/** The value of the last `VERDICT: value` line anywhere: the naive parser, kept only to measure the risk. */
export function anyVerdictLine(output: string): string | undefined {
  const lines = output.split(/\r?\n/).map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const value = verdictValue(lines[i]!);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The JSON object the judge returned under a json_schema response format (fences tolerated), or undefined. */
export function structuredVerdict(output: string): Record<string, unknown> | undefined {
  let text = stripThink(output).replace(/^```(?:json)?\s*/i, '');
  // not /\s*```$/: that retries every whitespace run in the text (quadratic)
  if (text.endsWith('```')) text = text.slice(0, -3).trimEnd();
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const YES = new Set(['yes', 'y', 'correct', 'true', 'equivalent', 'right', '是', '对', '正确']);
const NO = new Set([
  'no',
  'n',
  'incorrect',
  'false',
  'wrong',
  'not equivalent',
  '否',
  '不',
  '错',
  '错误',
  '不正确',
]);

const OPENING_MARKS = new Set(['"', "'", '“', '”', '‘', '’', '(', '[']);
const CLOSING_MARKS = new Set(['"', "'", '“', '”', '‘', '’', ')', ']', '.', ',', '!']);

/** The word lowercased without quotes and brackets around it (a scan: `[…]+$` would retry every run). */
function bare(word: string): string {
  const w = word.trim().toLowerCase();
  let start = 0;
  while (start < w.length && OPENING_MARKS.has(w[start]!)) start++;
  let end = w.length;
  while (end > start && CLOSING_MARKS.has(w[end - 1]!)) end--;
  return w.slice(start, end);
}

/** yes / no from a verdict word, or undefined when it is neither. */
export function yesNo(word: string): boolean | undefined {
  const w = bare(word);
  if (YES.has(w)) return true;
  if (NO.has(w)) return false;
  return undefined;
}

/** A number from a verdict such as `7`, `7/10` or `7 out of 10`, or undefined. */
export function verdictNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  // trimmed first: `\s*(…)?\s*$` around an optional group retries each whitespace run (quadratic)
  const m = /^(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?|out of\s+\d+)?$/i.exec(
    value.replace(/\*+/g, '').trim(),
  );
  return m ? Number(m[1]) : undefined;
}

/**
 * P(yes) from the judge's token log-probabilities: at the last token that is a yes/no verdict word, the
 * probability mass of yes-tokens over yes- and no-tokens among its top alternatives.
 */
export function probabilityOfYes(tokens: readonly TokenLogprob[] | undefined): number | undefined {
  if (!tokens) return undefined;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (yesNo(t.token) === undefined) continue;
    const alternatives = t.top_logprobs && t.top_logprobs.length > 0 ? t.top_logprobs : [t];
    let yes = 0;
    let no = 0;
    for (const alt of alternatives) {
      const v = yesNo(alt.token);
      if (v === true) yes += Math.exp(alt.logprob);
      else if (v === false) no += Math.exp(alt.logprob);
    }
    return yes + no > 0 ? yes / (yes + no) : undefined;
  }
  return undefined;
}
