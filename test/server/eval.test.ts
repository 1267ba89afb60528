/** `POST /v1/eval` on a real server: the report `assay eval --json` prints, and 400s that name the problem. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start.js';
import { post, queryStore, serve, tempDir } from './helpers.js';

const fixture = (name: string) => new URL(`../fixtures/eval/${name}`, import.meta.url).pathname;
const rows = (name: string) =>
  readFileSync(fixture(name), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

let server: RunningServer;
beforeAll(async () => {
  server = await serve({ specs: [fixture('math.yaml'), fixture('boxed.yaml')] });
});
afterAll(() => server.app.close());

describe('POST /v1/eval', () => {
  it('evaluates the named spec on rows sent in the body, per subset with intervals and master keys', async () => {
    const res = await post(server.url, '/v1/eval', {
      spec: 'math',
      rows: [...rows('verification.jsonl'), { question: 'q', gold: '1', response: '1', label: 'perhaps' }],
      seed: 3,
      bootstrap: 100,
      masterKeys: 1,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'verification', spec: 'math', seed: 3, rows: 7 });
    expect(res.body.overall).toMatchObject({
      n: 6,
      accuracy: 1,
      ci95: [1, 1],
      errors: 0,
      false_positive_rate: 0,
      kappa: 1,
    });
    expect(Object.keys(res.body.subsets)).toEqual(['algebra', 'arith']);
    expect(res.body.master_keys).toMatchObject({ false_positive_rate: 0, errors: 0 });
    expect(res.body.problems).toEqual([
      { row: 7, message: expect.stringContaining('label: expected true/false') },
    ]);
  });

  it('the same body gives the same report (seeded bootstrap)', async () => {
    const body = { spec: 'boxed', rows: rows('rewardbench.jsonl'), bootstrap: 200, seed: 5, masterKeys: 0 };
    const a = await post(server.url, '/v1/eval', body);
    const b = await post(server.url, '/v1/eval', body);
    expect(a.status).toBe(200);
    expect(a.body.overall).toMatchObject({ n: 8, accuracy: 0.25, ties: 5 });
    expect(b.body).toEqual(a.body);
  });

  it('answers 400 naming what is wrong: no rows, an unknown shape, an unknown spec', async () => {
    expect((await post(server.url, '/v1/eval', { rows: [] })).body.error).toMatch(/^rows/);
    const shape = await post(server.url, '/v1/eval', { rows: [{ text: 'x' }] });
    expect(shape.status).toBe(400);
    expect(shape.body.error).toContain('rows: could not tell the format from the first row (fields: text)');
    const spec = await post(server.url, '/v1/eval', { spec: 'nope', rows: rows('assay.jsonl') });
    expect(spec.status).toBe(400);
    expect(spec.body.error).toContain('spec: no spec named "nope"');
    const format = await post(server.url, '/v1/eval', { rows: rows('assay.jsonl'), format: 'csv' });
    expect(format.status).toBe(400);
    expect(format.body.error).toMatch(/^format/);
  });

  it('bounds the bootstrap it computes on the HTTP thread: many cases and subsets lower the default, a larger ask is a 400', async () => {
    // 2 000 one-row subsets: with 10 000 rounds this held the thread that answers /health for seconds
    // (20 000 of them: over a minute).
    const many = Array.from({ length: 2000 }, (_, i) => ({
      question: 'q',
      gold: '4',
      response: '4',
      label: true,
      subset: `s${i}`,
    }));
    const asked = await post(server.url, '/v1/eval', {
      spec: 'math',
      rows: many,
      bootstrap: 10_000,
      masterKeys: 0,
    });
    expect(asked.status).toBe(400);
    expect(asked.body.error).toMatch(
      /^bootstrap: 10000 rounds over 2000 cases in 2000 subsets .* at most \d+/,
    );
    const lowered = await post(server.url, '/v1/eval', { spec: 'math', rows: many, masterKeys: 0 });
    expect(lowered.status).toBe(200);
    expect(lowered.body.bootstrap).toBeGreaterThan(0);
    expect(lowered.body.bootstrap * (2000 + 16 * 2000)).toBeLessThanOrEqual(5_000_000);
    expect(lowered.body.overall).toMatchObject({ n: 2000, accuracy: 1 });
    // small evaluations keep the default
    const small = await post(server.url, '/v1/eval', {
      spec: 'math',
      rows: many.slice(0, 10),
      masterKeys: 0,
    });
    expect(small.body.bootstrap).toBe(1000);
  }, 60_000);

  it('records its samples in the run store under an eval run of their own', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    const withStore = await serve({ specs: [fixture('math.yaml')], store: file, run: 'training-run' });
    const res = await post(withStore.url, '/v1/eval', {
      rows: rows('verification.jsonl'),
      masterKeys: 0,
      bootstrap: 0,
    });
    expect(res.status).toBe(200);
    await withStore.app.close();
    queryStore(file, (db) => {
      const runs = db.prepare('SELECT run, route, count(*) AS n FROM samples GROUP BY run, route').all();
      expect(runs).toEqual([{ run: 'eval:math', route: 'eval', n: 6 }]);
    });
  });
});
