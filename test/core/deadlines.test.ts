import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeResults, statusOf } from '../../src/core/encoded.js';
import type { Runtime } from '../../src/core/scorer.js';
import { samples, scorerFor, testRuntime } from '../helpers.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await testRuntime({ maxHeapMb: 64 });
});
afterAll(() => rt.close());

describe('deadlines and crashes', () => {
  it('a CPU reward that spins forever is terminated at its deadline; the other samples finish', async () => {
    const input = samples('1', '2', 'spin', '4', ...Array.from({ length: 50 }, (_, i) => String(i)));
    const results = await scorerFor(rt, { use: 'test.value' }).score(input, { timeoutMs: 1500 });
    expect(results[2]).toMatchObject({ status: 'timeout', score: null });
    expect(results[2]!.reason).toMatch(/worker terminated/);
    const others = results.filter((_, i) => i !== 2);
    expect(others.every((r) => r.status === 'ok')).toBe(true);
    expect(others.map((r) => r.score)).toEqual([1, 2, 4, ...Array.from({ length: 50 }, (_, i) => i)]);
    // the pool replaced the terminated worker and keeps scoring
    const again = await scorerFor(rt, { use: 'test.value' }).score(samples('7'));
    expect(again[0]!.score).toBe(7);
  });

  it('encoded results (for the server) put a timed-out sample and the rest in their places', async () => {
    const input = samples('1', 'spin', '3', ...Array.from({ length: 20 }, (_, i) => String(i)));
    const encoded = await scorerFor(rt, { use: 'test.value' }).scoreEncoded(input, { timeoutMs: 1000 });
    const results = decodeResults(encoded);
    expect(results).toHaveLength(input.length);
    expect(statusOf(encoded, 1)).toBe('timeout');
    expect(results[1]).toMatchObject({ status: 'timeout', score: null });
    expect(results.map((r) => r.score)).toEqual([1, null, 3, ...Array.from({ length: 20 }, (_, i) => i)]);
    // the store record of each sample is its own, in order, failures included
    const records = encoded.records.map((r) => JSON.parse(r));
    expect(records.map((r) => r[0])).toEqual(input.map((s) => s.id ?? null));
    expect(records[1].slice(3, 6)).toEqual(['test.value', 'timeout', null]);
    expect([...encoded.clean]).toEqual(results.map((r) => (r.status === 'ok' ? 1 : 0)));
  });

  it('a reward that exhausts memory ends its worker, not the process: that sample errs', async () => {
    const results = await scorerFor(rt, { use: 'test.value' }).score(samples('1', 'oom', '3'), {
      timeoutMs: 20_000,
    });
    expect(results[1]).toMatchObject({ status: 'error', score: null });
    expect(results[1]!.reason).toMatch(/worker crashed/);
    expect(results.map((r) => r.score)).toEqual([1, null, 3]);
  });

  it('a reward that throws gives an error result, not a crash', async () => {
    const [r] = await scorerFor(rt, { use: 'test.value' }).score(samples('throw'));
    expect(r).toMatchObject({ status: 'error', score: null, reason: 'test.value threw: boom' });
  });

  it('an async reward that never answers times out on time, inside a combinator', async () => {
    const started = Date.now();
    const results = await scorerFor(rt, {
      weighted: [{ use: 'test.async_value' }, { use: 'test.value' }],
    }).score(samples('hang', '2'), { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(results[0]).toMatchObject({ status: 'timeout', score: null });
    expect(results[0]!.reason).toMatch(/^part 0 \(test\.async_value\) timeout/);
    expect(results[1]).toMatchObject({ status: 'ok', score: 4 });
  });

  it('a sample whose deadline passed while queued is reported timeout without running', async () => {
    const results = await scorerFor(rt, { use: 'test.value' }).score(samples('spin', '1'), {
      timeoutMs: 200,
    });
    expect(results.map((r) => r.status)).toEqual(['timeout', expect.stringMatching(/ok|timeout/)]);
  });
});
