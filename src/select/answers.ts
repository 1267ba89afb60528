/**
 * Where voting gets its answers and how it compares them. For math, the math verifier's extraction and
 * equivalence, so `1/2`, `0.5` and `\frac{1}{2}` vote together; for anything else, normalized text.
 */

import { responseText } from '../core/sample.js';
import type { ScoredRecord } from '../credit/scored.js';
import { findDetail } from '../credit/scored.js';
import { compareParsed, extractMathAnswer, type ParsedAnswer, parseMath } from '../verifiers/math/index.js';
import { extractAnswer } from '../verifiers/text/extract.js';
import { type Equivalence, normalizedEquality } from './vote.js';

export type AnswerKind = 'math' | 'text';
export const ANSWER_KINDS: readonly AnswerKind[] = ['math', 'text'];

/** Math equivalence with each answer parsed once (voting compares one answer with many representatives). */
export function mathEquivalence(): Equivalence {
  const parsed = new Map<string, ParsedAnswer>();
  const parse = (s: string) => {
    let p = parsed.get(s);
    if (!p) {
      p = parseMath(s);
      parsed.set(s, p);
    }
    return p;
  };
  return (a, b) => compareParsed(parse(a), parse(b)).equal;
}

export function equivalenceFor(kind: AnswerKind): Equivalence {
  return kind === 'math' ? mathEquivalence() : normalizedEquality;
}

/**
 * A record's final answer: the line's `answer` field, else the `extracted` answer a reward left in its
 * detail (math, exact_match, choice do), else extracted from the response, else null (no vote).
 */
export function answerOf(record: Pick<ScoredRecord, 'raw' | 'sample'>, kind: AnswerKind): string | null {
  const given = record.raw.answer ?? findDetail(record.raw, 'extracted');
  if (typeof given === 'string') return given;
  if (typeof given === 'number') return String(given);
  if (!record.sample) return null;
  const text = responseText(record.sample);
  return (kind === 'math' ? extractMathAnswer(text) : extractAnswer(text)?.answer) ?? null;
}
