/**
 * Sentence splitting as the IFEval reference does it, two ways:
 * - `splitIntoSentences`: instructions_util.split_into_sentences, a rule-based splitter (abbreviation,
 *   acronym, website and decimal rules, then a split after every `.`, `?`, `!`). Restated rule for rule,
 *   so it agrees exactly.
 * - `punktSentences`: what `nltk.sent_tokenize` (the Punkt English model) returns, which
 *   length_constraints:number_sentences counts. No npm library implements Punkt with NLTK's trained
 *   English parameters, so this is a hand-written approximation of its decisions: a break after
 *   `.?!` (and closing quotes or brackets) before whitespace; none after a known abbreviation unless a
 *   common sentence starter follows; none after an initial or a number followed by a lowercase word or a
 *   name; none at bare line breaks (Punkt ignores them). Where it differs is listed in the README.
 */
import { PY_WS, pyStrip } from './pytext.js';

const ALPHA = '([A-Za-z])';
const PREFIXES = /(Mr|St|Mrs|Ms|Dr)[.]/g;
const WEBSITES = /[.](com|net|org|io|gov|edu|me)/g;
const DIGITS_DOT = /([0-9])[.]([0-9])/g;
const MULTIPLE_DOTS = /\.{2,}/g;
const STARTERS =
  '(Mr|Mrs|Ms|Dr|Prof|Capt|Cpt|Lt|He\\s|She\\s|It\\s|They\\s|Their\\s|Our\\s|We\\s|But\\s|However\\s|That\\s|This\\s|Wherever)';
const SUFFIXES = '(Inc|Ltd|Jr|Sr|Co)';
const SINGLE_INITIAL = new RegExp(`\\s${ALPHA}[.] `, 'g');
const ACRONYM_STARTER = new RegExp(`([A-Z][.][A-Z][.](?:[A-Z][.])?) ${STARTERS}`, 'g');
const THREE_LETTERS = new RegExp(`${ALPHA}[.]${ALPHA}[.]${ALPHA}[.]`, 'g');
const TWO_LETTERS = new RegExp(`${ALPHA}[.]${ALPHA}[.]`, 'g');
const SUFFIX_STARTER = new RegExp(` ${SUFFIXES}[.] ${STARTERS}`, 'g');
const SUFFIX = new RegExp(` ${SUFFIXES}[.]`, 'g');
const SPACE_INITIAL = new RegExp(` ${ALPHA}[.]`, 'g');

/** instructions_util.split_into_sentences, rule for rule. */
export function splitIntoSentences(input: string): string[] {
  let text = ` ${input}  `.replaceAll('\n', ' ');
  text = text.replace(PREFIXES, '$1<prd>');
  text = text.replace(WEBSITES, '<prd>$1');
  text = text.replace(DIGITS_DOT, '$1<prd>$2');
  text = text.replace(MULTIPLE_DOTS, (m) => `${'<prd>'.repeat(m.length)}<stop>`);
  if (text.includes('Ph.D')) text = text.replaceAll('Ph.D.', 'Ph<prd>D<prd>');
  text = text.replace(SINGLE_INITIAL, ' $1<prd> ');
  text = text.replace(ACRONYM_STARTER, '$1<stop> $2');
  text = text.replace(THREE_LETTERS, '$1<prd>$2<prd>$3<prd>');
  text = text.replace(TWO_LETTERS, '$1<prd>$2<prd>');
  text = text.replace(SUFFIX_STARTER, ' $1<stop> $2');
  text = text.replace(SUFFIX, ' $1<prd>');
  text = text.replace(SPACE_INITIAL, ' $1<prd>');
  text = text.replaceAll('.\u201d', '\u201d.');
  text = text.replaceAll('."', '".');
  text = text.replaceAll('!"', '"!');
  text = text.replaceAll('?"', '"?');
  text = text.replaceAll('.', '.<stop>').replaceAll('?', '?<stop>').replaceAll('!', '!<stop>');
  text = text.replaceAll('<prd>', '.');
  const sentences = text.split('<stop>').map((s) => pyStrip(s));
  if (sentences.length > 0 && sentences.at(-1) === '') sentences.pop();
  return sentences;
}

/** Abbreviations of the Punkt English model that models' prose meets (lowercase, final period removed). */
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof st jr sr vs etc e.g i.e u.s u.k u.n a.m p.m inc ltd co corp dept est approx fig ' +
    'no nos vol vols pp ed eds jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun ' +
    'gen col lt capt sgt rev gov sen rep ave blvd mt ft al cf ca viz govt univ assn bros ph.d'
  ).split(' '),
);

/** Words Punkt's orthographic heuristic takes as sentence starters after an abbreviation. */
const COMMON_STARTERS = new Set(
  (
    'the a an this that these those it its he she they we i you there here in on at for but and or so if ' +
    'when while as after before however also then thus therefore moreover finally first second third next ' +
    'my our your their his her what why how where who which each every all some many most one two no yes ' +
    'to of by with from let please note overall instead meanwhile'
  ).split(' '),
);

/** Characters Punkt accepts right after a sentence-ending character as the rest of a token. */
const AFTER_END = '?!)";}]*:@\'({[';
const CLOSERS = '"\')]}\u201d\u2019\u00bb*';
const LEADING = '"\'([{\u201c\u2018\u00ab*`';
const NUMBER = /^-?[.,]?\d[\d,.-]*\.?$/;
const WS_SPLIT = new RegExp(`[${PY_WS}]+`, 'u');

type Ortho = 'upper' | 'lower' | 'other';
function orthoOf(token: string | undefined): { kind: Ortho; word: string } {
  if (token === undefined) return { kind: 'other', word: '' };
  const word = token.replace(/^["'([{\u201c\u2018\u00ab*`]+/u, '');
  const first = word[0] ?? '';
  if (/\p{Lu}/u.test(first)) return { kind: 'upper', word };
  if (/\p{Ll}/u.test(first)) return { kind: 'lower', word };
  return { kind: 'other', word };
}

const isStarter = (word: string) =>
  COMMON_STARTERS.has(
    word
      .toLowerCase()
      .replace(/[^\p{L}'-]+$/u, '')
      .replace(/'s$/, ''),
  );

/** Whether a token whose sentence-ending part is `core` closes its sentence, given the token after it. */
function endsSentence(core: string, next: string | undefined): boolean {
  const last = core.at(-1)!;
  if (last === '?' || last === '!') return true;
  const { kind, word } = orthoOf(next);
  if (kind === 'other' && /^[;:,.!?]/.test(word)) return false;
  if (core.endsWith('..')) return kind === 'upper';
  const stem = pyStrip(core.slice(0, -1), LEADING).toLowerCase();
  if (ABBREVIATIONS.has(stem) || ABBREVIATIONS.has(stem.replace(/^.*-/, ''))) {
    return kind === 'upper' && isStarter(word);
  }
  if (/^\p{L}$/u.test(stem)) return kind === 'upper' && isStarter(word); // an initial
  if (NUMBER.test(core)) return kind !== 'lower';
  return true;
}

/**
 * Sentences as `nltk.sent_tokenize` (Punkt, English) would return them, approximately; the count is what
 * length_constraints:number_sentences compares. Linear: one pass over whitespace-separated tokens.
 */
export function punktSentences(text: string): string[] {
  const tokens = text.split(WS_SPLIT).filter((t) => t.length > 0);
  const sentences: string[] = [];
  let current: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // The last sentence-ending character that Punkt's period context accepts inside this token.
    let cut = -1;
    for (let j = token.length - 1; j >= 0; j--) {
      const c = token[j]!;
      if (
        (c === '.' || c === '?' || c === '!') &&
        (j === token.length - 1 || AFTER_END.includes(token[j + 1]!))
      ) {
        cut = j;
        break;
      }
    }
    if (cut < 0) {
      current.push(token);
      continue;
    }
    const rest = token.slice(cut + 1);
    const trailing = pyStrip(rest, CLOSERS);
    // Closing quotes and brackets stay with the sentence; anything else after them starts the next one.
    const closing = rest.slice(0, rest.length - trailing.length);
    const next = trailing.length > 0 ? trailing : tokens[i + 1];
    if (next === undefined || !endsSentence(token.slice(0, cut + 1), next)) {
      current.push(token);
      continue;
    }
    current.push(token.slice(0, cut + 1) + closing);
    sentences.push(current.join(' '));
    current = [];
    if (trailing.length > 0) {
      tokens[i] = trailing; // shorter than the token, so the loop advances
      i--;
    }
  }
  if (current.length > 0) sentences.push(current.join(' '));
  return sentences;
}
