import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start.js';
import { fixture, getJson, post, serve } from './helpers.js';

let server: RunningServer;
let base: string;

beforeAll(async () => {
  // The first spec is the default for requests that name none.
  server = await serve({
    specs: [fixture('server-exact.yaml'), fixture('server-trouble.yaml')],
  });
  base = server.url;
});
afterAll(async () => {
  await server.app.close();
});

describe('POST /v1/score', () => {
  it('returns one result per sample, in order, with statuses', async () => {
    const res = await post(base, '/v1/score', {
      samples: [
        { response: '<answer>42</answer>', reference: '42' },
        { response: '<answer>41</answer>', reference: '42' },
        { response: 'x', reference: { not: 'a string' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.spec).toBe('exact');
    const [a, b, c] = res.body.results;
    expect([a.status, a.score]).toEqual(['ok', 1]);
    expect([b.status, b.score]).toEqual(['ok', 0]);
    // An uncomputable reward is an error with a null score, never a silent 0.
    expect([c.status, c.score]).toEqual(['error', null]);
    expect(c.reason).toMatch(/reference/);
    expect(a.components.map((x: { name: string }) => x.name)).toEqual(['exact_match', 'format.tags']);
  });

  it('applies onError to the score and keeps the status', async () => {
    const samples = [{ response: 'x', reference: { bad: 1 } }];
    const zero = await post(base, '/v1/score', { samples, onError: 'zero' });
    expect([zero.body.results[0].status, zero.body.results[0].score]).toEqual(['error', 0]);
    const num = await post(base, '/v1/score', { samples, onError: -1 });
    expect(num.body.results[0].score).toBe(-1);
    const drop = await post(base, '/v1/score', { samples, onError: 'drop' });
    expect(drop.body.results[0]).toMatchObject({ status: 'error', score: null, dropped: true });
    const bad = await post(base, '/v1/score', { samples, onError: 'sometimes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^onError: /);
  });

  it('keeps the valid samples of a batch and names the invalid field', async () => {
    const res = await post(base, '/v1/score', {
      samples: [
        { response: '7', reference: '7' },
        { response: 5 },
        { response: '8', reference: '8' },
        'oops',
      ],
    });
    expect(res.status).toBe(200);
    const r = res.body.results;
    expect(r.map((x: { status: string }) => x.status)).toEqual(['ok', 'error', 'ok', 'error']);
    expect(r[1].reason).toMatch(/samples\[1\]\.response/);
    // named once, as zod's errors name fields: not `samples[3]: 3: …`
    expect(r[3].reason).toBe('invalid sample: samples[3]: expected a sample object with a "response" field');
    expect(res.body.invalid.map((i: { index: number }) => i.index)).toEqual([1, 3]);
    // an invalid sample is a failure like any other: the caller's onError policy gives its score
    const zero = await post(base, '/v1/score', {
      samples: [{ response: '7', reference: '7' }, 'oops'],
      onError: 'zero',
    });
    expect(zero.body.results[1]).toMatchObject({ status: 'error', score: 0 });
    const drop = await post(base, '/v1/score', {
      samples: [{ response: '7', reference: '7' }, 'oops'],
      onError: 'drop',
    });
    expect(drop.body.results[1]).toMatchObject({ status: 'error', score: null, dropped: true });
  });

  it('answers a batch whose samples are all invalid with an error result per sample, not a 400', async () => {
    for (const policy of ['null', 'zero']) {
      const res = await post(base, '/v1/score', {
        samples: [{ response: 1 }, 'oops', { prompt: 'p' }],
        onError: policy === 'null' ? undefined : 'zero',
      });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['error', 'error', 'error']);
      expect(res.body.results[0].reason).toMatch(/samples\[0\]\.response/);
      expect(res.body.results.map((r: { score: number }) => r.score)).toEqual(
        policy === 'null' ? [null, null, null] : [0, 0, 0],
      );
      expect(res.body.invalid.map((i: { index: number }) => i.index)).toEqual([0, 1, 2]);
    }
    const groups = await post(base, '/v1/groups', { samples: [{ response: '1' }], method: 'grpo' });
    expect(groups.status).toBe(200);
    expect(groups.body.results[0].reason).toMatch(/samples\[0\]\.group: required/);
    expect(groups.body.advantages).toEqual([null]);
  });

  it('answers 400 naming the field for structurally broken bodies', async () => {
    const cases: [unknown, RegExp][] = [
      ['{"samples": [', /^body: not valid JSON/],
      ['{"samples": [{"response": "x"}]', /^body: not valid JSON/],
      ['', /^body: empty/],
      [{ samples: 'nope' }, /^samples: /],
      [{}, /^samples: required/],
      [{ samples: [], spec: 'nope' }, /spec: no spec named "nope"/],
      [{ samples: [], step: -1 }, /^step: /],
      [{ samples: [], extra: 1 }, /unknown field "extra"/],
      [[1, 2], /body: expected a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await post(base, '/v1/score', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatch(message);
    }
  });

  it('times out a hanging sample on time while the others succeed, and keeps serving', async () => {
    const res = await post(base, '/v1/score', {
      spec: 'trouble',
      timeoutMs: 1000,
      samples: [{ response: 'a', reference: 'a' }, { response: 'spin' }, { response: 'b', reference: 'c' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'timeout', 'ok']);
    expect(res.body.results[1].score).toBeNull();
    expect(res.body.results.map((r: { score: number }) => r.score)).toEqual([1, null, 0]);
  });

  it('reports a crashed worker as an error for that sample only, and keeps serving', async () => {
    const res = await post(base, '/v1/score', {
      spec: 'trouble',
      samples: [{ response: 'a', reference: 'a' }, { response: 'crash' }, { response: 'z', reference: 'z' }],
    });
    expect(res.status).toBe(200);
    const [a, b, c] = res.body.results;
    expect([a.status, b.status, c.status]).toEqual(['ok', 'error', 'ok']);
    expect(b.reason).toMatch(/worker/);
    const after = await post(base, '/v1/score', {
      spec: 'trouble',
      samples: [{ response: 'q', reference: 'q' }],
    });
    expect(after.body.results[0]).toMatchObject({ status: 'ok', score: 1 });
  });

  it('serves repeated deterministic samples from the cache', async () => {
    const samples = [{ response: '<answer>cache me</answer>', reference: 'cache me' }];
    const first = await post(base, '/v1/score', { samples });
    const hitsBefore = server.service.cache.hits;
    const second = await post(base, '/v1/score', { samples });
    expect(server.service.cache.hits).toBe(hitsBefore + 1);
    expect(second.body.results).toEqual(first.body.results);
  });

  it('mixes cache hits and fresh results in request order; failures are never cached', async () => {
    const cached = { response: '<answer>kept</answer>', reference: 'kept' };
    await post(base, '/v1/score', { samples: [cached] });
    const hitsBefore = server.service.cache.hits;
    const failing = { response: 'x', reference: { not: 'a string' } };
    const mixed = [{ response: '<answer>new</answer>', reference: 'other' }, cached, failing];
    const res = await post(base, '/v1/score', { samples: mixed, onError: 'zero' });
    expect(server.service.cache.hits).toBe(hitsBefore + 1);
    expect(res.body.results.map((r: { status: string; score: number }) => [r.status, r.score])).toEqual([
      ['ok', 0],
      ['ok', 1],
      ['error', 0],
    ]);
    const again = await post(base, '/v1/score', { samples: [failing] });
    expect(server.service.cache.hits).toBe(hitsBefore + 1);
    expect(again.body.results[0]).toMatchObject({ status: 'error', score: null });
  });
});

describe('POST /v1/groups', () => {
  const samples = [
    { response: '1', reference: '1', group: 'p1' },
    { response: '2', reference: '1', group: 'p1' },
    { response: 'x', reference: { bad: 1 }, group: 'p1' },
    { response: '3', reference: '3', group: 'p2' },
  ];

  it('returns results with per-group statistics over ok results only', async () => {
    const res = await post(base, '/v1/groups', { samples });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(4);
    const [p1, p2] = res.body.groups;
    expect(p1).toMatchObject({ id: 'p1', n: 3, scored: 2, mean: 0.5, pass_rate: 0.5, members: [0, 1, 2] });
    expect(Object.keys(p1)).not.toContain('passRate');
    expect(p2).toMatchObject({
      id: 'p2',
      n: 1,
      scored: 1,
      mean: 1,
      pass_rate: 1,
      zero_variance: true,
      members: [3],
    });
    expect(res.body.advantages).toBeUndefined();
  });

  it('computes advantages with a method, null for failed samples', async () => {
    const res = await post(base, '/v1/groups', { samples, method: 'grpo' });
    expect(res.status).toBe(200);
    const adv = res.body.advantages;
    expect(adv).toHaveLength(4);
    expect(adv[0]).toBeGreaterThan(0);
    expect(adv[1]).toBeLessThan(0);
    expect(adv[2]).toBeNull();
    expect(adv[3]).toBe(0);
    const bad = await post(base, '/v1/groups', { samples, method: 'magic' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^method: /);
  });

  it('reports a sample without a group as invalid', async () => {
    const res = await post(base, '/v1/groups', { samples: [samples[0], { response: '1', reference: '1' }] });
    expect(res.status).toBe(200);
    expect(res.body.results[1].status).toBe('error');
    expect(res.body.results[1].reason).toMatch(/samples\[1\]\.group: required/);
  });
});

describe('GET /v1/specs, /health, /metrics', () => {
  it('lists the loaded specs and the registered rewards with their arguments', async () => {
    const res = await getJson(`${base}/v1/specs`);
    expect(res.default).toBe('exact');
    expect(res.specs.map((s: { name: string }) => s.name)).toEqual(['exact', 'trouble']);
    const exact = res.rewards.find((r: { name: string }) => r.name === 'exact_match');
    expect(exact.deterministic).toBe(true);
    expect(exact.args.properties.ignore_case.type).toBe('boolean');
  });

  it('reports health and Prometheus metrics', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    const text = await fetch(`${base}/metrics`).then((r) => r.text());
    for (const name of [
      'assay_requests_total',
      'assay_samples_total{spec="exact",status="ok"}',
      'assay_reward_duration_seconds_bucket',
      'assay_queue_depth',
      'assay_pool_utilization',
      'assay_cache_hits',
      'assay_request_duration_seconds',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/assay_samples_total\{spec="trouble",status="timeout"\} [1-9]/);
  });

  it('answers 404 with a JSON error for unknown routes', async () => {
    const res = await post(base, '/v1/nope', {});
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/no route POST \/v1\/nope/);
  });
});
