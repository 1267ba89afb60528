import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  concatEncoded,
  decodeResults,
  encodeResults,
  meanMs,
  sampleRecord,
  statusOf,
} from '../../src/core/encoded.js';
import type { RewardResult, Sample } from '../../src/core/types.js';
import { BatchedHistogram } from '../../src/server/batched-histogram.js';

const part = (name: string, score: number | null, ms: number): RewardResult => ({
  name,
  status: score === null ? 'error' : 'ok',
  score,
  ms,
});

const results: RewardResult[] = [
  {
    name: 'weighted',
    status: 'ok',
    score: 0.75,
    ms: 2,
    components: [part('math', 1, 1.5), part('format', 0.5, 0.25)],
  },
  { name: 'weighted', status: 'timeout', score: null, reason: 'deadline of 10 ms passed', ms: 10 },
  {
    name: 'weighted',
    status: 'ok',
    score: 0,
    ms: 3,
    components: [part('math', null, 2), part('format', 0, 0.5)],
  },
];
const samples: Sample[] = [
  { id: 'a', response: 'x', source: 'gsm8k', group: 'g1' },
  { response: 'y' },
  { id: '7', response: 'z', group: 'g2' },
];

describe('encoded results', () => {
  it('hold each result as its JSON, its status, its store record, and whether it may be cached', () => {
    const enc = encodeResults(results, samples);
    expect(enc.json).toEqual(results.map((r) => JSON.stringify(r)));
    expect(decodeResults(enc)).toEqual(results);
    expect([0, 1, 2].map((i) => statusOf(enc, i))).toEqual(['ok', 'timeout', 'ok']);
    expect(enc.records.map((r) => JSON.parse(r))).toEqual(results.map((r, i) => sampleRecord(samples[i], r)));
    expect(JSON.parse(enc.records[0]!)).toEqual([
      'a',
      'gsm8k',
      'g1',
      'weighted',
      'ok',
      0.75,
      null,
      { math: 1, format: 0.5 },
      // for the dashboard (src/core/record-extra.ts): response length, signal bits, texts, components
      1,
      0,
      [null, 'x', null],
      [
        ['math', 'ok', 1, null, null],
        ['format', 'ok', 0.5, null, null],
      ],
    ]);
    // a failed component makes the whole result uncacheable, like a failed result
    expect([...enc.clean]).toEqual([1, 0, 0]);
  });

  it('collect reward timings by name: each result and its direct components', () => {
    const enc = encodeResults(results, samples);
    expect(enc.timings).toEqual({ weighted: [2, 10, 3], math: [1.5, 2], format: [0.25, 0.5] });
    expect(meanMs(enc, 'weighted')).toBe(5);
    expect(meanMs(enc, 'absent')).toBeUndefined();
  });

  it('concatenate in order', () => {
    const parts = [0, 1, 2].map((i) => encodeResults([results[i]!], [samples[i]!]));
    const joined = concatEncoded(parts);
    const whole = encodeResults(results, samples);
    expect(joined.json).toEqual(whole.json);
    expect(joined.records).toEqual(whole.records);
    expect([...joined.status]).toEqual([...whole.status]);
    expect([...joined.clean]).toEqual([...whole.clean]);
    expect(joined.timings).toEqual(whole.timings);
    expect(concatEncoded([encodeResults([], []), parts[0]!]).json).toEqual(parts[0]!.json);
  });
});

describe('BatchedHistogram', () => {
  it('exposes the same Prometheus text as prom-client for the same observations', async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const values = { math: [0.0005, 0.001, 0.02, 0.5, 3], format: [0.002] };
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'x_seconds',
      help: 'h',
      labelNames: ['reward'],
      buckets,
      registers: [theirs],
    });
    for (const [reward, list] of Object.entries(values))
      for (const v of list) reference.observe({ reward }, v);
    const ours = new Registry();
    const batched = new BatchedHistogram('x_seconds', 'h', 'reward', buckets, ours);
    // fed in ms, as timings are, with a scale to seconds
    for (const [reward, list] of Object.entries(values))
      batched.observeMany(
        reward,
        list.map((v) => v * 1000),
        1 / 1000,
      );
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('x_seconds_bucket{le="0.001",reward="math"} 2');
    expect(text).toContain('x_seconds_count{reward="math"} 5');
    batched.reset();
    expect(await ours.metrics()).not.toContain('reward="math"');
  });
});
