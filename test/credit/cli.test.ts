import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-credit-'));
const file = (name: string, lines: object[], extra = '') => {
  const path = join(dir, name);
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n${extra}`);
  return path;
};

// Score output as `assay score` writes it (no group: that comes from the samples, joined by id).
const samples = file('samples.jsonl', [
  { id: 'a1', group: 'p1', source: 'math', response: 'so \\boxed{1/2}' },
  { id: 'a2', group: 'p1', source: 'math', response: 'thus \\boxed{0.5}' },
  { id: 'a3', group: 'p1', source: 'math', response: 'thus \\boxed{\\frac{1}{3}}' },
  { id: 'a4', group: 'p1', source: 'math', response: 'thus \\boxed{\\frac{1}{2}}' },
  { id: 'b1', group: 'p2', source: 'gsm', response: '\\boxed{7}' },
  { id: 'b2', group: 'p2', source: 'gsm', response: '\\boxed{7}' },
  { id: 'b3', group: 'p2', source: 'gsm', response: '\\boxed{8}' },
]);
const scored = file(
  'scored.jsonl',
  [
    { id: 'a1', name: 'math', status: 'ok', score: 1 },
    { id: 'a2', name: 'math', status: 'ok', score: 1 },
    { id: 'a3', name: 'math', status: 'ok', score: 0 },
    { id: 'a4', name: 'math', status: 'ok', score: 1 },
    { id: 'b1', name: 'math', status: 'ok', score: 0 },
    { id: 'b2', name: 'math', status: 'ok', score: 0 },
    { id: 'b3', name: 'math', status: 'timeout', score: null, reason: 'deadline' },
  ],
  '{"id": broken\n',
);

describe('assay advantages | select | stats', () => {
  it('advantages: joins by id, one line per scored line, failed samples null, bad lines reported', () => {
    const groupsFile = join(dir, 'groups.jsonl');
    const r = runCli([
      'advantages',
      '--input',
      scored,
      '--samples',
      samples,
      '--method',
      'rloo',
      '--groups',
      groupsFile,
    ]);
    expect(r.code).toBe(0);
    const out = jsonLines(r.stdout);
    expect(out.map((o) => o.id)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3']);
    expect(out[0]).toMatchObject({ name: 'math', status: 'ok', score: 1, group: 'p1' });
    // RLOO on [1, 1, 0, 1]: 1 − 2/3 and 0 − 1
    expect(out.map((o) => o.advantage)).toEqual([1 / 3, 1 / 3, -1, 1 / 3, 0, 0, null]);
    expect(r.stderr).toMatch(/scored\.jsonl:8: not valid JSON/);
    expect(r.stderr).toMatch(/7 lines in 2 groups; 1 zero-variance groups; 1 problems/);
    const groups = jsonLines(readFileSync(groupsFile, 'utf8'));
    expect(groups).toEqual([
      expect.objectContaining({ group: 'p1', n: 4, scored: 4, pass_rate: 0.75, zero_variance: false }),
      expect.objectContaining({ group: 'p2', n: 3, scored: 2, pass_rate: 0, zero_variance: true }),
    ]);
  });
  it('advantages --history: pass rates per prompt across calls, with a verdict in the group lines', () => {
    const history = join(dir, 'history.json');
    const groupsFile = join(dir, 'groups-h.jsonl');
    const args = [
      'advantages',
      '--input',
      scored,
      '--samples',
      samples,
      '--history',
      history,
      '--groups',
      groupsFile,
    ];
    expect(runCli(args).code).toBe(0);
    expect(runCli(args).code).toBe(0);
    const [p1, p2] = jsonLines(readFileSync(groupsFile, 'utf8'));
    // p1: 3 of 4 twice → 6 of 8, enough rollouts for a verdict; p2: 0 of 2 twice → too few
    expect(p1).toMatchObject({ prompt: 'p1', history: { calls: 2, pass_rate: 0.75, verdict: 'learning' } });
    expect(p2).toMatchObject({ prompt: 'p2', history: { calls: 2, pass_rate: 0, verdict: 'unknown' } });
    expect(JSON.parse(readFileSync(history, 'utf8')).prompts.p1.obs).toEqual([
      [3, 4],
      [3, 4],
    ]);
  });
  it('advantages: step-level credit from step rewards on the line', () => {
    const input = file('steps.jsonl', [
      { id: 's1', group: 'g', response: 'a', score: 1, step_rewards: [0.9, 0.2, 0.7] },
      { id: 's2', group: 'g', response: 'b', score: 0, step_rewards: [0.8, 0.8] },
    ]);
    const r = runCli(['advantages', '--input', input, '--method', 'drgrpo', '--steps', 'min', '--gate', '1']);
    expect(r.code).toBe(0);
    const out = jsonLines(r.stdout);
    expect(out.map((o) => o.advantage)).toEqual([0.5, -0.5]);
    expect(out.map((o) => o.step_advantages)).toEqual([
      [0.2, 0.2, 0.7],
      [0, 0],
    ]);
    const bad = runCli(['advantages', '--input', input, '--method', 'ppo']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--method.*ppo.*grpo/s);
  });
  it('select: majority vote clusters 1/2, 0.5 and \\frac{1}{2} together (math equivalence)', () => {
    const r = runCli(['select', '--input', scored, '--samples', samples, '--method', 'majority']);
    expect(r.code).toBe(0);
    const [p1, p2] = jsonLines(r.stdout);
    expect(p1).toMatchObject({ group: 'p1', chosen: 'a1', answer: '1/2', score: 1 });
    expect(p1.votes).toEqual([
      { answer: '1/2', votes: 3, ids: ['a1', 'a2', 'a4'] },
      { answer: '\\frac{1}{3}', votes: 1, ids: ['a3'] },
    ]);
    // the timed-out b3 still has an answer and votes in a plain majority; best-of-N skips it
    expect(p2).toMatchObject({ group: 'p2', chosen: 'b1' });
    const best = jsonLines(
      runCli(['select', '--input', scored, '--samples', samples, '--method', 'best']).stdout,
    );
    expect(best.map((b) => b.chosen)).toEqual(['a1', 'b1']);
  });
  it('stats: pass@k, maj@k, mean score and zero-variance groups per source', () => {
    const r = runCli(['stats', '--input', scored, '--samples', samples, '--k', '1,2,4']);
    expect(r.code).toBe(0);
    const [math, gsm, all] = jsonLines(r.stdout);
    expect(math).toMatchObject({
      source: 'math',
      groups: 1,
      samples: 4,
      scored: 4,
      mean_score: 0.75,
      zero_variance_groups: 0,
    });
    expect(math['pass@1']).toBeCloseTo(0.75, 12);
    expect(math['pass@2']).toBe(1);
    expect(math['maj@4']).toBe(1);
    expect(gsm).toMatchObject({
      source: 'gsm',
      scored: 2,
      'pass@1': 0,
      'pass@4': null,
      zero_variance_groups: 1,
    });
    expect(all.source).toBe('all');
    expect(runCli(['stats', '--input', scored, '--k', '0']).stderr).toMatch(/--k must be/);
  });
});

describe('messages a newcomer meets', () => {
  it('a missing input file names the flag; a join to an invalid line says the line was invalid', () => {
    const missing = runCli(['advantages', '--input', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--input: cannot read ".*nope\.jsonl" \(no such file\)/);
    const noSamples = runCli(['stats', '--input', scored, '--samples', join(dir, 'gone.jsonl')]);
    expect(noSamples.stderr).toMatch(/--samples: cannot read ".*gone\.jsonl" \(no such file\)/);
    const badSamples = file('bad-samples.jsonl', [{ id: 'z1', group: 'g', response: 5 }]);
    const scoredZ = file('scored-z.jsonl', [{ id: 'z1', name: 'math', status: 'ok', score: 1 }]);
    const r = runCli(['advantages', '--input', scoredZ, '--samples', badSamples]);
    expect(r.stderr).toMatch(/bad-samples\.jsonl:1: invalid sample: response/);
    expect(r.stderr).toMatch(
      /the sample with id "z1" is on line 1 of .*bad-samples\.jsonl, which is invalid/,
    );
    expect(r.stderr).not.toMatch(/no sample with id/);
  });
  it('advantages on score output without groups says each line is its own group, as stats does', () => {
    for (const command of ['advantages', 'stats'])
      expect(runCli([command, '--input', scored]).stderr).toMatch(/no line has a group \(pass --samples/);
  });
  it('select --method self-certainty without logprobs says so', () => {
    const r = runCli(['select', '--input', scored, '--samples', samples, '--method', 'self-certainty']);
    expect(r.stderr).toMatch(/7 of 7 samples have no "logprobs"/);
  });
});
