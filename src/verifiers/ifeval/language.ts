/**
 * Language identification for language:response_language and the English-only case rules.
 *
 * The reference calls `langdetect.detect` (a port of Google's language-detection: character n-gram
 * profiles of 55 languages, ISO 639-1 codes, "zh-cn"/"zh-tw" for Chinese). We use `franc` (trigram
 * profiles, ISO 639-3) restricted to those same 55 languages, so it never answers with a language
 * langdetect cannot name; its codes are mapped back to langdetect's. On our multilingual samples
 * (test/verifiers/ifeval/language.test.ts) franc restricted this way names all 30 IFEval languages
 * correctly, where `eld` misses Nepali and Swahili (absent from its model) and `tinyld` misses five.
 * langdetect is itself randomized (no seed in the reference), so very short or mixed-language texts
 * are where the two can disagree.
 */
import { franc } from 'franc';

/** franc's ISO 639-3 code → langdetect's code, for langdetect's 55 languages. */
const LANGDETECT: Record<string, string> = {
  afr: 'af',
  arb: 'ar',
  bul: 'bg',
  ben: 'bn',
  cat: 'ca',
  ces: 'cs',
  cym: 'cy',
  dan: 'da',
  deu: 'de',
  ell: 'el',
  eng: 'en',
  spa: 'es',
  ekk: 'et',
  pes: 'fa',
  fin: 'fi',
  fra: 'fr',
  guj: 'gu',
  heb: 'he',
  hin: 'hi',
  hrv: 'hr',
  hun: 'hu',
  ind: 'id',
  ita: 'it',
  jpn: 'ja',
  kan: 'kn',
  kor: 'ko',
  lit: 'lt',
  lvs: 'lv',
  mkd: 'mk',
  mal: 'ml',
  mar: 'mr',
  npi: 'ne',
  nld: 'nl',
  nob: 'no',
  pan: 'pa',
  pol: 'pl',
  por: 'pt',
  ron: 'ro',
  rus: 'ru',
  slk: 'sk',
  slv: 'sl',
  som: 'so',
  als: 'sq',
  swe: 'sv',
  swh: 'sw',
  tam: 'ta',
  tel: 'te',
  tha: 'th',
  tgl: 'tl',
  tur: 'tr',
  ukr: 'uk',
  urd: 'ur',
  vie: 'vi',
  cmn: 'zh-cn',
};
const ONLY = Object.keys(LANGDETECT);

/**
 * The language of `text` as langdetect would code it (`en`, `de`, `zh-cn`…), or undefined where
 * langdetect raises (no letters to go on), which the reference counts as the instruction followed.
 */
export function detectLanguage(text: string): string | undefined {
  if (!/\p{L}/u.test(text)) return undefined;
  const code = franc(text, { only: ONLY, minLength: 1 });
  return LANGDETECT[code];
}

/** Whether a detected code names the expected language (`zh` accepts either Chinese variant). */
export function sameLanguage(detected: string, expected: string): boolean {
  const want = expected.toLowerCase();
  if (want === 'zh' || want.startsWith('zh-')) return detected.startsWith('zh');
  return detected === want;
}
