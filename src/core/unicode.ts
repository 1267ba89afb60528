/**
 * Lone UTF-16 surrogates: JavaScript strings may hold them (a JSON body's "\ud800", a model's output cut
 * inside a pair) but UTF-8 cannot, so SQLite stores them as invalid bytes that break its readers (Python's
 * sqlite3 raises on the whole `samples` view). Checked without the `u` flag, code unit by code unit.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Index of the first lone surrogate in `text`, or -1 when it is well-formed Unicode. */
export const loneSurrogateAt = (text: string): number => text.search(LONE_SURROGATE);

/** `text` with each lone surrogate replaced by U+FFFD (what `String.prototype.toWellFormed` does). */
export const wellFormed = (text: string): string =>
  LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\ufffd') : text;
