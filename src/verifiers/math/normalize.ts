/**
 * String-level clean-up of one answer before parsing: delimiters, spacing commands, \left/\right,
 * degree and percent signs, currency, thousands separators and trailing units. Every regular expression
 * here is linear (no nested quantifiers over overlapping classes), so no input can make it backtrack.
 */

/** Longest answer parsed; a longer one is compared as normalized text only. */
export const MAX_ANSWER = 2000;

/** Spacing and sizing commands; `\\quad`-like ones also when a letter is glued on (`\\quady_2`). */
const SPACING =
  /\\\\|\\(?:qquad|quad|displaystyle|textstyle|scriptstyle)|\\[,;: ]|\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big|middle)(?![a-zA-Z])|~/g;
/** `\\left.` and `\\right.` are invisible delimiters; `\\!` is a negative thin space (`48,\\!217`). */
const INVISIBLE = /\\(?:left|right)\s*\.|\\!/g;
/** A space, thin space or `{,}` between digit groups of three: `48\\,217`, `1\\ 000`, `2 500`. */
const GROUP_SEPARATOR = /(\d)(?:\\,|\\ |\{,\}|\u2009|\u202f|\u00a0)(?=\d{3}(?!\d))/g;
const DEGREES = /\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree/g;
const TRIG = /\\(?:sin|cos|tan|cot|sec|csc)(?![a-zA-Z])/;
const DEGREE_ANGLE = /(\d+(?:\.\d+)?)\s*(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°)/g;
const PERCENT = /\\%|%/g;
/** A lead-in in \\text before the value: `\\text{The answer is } 5`, `\\text{Answer: } 5`. */
const LEAD_IN = /^\\text\s*\{[^{}]{0,60}?(?:\bis|:|=)\s*\}\s*/i;
const DOLLAR = /\\\$|\$/g;
const CURRENCY = /[€£¥₹]|\\(?:euro|pounds|yen)\b/g;
const FRAC_ALIASES = /\\[dt]frac(?![a-zA-Z])|\\cfrac(?![a-zA-Z])/g;
const BINOM_ALIASES = /\\[dt]binom(?![a-zA-Z])/g;
const BRACED_COMMA = /\{,\}/g;
const REALS = /\\mathbb\s*\{?\s*R\s*\}?|ℝ/g;
const FRAC_DIGITS = /\\frac\s*(\d)\s*(\d)/g;
/** `7,425,000`, never `0,222` (a list: a leading zero group is not a thousands group). */
const THOUSANDS = /^[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?(?=$|\s|[a-zA-Z\\])/;
const SPACE_THOUSANDS = /^(\d{1,3})((?: \d{3})+)$/;
const UNIT_WORDS = new Set(
  (
    'cm mm km kg mg sec secs second seconds min mins minute minutes hr hrs hour hours day days ' +
    'week weeks year years ft feet foot inch inches in yd yards mi miles mph kph lb lbs pound pounds oz ' +
    'dollar dollars cent cents units unit degrees degree deg rad radians meters meter metres centimeters ' +
    'cubic square sq ml liters litres people students apples ways usd euros km/h m/s km/hr mi/h ft/s cm/s ' +
    'm/s^2 g/cm^3 kg/m^3 mL l L m g s h'
  ).split(' '),
);

export interface Cleaned {
  text: string;
  /** The answer carried a percent sign (kept as the number: 50% is 50). */
  percent: boolean;
  /** The answer carried a degree sign outside trigonometry (kept as the number: 30° is 30). */
  degrees: boolean;
}

/** Strip a wrapper that covers the whole string: `$…$`, `\(…\)`, `\[…\]`, `\boxed{…}`. */
export function stripDelimiters(s: string): string {
  for (let guard = 0; guard < 8; guard++) {
    const t = s.trim();
    let inner: string | undefined;
    if (t.startsWith('$$') && t.endsWith('$$') && t.length >= 4) inner = t.slice(2, -2);
    else if (t.startsWith('$') && t.endsWith('$') && t.length >= 2) inner = t.slice(1, -1);
    else if ((t.startsWith('\\(') && t.endsWith('\\)')) || (t.startsWith('\\[') && t.endsWith('\\]')))
      inner = t.slice(2, -2);
    else {
      const m = /^\\(?:boxed|fbox)\s*\{/.exec(t);
      if (m && t.endsWith('}') && closesAtEnd(t, m[0].length - 1)) inner = t.slice(m[0].length, -1);
    }
    if (inner === undefined) return t;
    s = inner;
  }
  return s.trim();
}

/** True when the brace opened at `open` is closed by the last character. */
function closesAtEnd(t: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    const c = t[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i === t.length - 1;
  }
  return false;
}

/**
 * A list of quoted values as code writes it (`["-1.5", "2"]`, `('a', 'b')`) becomes the bare list
 * `-1.5, 2`; anything else is returned unchanged. A scanner: quotes must pair, items must be quoted.
 */
export function unquoteList(s: string): string {
  const t = s.trim();
  const open = t[0];
  const close = t.at(-1);
  if (!((open === '[' && close === ']') || (open === '(' && close === ')'))) return s;
  const items: string[] = [];
  let i = 1;
  const end = t.length - 1;
  const skipSpace = () => {
    while (i < end && /\s/.test(t[i]!)) i++;
  };
  skipSpace();
  while (i < end) {
    const q = t[i];
    if (q !== '"' && q !== "'") return s;
    const stop = t.indexOf(q, i + 1);
    if (stop < 0 || stop >= end) return s;
    items.push(t.slice(i + 1, stop).trim());
    i = stop + 1;
    skipSpace();
    if (i < end) {
      if (t[i] !== ',') return s;
      i++;
      skipSpace();
    }
  }
  return items.length > 0 && items.every((x) => x !== '') ? items.join(', ') : s;
}

export function cleanAnswer(raw: string): Cleaned {
  let s = unquoteList(stripDelimiters(raw));
  s = s.replace(/(?:\\text\s*\{\s*\.\s*\}|\.)$/, '').trim(); // sentence full stop after the answer (also `\text{.}`)
  s = s.replace(LEAD_IN, ''); // \text{The answer is } 5
  s = s.replace(INVISIBLE, '').replace(GROUP_SEPARATOR, '$1,');
  s = s.replace(SPACING, (m) => (m === '\\\\' ? m : ' '));
  if (TRIG.test(s)) s = s.replace(DEGREE_ANGLE, '($1\\pi/180)'); // \cos 60^\circ: degrees inside trig are radians
  const degrees = DEGREES.test(s);
  DEGREES.lastIndex = 0;
  s = s.replace(DEGREES, '').replace(DOLLAR, '').replace(CURRENCY, '');
  s = repeatingDecimal(s);
  const percent = s.includes('%');
  if (percent) s = s.replace(PERCENT, '');
  s = s.replace(REALS, '(-\\infty, \\infty)');
  s = s.replace(FRAC_ALIASES, '\\frac').replace(BINOM_ALIASES, '\\binom').replace(BRACED_COMMA, ',');
  s = s.trim();
  const th = THOUSANDS.exec(s);
  if (th && !/[()[\]{}]/.test(s)) s = th[0].replace(/,/g, '') + s.slice(th[0].length);
  const sp = SPACE_THOUSANDS.exec(s);
  if (sp) s = sp[1]! + sp[2]!.replace(/ /g, '');
  return { text: mixedNumber(stripTrailingUnit(s)), percent, degrees };
}

/** `12 cm`, `5 \text{ dollars}`, `3 apples`: a number followed by a unit word keeps only the number. */
function stripTrailingUnit(original: string): string {
  if (original.length > 200) return original; // the lazy prefix below is quadratic in the worst case: keep it tiny
  // `\text{5 cm}` is `5 \text{cm}`; `\text{km}/\text{h}` is one unit `\text{km/h}`
  const s = original
    .replace(/^\\(?:text|mbox|textrm|mathrm)\s*\{\s*(-?\d[\d.,]*)\s+([a-zA-Z][^{}]*)\}$/, '$1 \\text{$2}')
    .replace(/\}\s*\/\s*\\(?:text|mathrm)\s*\{/g, '/');
  const m =
    /^(.*?\d)\s*(?:\\(?:text|mbox|textrm|mathrm)\s*\{\s*([a-zA-Z /.^0-9]+?)\s*\}|([a-zA-Z]+(?:\/[a-zA-Z]+)?))(\^\{?[23]\}?|²|³)?$/.exec(
      s,
    );
  if (!m) return original;
  const word = (m[2] ?? m[3])!;
  // a unit in \text{} is up to four words or a compound with a slash (`km/h`), never a negation or a
  // connective (`\text{ or } 4` is a second answer, `\text{ is not}` a denial)
  const textUnit =
    m[2] !== undefined &&
    /^[a-zA-Z]/.test(m[2]) &&
    m[2].split(' ').length <= 4 &&
    !/\b(?:not|no|never|wrong|incorrect|or|and|than|more|less|at|least|most)\b/i.test(m[2]);
  const plainUnit = m[3] !== undefined && (UNIT_WORDS.has(word.toLowerCase()) || UNIT_WORDS.has(word));
  // a one-letter unit (`5 m`, `3 h`) only after a space and without a power: `5m` and `2s^2` are products
  const oneLetterOk = m[3] === undefined || m[3].length > 1 || (m[4] === undefined && /\s[a-zA-Z]$/.test(s));
  if (textUnit || (plainUnit && oneLetterOk)) return m[1]!;
  return original;
}

const REPEATING = /^(-?)(\d*)\.(\d*)\\overline\s*\{(\d{1,30})\}$/;

/** `0.\\overline{3}` → `\\frac{1}{3}`; `1.2\\overline{34}` → its exact fraction. */
function repeatingDecimal(s: string): string {
  const m = REPEATING.exec(s);
  if (!m || m[3]!.length > 30) return s;
  const [, sign, whole, fixed, rep] = m as unknown as [string, string, string, string, string];
  const scale = 10n ** BigInt(fixed.length);
  const period = 10n ** BigInt(rep.length) - 1n;
  // x = whole.fixed + rep / (period · scale)
  const num = (BigInt(whole || '0') * scale + BigInt(fixed || '0')) * period + BigInt(rep);
  return `${sign}\\frac{${num}}{${scale * period}}`;
}

const MIXED_LATEX = /^(-?)(\d+)\s*\\frac\s*\{(\d+)\}\s*\{(\d+)\}$/;
const MIXED_PLAIN = /^(-?)(\d+)\s+(\d+)\s*\/\s*(\d+)$/;

/** `2\frac{2}{3}` and `2 2/3` are mixed numbers (2 + 2/3), the school convention, not products. */
function mixedNumber(s: string): string {
  s = s.replace(FRAC_DIGITS, '\\frac{$1}{$2}'); // \frac12 → \frac{1}{2}
  const m = MIXED_LATEX.exec(s) ?? MIXED_PLAIN.exec(s);
  if (!m || BigInt(m[3]!) >= BigInt(m[4]!)) return s;
  return `${m[1]}(${m[2]}+${m[3]}/${m[4]})`;
}
