import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../cli/run-cli.js';
import { FIXTURE_PLUGIN } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-credit-pipe-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('score → advantages with a steps node', () => {
  it('step scores left by the steps node become per-step advantages', () => {
    const spec = write(
      'spec.json',
      JSON.stringify({
        plugins: [FIXTURE_PLUGIN],
        reward: { steps: { use: 'test.value' }, aggregate: 'min' },
      }),
    );
    const samples = write(
      'samples.jsonl',
      `${[
        { id: 'r1', group: 'g', response: '0.9\n\n0.2\n\n0.7' },
        { id: 'r2', group: 'g', response: '0.8\n\n0.8' },
      ]
        .map((s) => JSON.stringify(s))
        .join('\n')}\n`,
    );
    const scored = runCli(['score', '--spec', spec, '--input', samples, '--concurrency', '1']);
    expect(scored.code).toBe(0);
    const input = write('scored.jsonl', scored.stdout);
    const r = runCli([
      'advantages',
      '--input',
      input,
      '--samples',
      samples,
      '--method',
      'drgrpo',
      '--steps',
      'min',
    ]);
    expect(r.code).toBe(0);
    const out = jsonLines(r.stdout);
    expect(out.map((o) => o.score)).toEqual([0.2, 0.8]);
    expect(out[0].advantage).toBeCloseTo(-0.3, 12);
    expect(out[1].advantage).toBeCloseTo(0.3, 12);
    expect(out.map((o) => o.step_advantages)).toEqual([
      [0.2, 0.2, 0.7],
      [0.8, 0.8],
    ]);
  });
});

describe('select --method self-certainty', () => {
  const top = (...probs: number[]) => ({
    token: 't',
    logprob: Math.log(probs[0]!),
    top_logprobs: probs.map((p, i) => ({ token: `${i}`, logprob: Math.log(p) })),
  });
  // s1 is confident (0.9/0.1 at every token), s2 and s3 are not (uniform): Borda ranks 1, 2, 2
  const input = write(
    'certainty.jsonl',
    `${[
      { id: 's1', group: 'q', response: '\\boxed{1}', score: 1, logprobs: [top(0.9, 0.1)] },
      { id: 's2', group: 'q', response: '\\boxed{2}', score: 0, logprobs: [top(0.5, 0.5)] },
      { id: 's3', group: 'q', response: '\\boxed{2}', score: 0, logprobs: [top(0.5, 0.5)] },
    ]
      .map((s) => JSON.stringify(s))
      .join('\n')}\n`,
  );
  it('votes with Borda weights (N − r + 1)^p', () => {
    // p = 0.5: √3 for "1" against √2 + √2 for "2"
    const [half] = jsonLines(runCli(['select', '--input', input, '--method', 'self-certainty']).stdout);
    expect(half).toMatchObject({ group: 'q', chosen: 's2', answer: '2' });
    expect(half.certainty[0].self_certainty).toBeCloseTo(0.510826, 6);
    // p = 3: 27 against 8 + 8
    const [cubed] = jsonLines(
      runCli(['select', '--input', input, '--method', 'self-certainty', '--p', '3']).stdout,
    );
    expect(cubed).toMatchObject({ chosen: 's1', answer: '1', score: 1 });
  });
});
