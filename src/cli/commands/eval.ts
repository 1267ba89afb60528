import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { Runtime, Scorer } from '../../core/scorer.js';
import { type LoadedSpec, loadSpecFile } from '../../core/spec/load.js';
import type { RewardResult, Sample } from '../../core/types.js';
import type { EvalCase } from '../../eval/cases.js';
import {
  DEFAULT_EVAL_OPTIONS,
  disagreements,
  type EvalOptions,
  type EvalReport,
  type EvalRun,
  outputRow,
  reportOf,
  sampleCases,
  scoreCases,
  usesGroupReward,
} from '../../eval/evaluate.js';
import { FORMATS, type Format, loadCases } from '../../eval/formats.js';
import { readRows } from '../../eval/read.js';
import { renderTable } from '../../eval/report.js';
import { groupedBatches, twoInFlight } from '../batches.js';
import { positiveInt, scoringOptions } from './score.js';

interface EvalCliOptions {
  spec: string;
  input: string;
  format?: Format;
  json?: boolean;
  output?: string;
  compare?: string;
  seed: number;
  bootstrap: number;
  threshold: number;
  masterKeys: number;
  bothOrders?: boolean;
  limit?: number;
  concurrency: number;
  timeoutMs?: number;
}

const nonNegativeInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

const finiteNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

/** Score in batches that never split a case (its group), two in flight, as `assay score` does. */
function batchedScore(scorer: Scorer, timeoutMs: number | undefined) {
  return async (samples: Sample[]): Promise<RewardResult[]> => {
    const out: RewardResult[] = new Array(samples.length);
    const batches = groupedBatches(
      samples.map((sample, index) => ({ sample, index })),
      4096,
    );
    await twoInFlight(batches, async (batch) => {
      const results = await scorer.score(
        batch.map((b) => b.sample),
        timeoutMs !== undefined ? { timeoutMs } : {},
      );
      batch.forEach((b, k) => {
        out[b.index] = results[k]!;
      });
    });
    return out;
  };
}

async function evaluateSpec(
  spec: LoadedSpec,
  cases: EvalCase[],
  runtime: Runtime,
  opts: EvalCliOptions,
): Promise<{ name: string; run: EvalRun; options: EvalOptions }> {
  const scorer = new Scorer(spec, runtime);
  const pairwise = usesGroupReward(spec.rawReward);
  const options: EvalOptions = {
    ...DEFAULT_EVAL_OPTIONS,
    threshold: opts.threshold,
    bothOrders: opts.bothOrders ?? pairwise,
    pairwise,
    masterKeyPrompts: opts.masterKeys,
    rounds: opts.bootstrap,
    seed: opts.seed,
  };
  const run = await scoreCases(cases, batchedScore(scorer, opts.timeoutMs), options);
  return { name: spec.name, run, options };
}

function masterKeyLine(report: EvalReport): string | undefined {
  const mk = report.master_keys;
  if (!mk) return undefined;
  const rate = mk.false_positive_rate === null ? '—' : `${(mk.false_positive_rate * 100).toFixed(1)}%`;
  const ci = mk.ci95 ? ` [${(mk.ci95[0] * 100).toFixed(1)}, ${(mk.ci95[1] * 100).toFixed(1)}]` : '';
  const passed = mk.passed.length ? `; passed: ${mk.passed.map((p) => JSON.stringify(p)).join(', ')}` : '';
  return `master keys: ${rate}${ci} of ${mk.n} no-answer responses scored >= ${report.threshold} (errors ${mk.errors})${passed}`;
}

export async function runEval(opts: EvalCliOptions): Promise<void> {
  const read = await readRows(opts.input);
  const loaded = loadCases(read.rows, opts.format);
  const problems = [...read.problems, ...loaded.problems].sort((a, b) => a.row - b.row);
  for (const p of problems.slice(0, 20)) process.stderr.write(`${opts.input}:${p.row}: ${p.message}\n`);
  if (problems.length > 20) process.stderr.write(`… and ${problems.length - 20} more bad rows\n`);
  const cases = opts.limit !== undefined ? sampleCases(loaded.cases, opts.limit, opts.seed) : loaded.cases;
  if (cases.length === 0) throw new Error(`${opts.input}: no usable rows (format ${loaded.format})`);
  const kind = cases[0]!.kind;

  const specA = await loadSpecFile(opts.spec);
  const specB = opts.compare ? await loadSpecFile(opts.compare) : undefined;
  const plugins = [...new Set([...specA.plugins, ...(specB?.plugins ?? [])])];
  const runtime = new Runtime({ threads: opts.concurrency, plugins });
  try {
    const a = await evaluateSpec(specA, cases, runtime, opts);
    const report = reportOf(loaded.format, kind, a.name, a.run, a.options);
    const b = specB ? await evaluateSpec(specB, cases, runtime, opts) : undefined;
    const other = b && reportOf(loaded.format, kind, b.name, b.run, b.options);
    const differ = b ? disagreements(a.run.results, b.run.results) : [];

    if (opts.output) {
      const rows = a.run.results.map((r, i) => {
        const row = outputRow(r, a.run.raw[i]);
        if (b) row.compare = outputRow(b.run.results[i]!, b.run.raw[i]);
        return JSON.stringify(row);
      });
      writeFileSync(opts.output, rows.length ? `${rows.join('\n')}\n` : '');
    }

    if (opts.json) {
      const json: Record<string, unknown> = { ...report, rows: read.rows.length, bad_rows: problems.length };
      if (other) {
        json.compare = {
          ...other,
          agreement: cases.length === 0 ? null : 1 - differ.length / cases.length,
          disagreements: differ.map(({ a: x, b: y }) => ({
            id: x.id,
            subset: x.subset,
            [a.name]: outputRow(x, undefined),
            [b!.name === a.name ? `${b!.name} (compare)` : b!.name]: outputRow(y, undefined),
          })),
        };
      }
      process.stdout.write(`${JSON.stringify(json)}\n`);
      return;
    }
    const lines: (string | undefined)[] = [
      `${a.name} on ${opts.input} (${loaded.format}, ${cases.length} cases${problems.length ? `, ${problems.length} bad rows` : ''}, seed ${opts.seed})`,
      renderTable(kind, report),
      masterKeyLine(report),
    ];
    if (other) {
      lines.push('', `${other.spec} (compare)`, renderTable(kind, other), masterKeyLine(other));
      lines.push('', `they disagree on ${differ.length} of ${cases.length} cases`);
      for (const { a: x, b: y } of differ.slice(0, 20)) {
        const show = (r: typeof x) =>
          r.status !== 'ok' ? `error (${r.reason})` : `credit ${r.value} scores ${JSON.stringify(r.scores)}`;
        lines.push(`  ${x.subset}/${x.id}: ${show(x)} | ${show(y)}`);
      }
      if (differ.length > 20) lines.push(`  … ${differ.length - 20} more (all in --output)`);
    }
    process.stdout.write(`${lines.filter((l) => l !== undefined).join('\n')}\n`);
  } finally {
    await runtime.close();
  }
}

export function register(program: Command): void {
  scoringOptions(
    program
      .command('eval')
      .description(
        'evaluate a reward spec on a benchmark file (RewardBench 1/2, RM-Bench, JudgeBench, verification, ProcessBench, Assay JSONL; JSONL, JSON or Parquet)',
      )
      .requiredOption('--spec <file>', 'reward spec (YAML or JSON)')
      .requiredOption('--input <file>', 'benchmark file: JSONL, JSON or Parquet ("-" for stdin)')
      .addOption(
        new Option('--format <name>', 'the file format (default: detected from the first row)').choices(
          FORMATS,
        ),
      )
      .option('--json', 'print one JSON object instead of the table')
      .option('--output <file>', 'write per-case rows (JSONL) here')
      .option(
        '--compare <file>',
        'a second spec scored on the same cases; the cases where they disagree are listed',
      )
      .option('--seed <n>', 'seed of the bootstrap (and of --limit)', nonNegativeInt('--seed'), 0)
      .option(
        '--bootstrap <n>',
        'bootstrap resamples for the 95% intervals (0: none)',
        nonNegativeInt('--bootstrap'),
        1000,
      )
      .option(
        '--threshold <x>',
        'score at which a response is accepted / a step passes',
        finiteNumber('--threshold'),
        0.5,
      )
      .option(
        '--master-keys <n>',
        'try the built-in no-answer responses with the prompts of this many cases (0: off)',
        nonNegativeInt('--master-keys'),
        5,
      )
      .option(
        '--both-orders',
        'pairs: also score with the responses swapped (on by default for pairwise judges)',
      )
      .option('--no-both-orders', 'pairs: score one order only')
      .option('--limit <n>', 'evaluate a seeded sample of this many cases', positiveInt('--limit')),
  ).action(async (opts: EvalCliOptions) => {
    await runEval(opts);
  });
}
