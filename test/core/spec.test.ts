import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/builtins.js';
import { SpecError } from '../../src/core/engine/compile.js';
import { loadSpecFile, parseSpec } from '../../src/core/spec/load.js';
import { FIXTURE_PLUGIN } from '../helpers.js';

function specErrors(raw: unknown): string[] {
  try {
    parseSpec(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).issues;
  }
  throw new Error('expected the spec to be rejected');
}

describe('spec validation names the path and the problem', () => {
  it('a bad weight deep in the tree', () => {
    expect(
      specErrors({
        reward: { weighted: [{ use: 'exact_match' }, { use: 'length', args: { max: 5 }, weight: 'heavy' }] },
      }),
    ).toEqual(['reward.weighted[1].weight: expected number, got "heavy"']);
  });
  it('unknown rewards, bad args, unknown fields, all at once', () => {
    expect(
      specErrors({
        reward: {
          gate: [{ use: 'exact_mtch' }, { use: 'length', args: { max: 'x', buffr: 2 } }, { mean: [] }],
          treshold: 1,
        },
      }),
    ).toEqual([
      expect.stringMatching(/^reward\.gate\[0\]\.use: unknown reward "exact_mtch" \(known: .*exact_match/),
      'reward.gate[1].args.max: expected number, got "x"',
      'reward.gate[1].args: unknown field "buffr"',
      'reward.gate[2].mean: must be ≥ 1 items',
      'reward: unknown field "treshold"',
    ]);
  });
  it('a node with no kind, or two', () => {
    expect(specErrors({ reward: { wieghted: [] } })[0]).toMatch(
      /^reward: expected a reward node with one of: use, weighted/,
    );
    expect(specErrors({ reward: { mean: [{ use: 'choice' }], max: [{ use: 'choice' }] } })).toEqual([
      'reward: a node has exactly one kind; found mean and max',
    ]);
    expect(specErrors({ reward: 3 })[0]).toMatch(/^reward: expected a reward node/);
    expect(specErrors({})).toEqual([
      expect.stringMatching(/^reward: expected a reward node \(an object with one of: use, /),
    ]);
  });
  it('option names shared with kinds do not confuse dispatch: { clip, min, max }', () => {
    expect(() => parseSpec({ reward: { clip: { use: 'choice' }, min: 0, max: 1 } })).not.toThrow();
    expect(specErrors({ reward: { clip: { use: 'choice' }, min: 2, max: 1 } })).toEqual([
      'reward.min: min must be ≤ max',
    ]);
  });
  it('reward arguments are validated by each reward', () => {
    expect(specErrors({ reward: { use: 'format.regex', args: { pattern: '(' } } })[0]).toMatch(
      /^reward\.args\.pattern: not a valid regular expression/,
    );
    expect(specErrors({ reward: { use: 'length', args: { max: 10, buffer: 20 } } })).toEqual([
      'reward.args.buffer: buffer must be ≤ max',
    ]);
    expect(specErrors({ reward: { use: 'choice', onError: 'ignore' } })[0]).toMatch(/^reward\.onError: /);
  });
});

describe('spec files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-spec-'));
  it('YAML with defaults filled in; name from the file', async () => {
    const file = join(dir, 'mine.yaml');
    writeFileSync(
      file,
      'reward:\n  mean:\n    - use: exact_match\n    - { use: choice, args: { letters: ABCD } }\n',
    );
    const spec = await loadSpecFile(file);
    expect(spec.name).toBe('mine');
    expect(spec.timeoutMs).toBe(30_000);
    expect(spec.reward.kind).toBe('mean');
  });
  it('JSON, with a plugin path relative to the spec file', async () => {
    const file = join(dir, 'plug.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'p',
        plugins: [FIXTURE_PLUGIN],
        timeout_ms: 100,
        reward: { use: 'test.value' },
      }),
    );
    const spec = await loadSpecFile(file);
    expect(spec).toMatchObject({ name: 'p', timeoutMs: 100, plugins: [FIXTURE_PLUGIN] });
  });
  it('invalid YAML, a missing file and an invalid field each name the file', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'reward: [unclosed\n');
    await expect(loadSpecFile(bad)).rejects.toThrow(/bad\.yaml: invalid reward spec\n {2}not valid YAML/);
    await expect(loadSpecFile(join(dir, 'nope.yaml'))).rejects.toThrow(
      /nope\.yaml: .*cannot read spec file/s,
    );
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, 'reward: { use: exact_match, args: { ignore_case: maybe } }\n');
    await expect(loadSpecFile(wrong)).rejects.toThrow(
      /wrong\.yaml: invalid reward spec\n {2}reward\.args\.ignore_case: expected boolean, got "maybe"/,
    );
  });
});

describe('sample parsing at the edge', async () => {
  const { parseSample } = await import('../../src/core/sample.js');
  it('the fast path and zod agree on what a sample is', () => {
    const inputs: unknown[] = [
      {
        id: 3,
        response: 'r',
        prompt: 'p',
        reference: [1, 2],
        source: 's',
        group: 9,
        meta: { a: 1 },
        extra: 'dropped',
      },
      { response: [{ role: 'assistant', content: 'hi' }] },
      { response: 'r', steps: ['a', 'b'] },
    ];
    expect(inputs.map((v) => parseSample(v))).toEqual([
      {
        ok: true,
        sample: {
          id: '3',
          response: 'r',
          prompt: 'p',
          reference: [1, 2],
          source: 's',
          group: '9',
          meta: { a: 1 },
        },
      },
      { ok: true, sample: { response: [{ role: 'assistant', content: 'hi' }] } },
      { ok: true, sample: { response: 'r', steps: ['a', 'b'] } },
    ]);
  });
  it('errors name the field', () => {
    expect(parseSample({ response: 'r', meta: 5 })).toEqual({
      ok: false,
      errors: ['meta: expected record, got 5'],
    });
    expect(parseSample({ response: 'r', group: { x: 1 } })).toEqual({
      ok: false,
      errors: ['group: expected a string or a number'],
    });
    expect(parseSample('nope')).toEqual({
      ok: false,
      errors: ['expected a sample object with a "response" field'],
    });
    expect(parseSample({ response: [{ role: 'robot', content: 'x' }] }, ['samples', 2])).toEqual({
      ok: false,
      errors: ['samples[2].response: expected a string or a list of {role, content} messages'],
    });
  });
});
