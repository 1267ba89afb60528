/**
 * The 25 instruction types of IFEval (Zhou et al. 2023, google-research/instruction_following_eval),
 * each restated from the reference's `check_following`: the same counting rules, relations and string
 * handling. `build` reads the kwargs once (throwing KwargError when they cannot be used) and returns
 * the check, so loose mode's eight variants of a response reuse it.
 */
import { compare, int, type Kwargs, relation, str, strList } from './kwargs.js';
import { detectLanguage, sameLanguage } from './language.js';
import {
  countMatches,
  escapeRegExp,
  literalPattern,
  PY_WS,
  pyIsLower,
  pyIsUpper,
  pyLstrip,
  pySplit,
  pyStrip,
} from './pytext.js';
import { countBullets, countHighlights, countPlaceholders, hasTitle } from './scan.js';
import { punktSentences } from './sentences.js';
import { countWords, wordTokenize } from './words.js';

export type Check = (value: string) => boolean;

export interface InstructionType {
  /** The kwargs it reads and what they mean. */
  args: string;
  build(kw: Kwargs): Check;
}

const PARAGRAPH_DIVIDER = new RegExp(`[${PY_WS}]?\\*\\*\\*[${PY_WS}]?`, 'u');

/**
 * The paragraph count of pieces split on a divider: blank pieces are allowed first and last only (not
 * counted); a blank piece in between means the count fails (returned as -1).
 */
export function paragraphCount(pieces: string[]): number {
  let n = pieces.length;
  for (let i = 0; i < pieces.length; i++) {
    if (pyStrip(pieces[i]!) === '') {
      if (i === 0 || i === pieces.length - 1) n--;
      else return -1;
    }
  }
  return n;
}

/** Paragraphs divided by `***` (`re.split(r"\s?\*\*\*\s?")`). */
export const dividedParagraphs = (value: string): number => paragraphCount(value.split(PARAGRAPH_DIVIDER));

/** The response's language matches, or langdetect would have raised (counted as followed). */
function isLanguage(value: string, code: string): boolean {
  const detected = detectLanguage(value);
  return detected === undefined || sameLanguage(detected, code);
}

/** `json.loads` accepts NaN, Infinity and -Infinity as numbers; JSON.parse does not. */
export function pythonJsonLoads(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    if (!/NaN|Infinity/.test(text)) return false;
  }
  // Replace the three Python-only literals outside strings, then parse again.
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    const word = text.startsWith('NaN', i) ? 'NaN' : text.startsWith('Infinity', i) ? 'Infinity' : '';
    if (word) {
      out += '0';
      i += word.length - 1;
      continue;
    }
    out += c;
  }
  try {
    JSON.parse(out);
    return true;
  } catch {
    return false;
  }
}

const CONSTRAINED = ['My answer is yes.', 'My answer is no.', 'My answer is maybe.'];

export const IFEVAL_INSTRUCTIONS: Record<string, InstructionType> = {
  'keywords:existence': {
    args: 'keywords: list of strings, each present (case-insensitive)',
    build(kw) {
      const patterns = strList(kw, 'keywords').map((k) => literalPattern(k, false));
      return (v) => patterns.every((re) => countMatches(v, re) > 0);
    },
  },
  'keywords:frequency': {
    args: 'keyword: string; frequency: int; relation: "less than" | "at least" (case-insensitive occurrences)',
    build(kw) {
      const re = literalPattern(pyStrip(str(kw, 'keyword')), false);
      const n = int(kw, 'frequency');
      const rel = relation(kw, 'relation');
      return (v) => compare(countMatches(v, re), rel, n);
    },
  },
  'keywords:forbidden_words': {
    args: 'forbidden_words: list of strings, none present as a whole word (case-insensitive)',
    build(kw) {
      const patterns = strList(kw, 'forbidden_words').map((w) => literalPattern(w, true));
      return (v) => patterns.every((re) => countMatches(v, re) === 0);
    },
  },
  'keywords:letter_frequency': {
    args: 'letter: one letter; let_frequency: int; let_relation: "less than" | "at least" (case-insensitive)',
    build(kw) {
      const letter = pyStrip(str(kw, 'letter')).toLowerCase();
      const n = int(kw, 'let_frequency');
      const rel = relation(kw, 'let_relation');
      return (v) => {
        let count = 0;
        for (const ch of v.toLowerCase()) if (ch === letter) count++;
        return compare(count, rel, n);
      };
    },
  },
  'language:response_language': {
    args: 'language: ISO 639-1 code (langdetect codes: en, de, zh-cn…)',
    build(kw) {
      const code = str(kw, 'language');
      return (v) => isLanguage(v, code);
    },
  },
  'length_constraints:number_sentences': {
    args: 'num_sentences: int; relation: "less than" | "at least" (Punkt sentences)',
    build(kw) {
      const n = int(kw, 'num_sentences');
      const rel = relation(kw, 'relation');
      return (v) => compare(punktSentences(v).length, rel, n);
    },
  },
  'length_constraints:number_paragraphs': {
    args: 'num_paragraphs: int, exactly that many paragraphs divided by ***',
    build(kw) {
      const n = int(kw, 'num_paragraphs');
      return (v) => dividedParagraphs(v) === n;
    },
  },
  'length_constraints:number_words': {
    args: 'num_words: int; relation: "less than" | "at least" (\\w+ runs)',
    build(kw) {
      const n = int(kw, 'num_words');
      const rel = relation(kw, 'relation');
      return (v) => compare(countWords(v), rel, n);
    },
  },
  'length_constraints:nth_paragraph_first_word': {
    args: 'num_paragraphs: int (divided by blank lines); nth_paragraph: int (1-based); first_word: string',
    build(kw) {
      const total = int(kw, 'num_paragraphs');
      const nth = int(kw, 'nth_paragraph');
      const want = str(kw, 'first_word').toLowerCase();
      return (v) => {
        const paragraphs = v.split('\n\n');
        const count = paragraphs.filter((p) => pyStrip(p) !== '').length;
        if (nth > count || nth < 1) return false;
        const paragraph = pyStrip(paragraphs[nth - 1]!);
        if (paragraph === '') return false;
        const word = pyLstrip(pyLstrip(pyStrip(pySplit(paragraph)[0]!), "'"), '"');
        let first = '';
        for (const ch of word) {
          if ('.,?!\'"'.includes(ch)) break;
          first += ch.toLowerCase();
        }
        return count === total && first === want;
      };
    },
  },
  'detectable_content:number_placeholders': {
    args: 'num_placeholders: int, at least that many [bracketed] placeholders',
    build(kw) {
      const n = int(kw, 'num_placeholders');
      return (v) => countPlaceholders(v) >= n;
    },
  },
  'detectable_content:postscript': {
    args: 'postscript_marker: string such as "P.S." or "P.P.S"',
    build(kw) {
      const marker = pyStrip(str(kw, 'postscript_marker'));
      const ws = `[${PY_WS}]?`;
      const re =
        marker === 'P.P.S'
          ? new RegExp(`p\\.${ws}p\\.${ws}s`, 'u')
          : marker === 'P.S.'
            ? new RegExp(`p\\.${ws}s\\.`, 'u')
            : new RegExp(escapeRegExp(marker.toLowerCase()), 'u');
      return (v) => re.test(v.toLowerCase());
    },
  },
  'detectable_format:number_bullet_lists': {
    args: 'num_bullets: int, exactly that many lines starting with * or -',
    build(kw) {
      const n = int(kw, 'num_bullets');
      return (v) => countBullets(v) === n;
    },
  },
  'detectable_format:constrained_response': {
    args: 'none: contains "My answer is yes.", "My answer is no." or "My answer is maybe."',
    build() {
      return (v) => {
        const s = pyStrip(v);
        return CONSTRAINED.some((o) => s.includes(o));
      };
    },
  },
  'detectable_format:number_highlighted_sections': {
    args: 'num_highlights: int, at least that many *highlighted* sections',
    build(kw) {
      const n = int(kw, 'num_highlights');
      return (v) => countHighlights(v) >= n;
    },
  },
  'detectable_format:multiple_sections': {
    args: 'section_spliter: string such as "Section"; num_sections: int, at least that many "<spliter> N" marks',
    build(kw) {
      const splitter = pyStrip(str(kw, 'section_spliter'));
      const n = int(kw, 'num_sections');
      const ws = `[${PY_WS}]?`;
      const re = new RegExp(`${ws}${escapeRegExp(splitter)}${ws}\\d+${ws}`, 'gu');
      return (v) => countMatches(v, re) >= n;
    },
  },
  'detectable_format:json_format': {
    args: 'none: the whole response (optionally in ``` fences) parses as JSON',
    build() {
      return (v) => {
        let s = pyStrip(v);
        for (const p of ['```json', '```Json', '```JSON', '```']) if (s.startsWith(p)) s = s.slice(p.length);
        if (s.endsWith('```')) s = s.slice(0, -3);
        return pythonJsonLoads(pyStrip(s));
      };
    },
  },
  'detectable_format:title': {
    args: 'none: a title wrapped in <<double angular brackets>>',
    build() {
      return hasTitle;
    },
  },
  'combination:two_responses': {
    args: 'none: two different responses separated by ******',
    build() {
      return (v) => {
        const parts = v.split('******');
        const valid: string[] = [];
        for (let i = 0; i < parts.length; i++) {
          if (pyStrip(parts[i]!) === '') {
            if (i !== 0 && i !== parts.length - 1) return false;
          } else valid.push(parts[i]!);
        }
        return valid.length === 2 && pyStrip(valid[0]!) !== pyStrip(valid[1]!);
      };
    },
  },
  'combination:repeat_prompt': {
    args: 'prompt_to_repeat: string, which the response starts with (case-insensitive)',
    build(kw) {
      const prompt = pyStrip(str(kw, 'prompt_to_repeat')).toLowerCase();
      return (v) => pyStrip(v).toLowerCase().startsWith(prompt);
    },
  },
  'startend:end_checker': {
    args: 'end_phrase: string, which the response ends with (case-insensitive, outer quotes ignored)',
    build(kw) {
      const phrase = pyStrip(str(kw, 'end_phrase')).toLowerCase();
      return (v) => pyStrip(pyStrip(v), '"').toLowerCase().endsWith(phrase);
    },
  },
  'change_case:capital_word_frequency': {
    args: 'capital_frequency: int; capital_relation: "less than" | "at least" (all-caps NLTK tokens)',
    build(kw) {
      const n = int(kw, 'capital_frequency');
      const rel = relation(kw, 'capital_relation');
      return (v) => compare(wordTokenize(v).filter(pyIsUpper).length, rel, n);
    },
  },
  'change_case:english_capital': {
    args: 'none: the whole response in English and upper case',
    build() {
      return (v) => pyIsUpper(v) && isLanguage(v, 'en');
    },
  },
  'change_case:english_lowercase': {
    args: 'none: the whole response in English and lower case',
    build() {
      return (v) => pyIsLower(v) && isLanguage(v, 'en');
    },
  },
  'punctuation:no_comma': {
    args: 'none: no comma anywhere',
    build() {
      return (v) => !v.includes(',');
    },
  },
  'startend:quotation': {
    args: 'none: the response is wrapped in double quotation marks',
    build() {
      return (v) => {
        const s = pyStrip(v);
        return s.length > 1 && s.startsWith('"') && s.endsWith('"');
      };
    },
  },
};
