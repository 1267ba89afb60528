/**
 * Constraints of AllenAI's IFBench (Pyatkin et al. 2025, out-of-domain verifiable constraints), restated
 * from its `check_following` methods: 15 of its 58, those whose rules need no external word lists or
 * packages. Others (stop-word ratios with NLTK's list, syllable counts, emoji) are not implemented and are
 * reported as unknown ids.
 */
import type { InstructionType } from './instructions.js';
import { int, str } from './kwargs.js';
import { literalPattern, pySplit, pyStrip } from './pytext.js';
import { splitIntoSentences } from './sentences.js';
import { countWords, wordTokenize } from './words.js';

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const stripPunct = (w: string) => pyStrip(w, `${PUNCTUATION} `);
/** `value.translate(str.maketrans('', '', string.punctuation))`: ASCII punctuation removed. */
const dropPunct = (v: string) => [...v].filter((c) => !PUNCTUATION.includes(c)).join('');
const CONSONANTS = 'bcdfghjklmnpqrstvwxyz';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
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
  'count:numbers': {
    args: 'N: int — exactly N numbers (digit runs once punctuation is removed, so 3.5 is one)',
    build(kw) {
      const n = int(kw, 'N');
      return (v) => (dropPunct(v).match(/\p{Nd}+/gu) ?? []).length === n;
    },
  },
  'words:alphabet': {
    args: "none — each word starts with the letter after the previous word's, Z looping to A",
    build() {
      return (v) => {
        const words = pySplit(stripPunct(dropPunct(v)));
        if (words.length === 0) return false;
        let letter = words[0]![0]!.toLowerCase();
        if (!ALPHABET.includes(letter)) return false;
        for (const raw of words.slice(1)) {
          const word = stripPunct(raw).toLowerCase();
          if (word === '') continue;
          letter = ALPHABET[(ALPHABET.indexOf(letter) + 1) % 26]!;
          if (word[0] !== letter) return false;
        }
        return true;
      };
    },
  },
  'words:consonants': {
    args: 'none — every word has two consonants in a row',
    build() {
      return (v) =>
        pySplit(pyStrip(v.toLowerCase())).every((w) => {
          for (let i = 0; i + 1 < w.length; i++)
            if (CONSONANTS.includes(w[i]!) && CONSONANTS.includes(w[i + 1]!)) return true;
          return false;
        });
    },
  },
  'sentence:alliteration_increment': {
    args: 'none — each sentence has a longer run of words sharing a first letter than the one before',
    build() {
      return (v) => {
        let previous = -1;
        for (const sentence of splitIntoSentences(v)) {
          const words = pySplit(sentence.toLowerCase())
            .map((w) => w.replace(/^[!-/:-@[-`{-~ ]+/, ''))
            .filter((w) => w.length > 0);
          let run = 0;
          let inRun = false;
          for (let i = 0; i + 1 < words.length; i++) {
            if (words[i]![0] === words[i + 1]![0]) {
              run += inRun ? 1 : 2;
              inRun = true;
            } else inRun = false;
          }
          if (run <= previous) return false;
          previous = run;
        }
        return true;
      };
    },
  },
  'words:palindrome': {
    args: 'none — at least 10 palindromic words of 5 or more characters',
    build() {
      return (v) =>
        pySplit(dropPunct(v).toLowerCase()).filter((w) => w.length >= 5 && [...w].reverse().join('') === w)
          .length >= 10;
    },
  },
  'count:punctuation': {
    args: 'none — uses . , ! ? ; : and an interrobang (?! or !? or ‽)',
    build() {
      return (v) => {
        if (!(v.includes('!?') || v.includes('?!') || v.includes('\u203d'))) return false;
        let rest = v.replace('?!', '');
        if (rest.length === v.length) rest = v.replace('!?', '');
        return ['.', ',', '!', '?', ';', ':'].every((c) => rest.includes(c));
      };
    },
  },
  'format:parentheses': {
    args: 'none — (), [] or {} correctly nested at least 5 deep somewhere',
    build() {
      return (v) => {
        let levels: string[] = [];
        let maxDepth = 0;
        const open: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
        for (const c of v) {
          if (c === '(' || c === '[' || c === '{') {
            levels.push(c);
            maxDepth = Math.max(maxDepth, levels.length);
          } else if (c in open) {
            if (levels.length > 0 && levels.at(-1) === open[c]) {
              levels.pop();
              if (maxDepth >= 5 && levels.length < maxDepth) return true;
            } else {
              levels = [];
              maxDepth = 0;
            }
          }
        }
        return false;
      };
    },
  },
  'format:quotes': {
    args: 'none — quotes within quotes at least 3 deep, alternating " and \'',
    build() {
      return (v) => {
        const levels: string[] = [];
        let reached = 0;
        let depth = 0;
        for (const c of v) {
          if (levels.length > 0 && c === levels.at(-1)) {
            levels.pop();
            depth--;
            if (reached - depth >= 3) return true;
          } else if (c === '"' || c === "'") {
            levels.push(c);
            depth++;
            reached = Math.max(reached, depth);
          }
        }
        return false;
      };
    },
  },
};
