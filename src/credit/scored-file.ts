/** Reading scored input from files (or stdin as "-"): the I/O wrapper around `parseScoredLines`. */
import { readFileSync } from 'node:fs';
import { parseSample } from '../core/sample.js';
import type { Sample } from '../core/types.js';
import { parseScoredLines, type ScoredRecord } from './scored.js';

export interface FileProblem {
  file: string;
  line: number;
  message: string;
}

const read = (file: string) => (file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8'));

/** Samples by id from a JSONL file; lines that are not samples or have no id are problems. */
export function readSamplesById(file: string): { samples: Map<string, Sample>; problems: FileProblem[] } {
  const samples = new Map<string, Sample>();
  const problems: FileProblem[] = [];
  read(file)
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
      if (!parsed.ok)
        problems.push({ file, line: i + 1, message: `invalid sample: ${parsed.errors.join('; ')}` });
      else if (parsed.sample.id === undefined)
        problems.push({ file, line: i + 1, message: 'sample has no id to join on' });
      else samples.set(parsed.sample.id, parsed.sample);
    });
  return { samples, problems };
}

/** Scored records from `input`, joined by id with the samples of `samplesFile` when given. */
export function readScored(
  input: string,
  samplesFile?: string,
): { records: ScoredRecord[]; problems: FileProblem[] } {
  const joined = samplesFile ? readSamplesById(samplesFile) : { samples: undefined, problems: [] };
  const { records, problems } = parseScoredLines(read(input), joined.samples);
  const all = [...joined.problems, ...problems.map((p) => ({ file: input, ...p }))];
  if (samplesFile) {
    for (const r of records) {
      if (!r.sample)
        all.push({
          file: input,
          line: r.line,
          message: `no sample with id ${JSON.stringify(r.id ?? null)} in ${samplesFile}`,
        });
    }
  }
  return { records, problems: all };
}
