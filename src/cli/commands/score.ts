import { createWriteStream, type WriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { parseOnError, scoreUnderPolicy } from '../../core/on-error.js';
import { Runtime, Scorer } from '../../core/scorer.js';
import { loadSpecFile } from '../../core/spec/load.js';
import type { OnErrorPolicy, RewardResult, Sample } from '../../core/types.js';
import { groupedBatches, twoInFlight } from '../batches.js';
import { parseSampleLines, readInput } from '../jsonl.js';
import { Summary } from '../summary.js';

export interface ScoreCliOptions {
  spec: string;
  input: string;
  output?: string;
  concurrency: number;
  onError: OnErrorPolicy;
  timeoutMs?: number;
  step?: number;
  batchSize: number;
}

export const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

const onErrorOption = (value: string) => {
  try {
    return parseOnError(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

/** One output line: the result plus the sample id, the score mapped by the caller's onError policy. */
export function outputLine(
  id: string | undefined,
  result: RewardResult,
  policy: OnErrorPolicy,
): string | undefined {
  const score = scoreUnderPolicy(result, policy);
  if (score === undefined) return undefined;
  return JSON.stringify({ id: id ?? null, ...result, score });
}

export async function runScore(opts: ScoreCliOptions): Promise<Summary> {
  const started = performance.now();
  const spec = await loadSpecFile(opts.spec);
  // Workers boot (importing every reward) while this thread reads and parses the input.
  const runtime = new Runtime({ threads: opts.concurrency, plugins: spec.plugins });
  const scorer = new Scorer(spec, runtime);
  const lines = parseSampleLines(readInput(opts.input));
  const out: NodeJS.WritableStream | WriteStream = opts.output
    ? createWriteStream(opts.output)
    : process.stdout;
  const summary = new Summary();
  const bar = process.stderr.isTTY ? new SingleBar({ etaBuffer: 50, stream: process.stderr }) : undefined;
  bar?.start(lines.length, 0);

  const rendered: (string | undefined | null)[] = new Array(lines.length).fill(null);
  let flushed = 0;
  const flush = () => {
    let chunk = '';
    while (flushed < rendered.length && rendered[flushed] !== null) {
      const text = rendered[flushed++];
      if (text !== undefined) chunk += `${text}\n`;
    }
    if (chunk) out.write(chunk);
  };

  lines.forEach((l, i) => {
    if ('errors' in l) {
      summary.malformed++;
      process.stderr.write(`${opts.input}:${l.line}: invalid sample: ${l.errors.join('; ')}\n`);
      const result: RewardResult = {
        name: scorer.root.name,
        status: 'error',
        score: null,
        reason: `invalid sample (line ${l.line}): ${l.errors.join('; ')}`,
      };
      summary.add(result);
      rendered[i] = outputLine(l.id, result, opts.onError);
    }
  });

  const valid = lines.flatMap((l, index) => ('sample' in l ? [{ index, sample: l.sample }] : []));
  const batches = groupedBatches<{ index: number; sample: Sample }>(valid, opts.batchSize);
  // Two batches in flight: workers score one while this thread parses results and writes the other.
  const scoreBatch = async (batch: { index: number; sample: Sample }[]) => {
    const results = await scorer.score(
      batch.map((b) => b.sample),
      {
        ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }),
        ...(opts.step !== undefined && { step: opts.step }),
      },
    );
    batch.forEach((b, k) => {
      summary.add(results[k]!, b.sample.source);
      rendered[b.index] = outputLine(b.sample.id, results[k]!, opts.onError);
    });
    flush();
    bar?.increment(batch.length);
  };
  try {
    flush();
    await twoInFlight(batches, scoreBatch);
    flush();
  } finally {
    bar?.stop();
    await runtime.close();
    if (opts.output) await new Promise<void>((resolve) => (out as WriteStream).end(resolve));
  }
  process.stderr.write(`${summary.render((performance.now() - started) / 1000)}\n`);
  return summary;
}

/** The options of every command that scores with a spec: worker threads and the per-sample deadline. */
export function scoringOptions(command: Command): Command {
  return command
    .option(
      '--concurrency <n>',
      'worker threads for CPU rewards',
      positiveInt('--concurrency'),
      availableParallelism(),
    )
    .option(
      '--timeout-ms <ms>',
      "per-sample deadline (default: the spec's timeout_ms)",
      positiveInt('--timeout-ms'),
    );
}

export function register(program: Command): void {
  scoringOptions(
    program
      .command('score')
      .description(
        'score samples (JSONL, one Sample per line) with a reward spec; results to stdout or --output',
      )
      .requiredOption('--spec <file>', 'reward spec (YAML or JSON)')
      .requiredOption('--input <file>', 'samples, one JSON object per line ("-" for stdin)')
      .option('--output <file>', 'write results here instead of stdout'),
  )
    .option(
      '--on-error <policy>',
      'score reported for failed samples: null | zero | drop | <number> (status is kept)',
      onErrorOption,
      'null',
    )
    .option('--step <n>', 'training step, for scheduled rewards', (v) => Number(v))
    .option(
      '--batch-size <n>',
      'samples scored together (groups are never split)',
      positiveInt('--batch-size'),
      4096,
    )
    .action(async (opts: ScoreCliOptions) => {
      await runScore(opts);
    });
}
