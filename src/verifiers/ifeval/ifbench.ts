/**
 * Constraints of AllenAI's IFBench (Pyatkin et al. 2025, out-of-domain verifiable constraints), restated
 * from its `check_following` methods: the ones whose rules need no external word lists. Others (stop-word
 * ratios with NLTK's list, syllable counts, emoji) are not implemented and are reported as unknown ids.
 */
import type { InstructionType } from './instructions.js';
import { int, str } from './kwargs.js';
import { literalPattern, pySplit, pyStrip } from './pytext.js';
import { splitIntoSentences } from './sentences.js';
import { countWords, wordTokenize } from './words.js';

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const stripPunct = (w: string) => pyStrip(w, `${PUNCTUATION} `);
const CONJUNCTIONS = new Set(['and', 'but', 'for', 'nor', 'or', 'so', 'yet']);
const PERSON_NAMES = (
  'Emma Liam Sophia Jackson Olivia Noah Ava Lucas Isabella Mason Mia Ethan Charlotte Alexander Amelia ' +
  'Benjamin Harper Leo Zoe Daniel Chloe Samuel Lily Matthew Grace Owen Abigail Gabriel Ella Jacob Scarlett ' +
  'Nathan Victoria Elijah Layla Nicholas Audrey David Hannah Christopher Penelope Thomas Nora Andrew Aria ' +
  'Joseph Claire Ryan Stella Jonathan'
).split(' ');

/** Sentence endings of split_into_sentences' sentences. */
function sentenceTypes(value: string): { declarative: number; interrogative: number; exclamatory: number } {
  const s = splitIntoSentences(value);
  return {
    declarative: s.filter((x) => x.endsWith('.')).length,
    interrogative: s.filter((x) => x.endsWith('?')).length,
    exclamatory: s.filter((x) => x.endsWith('!')).length,
  };
}

const trigrams = (text: string) => {
  const t = wordTokenize(text);
  const out = new Set<string>();
  for (let i = 0; i + 3 <= t.length; i++) out.add(`${t[i]}\u0001${t[i + 1]}\u0001${t[i + 2]}`);
  return out;
};

export const IFBENCH_INSTRUCTIONS: Record<string, InstructionType> = {
  'count:word_count_range': {
    args: 'min_words, max_words: int — between them (inclusive), counting \\w+ runs',
    build(kw) {
      const lo = int(kw, 'min_words');
      const hi = int(kw, 'max_words');
      return (v) => {
        const n = countWords(v);
        return lo <= n && n <= hi;
      };
    },
  },
  'count:unique_word_count': {
    args: 'N: int — at least N distinct lowercase words, outer punctuation stripped',
    build(kw) {
      const n = int(kw, 'N');
      return (v) => new Set(pySplit(v.toLowerCase()).map(stripPunct)).size >= n;
    },
  },
  'ratio:sentence_type': {
    args: 'none — declarative sentences (ending ".") exactly twice the interrogative ones (ending "?")',
    build() {
      return (v) => {
        const t = sentenceTypes(v);
        return t.declarative === 2 * t.interrogative;
      };
    },
  },
  'ratio:sentence_balance': {
    args: 'none — as many sentences ending ".", "?" and "!"',
    build() {
      return (v) => {
        const t = sentenceTypes(v);
        return t.declarative === t.interrogative && t.interrogative === t.exclamatory;
      };
    },
  },
  'count:conjunctions': {
    args: 'small_n: int — at least small_n different coordinating conjunctions (as written: "And," and "and" differ)',
    build(kw) {
      const n = int(kw, 'small_n');
      return (v) =>
        new Set(pySplit(v).filter((w) => CONJUNCTIONS.has(stripPunct(w).toLowerCase()))).size >= n;
    },
  },
  'count:person_names': {
    args: "N: int — at least N different names from IFBench's list of 50 (whole words, case-sensitive)",
    build(kw) {
      const n = int(kw, 'N');
      const patterns = PERSON_NAMES.map((name) => new RegExp(literalPattern(name, true).source, 'u'));
      return (v) => patterns.filter((re) => re.test(v)).length >= n;
    },
  },
  'ratio:overlap': {
    args: "reference_text: string; percentage: int — share of the response's NLTK-token trigrams found in the reference, within ±2 points",
    build(kw) {
      const ref = trigrams(str(kw, 'reference_text'));
      const pct = int(kw, 'percentage');
      return (v) => {
        const mine = trigrams(v);
        if (mine.size === 0) return false;
        let shared = 0;
        for (const g of mine) if (ref.has(g)) shared++;
        const overlap = (shared / mine.size) * 100;
        return pct - 2 <= overlap && overlap <= pct + 2;
      };
    },
  },
};
