import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PLUGIN } from '../helpers.js';
import { jsonLines, ROOT, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-cli-'));

describe('assay score', () => {
  it('scores the quickstart example: one line per input line, in order, and a summary', () => {
    const r = runCli([
      'score',
      '--spec',
      'examples/quickstart/spec.yaml',
      '--input',
      'examples/quickstart/samples.jsonl',
    ]);
    expect(r.code).toBe(0);
    const out = jsonLines(r.stdout);
    expect(out.map((o) => o.id)).toEqual(['q1-a', 'q1-b', 'q1-c', 'q2-a', 'q2-b', 'q3-a', 'bad-1', 'q4-a']);
    // the format only opens the gate (weight 0): a well-formatted wrong answer scores 0, a correct one 1
    expect(out.map((o) => o.score)).toEqual([1, 0, 0, 1, 0, 0.825, null, null]);
    expect(out[6]).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/^invalid sample \(line 7\): response: required/),
    });
    expect(out[7]).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/exact_match\) error: reference must be/),
    });
    expect(out[0].components.map((c: { name: string }) => c.name)).toEqual(['format.tags', 'weighted']);
    expect(r.stderr).toMatch(/samples\.jsonl:7: invalid sample: response: required/);
    expect(r.stderr).toMatch(/samples: 8 \(1 malformed input lines\)/);
    expect(r.stderr).toMatch(/status: (ok=6 error=2|error=2 ok=6)/);
    expect(r.stderr).toMatch(/ {2}weighted\/exact_match: 0\.6000 \(n=5\)/);
    expect(r.stderr).toMatch(/per source[^\n]*\n {2}arith: 0\.3333 \(n=3\)/);
    expect(r.stderr).toMatch(/throughput: \d+ samples\/s/);
  });

  it('--on-error maps failed samples for the caller, keeping their status; drop removes them', () => {
    const base = [
      'score',
      '--spec',
      'examples/quickstart/spec.yaml',
      '--input',
      'examples/quickstart/samples.jsonl',
    ];
    const zero = jsonLines(runCli([...base, '--on-error', 'zero']).stdout);
    expect(zero[6]).toMatchObject({ id: 'bad-1', status: 'error', score: 0 });
    const neg = jsonLines(runCli([...base, '--on-error', '-1']).stdout);
    expect(neg[7]).toMatchObject({ id: 'q4-a', status: 'error', score: -1 });
    const drop = jsonLines(runCli([...base, '--on-error', 'drop']).stdout);
    expect(drop.map((o) => o.id)).toEqual(['q1-a', 'q1-b', 'q1-c', 'q2-a', 'q2-b', 'q3-a']);
    expect(runCli([...base, '--on-error', 'maybe']).stderr).toMatch(
      /onError: expected null, zero, drop or a number/,
    );
  });

  it("the README's plugin example: a reward whose args come from assay's own z, no zod install", () => {
    const plugin = join(dir, 'shouty.mjs');
    // As a user writes it, with the package import pointed at this checkout's built entry point (the one
    // `import ... from 'assay'` resolves to), run by the built command (bin/assay.js uses dist/).
    writeFileSync(
      plugin,
      `import { ok, registerReward, z } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
registerReward({
  name: 'my.shouty', mode: 'cpu', description: '1 if the response is upper case', args: z.object({}),
  create: () => (sample) => ok(String(sample.response) === String(sample.response).toUpperCase() ? 1 : 0),
});
`,
    );
    const spec = join(dir, 'shouty.yaml');
    writeFileSync(spec, `plugins: [./shouty.mjs]\nreward: { use: my.shouty }\n`);
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/assay.js'), 'score', '--spec', spec, '--input', '-'],
      { input: '{"response": "LOUD"}\n{"response": "quiet"}\n', encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((o) => o.score)).toEqual([1, 0]);
  });

  it('writes --output; a spinning sample times out while the others finish', () => {
    const spec = join(dir, 'spin.yaml');
    writeFileSync(
      spec,
      `plugins: [${JSON.stringify(FIXTURE_PLUGIN)}]\ntimeout_ms: 1000\nreward: { use: test.value }\n`,
    );
    const input = join(dir, 'spin.jsonl');
    writeFileSync(
      input,
      ['1', 'spin', '3'].map((response, i) => JSON.stringify({ id: `s${i}`, response })).join('\n'),
    );
    const output = join(dir, 'out.jsonl');
    const r = runCli(['score', '--spec', spec, '--input', input, '--output', output]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(jsonLines(readFileSync(output, 'utf8')).map((o) => [o.id, o.status, o.score])).toEqual([
      ['s0', 'ok', 1],
      ['s1', 'timeout', null],
      ['s2', 'ok', 3],
    ]);
  });

  it('an invalid spec fails before any work, naming the file and path', () => {
    const spec = join(dir, 'bad.yaml');
    writeFileSync(
      spec,
      'reward:\n  weighted:\n    - { use: exact_match }\n    - { use: length, weight: heavy, args: { max: 5 } }\n',
    );
    const r = runCli(['score', '--spec', spec, '--input', 'examples/quickstart/samples.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.yaml: invalid reward spec');
    expect(r.stderr).toContain('reward.weighted[1].weight: expected number, got "heavy"');
  });

  it('malformed JSON lines are reported with their numbers; blank lines are skipped; stdin works', () => {
    const input =
      '{"id":"a","response":"x","reference":"x"}\n\n{not json\n{"id":7,"response":["no messages"]}\n';
    const r = runCli(['score', '--spec', 'examples/quickstart/spec.yaml', '--input', '-'], input);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/-:3: invalid sample: not valid JSON/);
    expect(r.stderr).toMatch(
      /-:4: invalid sample: response: expected a string or a list of \{role, content\} messages/,
    );
    expect(jsonLines(r.stdout).map((o) => [o.id, o.status])).toEqual([
      ['a', 'ok'],
      [null, 'error'],
      ['7', 'error'],
    ]);
  });
});
