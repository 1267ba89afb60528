import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentPaths } from '../../src/core/components.js';
import type { Runtime } from '../../src/core/scorer.js';
import { asyncCalls } from '../fixtures/test-rewards.js';
import { samples, scorerFor, testRuntime } from '../helpers.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await testRuntime();
});
afterAll(() => rt.close());

const v = (args?: Record<string, unknown>) => ({ use: 'test.value', ...args });
const av = (args?: Record<string, unknown>) => ({ use: 'test.async_value', ...args });

async function scores(reward: unknown, ...responses: string[]) {
  return (await scorerFor(rt, reward).score(samples(...responses))).map((r) => r.score);
}

// Each combinator is checked on hand-computed values, once with CPU children (the worker path)
// and once with async children (the main-thread path), which must agree.
describe.each([
  ['cpu', v],
  ['async', av],
])('combinators over %s rewards', (_, leaf) => {
  it('weighted: Σ wᵢ·rᵢ with default weight 1', async () => {
    expect(await scores({ weighted: [leaf({ weight: 0.5 }), leaf({ weight: 2 }), leaf()] }, '2')).toEqual([
      7,
    ]);
  });
  it('mean, min, max, product', async () => {
    const parts = [leaf(), { affine: leaf(), scale: 3 }];
    expect(await scores({ mean: parts }, '2')).toEqual([4]);
    expect(await scores({ min: parts }, '2')).toEqual([2]);
    expect(await scores({ max: parts }, '2')).toEqual([6]);
    expect(await scores({ product: parts }, '2')).toEqual([12]);
  });
  it('clip and affine', async () => {
    expect(await scores({ clip: leaf(), min: 0, max: 1 }, '5', '-3', '0.25')).toEqual([1, 0, 0.25]);
    expect(await scores({ affine: leaf(), scale: -2, shift: 1 }, '3')).toEqual([-5]);
  });
  it('metric: logged in components, not counted, even in min', async () => {
    const [r] = await scorerFor(rt, {
      min: [leaf(), { metric: { affine: leaf(), shift: -100 }, name: 'low' }],
    }).score(samples('3'));
    expect(r!.score).toBe(3);
    expect(r!.components!.map((c) => [c.name, c.score])).toEqual([
      [leaf().use, 3],
      ['low', -97],
    ]);
  });
  it('gate: later parts count only while earlier parts reach the threshold', async () => {
    const gate = {
      gate: [leaf(), { affine: leaf(), scale: 10 }, { affine: leaf(), scale: 100 }],
      threshold: 1,
    };
    // response 1: every part opens (1 + 10 + 100); 0.5: the first part closes the gate (0.5 only)
    expect(await scores(gate, '1', '0.5')).toEqual([111, 0.5]);
    const [closed] = await scorerFor(rt, gate).score(samples('0.5'));
    expect(closed!.components!.map((c) => c.status)).toEqual(['ok', 'skipped', 'skipped']);
  });
  it('an error propagates with the part named, and onError substitutes', async () => {
    const bad = leaf === v ? 'throw' : 'fail';
    const [r] = await scorerFor(rt, { weighted: [leaf(), leaf()] }).score(samples(bad));
    expect(r!.status).toBe('error');
    expect(r!.score).toBeNull();
    expect(r!.reason).toMatch(/^part 0 \(test\.(async_)?value\) error/);
    expect(
      await scores({ weighted: [leaf({ onError: 'zero' }), { affine: leaf(), shift: 1, onError: 5 }] }, bad),
    ).toEqual([5]);
    // onError: null leaves the part out: the mean is over the remaining part
    expect(
      await scores(
        { mean: [leaf({ onError: null }), { use: 'length', args: { max: 10, mode: 'linear' } }] },
        bad,
      ),
    ).toEqual([-0.1]);
  });
  it('route: one branch per sample, by source, reference type or meta; the same components for all', async () => {
    asyncCalls.count = 0;
    const route = {
      route: {
        by: 'source',
        cases: { big: { affine: leaf(), scale: 10, name: 'ten' }, neg: { affine: leaf(), scale: -1 } },
        default: leaf(),
      },
      name: 'r',
    };
    const scorer = scorerFor(rt, route);
    const input = [
      { response: '2', source: 'big' },
      { response: '2', source: 'neg' },
      { response: '2', source: 'other' },
      { response: '2' },
    ];
    const results = await scorer.score(input);
    expect(results.map((r) => r.score)).toEqual([20, -2, 2, 2]);
    for (const r of results) expect(r.components!.map((c) => c.name)).toEqual(['ten', 'neg', 'default']);
    expect(results[1]!.components!.map((c) => c.status)).toEqual(['skipped', 'ok', 'skipped']);
    // exactly one branch ran per sample: four leaf calls, not twelve
    if (leaf === av) expect(asyncCalls.count).toBe(4);
    expect(componentPaths(scorer.root)).toEqual([
      'ten',
      `ten.test${leaf === av ? '.async_value' : '.value'}`,
      'neg',
      `neg.${leaf().use}`,
      'default',
    ]);
    const byType = {
      route: { by: 'reference_type', cases: { object: { affine: leaf(), shift: 100 } }, default: leaf() },
    };
    const typed = await scorerFor(rt, byType).score([
      { response: '1', reference: { tests: [] } },
      { response: '1', reference: ' {"inputs": []}' },
      { response: '1', reference: '{not json' },
      { response: '1', reference: ['1'] },
      // A broken test suite goes where suites go (its reward says what is wrong), never to the default:
      // cut-off JSON text, and a Python repr, open with a quoted key; a set answer does not.
      { response: '1', reference: '{"input_output": {"inputs": [' },
      { response: '1', reference: "{'inputs': ['1\\n'], 'outputs': ['2\\n']}" },
      { response: '1', reference: '{1, 2}' },
    ]);
    expect(typed.map((r) => r.score)).toEqual([101, 101, 1, 1, 101, 101, 1]);
    const byMeta = { route: { by: 'meta.kind', cases: { a: leaf() } } };
    const [hit, miss] = await scorerFor(rt, byMeta).score([
      { response: '3', meta: { kind: 'a' } },
      { response: '3', meta: { kind: 'b' } },
    ]);
    expect(hit!.score).toBe(3);
    expect(miss).toMatchObject({ status: 'error', score: null });
    expect(miss!.reason).toBe('route: no case for meta.kind "b" (cases: a) and no default');
    // a failed branch fails the route with the branch named, unless the branch says otherwise
    const bad = leaf === v ? 'throw' : 'fail';
    const [failed] = await scorer.score([{ response: bad, source: 'neg' }]);
    expect(failed).toMatchObject({ status: 'error', score: null });
    expect(failed!.reason).toMatch(/^neg error: /);
  });
});

describe('combinator edge cases', () => {
  it('a gate does not run parts after it closes', async () => {
    asyncCalls.count = 0;
    await scorerFor(rt, { gate: [v(), av(), av()] }).score(samples('0', '0', '1'));
    // the two closed samples never reach part 1; the open one runs parts 1 and 2
    expect(asyncCalls.count).toBe(2);
  });
  it('a mixed tree runs CPU parts in workers and async parts here, in input order', async () => {
    const input = Array.from({ length: 300 }, (_, i) => String(i));
    const results = await scorerFor(rt, { weighted: [v(), av({ weight: -1 }), v({ weight: 2 })] }).score(
      samples(...input),
    );
    expect(results.map((r) => r.score)).toEqual(input.map((x) => 2 * Number(x)));
  });
  it('every part left out is an error; every part skipped is skipped', async () => {
    const [r] = await scorerFor(rt, { mean: [v({ onError: null })] }).score(samples('throw'));
    expect(r).toMatchObject({
      status: 'error',
      score: null,
      reason: 'no part could be scored (test.value: test.value threw: boom)',
    });
  });
  it('a non-finite score is an error, never a number', async () => {
    const [r] = await scorerFor(rt, v()).score(samples('nan'));
    expect(r).toMatchObject({ status: 'error', score: null });
    expect(r!.reason).toMatch(/non-finite/);
  });
  it('group rewards see the rollouts of one group together', async () => {
    const input = [
      { response: '5', group: 'a' },
      { response: '1', group: 'b' },
      { response: '3', group: 'a' },
      { response: '9', group: 'a' },
      { response: '7' },
    ];
    const results = await scorerFor(rt, { use: 'test.group_rank' }).score(input);
    expect(results.map((r) => r.score)).toEqual([1, 0, 0, 2, 0]);
  });
});
