/**
 * Finding the final answer in a long model response: a separate stage from equivalence (STYLE.md).
 * Every scan here is linear: braces are matched in one pass with a stack, phrases are found with
 * lastIndexOf, sentences are cut by one forward scan, and the only regular expressions run on short,
 * bounded slices.
 */
import { lastTagContent, stripThinking } from '../text/extract.js';
import { stripDelimiters } from './normalize.js';

/** Only the tail of a response can hold its final answer; scanning more costs time and proves nothing. */
export const RESPONSE_TAIL = 20_000;
const PHRASE_SPAN = 300;
/** How much of the end of a response the unmarked fallbacks (formula, number) read. */
const CLAIM_TAIL = 1_500;
/** A response this short without prose is an answer on its own (`\frac{5}{6}`, `B`). */
const BARE_ANSWER = 120;

export const SOURCES = [
  'answer_tag',
  'boxed',
  'phrase',
  'gsm8k',
  'whole',
  'latex',
  'bold',
  'number',
  'word',
] as const;
export type Source = (typeof SOURCES)[number];

export interface Extracted {
  answer: string;
  from: Source;
  /** How many different \boxed{} contents the response holds (the candidate-listing guard reads it). */
  distinctBoxed: number;
  /** The different \\boxed{} contents, in the order of their last appearance. */
  boxes: string[];
  /**
   * The last box repeats a value boxed before some other box (`\\boxed{1}`, `\\boxed{3}`, then "3 fails, so
   * \\boxed{1}"): a conclusion, never one piece of answers boxed one by one.
   */
  restated: boolean;
}

interface Box {
  content: string;
  /** Index of the `\\boxed` command. */
  start: number;
  /** Index just past the box. */
  end: number;
}

/** Every complete \\boxed{…} / \\fbox{…}, in order, nested braces included. */
function boxesIn(text: string): Box[] {
  const starts: number[] = [];
  for (const cmd of ['\\boxed', '\\fbox']) {
    for (let at = text.indexOf(cmd); at >= 0; at = text.indexOf(cmd, at + 1)) starts.push(at);
  }
  if (!starts.length) return [];
  starts.sort((a, b) => a - b);
  // few boxes: scan from each (no allocation); many: match every brace in one pass (linear either way)
  const match = starts.length > 8 ? matchBraces(text) : undefined;
  const out: Box[] = [];
  for (const at of starts) {
    let i = at + (text[at + 1] === 'b' ? 6 : 5);
    while (text[i] === ' ') i++;
    if (text[i] === '{') {
      const close = match ? match[i]! : closingBrace(text, i);
      if (close > 0) out.push({ content: text.slice(i + 1, close).trim(), start: at, end: close + 1 });
    } else if (/[0-9a-zA-Z]/.test(text[i] ?? '') && text[at + 6] === ' ') {
      // `\\boxed 5`: one token
      let j = i;
      while (j < text.length && /[0-9a-zA-Z.]/.test(text[j]!)) j++;
      out.push({ content: text.slice(i, j).replace(/\.$/, ''), start: at, end: j });
    }
  }
  return out;
}

/** Nothing but list separators between two boxes: spaces, `$`, `,`, `;`, "and", "or", `\\quad`. */
const BOX_SEPARATOR = /^(?:\s|\$|,|;|\\[,;: ]|\\q?quad|\\text\s*\{\s*(?:and|or|,)\s*\}|\band\b|\bor\b)*$/;

/**
 * The last box, or, when boxes are listed together (`\\boxed{2}, \\boxed{5}, \\boxed{7}`, `\\boxed{2} and
 * \\boxed{3}`), all of them as one answer: a list of boxes states several values, not its last one.
 */
function listedBoxes(text: string, boxes: Box[]): string {
  let j = boxes.length - 1;
  while (j > 0 && boxes[j]!.start - boxes[j - 1]!.end <= 40) {
    if (!BOX_SEPARATOR.test(text.slice(boxes[j - 1]!.end, boxes[j]!.start))) break;
    j--;
  }
  const listed = boxes
    .slice(j)
    .map((b) => b.content)
    .filter(Boolean);
  return listed.length > 1 ? listed.join(', ') : boxes.at(-1)!.content;
}

/** The contents of every complete \\boxed{…} / \\fbox{…}, in order, nested braces included. */
export function allBoxed(text: string): string[] {
  return boxesIn(text).map((b) => b.content);
}

/** Index of the `}` closing the `{` at `open`, or 0 when it never closes. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \\ */) {
      const n = text.charCodeAt(i + 1);
      if (n === 123 || n === 125) i++;
    } else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return 0;
}

/** For each `{`, the index of its matching `}` (0 when unmatched), in one pass. */
function matchBraces(text: string): Int32Array {
  const match = new Int32Array(text.length);
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      const n = text.charCodeAt(i + 1);
      if (n === 123 || n === 125) i++; // \{ and \} are literal braces
    } else if (c === 123) stack.push(i);
    else if (c === 125) {
      const open = stack.pop();
      if (open !== undefined) match[open] = i;
    }
  }
  return match;
}

/**
 * The answer phrases: "answer is", "answer:" (so also "final answer is", "The answer is", "**Answer:**",
 * "correct answer is"), and "correct option is" / "correct choice is". Found from the end with
 * lastIndexOf on the original text (no lower-cased copy of a long response).
 */
const ANSWER_WORDS = ['answer', 'Answer', 'ANSWER'];
const CHOICE_PHRASES = ['option is', 'choice is'];
/** After the word "answer": optional bold markers and spaces, then "is" or ":". */
const ANSWER_LINK = /^\**\s{0,3}(?:is\b|:)/i;
/** How many occurrences of "answer" not followed by "is"/":" are skipped before giving up (bounds the work). */
const MAX_ANSWER_WORDS = 64;

/** Is `at` inside a `\\text{…}` opened at most 24 characters before (`\\boxed{\\text{The answer is } 5}`)? */
function insideText(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 24), at);
  const open = before.lastIndexOf('\\text{');
  return open >= 0 && !before.includes('}', open);
}

/** Index just past the last answer phrase, and where it starts; undefined when there is none. */
function lastPhrase(text: string): { start: number; end: number } | undefined {
  let best: { start: number; end: number } | undefined;
  for (const word of ANSWER_WORDS) {
    let from = text.length;
    for (let k = 0; k < MAX_ANSWER_WORDS; k++) {
      const at = text.lastIndexOf(word, from);
      if (at < 0 || (best && at < best.start)) break;
      const link = ANSWER_LINK.exec(text.slice(at + 6, at + 16));
      if (link && !insideText(text, at)) {
        best = { start: at, end: at + 6 + link[0].length };
        break;
      }
      from = at - 1;
    }
  }
  for (const p of CHOICE_PHRASES) {
    const at = text.lastIndexOf(p);
    if (at >= 0 && (!best || at > best.start)) best = { start: at, end: at + p.length };
  }
  return best;
}
/** Where an explanation starts after the answer: "3, since 1 + 2 = 3", "9 (because 27/3 = 9)". */
const EXPLANATION =
  /,?\s+(?:since|because|as|which|where|so|therefore|thus|given|when|from|by|using|for|in|with|attained|achieved|reached|obtained)\s|\s+\((?=[a-zA-Z]{2,}[\s,:])|\s+[-–—]+\s+[a-zA-Z]|,\s+(?:i\.e\.|e\.g\.|that is|or equivalently|not)\s/;

/**
 * Where a condition or reason follows a stated value in an unmarked claim: "the minimum is $-\frac94$,
 * attained at $x = \frac32$", "the area is $50$ when the width is $5$", "4, not 5". Narrower than
 * EXPLANATION: "so" / "thus" / "in" go on to the conclusion inside a sentence, they do not follow it.
 */
const CONDITION =
  /,?\s+(?:attained|achieved|reached|obtained|occurring|occurs)\s|\s+(?:when|whenever|since|because)\s|,\s+not\s/;
/** "… at $x = 2$": a point given after the value (a formula opening on a letter or command, not a price). */
const AT_FORMULA = /\s+at\s+\$\s*[a-zA-Z\\]/;

interface Found {
  answer: string;
  /** Where the marker starts in the text (later markers win over earlier ones). */
  at: number;
}

/** "The final answer is $x$." / "Answer: 5": the rest of that sentence, with the value picked out of prose. */
function afterPhrase(text: string): Found | undefined {
  const phrase = lastPhrase(text);
  if (!phrase) return undefined;
  const rest = text.slice(phrase.end, phrase.end + PHRASE_SPAN);
  const s = sentence(rest);
  // "the number of ways to choose 2 of 5, which is 10": a prose answer is read whole, explanation included
  const answer = s === undefined ? undefined : isProse(s) ? valueInProse(sentence(rest, false) ?? s) : s;
  return answer === undefined ? undefined : { answer, at: phrase.start };
}

/** The rest of a line up to the end of its sentence (a full stop outside math), explanation cut off. */
function sentence(rest: string, cutExplanation = true): string | undefined {
  let s = rest.replace(/^[\s:*]+/, '');
  const nl = s.indexOf('\n');
  if (nl >= 0) s = s.slice(0, nl);
  // end of sentence: a full stop followed by a space (not a decimal point, not inside $…$)
  let inMath = false;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '$') i++;
    else if (s[i] === '$') inMath = !inMath;
    else if (!inMath && s[i] === '.' && (i + 1 === s.length || s[i + 1] === ' ')) {
      s = s.slice(0, i);
      break;
    }
  }
  const why = cutExplanation ? EXPLANATION.exec(outsideMathMask(s)) : null;
  if (why) s = s.slice(0, why.index);
  s = s.replace(/\*+$/, '').trim();
  return s.length ? s : undefined;
}

/** `s` with the inside of every `$…$` replaced by `x`, so prose patterns never match inside formulas. */
function outsideMathMask(s: string): string {
  if (!s.includes('$')) return s;
  // same length, so indices found in the mask are indices in `s`; an unclosed `$` masks nothing
  return s.replace(/\$[^$]*\$/g, (m) => `$${'x'.repeat(m.length - 2)}$`);
}

const COPULA = / (?:is|are|was|were|equals|equal to|be|gives|yields|get|obtain|becomes|=) /g;

/**
 * The value a prose sentence states: "The number of diagonals of $P$ is 27" → `27`. What follows the last
 * "is / are / equals / =" when that is a value; else the last formula or stand-alone number.
 */
function valueInProse(s: string): string | undefined {
  const masked = outsideMathMask(s);
  let cut = -1;
  for (const m of masked.matchAll(COPULA)) cut = m.index! + m[0].length;
  if (cut >= 0) {
    const rest = s.slice(cut).trim();
    const lead = leadingValue(rest);
    if (lead !== undefined) return lead;
  }
  return candidateIn(s, 0, s.length, mathSpans(s), SOURCES)?.answer;
}

/** The value at the start of `s` up to the first prose word: "9 valid values" → `9`, "$x=3$ here" → `x=3`. */
function leadingValue(s: string, formula = false): string | undefined {
  if (s.startsWith('$')) {
    const close = s.indexOf('$', 1);
    if (close > 1) return mathContent(s.slice(1, close));
  }
  const n = numberAt(s, 0);
  if (n !== undefined) return n;
  if (s.startsWith('\\') || (formula && /^[-\d(a-zA-Z](?![a-zA-Z])/.test(s))) {
    // bare LaTeX: up to the first plain word
    // (backslashes only open commands here, so the pattern has one way to match: no backtracking)
    const m =
      /^[^a-zA-Z\\]*(?:\\[a-zA-Z]+[^a-zA-Z\\]*|\\[^a-zA-Z][^a-zA-Z\\]*|[a-zA-Z](?![a-zA-Z])[^a-zA-Z\\]*)*/.exec(
        s.slice(0, 200),
      );
    const v = m?.[0].trim().replace(/[.,;]$/, '');
    return v || undefined;
  }
  return undefined;
}

/** The stand-alone number (thousands groups, decimal, sign) starting at `i` of `s`, if one does. */
function numberAt(s: string, i: number): string | undefined {
  const m = NUMBER_AT.exec(s.slice(i, i + 80));
  if (!m) return undefined;
  const after = s[i + m[0].length];
  if (after !== undefined && !/[\s.,;:!?)$%*'"\]\u3000-\u303f\uff01-\uff1f\u4e00-\u9fff]/.test(after))
    return undefined;
  if (after === '.' && /\d/.test(s[i + m[0].length + 1] ?? '')) return undefined;
  return m[0];
}
const NUMBER_AT =
  /^[-+−]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?: \d{3})+(?![\d.])|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)(?:\/\d+)?/;

/** What joins the members of a list of numbers: a comma (then maybe "and"/"or"), or "and"/"or". */
const LIST_LINK = /^(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+)(?=[-+−]?\.?\d)/;

const PROSE_WORD = /(?:^|[^\\a-zA-Z])[a-zA-Z]{3,}/g;

/**
 * "The answer is the number of ways to choose 2 of 5, which is 10": a phrase followed by prose rather than
 * a value (three or more plain words outside formulas and \\text{}) is prose.
 */
function isProse(s: string): boolean {
  return proseWords(s, 3) >= 3;
}

/** Commands whose braced argument is a name or text, not prose: `\\begin{pmatrix}`, `\\text{ cm}`. */
const maskCommands = (s: string) =>
  s.replace(
    /\\(?:begin|end|text|textbf|textit|textrm|mathrm|mathbf|mathit|mbox|operatorname)\s*\{[^{}]*\}/g,
    ' ',
  );

/** Plain words of three or more letters outside formulas and \\text{} (counting stops at `max`). */
function proseWords(s: string, max = 3): number {
  let words = 0;
  const masked = maskCommands(outsideMathMask(s));
  for (const _ of masked.matchAll(PROSE_WORD)) if (++words >= max) break;
  return words;
}

/** `$4 for juice and $`: a number, a space, then a plain word is a price in prose, not a formula. */
const isCurrency = (content: string) =>
  /^\d[\d,.]*\s+(?:[^\\a-zA-Z]*\s)?[a-zA-Z]{2,}/.test(content.slice(0, 60));

/** Escaped `\$` is a currency sign, never a math delimiter. */
const isDollar = (t: string, i: number) => t[i] === '$' && t[i - 1] !== '\\';

interface Span {
  start: number;
  end: number;
  content: string;
}

/**
 * Every `$…$`, `$$…$$`, `\(…\)`, `\[…\]` of `text`, in order, in one scan. A `$` run whose content reads as
 * prose ("$4 for juice and $5") is currency, not math: its opening `$` is dropped and the scan goes on.
 */
function mathSpans(text: string): Span[] {
  const out: Span[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '(' || text[i + 1] === '[')) {
      const close = text.indexOf(text[i + 1] === '(' ? '\\)' : '\\]', i + 2);
      if (close < 0) break;
      out.push({ start: i, end: close + 2, content: text.slice(i + 2, close) });
      i = close + 2;
    } else if (isDollar(text, i)) {
      const double = text[i + 1] === '$';
      const open = i + (double ? 2 : 1);
      let close = text.indexOf(double ? '$$' : '$', open);
      while (close > 0 && text[close - 1] === '\\') close = text.indexOf(double ? '$$' : '$', close + 1);
      if (close < 0) break;
      const content = text.slice(open, close);
      if (!double && isCurrency(content)) {
        i++; // currency: "$4 for juice and $5"
        continue;
      }
      out.push({ start: i, end: close + (double ? 2 : 1), content });
      i = close + (double ? 2 : 1);
    } else i++;
  }
  return out;
}

/**
 * A formula as an answer: an equation, relation or chain is kept whole (`y = 3x + 4`, `x \\neq -3`,
 * `w = 3 + 4 = 7`: the comparison reads labels and chains); pure arithmetic `2 + 3 = 5` gives its result.
 */
function mathContent(s: string): string | undefined {
  const t = s.trim();
  if (!t) return undefined;
  const eq = t.indexOf('=');
  if (eq > 0 && !/[a-zA-Z]/.test(t.slice(0, eq).replace(/\\[a-zA-Z]+/g, ''))) {
    const out = t.slice(t.lastIndexOf('=') + 1).trim();
    return out || undefined;
  }
  return t;
}

/** A formula that only names a variable (`$m$`, `$x_1$`) is a mention, not a stated value. */
const isMention = (s: string) =>
  /^\s*\\?[a-zA-Z]+(?:_\{?\w+\}?)?\s*$/.test(s) && !/^\s*\\(?:pi|infty)\s*$/.test(s);

const SENTENCE_END = /[.!?](?=\s|$)|\n/g;

/**
 * The last stated value of the response's last sentence that states one: a formula (not a mere variable
 * name), a bold value, or a stand-alone number, whichever comes last in that sentence. A stand-alone number
 * is never read from inside a word (`TiO2`), a command's argument (`\\frac{5}{6}`, `\\sqrt{5}`), a fraction
 * bar or a decimal (`.7` is 0.7).
 */
function lastClaim(text: string, sources: readonly Source[]): (Found & { from: Source }) | undefined {
  const tail = text.length > CLAIM_TAIL ? text.slice(-CLAIM_TAIL) : text;
  const offset = text.length - tail.length;
  const spans = sources.includes('latex') ? mathSpans(tail) : [];
  // sentence boundaries outside math spans
  const cuts = [0];
  let s = 0;
  for (const m of tail.matchAll(SENTENCE_END)) {
    const at = m.index!;
    while (s < spans.length && spans[s]!.end <= at) s++;
    if (s < spans.length && spans[s]!.start <= at) continue;
    if (m[0] === '.' && /\d/.test(tail[at + 1] ?? '')) continue;
    cuts.push(at + 1);
  }
  cuts.push(tail.length);
  for (let k = cuts.length - 1; k > 0; k--) {
    const from = cuts[k - 1]!;
    const to = cuts[k]!;
    // a value followed by its condition ("…, attained at $x = 2$") is the claim; the condition is not
    const piece = tail.slice(from, to);
    const cut = Math.min(
      CONDITION.exec(outsideMathMask(piece))?.index ?? piece.length,
      AT_FORMULA.exec(piece)?.index ?? piece.length,
    );
    const stated = cut < piece.length ? candidateIn(tail, from, from + cut, spans, sources) : undefined;
    if (stated !== undefined) return { ...stated, at: offset + from };
    const c = candidateIn(tail, from, to, spans, sources);
    if (c !== undefined) return { ...c, at: offset + from };
  }
  return undefined;
}

/** What may stand between two formulas listed as one answer: a comma, "and", "or" (sliced to 12 characters). */
const LIST_GAP = /^\s*,?\s*(?:and|or)?\s*$/;

function candidateIn(
  text: string,
  from: number,
  to: number,
  spans: Span[],
  sources: readonly Source[],
): { answer: string; from: Source } | undefined {
  let best: { at: number; answer: string; from: Source } | undefined;
  const consider = (at: number, answer: string | undefined, kind: Source) => {
    if (answer !== undefined && (!best || at >= best.at)) best = { at, answer, from: kind };
  };
  const inside: Span[] = spans.filter((sp) => sp.start >= from && sp.end <= to);
  for (const sp of inside) if (!isMention(sp.content)) consider(sp.start, mathContent(sp.content), 'latex');
  // "the pairs are $(2,3)$ and $(3,2)$": formulas that end the sentence joined only by "," / "and" / "or"
  // are the parts of one answer, not just the last of them
  let first = inside.length - 1;
  while (
    first > 0 &&
    !isMention(inside[first - 1]!.content) &&
    inside[first]!.start - inside[first - 1]!.end <= 12 &&
    LIST_GAP.test(text.slice(inside[first - 1]!.end, inside[first]!.start))
  )
    first--;
  if (first >= 0 && first < inside.length - 1 && !isMention(inside.at(-1)!.content)) {
    const parts = inside.slice(first).map((sp) => mathContent(sp.content));
    if (parts.every((x) => x !== undefined)) consider(inside.at(-1)!.start, parts.join(', '), 'latex');
  }
  if (sources.includes('number')) {
    // parenthesised asides ("(rounded to 3 places)") state no answer
    let depth = 0;
    let sp = 0;
    for (let i = from; i < to; i++) {
      while (sp < inside.length && inside[sp]!.end <= i) sp++;
      if (sp < inside.length && inside[sp]!.start <= i) {
        i = inside[sp]!.end - 1;
        continue;
      }
      const c = text[i]!;
      if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      if (depth > 0) continue;
      const prev = text[i - 1];
      const startsNumber = /[\d.\-−+]/.test(c) && (c !== '.' || /\d/.test(text[i + 1] ?? ''));
      if (!startsNumber) continue;
      // a number stands alone after a space, bracket, quote, sign of relation or currency, or after CJK
      // prose, which has no spaces ("答案为5")
      if (prev !== undefined && !/[\s($"'=:*>~€£¥₹\u3000-\u303f\u4e00-\u9fff\uff01-\uff1f]/.test(prev))
        continue;
      if ((c === '-' || c === '+' || c === '−') && !/[\d.]/.test(text[i + 1] ?? '')) continue;
      const n = numberAt(text.slice(0, to), i);
      if (n !== undefined) {
        // "3, 4, and 5": numbers in a list are read as the list, never as its last member
        let end = i + n.length;
        let list = n;
        for (
          let m = LIST_LINK.exec(text.slice(end, end + 12));
          m;
          m = LIST_LINK.exec(text.slice(end, end + 12))
        ) {
          const next = numberAt(text.slice(0, to), end + m[0].length);
          if (next === undefined) break;
          list += `, ${next}`;
          end += m[0].length + next.length;
        }
        consider(i, list, 'number');
        i = end - 1;
      }
    }
  }
  if (sources.includes('latex') && !inside.length) {
    // "The area equals 2\\sqrt{5}", "It is 2^4": unmarked LaTeX after the sentence's last copula
    const plain = text.slice(from, to);
    let cut = -1;
    for (const m of plain.matchAll(COPULA)) cut = m.index! + m[0].length;
    if (cut >= 0) {
      const rest = plain.slice(cut);
      const v = /[\\^_{]/.test(rest.slice(0, 80)) ? leadingValue(rest.trim(), true) : undefined;
      if (v !== undefined) consider(from + cut, v, 'latex');
    }
  }
  if (sources.includes('bold')) {
    // an emphasised value is the sentence's answer, wherever it stands in it
    const close = text.lastIndexOf('**', to - 1);
    const open = close >= 2 ? text.lastIndexOf('**', close - 1) : -1;
    if (open >= from && close - open < PHRASE_SPAN) {
      const inner = text.slice(open + 2, close).replace(/^\$|\$$/g, '');
      const v = isProse(inner) ? undefined : mathContent(inner);
      if (v !== undefined) return { answer: v, from: 'bold' };
    }
  }
  return best && { answer: best.answer, from: best.from };
}

function gsm8k(text: string): Found | undefined {
  const at = text.lastIndexOf('####');
  if (at < 0) return undefined;
  const s = sentence(text.slice(at + 4, at + 4 + PHRASE_SPAN));
  return s === undefined || isProse(s) ? undefined : { answer: s, at };
}

/**
 * A response that is nothing but an answer (`\\frac{5}{6}`, `B`, `(D) 40`): one line, no math delimiters,
 * and no plain word of two or more letters outside commands and \\text{…}.
 */
function isBareAnswer(t: string): boolean {
  // CJK prose ("所以答案为5。") is a sentence, not an answer
  if (/[\n$]|\\[([]|[\u3000-\u303f\u4e00-\u9fff\uff01-\uff1f]/.test(t)) return false;
  const masked = maskCommands(t);
  return !/(?:^|[^\\a-zA-Z])[a-zA-Z]{2,}/.test(masked.replace(/\\[a-zA-Z]+/g, ' '));
}

/** One word after the last copula, ending the response (read on its last 120 characters). */
const WORD_CLAIM = /(?:^|\s)(?:is|are)\s+([A-Za-z][A-Za-z-]{1,19})\s*[.!]?$/i;

/** A letter choice called correct, ending the response: "Option B is correct.", "(B) is the best answer". */
const NAMED_CORRECT =
  /(?:^|[\s*])(?:(?:[Oo]ption|[Cc]hoice)\s+)?\(?([A-J])\)?\s+is\s+(?:the\s+)?(?:correct|right|best)(?:\s+(?:answer|option|choice))?\s*[.!]?$/;

/** A marker after the last box overrides it only when it states a value (not "the answer is above"). */
const statesValue = (s: string) => /[\d$\\]/.test(s) || /^\(?[A-J]\)?$/.test(s.trim());

/** The final answer of a response, trying `sources` in order (default: all, most explicit first). */
export function extractDetailed(
  response: string,
  sources: readonly Source[] = SOURCES,
): Extracted | undefined {
  let text = stripThinking(response);
  if (text.length > RESPONSE_TAIL) text = text.slice(-RESPONSE_TAIL);
  const boxList = boxesIn(text);
  const byKey = new Map<string, string>();
  for (const { content } of boxList) {
    const k = content.replace(/\s+/g, '');
    byKey.delete(k); // re-insert: Map order becomes the order of last appearance
    byKey.set(k, content);
  }
  const boxes = [...byKey.values()];
  const distinctBoxed = boxes.length;
  let restated = false;
  if (boxList.length > 2) {
    const lastKey = boxList.at(-1)!.content.replace(/\s+/g, '');
    let other = false;
    for (let j = boxList.length - 2; j >= 0 && !restated; j--) {
      const k = boxList[j]!.content.replace(/\s+/g, '');
      if (k !== lastKey) other = true;
      else if (other) restated = true;
    }
  }
  const done = (answer: string | undefined, from: Source): Extracted | undefined =>
    answer !== undefined && answer.trim() !== ''
      ? { answer: answer.trim(), from, distinctBoxed, boxes, restated }
      : undefined;

  if (sources.includes('answer_tag')) {
    const inner = lastTagContent(text, 'answer');
    const r = inner !== undefined ? done(allBoxed(inner).at(-1) ?? inner, 'answer_tag') : undefined;
    if (r) return r;
  }
  // Explicit markers: the one that comes last in the response wins ("First \\boxed{300} … Final Answer: 310").
  const marked: { found: Found; from: Source }[] = [];
  const last = boxList.at(-1);
  if (sources.includes('boxed') && last?.content)
    marked.push({ found: { answer: listedBoxes(text, boxList), at: last.end }, from: 'boxed' });
  // a marker before the last box loses to it, so only the text after that box is searched (and it is short)
  const after = marked.length ? last!.end : 0;
  const region = after ? text.slice(after) : text;
  for (const from of ['phrase', 'gsm8k'] as const) {
    if (!sources.includes(from)) continue;
    const f = from === 'phrase' ? afterPhrase(region) : gsm8k(region);
    if (f && (!after || statesValue(f.answer)))
      marked.push({ found: { answer: f.answer, at: after + f.at }, from });
  }
  if (marked.length) {
    marked.sort((a, b) => b.found.at - a.found.at);
    const r = done(marked[0]!.found.answer, marked[0]!.from);
    if (r) return r;
  }
  if (sources.includes('whole')) {
    // a response that is only a bold value (`**5**`) is that value
    const trimmed = text.trim();
    const t = /^\*\*[^*\n]{1,120}\*\*$/.test(trimmed) ? trimmed.slice(2, -2).trim() : trimmed;
    if (t.length <= BARE_ANSWER && isBareAnswer(t)) return done(t, 'whole');
    // "Option B", "Choice (C)": a response whose last line only names an option
    const option = /^(?:option|choice)\s*:?\s*(\(?[A-J]\)?)\.?$/i.exec(
      t.slice(t.lastIndexOf('\n') + 1).slice(0, 40),
    );
    if (option) return done(option[1]!, 'whole');
    // one or two words and nothing else are a word answer: "Yes", "Monday.", "No solution"
    if (t.length <= 30 && !/[\n\d$\\]/.test(t) && t.split(/\s+/).length <= 2) return done(t, 'whole');
  }
  const claim = lastClaim(text, sources);
  if (claim) return done(claim.answer, claim.from);
  if (sources.includes('word')) {
    // "Option B is correct.", "(B) is the correct answer.": a choice named correct at the very end
    const named = NAMED_CORRECT.exec(text.trimEnd().slice(-120));
    if (named) return done(named[1], 'word');
    // "The function is even.": a response ending on one word after a copula states that word (a word
    // answer); "is neither even nor odd" or "is not even" end on more than one word and state nothing
    const w = WORD_CLAIM.exec(text.trimEnd().slice(-120));
    if (w && !/^(?:correct|incorrect|right|wrong)$/i.test(w[1]!)) return done(w[1], 'word');
  }
  return undefined;
}

/** The final answer of a model response, or undefined when it gives none. */
export function extractMathAnswer(text: string): string | undefined {
  return extractDetailed(text)?.answer;
}

/**
 * The answer a reference states. Datasets ship golds as a bare answer, as a worked solution ending in
 * `\\boxed{…}` (MATH), as a `#### 72` line (GSM8K) or as a sentence; only the answer is compared. Several
 * different boxes in one reference are the parts of one answer ("The roots are \\boxed{4} and \\boxed{-1}").
 */
export function referenceAnswer(raw: string): string {
  if (raw.length > RESPONSE_TAIL) return raw;
  if (!raw.includes('\\boxed') && !raw.includes('\\fbox') && !raw.includes('####')) {
    // a sentence ("The answer is 17.") or a formula in $…$: its stated value; a bare answer stays as it is
    // several formulas listed (`$(2,3)$, $(3,2)$`, `$1$ and $-2$`) are the parts of one answer
    const listed = formulaList(raw);
    if (listed) return listed;
    // `\$32,\!348` is a price, not a formula: only an unescaped `$` makes it a sentence
    const sentenceLike = hasMathDollar(raw) || proseWords(raw) >= 2;
    // a short sentence may state its value without a marker; in a long text without one, a guess would
    // pick some number of the working, so only explicit markers count there
    const sources = raw.length <= 300 ? SOURCES : (['answer_tag', 'phrase'] as const);
    return sentenceLike ? (extractDetailed(raw, sources)?.answer ?? raw) : raw;
  }
  const boxes = allBoxed(raw).filter((b) => b.length > 0);
  if (boxes.length) {
    const distinct = [...new Set(boxes.map((b) => b.replace(/\s+/g, ' ')))];
    return distinct.length === 1 ? distinct[0]! : distinct.join(', ');
  }
  return gsm8k(raw)?.answer ?? raw;
}

/** True when `s` holds a `$` that is not escaped as `\$`. */
function hasMathDollar(s: string): boolean {
  for (let i = s.indexOf('$'); i >= 0; i = s.indexOf('$', i + 1))
    if (i === 0 || s[i - 1] !== '\\') return true;
  return false;
}

/**
 * A reference that is only inline formulas joined by commas, semicolons, "and" or "or" (`$(2,3)$, $(3,2)$`):
 * their contents as one list, else undefined. One split, linear.
 */
function formulaList(raw: string): string | undefined {
  if (raw.includes('\\$')) return undefined;
  const parts = raw.split('$');
  if (parts.length < 5 || parts.length % 2 === 0) return undefined;
  const formulas: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      if (!part.trim()) return undefined;
      formulas.push(part.trim());
    } else if (!/^[\s,;]*(?:(?:and|or)[\s,;]*)?$/.test(part)) return undefined;
  }
  return formulas.join(', ');
}

/**
 * Does the response state `reference` verbatim (its last box, its `<answer>`, or the whole response)? Used
 * only for references too long to parse; spacing is ignored. Linear in the response.
 */
export function statesVerbatim(response: string, reference: string): boolean {
  const want = stripDelimiters(referenceAnswer(reference)).replace(/\s+/g, '');
  const text = stripThinking(response);
  const candidates = [text];
  const tag = lastTagContent(text, 'answer');
  if (tag !== undefined) candidates.push(tag);
  const box = text.lastIndexOf('\\boxed{');
  if (box >= 0) {
    const close = closingBrace(text, box + 6);
    if (close > 0) candidates.push(text.slice(box + 7, close));
  }
  return candidates.some((c) => stripDelimiters(c).replace(/\s+/g, '') === want);
}
