/**
 * The Porter stemmer in NLTK's default mode (NLTK_EXTENSIONS), which rouge-score applies with
 * `use_stemmer=True`. Written here because the npm stemmers implement other variants: `stemmer` and
 * `natural` follow Porter's original or published departures (`enjoy` → `enjoi`, `dies` → `di`), and
 * `wink-porter2-stemmer` is Porter2; NLTK's mode adds an irregular-forms table, keeps short words,
 * `ies`/`ied` → `ie` on four-letter words, `y` → `i` only after a consonant, and the `alli`, `fulli`,
 * `logi`, `bli` rules. Input is one lowercase ASCII token.
 */

const IRREGULAR: Record<string, string> = {
  skies: 'sky',
  sky: 'sky',
  dying: 'die',
  lying: 'lie',
  tying: 'tie',
  news: 'news',
  innings: 'inning',
  inning: 'inning',
  outings: 'outing',
  outing: 'outing',
  cannings: 'canning',
  canning: 'canning',
  howe: 'howe',
  proceed: 'proceed',
  exceed: 'exceed',
  succeed: 'succeed',
};

function isCons(w: string, i: number): boolean {
  const c = w[i]!;
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
  if (c === 'y') return i === 0 ? true : !isCons(w, i - 1);
  return true;
}

/** m: the number of vowel-consonant sequences in the stem ([C](VC)^m[V]). */
function measure(stem: string): number {
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const cons = isCons(stem, i);
    if (cons && prevVowel) m++;
    prevVowel = !cons;
  }
  return m;
}

const hasVowel = (stem: string) => [...stem].some((_, i) => !isCons(stem, i));
const doubleCons = (w: string) => w.length >= 2 && w.at(-1) === w.at(-2) && isCons(w, w.length - 1);

/** *o: ends consonant-vowel-consonant, the last not w, x or y; or (NLTK) is vowel-consonant of length 2. */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n >= 3 && isCons(w, n - 3) && !isCons(w, n - 2) && isCons(w, n - 1) && !'wxy'.includes(w[n - 1]!))
    return true;
  return n === 2 && !isCons(w, 0) && isCons(w, 1);
}

type Rule = [suffix: string, replacement: string, ok: (stem: string) => boolean];
const pos = (stem: string) => measure(stem) > 0;
const gt1 = (stem: string) => measure(stem) > 1;

/** The first rule whose suffix matches decides: applied if its condition holds, else the word stays. */
function applyRules(word: string, rules: Rule[]): string {
  for (const [suffix, to, ok] of rules) {
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, word.length - suffix.length);
      return ok(stem) ? stem + to : word;
    }
  }
  return word;
}

function step1a(w: string): string {
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ies')) return w.length === 4 ? w.slice(0, -1) : w.slice(0, -2);
  if (w.endsWith('ss')) return w;
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

function step1b(w: string): string {
  if (w.endsWith('ied')) return w.length === 4 ? w.slice(0, -1) : w.slice(0, -2);
  if (w.endsWith('eed')) return pos(w.slice(0, -3)) ? w.slice(0, -1) : w;
  let stem: string;
  if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) stem = w.slice(0, -2);
  else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) stem = w.slice(0, -3);
  else return w;
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) return `${stem}e`;
  if (doubleCons(stem) && !'lsz'.includes(stem.at(-1)!)) return stem.slice(0, -1);
  if (measure(stem) === 1 && endsCvc(stem)) return `${stem}e`;
  return stem;
}

const step1c = (w: string) =>
  w.endsWith('y') && w.length > 2 && isCons(w, w.length - 2) ? `${w.slice(0, -1)}i` : w;

function step2(w: string): string {
  if (w.endsWith('alli') && pos(w.slice(0, -4))) return step2(`${w.slice(0, -4)}al`);
  return applyRules(w, [
    ['ational', 'ate', pos],
    ['tional', 'tion', pos],
    ['enci', 'ence', pos],
    ['anci', 'ance', pos],
    ['izer', 'ize', pos],
    ['bli', 'ble', pos],
    ['alli', 'al', pos],
    ['entli', 'ent', pos],
    ['eli', 'e', pos],
    ['ousli', 'ous', pos],
    ['ization', 'ize', pos],
    ['ation', 'ate', pos],
    ['ator', 'ate', pos],
    ['alism', 'al', pos],
    ['iveness', 'ive', pos],
    ['fulness', 'ful', pos],
    ['ousness', 'ous', pos],
    ['aliti', 'al', pos],
    ['iviti', 'ive', pos],
    ['biliti', 'ble', pos],
    ['fulli', 'ful', pos],
    ['logi', 'log', () => pos(w.slice(0, -3))],
  ]);
}

const step3 = (w: string) =>
  applyRules(w, [
    ['icate', 'ic', pos],
    ['ative', '', pos],
    ['alize', 'al', pos],
    ['iciti', 'ic', pos],
    ['ical', 'ic', pos],
    ['ful', '', pos],
    ['ness', '', pos],
  ]);

const step4 = (w: string) =>
  applyRules(w, [
    ['al', '', gt1],
    ['ance', '', gt1],
    ['ence', '', gt1],
    ['er', '', gt1],
    ['ic', '', gt1],
    ['able', '', gt1],
    ['ible', '', gt1],
    ['ant', '', gt1],
    ['ement', '', gt1],
    ['ment', '', gt1],
    ['ent', '', gt1],
    ['ion', '', (s) => gt1(s) && (s.endsWith('s') || s.endsWith('t'))],
    ['ou', '', gt1],
    ['ism', '', gt1],
    ['ate', '', gt1],
    ['iti', '', gt1],
    ['ous', '', gt1],
    ['ive', '', gt1],
    ['ize', '', gt1],
  ]);

function step5(w: string): string {
  let word = w;
  if (word.endsWith('e')) {
    const stem = word.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) word = stem;
  }
  if (word.endsWith('ll') && measure(word.slice(0, -1)) > 1) word = word.slice(0, -1);
  return word;
}

/** NLTK `PorterStemmer().stem(word)` for a lowercase word. */
export function porterStem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular !== undefined) return irregular;
  if (word.length <= 2) return word;
  return step5(step4(step3(step2(step1c(step1b(step1a(word)))))));
}
