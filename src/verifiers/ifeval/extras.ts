/**
 * The constraints open-instruct's IFEvalG adds to IFEval's 25 (Tülu 3 / OLMo RLVR training data such as
 * IF_multi_constraints), restated from its `check_following` methods, quirks included where they decide
 * a verdict (the keyword of `copy:repeat_phrase` matched case-sensitively; single letters count as
 * palindromes; `count:counting_composition` counts NLTK tokens, punctuation included).
 */
import {
  dividedParagraphs,
  IFEVAL_INSTRUCTIONS,
  type InstructionType,
  paragraphCount,
} from './instructions.js';
import { compare, int, relation, str } from './kwargs.js';
import { countMatches, literalPattern, PY_WORD, PY_WS, pySplit, pyStrip } from './pytext.js';
import { splitIntoSentences } from './sentences.js';
import { wordTokenize } from './words.js';

const same = (a: string, b: string) => pyStrip(a).toLowerCase() === pyStrip(b).toLowerCase();
const occurrences = (v: string, word: string) => countMatches(v, literalPattern(word, false));
const PUNCT = new RegExp(`[^${PY_WORD}\\s]`, 'gu');
const LOWER_WORDS = new RegExp(`(?<![${PY_WORD}])[a-z]+(?![${PY_WORD}])`, 'gu');
const ASCII_LETTERS = /[a-zA-Z]/g;
const DIVIDER = new RegExp(`[${PY_WS}]?\\*\\*\\*[${PY_WS}]?`, 'u');

/** `re.findall(rf"{first} .*? {last}", value)`: non-overlapping, within a line, by a linear scan. */
function phraseSpans(value: string, first: string, last: string): string[] {
  const found: string[] = [];
  const head = `${first} `;
  const tail = ` ${last}`;
  let at = value.indexOf(head);
  while (at >= 0) {
    const from = at + head.length;
    const end = value.indexOf(tail, from);
    if (end < 0) break;
    const newline = value.indexOf('\n', from);
    if (newline >= 0 && newline < end) {
      at = value.indexOf(head, newline + 1);
      continue;
    }
    found.push(value.slice(at, end + tail.length));
    at = value.indexOf(head, end + tail.length);
  }
  return found;
}

/** copy:copy and copy:copying_simple: the response is the prompt, case and outer whitespace aside. */
const EXACT_COPY: InstructionType = {
  args: 'prompt_to_repeat: string — the response is exactly it (case-insensitive)',
  build(kw) {
    const prompt = str(kw, 'prompt_to_repeat');
    return (v) => same(v, prompt);
  },
};

const firstLetter = (w: string) => [...w.toLowerCase()];

export const IFEVALG_INSTRUCTIONS: Record<string, InstructionType> = {
  'copy:repeat_phrase': {
    args: 'phrase: string; small_n: int — the phrase exactly small_n times, each with one middle word changed',
    build(kw) {
      const ref = pySplit(pyStrip(str(kw, 'phrase')));
      const n = int(kw, 'small_n');
      return (v) => {
        const spans = phraseSpans(v, ref[0] ?? '', ref.at(-1) ?? '');
        if (spans.length !== n) return false;
        let differences = 0;
        for (const span of spans) {
          const words = pySplit(span);
          differences = 0;
          for (let i = 0; i < words.length; i++) {
            if (i >= ref.length) return false;
            if (words[i] !== ref[i] && ++differences > 1) return false;
          }
        }
        return differences === 1;
      };
    },
  },
  'copy:copy': EXACT_COPY,
  'new:copy_span_idx': {
    args: 'prompt_to_repeat: string; n_start, n_end: int — the response is prompt[n_start:n_end]',
    build(kw) {
      const chars = [...str(kw, 'prompt_to_repeat')];
      const span = chars.slice(int(kw, 'n_start'), int(kw, 'n_end')).join('');
      return (v) => same(v, span);
    },
  },
  'detectable_format:sentence_hyphens': {
    args: 'none — sentences joined by hyphens, no spaces around them',
    build() {
      return (v) => {
        const gold = splitIntoSentences(v.replaceAll('-', ' '));
        const parts = v.split('-');
        for (let i = 0; i < Math.min(gold.length, parts.length); i++) {
          if (pyStrip(parts[i]!) !== parts[i] || parts[i] !== gold[i]) return false;
        }
        return true;
      };
    },
  },
  'keywords:no_adjacent_consecutive': {
    args: 'none — no two adjacent words start with consecutive letters of the alphabet',
    build() {
      return (v) => {
        const words = pySplit(v);
        for (let i = 0; i + 1 < words.length; i++) {
          const a = firstLetter(words[i]!.slice(0, 1));
          const b = firstLetter(words[i + 1]!.slice(0, 1));
          if (a.length !== 1 || b.length !== 1) return false;
          if (b[0]!.codePointAt(0)! - a[0]!.codePointAt(0)! === 1) return false;
        }
        return true;
      };
    },
  },
  'detectable_format:square_brackets': {
    args: 'none — every whitespace-separated word is enclosed in [square brackets]',
    build() {
      return (v) => pySplit(v).every((w) => w.startsWith('[') && w.endsWith(']'));
    },
  },
  'keywords:word_once': {
    args: 'keyword: string — appears exactly once (case-insensitive)',
    build(kw) {
      const word = pyStrip(str(kw, 'keyword'));
      return (v) => occurrences(v, word) === 1;
    },
  },
  'keywords:word_count_different_numbers': {
    args: 'keyword: string; frequency: int; relation: "less than" | "at least"',
    build: (kw) => IFEVAL_INSTRUCTIONS['keywords:frequency']!.build(kw),
  },
  'keywords:exclude_word_harder': {
    args: 'keyword: string — never appears surrounded by spaces (case-sensitive)',
    build(kw) {
      const needle = ` ${pyStrip(str(kw, 'keyword'))} `;
      return (v) => !v.includes(needle);
    },
  },
  'paragraphs:paragraphs': {
    args: 'none — exactly 2 paragraphs divided by ***',
    build() {
      return (v) => dividedParagraphs(v) === 2;
    },
  },
  'paragraphs:paragraphs2': {
    args: 'none — exactly 2 paragraphs divided by a blank line',
    build() {
      return (v) => paragraphCount(v.split('\n\n')) === 2;
    },
  },
  'first_word:first_word_sent': {
    args: 'first_word: string — every sentence starts with it (case-insensitive)',
    build(kw) {
      const want = pyStrip(str(kw, 'first_word')).toLowerCase();
      return (v) =>
        splitIntoSentences(v).every((s) => pyStrip(s) !== '' && pySplit(s)[0]!.toLowerCase() === want);
    },
  },
  'first_word:first_word_answer': {
    args: 'first_word: string — the response starts with it (case-insensitive)',
    build(kw) {
      const want = pyStrip(str(kw, 'first_word')).toLowerCase();
      return (v) => {
        const first = pySplit(v)[0];
        return first !== undefined && first.toLowerCase() === want;
      };
    },
  },
  'last_word:last_word_sent': {
    args: 'last_word: string — every sentence ends with it, punctuation aside (case-insensitive)',
    build(kw) {
      const want = pyStrip(str(kw, 'last_word')).toLowerCase();
      return (v) =>
        splitIntoSentences(v).every(
          (s) => pyStrip(s) !== '' && pySplit(s).at(-1)!.replace(PUNCT, '').toLowerCase() === want,
        );
    },
  },
  'last_word:last_word_answer': {
    args: 'last_word: string — the response ends with it, punctuation aside (case-insensitive)',
    build(kw) {
      const want = pyStrip(str(kw, 'last_word')).toLowerCase();
      return (v) => {
        const last = pySplit(v).at(-1);
        return last !== undefined && last.replace(PUNCT, '').toLowerCase() === want;
      };
    },
  },
  'detectable_format:bigram_wrapping': {
    args: 'none — every word bigram wrapped as <<two words>>',
    build() {
      return (v) => {
        const words = pySplit(v);
        for (let i = 0; i + 1 < words.length; i += 2) {
          if (!(words[i]!.startsWith('<<') && words[i + 1]!.endsWith('>>'))) return false;
        }
        return true;
      };
    },
  },
  'copy:copying_simple': EXACT_COPY,
  'copy:copying_multiple': {
    args: 'prompt_to_repeat: string; N: int — the prompt N times, separated by ******',
    build(kw) {
      const prompt = str(kw, 'prompt_to_repeat');
      const n = int(kw, 'N');
      return (v) => {
        const parts = v.split('******');
        return parts.length === n && parts.every((p) => same(p, prompt));
      };
    },
  },
  'punctuation:punctuation_dot': {
    args: 'none — no "." anywhere',
    build() {
      return (v) => !v.includes('.');
    },
  },
  'punctuation:punctuation_exclamation': {
    args: 'none — no "!" anywhere',
    build() {
      return (v) => !v.includes('!');
    },
  },
  'count:lowercase_counting': {
    args: 'N: int — at most N all-lowercase ASCII words',
    build(kw) {
      const n = int(kw, 'N');
      return (v) => countMatches(v, LOWER_WORDS) <= n;
    },
  },
  'letters:letter_counting': {
    args: 'N: int; relation: "less than" | "at least" — ASCII letters in the response',
    build(kw) {
      const n = int(kw, 'N');
      const rel = relation(kw, 'relation');
      return (v) => compare(countMatches(v, ASCII_LETTERS), rel, n);
    },
  },
  'letters:letter_counting2': {
    args: 'letter; let_frequency: int; let_relation — as keywords:letter_frequency',
    build: (kw) => IFEVAL_INSTRUCTIONS['keywords:letter_frequency']!.build(kw),
  },
  'count:counting_composition': {
    args: 'n_sent, n_words: int — 3 paragraphs divided by ***, n_sent sentences each, n_words NLTK tokens each',
    build(kw) {
      const nSent = int(kw, 'n_sent');
      const nWords = int(kw, 'n_words');
      return (v) => {
        const pieces = v.split(DIVIDER);
        let count = pieces.length;
        for (let i = 0; i < pieces.length; i++) {
          if (pyStrip(pieces[i]!) === '') {
            if (i === 0 || i === pieces.length - 1) count--;
            else return false;
          }
          const sentences = splitIntoSentences(pieces[i]!);
          if (sentences.length !== nSent) return false;
          if (sentences.some((s) => wordTokenize(s).length !== nWords)) return false;
        }
        return count === 3;
      };
    },
  },
  'count:count_unique': {
    args: 'none — no NLTK token repeated',
    build() {
      return (v) => {
        const words = wordTokenize(v);
        return new Set(words).size === words.length;
      };
    },
  },
  'count:count_increment_word': {
    args: 'keyword1, keyword2: string — keyword1 once, keyword2 twice (case-insensitive)',
    build(kw) {
      const k1 = pyStrip(str(kw, 'keyword1'));
      const k2 = pyStrip(str(kw, 'keyword2'));
      return (v) => occurrences(v, k1) === 1 && occurrences(v, k2) === 2;
    },
  },
  'keywords:palindrome': {
    args: 'none — some whitespace-separated word reads the same reversed (one letter counts)',
    build() {
      return (v) => pySplit(v).some((w) => [...w].reverse().join('') === w);
    },
  },
  'keywords:keyword_specific_position': {
    args: 'keyword: string; n, m: int — the m-th NLTK token of the n-th sentence is keyword',
    build(kw) {
      const keyword = pyStrip(str(kw, 'keyword'));
      const n = int(kw, 'n');
      const m = int(kw, 'm');
      return (v) => {
        const sentences = splitIntoSentences(v);
        if (n < 1 || sentences.length < n) return false;
        const words = wordTokenize(sentences[n - 1]!);
        return m >= 1 && words.length >= m && words[m - 1] === keyword;
      };
    },
  },
  'keywords:start_end': {
    args: 'none — the first and last NLTK tokens are the same word (case-insensitive)',
    build() {
      return (v) => {
        const words = wordTokenize(v);
        return words.length >= 2 && words[0]!.toLowerCase() === words.at(-1)!.toLowerCase();
      };
    },
  },
};
