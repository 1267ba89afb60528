import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleRecord } from '../../src/core/encoded.js';
import { RunStore } from '../../src/store/run-store.js';
import { StoreReader } from '../../src/ui/queries.js';
import { tempDir } from '../server/helpers.js';
import { AUDITS, GUARDED, gate, HACK, RUN, seedRun } from './synthetic.js';

/** Pearson's r written out the textbook way (deviations from the means), to check the streaming sums. */
function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i]! - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

const open: (RunStore | StoreReader)[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function seeded(opts: ConstructorParameters<typeof RunStore>[1] = {}): Promise<StoreReader> {
  const file = join(tempDir(), 'runs.sqlite');
  const store = new RunStore(file, opts);
  seedRun(store);
  store.recordAudits(AUDITS);
  await store.close();
  const reader = new StoreReader(file);
  open.push(reader);
  return reader;
}

describe('per-step aggregates kept by the writer thread', () => {
  it('match hand-computed curves on a small synthetic run', async () => {
    const reader = await seeded();
    const [s1, s2] = reader.steps(RUN);
    // Step 1: scores 0,0,1,1 (math) and 0,0 (code) ok, one error.
    expect(s1).toMatchObject({ step: 1, n: 7, ok: 6, error: 1, timeout: 0, pass_rate: 2 / 6 });
    expect(s1!.mean).toBeCloseTo(2 / 6, 12);
    expect(s1!.error_rate).toBeCloseTo(1 / 7, 12);
    expect(s1!.by_source).toEqual({ math: 0.5, code: 0 });
    expect(s1!.by_component.correct).toBeCloseTo(2 / 6, 12);
    expect(s1!.by_component['format.tags']).toBeCloseTo(4 / 7, 12);
    // Lengths 10,20,30,40,13,13 over ok samples.
    expect(s1!.length).toBeCloseTo(126 / 6, 12);
    // g1 varies, g3 is all zeros: half the groups have zero variance.
    expect(s1!.zero_variance_share).toBe(0.5);
    // Latency: 4 samples at 7 ms (bucket ≤10), 3 at 300 ms (bucket ≤500).
    expect([s1!.latency_p50, s1!.latency_p90]).toEqual([10, 500]);
    expect(s1!.audit_agreement).toBe(1);
    expect(s1!.format_only_share).toBe(0);
    expect(s2).toMatchObject({ step: 2, n: 7, ok: 7, master_key: 1, shotgun: 1, exit_trick: 1 });
    expect(s2!.mean).toBeCloseTo(2 / 7, 12);
  });

  it('correlates reward with response length (Pearson, by hand)', async () => {
    const reader = await seeded();
    const s1 = reader.steps(RUN)[0]!;
    // Step 1: lengths 10,20,30,40 and the two 13-character code answers; the error is left out.
    expect(s1.length_correlation).toBeCloseTo(pearson([10, 20, 30, 40, 13, 13], [0, 0, 1, 1, 0, 0]), 9);
    const lengths = [HACK, HACK, HACK, HACK, ...GUARDED].map((t) => t.length);
    expect(reader.steps(RUN)[1]!.length_correlation).toBeCloseTo(
      pearson(lengths, [0.5, 0.5, 0.5, 0.5, 0, 0, 0]),
      9,
    );
  });

  it('fires on the planted hack: format-only reward up, audit agreement down', async () => {
    const reader = await seeded();
    const [s1, s2] = reader.steps(RUN);
    expect(s2!.format_only_share).toBe(1);
    expect(s2!.audit_agreement).toBe(0);
    expect(s2!.audit_n).toBe(4);
    // The reward of step 2's rewarded samples rose from nothing but format while the audit disagreed.
    expect(s1!.audit_agreement! - s2!.audit_agreement!).toBe(1);
    expect(reader.lastStep(RUN)?.step).toBe(2);
  });

  it('lists runs and pages the sample browser by step, source, status, component score and text', async () => {
    const reader = await seeded();
    expect(reader.runs()).toEqual([
      expect.objectContaining({ run: RUN, samples: 14, steps: 2, specs: ['gate'], error_rate: 1 / 14 }),
    ]);
    expect(reader.samples(RUN, { step: 1 }).map((r) => r.sample_id)).toEqual([
      'g',
      'f',
      'e',
      'd',
      'c',
      'b',
      'a',
    ]);
    expect(reader.samples(RUN, { source: 'code', step: 1 }).map((r) => r.sample_id)).toEqual(['g', 'f', 'e']);
    expect(reader.samples(RUN, { status: 'error' }).map((r) => r.sample_id)).toEqual(['g']);
    expect(reader.samples(RUN, { component: 'correct', minScore: 1 }).map((r) => r.sample_id)).toEqual([
      'd',
      'c',
    ]);
    expect(reader.samples(RUN, { q: 'sys.exit' }).map((r) => r.sample_id)).toEqual(['ex']);
    const page1 = reader.samples(RUN, { limit: 3 });
    const page2 = reader.samples(RUN, { limit: 3, after: page1.at(-1)!.id });
    expect([...page1, ...page2].map((r) => r.sample_id)).toEqual(['ex', 'sg', 'm', 'h4', 'h3', 'h2']);
    // A filter that matches few samples pages by cursor over batches, to the end.
    const first = reader.samplesPage(RUN, { status: 'ok', source: 'code', limit: 1 });
    expect(first.rows.map((r) => r.sample_id)).toEqual(['ex']);
    const rest = reader.samplesPage(RUN, { status: 'ok', source: 'code', after: first.next! });
    expect(rest).toEqual({
      rows: [expect.objectContaining({ sample_id: 'f' }), expect.objectContaining({ sample_id: 'e' })],
      next: null,
    });
  });

  it('shows one sample with texts, components and its group neighbours', async () => {
    const reader = await seeded();
    const [c] = reader
      .samples(RUN, { q: 'x'.repeat(30), step: 1, minScore: 1 })
      .filter((r) => r.sample_id === 'c');
    const view = reader.sample(c!.id)!;
    expect(view).toMatchObject({ prompt: 'prompt of c', reference: '42', length: 30, group: 'g1', score: 1 });
    expect(view.components.map((p) => [p.key, p.score])).toEqual([
      ['correct', 1],
      ['format.tags', 1],
    ]);
    expect(view.neighbours.map((n) => n.sample_id)).toEqual(['a', 'b', 'd']);
  });

  it('retention prunes the oldest raw samples and keeps the aggregates', async () => {
    const reader = await seeded({ retention: { maxSamplesPerRun: 7 } });
    const ids = reader.samples(RUN, { limit: 100 }).map((r) => r.sample_id);
    expect(ids).toHaveLength(7);
    expect(ids).not.toContain('a');
    expect(reader.steps(RUN).map((s) => s.n)).toEqual([7, 7]);
  });

  it('retention by size deletes the oldest batches until live pages fit, and keeps every step aggregate', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    const store = new RunStore(file, { retention: { maxBytes: 256 * 1024 }, flushMs: 60_000 });
    const text = 'y'.repeat(400);
    for (let b = 0; b < 200; b++) {
      const rows = Array.from({ length: 10 }, (_, i) =>
        JSON.stringify(sampleRecord({ id: `${b}-${i}`, response: text }, gate(1, 1, 1))),
      );
      store.recordBatch([RUN, b % 5, 'gate', 'score', 3], rows);
    }
    await store.close();
    expect(store.pruned).toBeGreaterThan(0);
    const reader = new StoreReader(file);
    open.push(reader);
    const left = reader.samples(RUN, { limit: 500 });
    expect(left.length).toBeLessThan(2000 - store.pruned + 1);
    // The newest samples are the ones kept.
    expect(left[0]!.sample_id).toBe('199-9');
    const bytes =
      (reader.db.pragma('page_count', { simple: true }) as number) -
      (reader.db.pragma('freelist_count', { simple: true }) as number);
    expect(bytes * (reader.db.pragma('page_size', { simple: true }) as number)).toBeLessThanOrEqual(
      256 * 1024,
    );
    expect(reader.steps(RUN).map((s) => s.n)).toEqual([400, 400, 400, 400, 400]);
  });

  it('counts a rollout group that arrives over several requests once, with its variance as it stands', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    const store = new RunStore(file);
    const rec = (id: string, score: number) =>
      JSON.stringify(sampleRecord({ id, group: 'g' }, gate(score, score, 1)));
    const steps = async () => {
      await store.drain();
      const reader = new StoreReader(file);
      try {
        return reader.steps(RUN)[0]!.zero_variance_share;
      } finally {
        reader.close();
      }
    };
    store.recordBatch([RUN, 3, 'gate', 'score', 1], [rec('a', 1)]);
    expect(await steps()).toBeNull(); // one sample is no group yet
    store.recordBatch([RUN, 3, 'gate', 'score', 1], [rec('b', 1)]);
    expect(await steps()).toBe(1); // two equal scores
    store.recordBatch([RUN, 3, 'gate', 'score', 1], [rec('c', 0)]);
    expect(await steps()).toBe(0); // now it varies
    await store.close();
  });
});
