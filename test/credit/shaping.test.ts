import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/core/scorer.js';
import { parseSpec } from '../../src/core/spec/load.js';
import type { RewardResult, Sample } from '../../src/core/types.js';
import { splitSteps } from '../../src/credit/shaping/split.js';
import { scorerFor, testRuntime } from '../helpers.js';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
});
afterAll(() => runtime.close());

const score = (reward: unknown, samples: Sample[], step?: number): Promise<RewardResult[]> =>
  scorerFor(runtime, reward).score(samples, step === undefined ? {} : { step });
const cpu = { use: 'test.value' };
const io = { use: 'test.async_value' };
const sigma = (x: number) => 1 / (1 + Math.exp(-x));

describe('splitting steps', () => {
  it('splits on step markers, blank lines or lines', () => {
    expect(splitSteps('Intro\nStep 1: a\nmore\n**Step 2**: b\n\nStep 3. c')).toEqual([
      'Intro',
      'Step 1: a\nmore',
      '**Step 2**: b',
      'Step 3. c',
    ]);
    expect(splitSteps('a\n\n  \nb\nc\n\n')).toEqual(['a', 'b\nc']);
    expect(splitSteps('Step 1: only one\n\nsecond', 'auto')).toEqual(['Step 1: only one', 'second']);
    expect(splitSteps('a\nb\n\nc', 'lines')).toEqual(['a', 'b', 'c']);
    expect(splitSteps('')).toEqual([]);
  });
});

describe('steps node', () => {
  const s: Sample = { id: 'x', response: 'ignored', steps: ['0.9', '0.3', '0.8'] };
  it.each([
    ['min', 0.3],
    ['mean', 2 / 3],
    ['last', 0.8],
    ['product', 0.9 * 0.3 * 0.8],
    ['sum', 2],
  ])('aggregates with %s, in a worker and on the main thread', async (aggregate, expected) => {
    for (const child of [cpu, io]) {
      const [r] = await score({ steps: child, aggregate }, [s]);
      expect(r).toMatchObject({ status: 'ok' });
      expect(r!.score).toBeCloseTo(expected, 12);
      expect(r!.detail).toEqual({ step_scores: [0.9, 0.3, 0.8], steps: 3 });
      expect(r!.components!.map((c) => c.name)).toEqual(
        ['test.value[0]', 'test.value[1]', 'test.value[2]'].map((n) =>
          child === cpu ? n : n.replace('value', 'async_value'),
        ),
      );
    }
  });
  it('splits the response when the sample has no steps; an empty response gets `empty`', async () => {
    const rs = await score({ steps: cpu, aggregate: 'min', split: 'blank_lines', empty: -1 }, [
      { response: '0.5\n\n0.25' },
      { response: '   ' },
    ]);
    expect(rs.map((r) => r.score)).toEqual([0.25, -1]);
    expect(rs[1]!.reason).toBe('no steps found');
  });
  it('a failed step fails the sample and names the step', async () => {
    const [a, b] = await score({ steps: cpu }, [
      { response: '', steps: ['1', 'throw'] },
      { response: '', steps: ['1'] },
    ]);
    expect(a).toMatchObject({
      status: 'error',
      score: null,
      reason: expect.stringMatching(/^step 1 \(test\.value\) error/),
    });
    expect(b!.score).toBe(1);
    const [c] = await score({ steps: io }, [{ response: '', steps: ['1', 'fail'] }]);
    expect(c).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/step 1 .*service unavailable/),
    });
  });
  it('rejects an unknown aggregate with the path', () => {
    expect(() => parseSpec({ reward: { steps: cpu, aggregate: 'max' } })).toThrow(/reward\.aggregate/);
  });
});

describe('par node', () => {
  it('σ(r − r_ref), averaged over references; in a worker and on the main thread', async () => {
    for (const child of [cpu, io]) {
      const rs = await score({ par: child }, [
        { response: '2', meta: { reference_response: '1' } },
        { response: '2', meta: { reference_response: ['1', '3'] } },
        { response: '2', meta: { reference_response: '2' } },
      ]);
      expect(rs[0]!.score).toBeCloseTo(sigma(1), 12);
      expect(rs[1]!.score).toBeCloseTo((sigma(1) + sigma(-1)) / 2, 12);
      expect(rs[2]!.score).toBe(0.5);
      expect(rs[1]!.detail).toEqual({ reward: 2, reference_rewards: [1, 3] });
    }
    const [b] = await score({ par: cpu, beta: 2 }, [{ response: '2', meta: { reference_response: '1' } }]);
    expect(b!.score).toBeCloseTo(sigma(2), 12);
  });
  it('a missing reference response is an error naming where it is read from', async () => {
    for (const child of [cpu, io]) {
      const [r] = await score({ par: child }, [{ response: '2' }]);
      expect(r).toMatchObject({
        status: 'error',
        score: null,
        reason: expect.stringMatching(/meta\.reference_response/),
      });
    }
    const [f] = await score({ par: cpu }, [{ response: '2', meta: { reference_response: 'throw' } }]);
    expect(f).toMatchObject({ status: 'error', reason: expect.stringMatching(/^reference response 0:/) });
  });
});

describe('ternary node', () => {
  it('+1 correct, −1 wrong, 0 abstained even when the child cannot score it', async () => {
    const rs = await score({ ternary: cpu }, [
      { response: '1' },
      { response: '0' },
      { response: "I don't know" },
      { response: '<think>not sure? I am not sure</think>0' },
    ]);
    expect(rs.map((r) => r.score)).toEqual([1, -1, 0, null]);
    expect(rs[2]!.reason).toMatch(/^abstained/);
    // doubt inside <think> is not an abstention: the child decides (here it cannot parse the text)
    expect(rs[3]).toMatchObject({ status: 'error', reason: expect.stringMatching(/^test\.value error/) });
    const [custom] = await score({ ternary: cpu, abstain: ['^pass$'], threshold: 0.5 }, [
      { response: 'PASS' },
    ]);
    expect(custom!.score).toBe(0);
    expect(() => parseSpec({ reward: { ternary: cpu, abstain: ['('] } })).toThrow(
      /reward\.abstain\[0\]: not a valid regular expression/,
    );
  });
});

describe('ensemble node', () => {
  const members = [cpu, { affine: cpu, scale: 2 }, { affine: cpu, shift: -1 }]; // 1 → [1, 2, 0]
  it.each([
    ['mean', {}, 1],
    ['median', {}, 1],
    ['min', {}, 0],
    ['mean_minus_std', {}, 1 - Math.sqrt(2 / 3)],
    ['mean_minus_std', { k: 0.5 }, 1 - 0.5 * Math.sqrt(2 / 3)],
    ['robust', {}, 0.5],
    ['robust', { lambda: 0.8 }, 0.8],
  ])('%s %j', async (aggregate, extra, expected) => {
    const [r] = await score({ ensemble: members, aggregate, ...extra }, [{ response: '1' }]);
    expect(r!.score).toBeCloseTo(expected, 12);
    expect(r!.components).toHaveLength(3);
  });
  it('a failed member fails the ensemble unless it says onError', async () => {
    const [r] = await score({ ensemble: [cpu, io] }, [{ response: 'fail' }]);
    expect(r!.status).toBe('error');
    const [ok] = await score(
      {
        ensemble: [
          { affine: cpu, shift: 1 },
          { ...io, onError: null },
        ],
      },
      [{ response: 'fail' }],
    );
    expect(ok!.status).toBe('error'); // Number('fail') is NaN: the CPU member fails too
    const [skip] = await score({ ensemble: [cpu, { ...io, onError: null }], aggregate: 'min' }, [
      { response: '3' },
    ]);
    expect(skip!.score).toBe(3);
  });
});

describe('schedule and blend nodes', () => {
  const sched = { schedule: [{ until_step: 100, node: cpu }, { node: { affine: io, scale: 10 } }] };
  it('uses the entry in force at the step', async () => {
    expect((await score(sched, [{ response: '1' }], 50))[0]!.score).toBe(1);
    expect((await score(sched, [{ response: '1' }], 100))[0]!.score).toBe(10);
    const held = {
      schedule: [
        { until_step: 10, node: cpu },
        { until_step: 20, node: { affine: cpu, scale: 3 } },
      ],
    };
    expect((await score(held, [{ response: '1' }], 500))[0]!.score).toBe(3);
  });
  it('without a step it is an error that says how to give one', async () => {
    for (const spec of [
      sched,
      { schedule: [{ node: cpu }] },
      { blend: [cpu, io], from_step: 0, to_step: 10 },
    ]) {
      const [r] = await score(spec, [{ response: '1' }]);
      expect(r).toMatchObject({ status: 'error', reason: expect.stringMatching(/training step/) });
    }
  });
  it('validates the entries', () => {
    expect(() => parseSpec({ reward: { schedule: [{ node: cpu }, { node: cpu }] } })).toThrow(
      /reward\.schedule\[0\]\.until_step: only the last/,
    );
    expect(() =>
      parseSpec({
        reward: {
          schedule: [
            { until_step: 5, node: cpu },
            { until_step: 5, node: cpu },
          ],
        },
      }),
    ).toThrow(/must increase/);
    expect(() => parseSpec({ reward: { blend: [cpu, cpu], from_step: 5, to_step: 5 } })).toThrow(/to_step/);
  });
  it('blends linearly between from_step and to_step', async () => {
    const spec = { blend: [cpu, { affine: io, shift: 4 }], from_step: 100, to_step: 200 }; // 1 and 5
    const at = async (step: number) => (await score(spec, [{ response: '1' }], step))[0]!;
    expect((await at(0)).score).toBe(1);
    expect((await at(125)).score).toBeCloseTo(0.75 * 1 + 0.25 * 5, 12);
    expect((await at(125)).detail).toEqual({ weight: 0.25 });
    expect((await at(300)).score).toBe(5);
    // a failure only counts where its weight is not zero
    const failing = { blend: [cpu, io], from_step: 100, to_step: 200 };
    expect((await score(failing, [{ response: 'fail' }], 0))[0]!.status).toBe('error'); // cpu: NaN
    const late = { blend: [{ use: 'test.value', onError: 'zero' }, io], from_step: 0, to_step: 10 };
    expect((await score(late, [{ response: 'fail' }], 0))[0]).toMatchObject({ status: 'ok', score: 0 });
  });
});

describe('length shaping nodes', () => {
  const padded = (v: string, chars: number): Sample => ({ response: v.padEnd(chars) });
  it('cosine length scaling by correctness (Demystifying Long CoT)', async () => {
    const spec = { cosine_length: cpu, max_tokens: 10, unit: 'chars' };
    const rs = await score(spec, [
      padded('1', 5),
      padded('0', 5),
      padded('1', 10),
      padded('1', 11),
      padded('1', 1),
    ]);
    // correct at L = T/2: 1 + ½(2 − 1)(1 + cos(π/2)) = 1.5; wrong: 0 + ½(−10)(1 + 0) = −5
    expect(rs[0]!.score).toBeCloseTo(1.5, 12);
    expect(rs[1]!.score).toBeCloseTo(-5, 12);
    expect(rs[2]!.score).toBeCloseTo(1, 12);
    expect(rs[3]!.score).toBe(-10);
    expect(rs[4]!.score).toBeCloseTo(1 + 0.5 * (1 + Math.cos(Math.PI / 10)), 12);
    const custom = { ...spec, correct: { at_zero: 1, at_max: 0.5 }, exceed: -1 };
    expect((await score(custom, [padded('1', 5), padded('1', 20)])).map((r) => r.score)).toEqual([0.75, -1]);
  });
  it('conciseness bonus only for correct answers', async () => {
    const rs = await score({ concise: cpu, max_tokens: 10, unit: 'chars' }, [
      padded('1', 5),
      padded('0', 2),
      padded('1', 30),
    ]);
    expect(rs.map((r) => r.score)).toEqual([1.25, 0, 1]);
  });
});
