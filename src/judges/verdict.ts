import type { TokenLogprob } from '../core/types.js';
import { stripThink } from './text.js';

/**
 * Reading the judge's verdict: from its structured output, or from its final verdict line only, never
 * from anywhere in its text (a judge that quotes "VERDICT: yes" from the response must not be believed).
 */

const VERDICT_LINE =
  /^[\s*_#>`-]*(?:final\s+)?(?:verdict|judgement|judgment|score|grade|decision|winner)[\s*_`]*[:：=][\s*_`]*(.+?)[\s*_`.]*$/i;

/** The value on the judge's last non-empty line when that line is `VERDICT: value`, else undefined. */
export function finalVerdictLine(output: string): string | undefined {
  const lines = stripThink(output)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  return VERDICT_LINE.exec(last)?.[1]?.trim();
}

/**
 * The verdict of a reply that is nothing but a verdict (`yes`, `No.`, `**7**`): small verifier models
 * answer exactly so. One short line only, so a reply that merely ends with a word is not read as one.
 */
export function bareVerdict(output: string): string | undefined {
  const text = stripThink(output).trim();
  if (text === '' || text.length > 40 || /[\r\n]/.test(text)) return undefined;
  return text.replace(/^[\s*_`]+|[\s*_`]+$/g, '');
}

/** The value of the last `VERDICT: value` line anywhere: the naive parser, kept only to measure the risk. */
export function anyVerdictLine(output: string): string | undefined {
  const lines = output.split(/\r?\n/).map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = VERDICT_LINE.exec(lines[i]!);
    if (m) return m[1]!.trim();
  }
  return undefined;
}

/** The JSON object the judge returned under a json_schema response format (fences tolerated), or undefined. */
export function structuredVerdict(output: string): Record<string, unknown> | undefined {
  const text = stripThink(output)
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
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

const bare = (word: string): string =>
  word
    .trim()
    .toLowerCase()
    .replace(/^["'“”‘’([]+|["'“”‘’)\].,!]+$/g, '');

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
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?|out of\s+\d+)?\s*$/i.exec(
    value.replace(/\*+/g, ''),
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
