import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start.js';
import { fixture, post, queryStore, serve, tempDir } from './helpers.js';

/**
 * `/v1/score` bodies read by the workers themselves (src/server/offload): a server with the cache off
 * takes that path for its CPU specs. Every answer must be the one the ordinary path gives (a server
 * with the cache on, whose deterministic specs take it), timings aside.
 */
let inWorkers: RunningServer;
let ordinary: RunningServer;
const specs = [fixture('server-exact.yaml'), fixture('server-trouble.yaml')];

beforeAll(async () => {
  [inWorkers, ordinary] = await Promise.all([serve({ specs, cacheEntries: 0 }), serve({ specs })]);
});
afterAll(async () => {
  await Promise.all([inWorkers.app.close(), ordinary.app.close()]);
});

/** Results without their timings, which differ from run to run. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are compared as JSON
function untimed(body: any): unknown {
  return JSON.parse(JSON.stringify(body), (key, value) => (key === 'ms' ? undefined : value));
}

async function both(body: unknown, headers: Record<string, string> = {}) {
  const before = inWorkers.service.bodiesScoredInWorkers;
  const [a, b] = await Promise.all([
    post(inWorkers.url, '/v1/score', body, headers),
    post(ordinary.url, '/v1/score', body, headers),
  ]);
  return { a, b, readInWorkers: inWorkers.service.bodiesScoredInWorkers - before };
}

/** `assay_samples_total` of the spec `exact`, by status. */
async function samplesCounted(server: RunningServer): Promise<Record<string, number>> {
  const text = await fetch(`${server.url}/metrics`).then((r) => r.text());
  const out: Record<string, number> = { ok: 0, error: 0 };
  for (const [, status, n] of text.matchAll(/^assay_samples_total\{spec="exact",status="(\w+)"\} (\S+)$/gm))
    out[status!] = Number(n);
  return out;
}

describe('/v1/score read in the workers', () => {
  it('answers as the ordinary path does: order, invalid entries, failures, onError, step header', async () => {
    const samples = [
      { id: 1, response: '<answer>42</answer>', reference: '42', source: 's', group: 7 },
      { response: 5 },
      { response: '<answer>41</answer>', reference: '42', meta: { k: [1, { x: '"]}' }] } },
      'oops',
      { response: 'x', reference: { not: 'a string' } },
      { response: [{ role: 'assistant', content: '<answer>9</answer>' }], reference: '9' },
    ];
    for (const onError of [undefined, 'zero', 'drop', -1]) {
      const { a, b, readInWorkers } = await both({ samples, onError }, { 'x-assay-step': '3' });
      expect(readInWorkers).toBe(1);
      expect(a.status).toBe(200);
      expect(untimed(a.body)).toEqual(untimed(b.body));
    }
    const counted = await samplesCounted(inWorkers);
    const { a } = await both({ samples });
    const statuses = a.body.results.map((r: { status: string }) => r.status);
    expect(statuses).toEqual(['ok', 'error', 'ok', 'error', 'error', 'ok']);
    expect(a.body.invalid.map((i: { index: number }) => i.index)).toEqual([1, 3]);
    // The metrics count the scored samples (not the invalid entries), as the ordinary path does.
    const after = await samplesCounted(inWorkers);
    expect([after.ok! - counted.ok!, after.error! - counted.error!]).toEqual([3, 1]);
  });

  it('scores a large batch in order with every worker taking part', async () => {
    const samples = Array.from({ length: 500 }, (_, i) => ({
      response: `<answer>${i % 7}</answer>`,
      reference: String(i % 5),
    }));
    const { a, b, readInWorkers } = await both({ samples });
    expect(readInWorkers).toBe(1);
    expect(untimed(a.body)).toEqual(untimed(b.body));
    expect(a.body.results.map((r: { score: number }) => r.score)).toEqual(
      samples.map((_, i) => (i % 7 === i % 5 ? 1 : 0)),
    );
  });

  it('sends a body for a spec that is not CPU work straight to the ordinary path, past the workers', async () => {
    const server = await serve({ specs: [...specs, fixture('server-sleep.yaml')], cacheEntries: 0 });
    try {
      const tasks = server.service.runtime.pool!.piscina.completed;
      const res = await post(server.url, '/v1/score', {
        spec: 'sleep',
        samples: [{ response: 'x', meta: { ms: 1 } }],
      });
      expect(res.body.results[0]).toMatchObject({ status: 'ok', score: 1 });
      expect(server.service.bodiesScoredInWorkers).toBe(0);
      expect(server.service.runtime.pool!.piscina.completed).toBe(tasks);
    } finally {
      await server.app.close();
    }
  });

  it('leaves the words of a 400 to the ordinary path', async () => {
    const cases: unknown[] = [
      '{"samples": [',
      '',
      '{"samples": [{"response": "x"}], "samples": 3}',
      { samples: 'nope' },
      { samples: [{ response: 'x' }], spec: 'nope' },
      { samples: [{ response: 'x' }], step: -1 },
      { samples: [{ response: 'x' }], extra: 1 },
      { samples: [{ response: 'x' }], onError: 'sometimes' },
      '{"samples": [{"response": "x", "__proto__": {"polluted": 1}}]}',
    ];
    for (const body of cases) {
      const { a, b, readInWorkers } = await both(body);
      expect(readInWorkers, JSON.stringify(body)).toBe(0);
      expect([a.status, a.body], JSON.stringify(body)).toEqual([400, b.body]);
    }
    // a batch whose samples are all invalid is no 400: the ordinary path answers an error per sample
    const allBad = await both({ samples: [{ response: 1 }] });
    expect(allBad.readInWorkers).toBe(0);
    expect([allBad.a.status, allBad.a.body]).toEqual([200, allBad.b.body]);
    const badHeader = await both({ samples: [{ response: 'x' }] }, { 'x-assay-step': 'soon' });
    expect([badHeader.a.status, badHeader.a.body]).toEqual([400, badHeader.b.body]);
  });

  it('times out hanging samples on time, scores the rest, and reports crashes per sample', async () => {
    const samples = Array.from({ length: 80 }, (_, i) => ({
      id: `s${i}`,
      response: i === 5 || i === 60 ? 'spin' : i === 33 ? 'crash' : `r${i}`,
      reference: i % 2 === 0 ? `r${i}` : 'other',
    }));
    const started = Date.now();
    const res = await post(inWorkers.url, '/v1/score', { spec: 'trouble', timeoutMs: 400, samples });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(200);
    const results = res.body.results as { name: string; status: string; score: number | null }[];
    expect(results).toHaveLength(80);
    results.forEach((r, i) => {
      if (i === 5 || i === 60) expect([r.name, r.status, r.score]).toEqual(['test.trouble', 'timeout', null]);
      else if (i === 33) expect([r.status, r.score]).toEqual(['error', null]);
      else expect([r.status, r.score], `sample ${i}`).toEqual(['ok', i % 2 === 0 ? 1 : 0]);
    });
    expect(inWorkers.service.runtime.pool?.terminatedWorkers).toBeGreaterThanOrEqual(3);
    const after = await post(inWorkers.url, '/v1/score', {
      spec: 'trouble',
      samples: [{ response: 'q', reference: 'q' }],
    });
    expect(after.body.results[0]).toMatchObject({ status: 'ok', score: 1 });
  });

  it('records every sample in the store, with step and run from the body or headers', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    const server = await serve({ specs, cacheEntries: 0, store: file, run: 'run-test' });
    await post(
      server.url,
      '/v1/score',
      {
        spec: 'trouble',
        timeoutMs: 300,
        samples: [
          { response: 'a', reference: 'a', source: 'gsm8k', group: 'g1', id: 's1' },
          { response: 'spin' },
          7,
        ],
      },
      { 'x-assay-step': '7', 'x-assay-run': 'from-header' },
    );
    await post(server.url, '/v1/score', { samples: [{ response: 'b', reference: 'c' }], step: 8 });
    expect(server.service.bodiesScoredInWorkers).toBe(2);
    await server.app.close();
    const rows = queryStore(file, (db) =>
      db.prepare('SELECT run, step, sample_id, grp, status, score, name FROM samples ORDER BY id').all(),
    );
    expect(rows).toEqual([
      {
        run: 'from-header',
        step: 7,
        sample_id: 's1',
        grp: 'g1',
        status: 'ok',
        score: 1,
        name: 'test.trouble',
      },
      {
        run: 'from-header',
        step: 7,
        sample_id: null,
        grp: null,
        status: 'timeout',
        score: null,
        name: 'test.trouble',
      },
      { run: 'run-test', step: 8, sample_id: null, grp: null, status: 'ok', score: 0, name: 'weighted' },
    ]);
  });
});
