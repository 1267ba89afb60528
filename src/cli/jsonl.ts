import { parseSample } from '../core/sample.js';
import type { Sample } from '../core/types.js';

export type InputLine = { line: number; sample: Sample } | { line: number; id?: string; errors: string[] };

/** Split JSONL text into lines; a blank line is skipped, a bad one is reported with its 1-based number. */
export function parseSampleLines(text: string): InputLine[] {
  const out: InputLine[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      out.push({ line, errors: [`not valid JSON: ${(err as Error).message}`] });
      continue;
    }
    const parsed = parseSample(value);
    if (parsed.ok) out.push({ line, sample: parsed.sample });
    else {
      const id = (value as { id?: unknown })?.id;
      out.push({
        line,
        errors: parsed.errors,
        ...((typeof id === 'string' || typeof id === 'number') && { id: String(id) }),
      });
    }
  }
  return out;
}

export { readInput } from '../core/files.js';
