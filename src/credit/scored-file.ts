/** Reading scored input from files (or stdin as "-"): the I/O wrapper around `parseScoredLines`. */
import { parseSample } from '../core/sample.js';
import type { Sample } from '../core/types.js';
import { parseScoredLines, type ScoredRecord } from './scored.js';

export interface FileProblem {
  file: string;
  line: number;
  message: string;
}

import { readInput } from '../core/files.js';

/**
 * Samples by id from a JSONL file; lines that are not samples or have no id are problems. `invalid` maps
 * the id of each invalid line to its line number, so a join can say that line was invalid.
 */
export function readSamplesById(file: string): {
  samples: Map<string, Sample>;
  problems: FileProblem[];
  invalid: Map<string, number>;
} {
  const samples = new Map<string, Sample>();
  const problems: FileProblem[] = [];
  const invalid = new Map<string, number>();
  readInput(file, '--samples')
    .split('\n')
    .forEach((text, i) => {
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        problems.push({ file, line: i + 1, message: `not valid JSON: ${(err as Error).message}` });
        return;
      }
      const parsed = parseSample(value);
      const id = (value as { id?: unknown } | null)?.id;
      if (!parsed.ok && (typeof id === 'string' || typeof id === 'number')) invalid.set(String(id), i + 1);
      if (!parsed.ok)
        problems.push({ file, line: i + 1, message: `invalid sample: ${parsed.errors.join('; ')}` });
      else if (parsed.sample.id === undefined)
        problems.push({ file, line: i + 1, message: 'sample has no id to join on' });
      else samples.set(parsed.sample.id, parsed.sample);
    });
  return { samples, problems, invalid };
}

/** Scored records from `input`, joined by id with the samples of `samplesFile` when given. */
export function readScored(
  input: string,
  samplesFile?: string,
): { records: ScoredRecord[]; problems: FileProblem[] } {
  const joined = samplesFile
    ? readSamplesById(samplesFile)
    : { samples: undefined, problems: [], invalid: new Map<string, number>() };
  const { records, problems } = parseScoredLines(readInput(input, '--input'), joined.samples);
  const all = [...joined.problems, ...problems.map((p) => ({ file: input, ...p }))];
  if (samplesFile) {
    for (const r of records) {
      if (r.sample) continue;
      const bad = r.id === undefined ? undefined : joined.invalid.get(r.id);
      all.push({
        file: input,
        line: r.line,
        message:
          bad === undefined
            ? `no sample with id ${JSON.stringify(r.id ?? null)} in ${samplesFile}`
            : `the sample with id ${JSON.stringify(r.id)} is on line ${bad} of ${samplesFile}, which is invalid (reported above)`,
      });
    }
  }
  return { records, problems: all };
}
