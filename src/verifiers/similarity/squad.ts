/**
 * SQuAD's answer normalization and token F1 / exact match, as the official v2.0 evaluation script
 * defines them: lowercase, drop ASCII punctuation, drop the articles a/an/the, collapse whitespace;
 * F1 over the bag of tokens; when either side has no tokens, F1 is 1 if both are empty, else 0.
 */
import { PY_WORD } from '../ifeval/pytext.js';

const PUNCT = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
const ARTICLES = new RegExp(`(?<![${PY_WORD}])(a|an|the)(?![${PY_WORD}])`, 'gu');

export function normalizeAnswer(s: string): string {
  const noPunct = [...s.toLowerCase()].filter((c) => !PUNCT.has(c)).join('');
  return noPunct
    .replace(ARTICLES, ' ')
    .split(/\s+/u)
    .filter((t) => t.length > 0)
    .join(' ');
}

const tokens = (s: string) => {
  const n = normalizeAnswer(s);
  return n === '' ? [] : n.split(' ');
};

export const exactMatch = (prediction: string, gold: string): number =>
  normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;

export function tokenF1(prediction: string, gold: string): number {
  const p = tokens(prediction);
  const g = tokens(gold);
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}
