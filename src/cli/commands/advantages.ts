import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { promptText, responseText } from '../../core/sample.js';
import {
  type AdvantageOptions,
  computeAdvantages,
  groupRecords,
  isOutcomeMethod,
  OUTCOME_METHODS,
  type OutcomeMethod,
} from '../../credit/advantages.js';
import { PassRateHistory } from '../../credit/history.js';
import type { ScoredRecord } from '../../credit/scored.js';
import { stepRewardsOf, turnRewardsOf } from '../../credit/scored.js';
import { type FileProblem, readScored } from '../../credit/scored-file.js';
import { computeStepCredit, type ReturnForm, type StepTransform } from '../../credit/steps.js';
import { countTokens } from '../../verifiers/length/length.js';

export const finiteNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

/** Shared by advantages, select and stats: report bad lines (not fatal) and say when nothing groups. */
export function reportProblems(problems: FileProblem[], records: ScoredRecord[]): void {
  for (const p of problems) process.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
  if (records.length > 0 && records.every((r) => r.group === undefined)) {
    process.stderr.write(
      'assay: no line has a group (pass --samples to join score output with its samples): each line is its own group\n',
    );
  }
}

export interface AdvantagesCliOptions extends AdvantageOptions {
  input: string;
  samples?: string;
  method: string;
  steps?: ReturnForm;
  turns?: ReturnForm;
  gamma?: number;
  transform?: StepTransform;
  eta?: number;
  gate?: number;
  normalizeSteps?: boolean;
  stepsAddOutcome?: boolean;
  groups?: string;
  history?: string;
}

/** Response length in whitespace tokens, or the line's `length` field. */
function lengthOf(r: ScoredRecord): number | null {
  if (typeof r.raw.length === 'number') return r.raw.length;
  return r.sample ? countTokens(responseText(r.sample)) : null;
}

/** Pass-rate history is kept per prompt: the prompt text when the sample has one, else the group id. */
function historyKey(r: ScoredRecord, group: string): string {
  const prompt = r.sample ? promptText(r.sample) : '';
  return prompt === '' ? group : prompt;
}

/** Record this call's pass rates in the history file (created when missing) and annotate the groups. */
function updateHistory(file: string, diagnostics: ReturnType<typeof advantageLines>['diagnostics']) {
  const history = existsSync(file)
    ? PassRateHistory.fromJSON(JSON.parse(readFileSync(file, 'utf8')))
    : new PassRateHistory();
  const annotated = diagnostics.map((d) => {
    const passes = d.pass_rate === null ? 0 : Math.round(d.pass_rate * d.scored);
    const h = history.record(d.prompt, passes, d.scored);
    return { ...d, history: { calls: h.calls, pass_rate: h.passRate, verdict: h.verdict } };
  });
  writeFileSync(file, `${JSON.stringify(history)}\n`);
  return annotated;
}

/** The output lines (input lines plus `advantage`, maybe `step_advantages`) and per-group diagnostics. */
export function advantageLines(records: ScoredRecord[], o: AdvantagesCliOptions) {
  if (!isOutcomeMethod(o.method)) {
    throw new Error(`--method: unknown method "${o.method}" (known: ${OUTCOME_METHODS.join(', ')})`);
  }
  const groups = groupRecords(records, (r) => r.group);
  const result = computeAdvantages(
    groups.map((g) => ({
      id: g.id,
      scores: g.members.map((i) => records[i]!.score),
      ...(o.method === 'drpo' && { lengths: g.members.map((i) => lengthOf(records[i]!)) }),
    })),
    o.method as OutcomeMethod,
    o,
  );
  const out: Record<string, unknown>[] = records.map((r) => ({
    ...r.raw,
    ...(r.group !== undefined && { group: r.group }),
  }));
  groups.forEach((g, k) => {
    g.members.forEach((i, j) => {
      out[i]!.advantage = result.groups[k]!.advantages[j];
    });
  });
  const partCredit = (form: ReturnForm, rewardsOf: (r: ScoredRecord) => number[] | null, field: string) => {
    const credit = computeStepCredit(
      groups.map((g) => ({
        id: g.id,
        steps: g.members.map((i) => (records[i]!.score === null ? null : rewardsOf(records[i]!))),
        outcomes: g.members.map((i) => records[i]!.score),
      })),
      {
        returns: form,
        ...(o.gamma !== undefined && { gamma: o.gamma }),
        ...(o.transform !== undefined && { transform: o.transform }),
        ...(o.eta !== undefined && { eta: o.eta }),
        ...(o.gate !== undefined && { gate: o.gate }),
        ...(o.normalizeSteps && { normalize: true }),
        ...(o.stepsAddOutcome && { outcomeMethod: o.method as OutcomeMethod }),
        outcomeOptions: o,
      },
    );
    groups.forEach((g, k) => {
      g.members.forEach((i, j) => {
        out[i]![field] = credit[k]!.stepAdvantages[j];
      });
    });
  };
  if (o.steps) partCredit(o.steps, stepRewardsOf, 'step_advantages');
  // Turns of an agent trajectory take the same credit methods as reasoning steps, one advantage per turn.
  if (o.turns) partCredit(o.turns, turnRewardsOf, 'turn_advantages');
  const diagnostics = result.groups.map(({ advantages: _, ...d }, k) => ({
    prompt: historyKey(records[groups[k]!.members[0]!]!, d.id),
    group: d.id,
    n: d.n,
    scored: d.scored,
    mean: d.mean,
    std: d.std,
    pass_rate: d.passRate,
    zero_variance: d.zeroVariance,
  }));
  return { lines: out, diagnostics, batch: result.batch };
}

export function register(program: Command): void {
  program
    .command('advantages')
    .description('turn scored rollouts into advantages per group (GRPO, Dr. GRPO, RLOO, REINFORCE++, …)')
    .requiredOption('--input <file>', '`assay score` output, or samples with a "score" field ("-" for stdin)')
    .option('--samples <file>', 'the scored samples, joined by id (for group, source, response)')
    .addOption(
      new Option('--method <name>', 'outcome advantage').choices([...OUTCOME_METHODS]).default('grpo'),
    )
    .option(
      '--epsilon <x>',
      'added to the std in GRPO / REINFORCE++ (default 1e-6)',
      finiteNumber('--epsilon'),
    )
    .addOption(
      new Option('--std <kind>', 'std divisor: sample (n−1) or population (n)').choices([
        'sample',
        'population',
      ]),
    )
    .option('--pass-threshold <x>', 'a score ≥ this passes (default 1)', finiteNumber('--pass-threshold'))
    .option(
      '--positive-scale <x>',
      'multiply positive advantages (A-GRAE asymmetry)',
      finiteNumber('--positive-scale'),
    )
    .option('--negative-scale <x>', 'multiply negative advantages', finiteNumber('--negative-scale'))
    .option(
      '--positive-weight <x>',
      'multiply advantages of passing samples (PSR)',
      finiteNumber('--positive-weight'),
    )
    .option(
      '--negative-weight <x>',
      'multiply advantages of failing samples (NSR)',
      finiteNumber('--negative-weight'),
    )
    .option(
      '--length-weight <x>',
      'drpo: weight of the length term among correct rollouts (default 0.1)',
      finiteNumber('--length-weight'),
    )
    .addOption(
      new Option('--steps <form>', 'also write step_advantages: sum or min (PURE) returns').choices([
        'sum',
        'min',
      ]),
    )
    .addOption(
      new Option(
        '--turns <form>',
        'also write turn_advantages from per-turn scores (the turns node): sum or min returns',
      ).choices(['sum', 'min']),
    )
    .option('--gamma <x>', 'discount of sum-form step returns (default 1)', finiteNumber('--gamma'))
    .addOption(new Option('--transform <t>', 'step reward transform').choices(['none', 'clip', 'delta']))
    .option('--eta <x>', 'η of the clip transform (default 0)', finiteNumber('--eta'))
    .option('--gate <x>', 'step rewards count only when the outcome score ≥ this', finiteNumber('--gate'))
    .option('--normalize-steps', 'normalize step rewards by the mean/std of the group')
    .option('--steps-add-outcome', 'add the outcome advantage of --method to every step')
    .option('--groups <file>', 'also write per-group diagnostics (pass rate, zero variance) as JSONL')
    .option(
      '--history <file>',
      'per-prompt pass-rate history (JSON), read and updated: too_easy / too_hard verdicts in --groups',
    )
    .action((opts: AdvantagesCliOptions) => {
      const { records, problems } = readScored(opts.input, opts.samples);
      reportProblems(problems, records);
      const { lines, diagnostics } = advantageLines(records, opts);
      process.stdout.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      const groupLines = opts.history ? updateHistory(opts.history, diagnostics) : diagnostics;
      if (opts.groups) writeFileSync(opts.groups, groupLines.map((d) => `${JSON.stringify(d)}\n`).join(''));
      const zero = diagnostics.filter((d) => d.zero_variance).length;
      process.stderr.write(
        `advantages (${opts.method}): ${records.length} lines in ${diagnostics.length} groups; ` +
          `${zero} zero-variance groups; ${problems.length} problems\n`,
      );
    });
}
