import { type Command, InvalidArgumentError, Option } from 'commander';
import { groupRecords } from '../../credit/advantages.js';
import type { ScoredRecord } from '../../credit/scored.js';
import { readScored } from '../../credit/scored-file.js';
import { ANSWER_KINDS, type AnswerKind, answerOf, equivalenceFor } from '../../select/answers.js';
import { componentAccuracy } from '../../select/components.js';
import { evaluateGroup, type GroupEval, type SourceSummary, summarize } from '../../select/evaluate.js';
import { finiteNumber, reportProblems } from './advantages.js';

export interface StatsCliOptions {
  input: string;
  samples?: string;
  k: number[];
  answers: AnswerKind;
  passThreshold?: number;
  seed?: number;
  draws?: number;
  perGroup?: boolean;
  components?: boolean;
}

const kList = (value: string): number[] => {
  const ks = value.split(',').map((s) => Number(s.trim()));
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new InvalidArgumentError('--k must be a comma-separated list of positive integers, e.g. 1,4,16');
  }
  return ks;
};

const figures = (ks: number[], pass: Record<string, number | null>, maj: Record<string, number | null>) =>
  Object.fromEntries(
    ks.flatMap((k) => [[`pass@${k}`, pass[k] ?? null] as const, [`maj@${k}`, maj[k] ?? null] as const]),
  );

export function groupEvals(records: ScoredRecord[], o: StatsCliOptions): GroupEval[] {
  const equivalent = equivalenceFor(o.answers);
  return groupRecords(records, (r) => r.group).map((g) => {
    const members = g.members.map((i) => records[i]!);
    const samples = members.map((r) => ({
      score: r.score,
      answer: r.score === null ? null : answerOf(r, o.answers),
    }));
    return evaluateGroup(g.id, members[0]!.source ?? 'unknown', samples, o.k, {
      equivalent,
      ...(o.passThreshold !== undefined && { passThreshold: o.passThreshold }),
      ...(o.seed !== undefined && { seed: o.seed }),
      ...(o.draws !== undefined && { draws: o.draws }),
    });
  });
}

export function summaryLine(s: SourceSummary, ks: number[]): Record<string, unknown> {
  return {
    source: s.source,
    groups: s.groups,
    samples: s.samples,
    scored: s.scored,
    mean_score: s.meanScore,
    zero_variance_groups: s.zeroVarianceGroups,
    ...figures(ks, s.passAtK, s.majAtK),
    groups_for_k: s.groupsForK,
  };
}

export function register(program: Command): void {
  program
    .command('stats')
    .description('pass@k, maj@k, mean score and zero-variance groups per source')
    .requiredOption('--input <file>', '`assay score` output, or samples with a "score" field ("-" for stdin)')
    .option('--samples <file>', 'the scored samples, joined by id (for group, source, response)')
    .option('--k <list>', 'k values, comma-separated', kList, [1])
    .addOption(
      new Option('--answers <kind>', 'answer extraction and equivalence for maj@k')
        .choices([...ANSWER_KINDS])
        .default('math'),
    )
    .option('--pass-threshold <x>', 'a score ≥ this is correct (default 1)', finiteNumber('--pass-threshold'))
    .option('--seed <n>', 'seed of the maj@k subsets (default 0)', finiteNumber('--seed'))
    .option(
      '--draws <n>',
      'random subsets per maj@k estimate when k < n (default 64)',
      finiteNumber('--draws'),
    )
    .option('--per-group', 'also write one line per group before the summaries')
    .option(
      '--components',
      'also write accuracy per component: prompt- and instruction-level for nodes of checks (ifeval), and per check name',
    )
    .action((opts: StatsCliOptions) => {
      const { records, problems } = readScored(opts.input, opts.samples);
      reportProblems(problems, records);
      const groups = groupEvals(records, opts);
      const out: Record<string, unknown>[] = [];
      if (opts.perGroup) {
        for (const g of groups) {
          out.push({
            group: g.id,
            source: g.source,
            n: g.n,
            scored: g.scored,
            correct: g.correct,
            mean_score: g.meanScore,
            zero_variance: g.zeroVariance,
            ...figures(opts.k, g.passAtK, g.majAtK),
          });
        }
      }
      for (const s of summarize(groups, opts.k)) out.push(summaryLine(s, opts.k));
      if (opts.components) {
        const acc = componentAccuracy(
          records.map((r) => r.raw),
          opts.passThreshold ?? 1,
        );
        out.push(...acc.groups.map((g) => ({ ...g })), ...acc.leaves.map((l) => ({ ...l })));
      }
      process.stdout.write(out.map((l) => `${JSON.stringify(l)}\n`).join(''));
    });
}
