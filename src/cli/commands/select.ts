import { type Command, Option } from 'commander';
import { groupRecords } from '../../credit/advantages.js';
import type { ScoredRecord } from '../../credit/scored.js';
import { readScored } from '../../credit/scored-file.js';
import { ANSWER_KINDS, type AnswerKind, answerOf, equivalenceFor } from '../../select/answers.js';
import { certaintyVote, selfCertainty } from '../../select/certainty.js';
import { bestOfN, majorityVote, type Vote, weightedVote } from '../../select/vote.js';
import { finiteNumber, reportProblems } from './advantages.js';

export const SELECT_METHODS = ['best', 'majority', 'weighted', 'self-certainty'] as const;
export type SelectMethod = (typeof SELECT_METHODS)[number];

export interface SelectCliOptions {
  input: string;
  samples?: string;
  method: SelectMethod;
  answers: AnswerKind;
  p?: number;
}

const idOf = (r: ScoredRecord) => r.id ?? `line ${r.line}`;

/** One line per group: the chosen sample and the table the choice came from. */
export function selectLines(records: ScoredRecord[], o: SelectCliOptions): Record<string, unknown>[] {
  const equivalent = equivalenceFor(o.answers);
  return groupRecords(records, (r) => r.group).map((g) => {
    const members = g.members.map((i) => records[i]!);
    const scores = members.map((r) => r.score);
    const line: Record<string, unknown> = { group: g.id, method: o.method, n: members.length };
    let chosen: number | null;
    if (o.method === 'best') {
      chosen = bestOfN(scores);
      line.scores = members.map((r) => ({ id: idOf(r), score: r.score }));
    } else {
      const answers = members.map((r) => answerOf(r, o.answers));
      let vote: Vote;
      if (o.method === 'majority') vote = majorityVote(answers, equivalent);
      else if (o.method === 'weighted') vote = weightedVote(answers, scores, equivalent);
      else {
        const certainties = members.map((r) => selfCertainty(r.sample?.logprobs));
        vote = certaintyVote(answers, certainties, { equivalent, ...(o.p !== undefined && { p: o.p }) });
        line.certainty = members.map((r, k) => ({ id: idOf(r), self_certainty: certainties[k] }));
      }
      chosen = vote.chosen;
      line.answer = chosen === null ? null : answers[chosen];
      line.votes = vote.clusters
        .map((c) => ({ answer: c.answer, votes: c.votes, ids: c.members.map((k) => idOf(members[k]!)) }))
        .sort((a, b) => b.votes - a.votes);
    }
    line.chosen = chosen === null ? null : idOf(members[chosen]!);
    line.score = chosen === null ? null : members[chosen]!.score;
    return line;
  });
}

export function register(program: Command): void {
  program
    .command('select')
    .description(
      'test-time selection per group: best-of-N, majority vote, reward-weighted vote, self-certainty',
    )
    .requiredOption('--input <file>', '`assay score` output, or samples with a "score" field ("-" for stdin)')
    .option('--samples <file>', 'the scored samples, joined by id (for group, response, logprobs)')
    .addOption(
      new Option('--method <name>', 'selection method').choices([...SELECT_METHODS]).default('majority'),
    )
    .addOption(
      new Option('--answers <kind>', 'answer extraction and equivalence')
        .choices([...ANSWER_KINDS])
        .default('math'),
    )
    .option('--p <x>', 'self-certainty Borda exponent (default 0.5)', finiteNumber('--p'))
    .action((opts: SelectCliOptions) => {
      const { records, problems } = readScored(opts.input, opts.samples);
      reportProblems(problems, records);
      const lines = selectLines(records, opts);
      if (opts.method === 'self-certainty') {
        const missing = records.filter((r) => !r.sample?.logprobs?.length).length;
        if (missing > 0)
          process.stderr.write(
            `assay: ${missing} of ${records.length} samples have no "logprobs" (pass --samples with samples that carry them): their self_certainty is null and they get no vote\n`,
          );
      }
      process.stdout.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      process.stderr.write(`select (${opts.method}): ${lines.length} groups; ${problems.length} problems\n`);
    });
}
