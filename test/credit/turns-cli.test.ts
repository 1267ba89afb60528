/**
 * `assay score` with a `turns` node on agent trajectories, then `assay advantages --turns`: one advantage
 * per assistant turn, from the per-turn scores, with the step-level credit methods (sum-form, min-form,
 * gated accumulation).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-turns-'));
const call = (name: string, args: object) => ({
  role: 'assistant',
  content: null,
  tool_calls: [{ id: name, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
});
const reference = {
  turns: [{ ground_truth: [{ search: { q: ['cats'] } }] }, { ground_truth: [{ open: { id: [3] } }] }],
};
const trajectory = (openId: number) => [
  call('search', { q: 'cats' }),
  { role: 'tool', tool_call_id: 'search', content: '[{"id": 3}]' },
  call('open', { id: openId }),
];
const samplesPath = join(dir, 'samples.jsonl');
writeFileSync(
  samplesPath,
  [
    { id: 't1', group: 'g', prompt: 'find a cat page', response: trajectory(3), reference },
    { id: 't2', group: 'g', prompt: 'find a cat page', response: trajectory(4), reference },
  ]
    .map((l) => `${JSON.stringify(l)}\n`)
    .join(''),
);
const specPath = join(dir, 'spec.yaml');
writeFileSync(specPath, 'reward:\n  turns: { use: tool_call }\n  aggregate: min\n');

describe('assay advantages --turns', () => {
  it('score per turn, then one advantage per turn (sum-form, min-form, gated)', () => {
    const scored = runCli(['score', '--spec', specPath, '--input', samplesPath]);
    expect(scored.code).toBe(0);
    const lines = jsonLines(scored.stdout);
    expect(lines.map((l) => l.detail.turn_scores)).toEqual([
      [1, 1],
      [1, 0],
    ]);
    const scoredPath = join(dir, 'scored.jsonl');
    writeFileSync(scoredPath, scored.stdout);
    const adv = (...extra: string[]) =>
      jsonLines(runCli(['advantages', '--input', scoredPath, '--samples', samplesPath, ...extra]).stdout);
    expect(adv('--turns', 'sum').map((l) => l.turn_advantages)).toEqual([
      [2, 1],
      [1, 0],
    ]);
    expect(adv('--turns', 'min').map((l) => l.turn_advantages)).toEqual([
      [1, 1],
      [0, 0],
    ]);
    // Gated accumulation: the turns of a failed trajectory earn nothing.
    expect(adv('--turns', 'sum', '--gate', '1').map((l) => l.turn_advantages)).toEqual([
      [2, 1],
      [0, 0],
    ]);
    const out = adv('--turns', 'sum', '--steps-add-outcome');
    expect(out.map((l) => l.advantage)[0]).toBeGreaterThan(0);
    expect(out[0].turn_advantages[1]).toBeCloseTo(1 + out[0].advantage, 10);
  });
});
