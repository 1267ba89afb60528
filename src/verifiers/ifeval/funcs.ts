/**
 * Tülu 3's RLVR-IFeval verifiers (open-instruct `if_functions.py`), which ground-truth rows name by
 * `func_name` with flat arguments (`{"func_name": "verify_keyword_frequency", "word": "x", "N": 3}`).
 * Their semantics differ from IFEval's on purpose (exact counts, `around` within 10%, plain substring
 * tests), so they are a family of their own, restated function by function.
 */
import type { InstructionType } from './instructions.js';
import { pythonJsonLoads } from './instructions.js';
import { int, KwargError, quantified, str, strList } from './kwargs.js';
import { detectLanguage, sameLanguage } from './language.js';
import { countMatches, PY_WORD, PY_WS, pySplit, pyStrip } from './pytext.js';
import { countPlaceholders } from './scan.js';

/** Python's round(): halves go to the even neighbour. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
const tolerance = (n: number) => Math.max(pyRound(n * 0.1), 1);

const WORDS = new RegExp(`[${PY_WORD}]+`, 'gu');
const CAPITAL_WORDS = new RegExp(`(?<![${PY_WORD}])[A-Z]+(?![${PY_WORD}])`, 'gu');
const SENTENCE_SPLIT = new RegExp(
  `(?<![${PY_WORD}]\\.[${PY_WORD}][^\\n])(?<![A-Z][a-z]\\.)(?<=\\.|\\?|!)[${PY_WS}]`,
  'u',
);

const sectionPattern = (splitter: string) =>
  new RegExp(
    `[${PY_WS}]?${splitter.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}[${PY_WS}]?\\d+[${PY_WS}]?`,
    'giu',
  );

/** Per line, `\*(.*?)\*` pairs consecutive stars. */
function starPairs(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) n += Math.floor((line.split('*').length - 1) / 2);
  return n;
}

export const TULU_FUNCTIONS: Record<string, InstructionType> = {
  verify_keywords: {
    args: 'keyword_list: strings, each a substring (case-insensitive)',
    build(kw) {
      const words = strList(kw, 'keyword_list').map((w) => w.toLowerCase());
      return (v) => words.every((w) => v.toLowerCase().includes(w));
    },
  },
  verify_keyword_frequency: {
    args: 'word: string; N: int — exactly N whole-word occurrences (case-insensitive)',
    build(kw) {
      const word = str(kw, 'word').toLowerCase();
      const n = int(kw, 'N');
      return (v) => (v.toLowerCase().match(WORDS) ?? []).filter((w) => w === word).length === n;
    },
  },
  validate_forbidden_words: {
    args: 'forbidden_words: strings, none a substring (case-insensitive)',
    build(kw) {
      const words = strList(kw, 'forbidden_words').map((w) => w.toLowerCase());
      return (v) => !words.some((w) => v.toLowerCase().includes(w));
    },
  },
  verify_letter_frequency: {
    args: 'letter: one character; N: int — exactly N occurrences (case-sensitive)',
    build(kw) {
      const letter = str(kw, 'letter');
      if ([...letter].length !== 1) throw new KwargError('letter: expected a single character');
      const n = int(kw, 'N');
      return (v) => v.split(letter).length - 1 === n;
    },
  },
  validate_response_language: {
    args: 'language: ISO 639-1 code',
    build(kw) {
      const code = str(kw, 'language');
      return (v) => {
        const detected = detectLanguage(v);
        return detected !== undefined && sameLanguage(detected, code);
      };
    },
  },
  verify_paragraph_count: {
    args: 'N: int — exactly N non-empty paragraphs divided by "* * *"',
    build(kw) {
      const n = int(kw, 'N');
      return (v) => {
        const cleaned = pyStrip(
          v
            .split(/\r\n|\r|\n/)
            .map((l) => pyStrip(l))
            .join('\n'),
        );
        const parts = cleaned.split('* * *');
        return parts.every((p) => pyStrip(p) !== '') && parts.length === n;
      };
    },
  },
  validate_word_constraint: {
    args: 'N: int; quantifier: "at least" | "at most" | "around" (±10%) — whitespace-separated words',
    build(kw) {
      const n = int(kw, 'N');
      const q = str(kw, 'quantifier');
      return (v) => quantified(pySplit(v).length, q, n, tolerance(n));
    },
  },
  verify_sentence_constraint: {
    args: 'N: int; quantifier: "at least" | "at most" | "around" (±1) — sentences split after . ? !',
    build(kw) {
      const n = int(kw, 'N');
      const q = str(kw, 'quantifier');
      return (v) => quantified(v.split(SENTENCE_SPLIT).length, q, n, 1);
    },
  },
  validate_paragraphs: {
    args: 'N: int; first_word: string; i: int — N blank-line paragraphs, the i-th starting with first_word',
    build(kw) {
      const n = int(kw, 'N');
      const first = str(kw, 'first_word');
      const i = int(kw, 'i');
      return (v) => {
        const paragraphs = v.split('\n\n');
        return paragraphs.length === n && pyStrip(paragraphs.at(i - 1) ?? '').startsWith(first);
      };
    },
  },
  verify_postscript: {
    args: 'postscript_marker: string — present and followed by text',
    build(kw) {
      const marker = str(kw, 'postscript_marker');
      return (v) => {
        const at = v.indexOf(marker);
        return at >= 0 && pyStrip(v.slice(at)).length > marker.length;
      };
    },
  },
  validate_placeholders: {
    args: 'N: int — at least N [bracketed] placeholders',
    build(kw) {
      const n = int(kw, 'N');
      return (v) => countPlaceholders(v) >= n;
    },
  },
  verify_bullet_points: {
    args: 'N: int — exactly N lines starting with * or -',
    build(kw) {
      const n = int(kw, 'N');
      return (v) =>
        v.split('\n').filter((l) => {
          const s = pyStrip(l);
          return s.startsWith('*') || s.startsWith('-');
        }).length === n;
    },
  },
  validate_title: {
    args: 'none — some <<…>> on one line',
    build() {
      return (v) =>
        v.split('\n').some((l) => {
          const a = l.indexOf('<<');
          return a >= 0 && l.indexOf('>>', a + 2) >= 0;
        });
    },
  },
  validate_choice: {
    args: 'options: strings — one of them is a substring',
    build(kw) {
      const options = strList(kw, 'options');
      return (v) => options.some((o) => v.includes(o));
    },
  },
  validate_highlighted_sections: {
    args: 'N: int — at least N *…* pairs',
    build(kw) {
      const n = int(kw, 'N');
      return (v) => starPairs(v) >= n;
    },
  },
  validate_sections: {
    args: 'N: int; section_splitter: string — at least N "<splitter> k" marks (case-insensitive)',
    build(kw) {
      const n = int(kw, 'N');
      const re = sectionPattern(str(kw, 'section_splitter'));
      return (v) => countMatches(v, re) >= n;
    },
  },
  validate_json_format: {
    args: 'none — the response parses as JSON',
    build() {
      return pythonJsonLoads;
    },
  },
  validate_repeat_prompt: {
    args: 'original_prompt: string — the response starts with it',
    build(kw) {
      const prompt = str(kw, 'original_prompt');
      return (v) => v.startsWith(prompt);
    },
  },
  validate_two_responses: {
    args: 'none — exactly one ****** between two different responses',
    build() {
      return (v) => {
        const parts = v.split('******');
        return parts.length === 2 && pyStrip(parts[0]!) !== pyStrip(parts[1]!);
      };
    },
  },
  validate_uppercase: {
    args: 'none — unchanged by upper-casing',
    build() {
      return (v) => v === v.toUpperCase();
    },
  },
  validate_lowercase: {
    args: 'none — unchanged by lower-casing',
    build() {
      return (v) => v === v.toLowerCase();
    },
  },
  validate_frequency_capital_words: {
    args: 'N: int; quantifier: "at least" | "at most" | "around" — all-caps ASCII words',
    build(kw) {
      const n = int(kw, 'N');
      const q = str(kw, 'quantifier');
      return (v) => quantified(countMatches(v, CAPITAL_WORDS), q, n, tolerance(n));
    },
  },
  validate_end: {
    args: 'end_phrase: string — the response ends with it exactly',
    build(kw) {
      const phrase = str(kw, 'end_phrase');
      return (v) => v.endsWith(phrase);
    },
  },
  validate_quotation: {
    args: 'none — starts and ends with a double quote',
    build() {
      return (v) => v.startsWith('"') && v.endsWith('"');
    },
  },
  validate_no_commas: {
    args: 'none — no comma',
    build() {
      return (v) => !v.includes(',');
    },
  },
};
