import { findProfile } from '../../sandbox/profiles.js';

export type ExtractMode = 'auto' | 'fence' | 'whole';

export interface Extracted {
  code: string;
  from: 'fence' | 'whole';
  /** The fence's language tag, when it named one. */
  tag?: string;
}

const FENCE = /(^|\n)[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\2[ \t]*(?=\n|$)/g;
const THINK = /<think>[\s\S]*?<\/think>/g;

/**
 * The program in a response: the last fenced block of the language (or, failing that, the last
 * untagged one); with `auto` the whole response when there is no fence at all. Reasoning inside
 * <think> is ignored. `fence` requires a block; `whole` takes the response as it is.
 */
export function extractProgram(response: string, language: string, mode: ExtractMode): Extracted | undefined {
  if (mode === 'whole') return { code: response, from: 'whole' };
  const text = response.replace(THINK, '');
  const want = findProfile(language)?.name;
  const blocks = [...text.matchAll(FENCE)].map((m) => ({ tag: m[3]!.toLowerCase(), code: m[4]! }));
  const ofLanguage = blocks.filter((b) => b.tag && findProfile(b.tag)?.name === want);
  const chosen = ofLanguage.at(-1) ?? blocks.filter((b) => !b.tag).at(-1);
  if (chosen) return { code: chosen.code, from: 'fence', ...(chosen.tag && { tag: chosen.tag }) };
  if (mode === 'fence' || blocks.length > 0) return undefined;
  // Keep the first line's indentation: a HumanEval completion is often just an indented body.
  const whole = text.replace(/^\s*\n/, '').trimEnd();
  return whole.trim() ? { code: whole, from: 'whole' } : undefined;
}
