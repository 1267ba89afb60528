/**
 * Issue 14 (items 5, 8–11): attacks on the server through its HTTP interface, each against a real server
 * on loopback.
 */
import { describe, expect, it } from 'vitest';
import { MB, repeatTo } from '../fixtures/adversarial.js';
import { fixture, post, serve } from './helpers.js';

/** Poll `/health` until `work` settles; the slowest answer in ms. */
async function slowestHealth(url: string, work: Promise<unknown>): Promise<number> {
  let done = false;
  void work.finally(() => {
    done = true;
  });
  let slowest = 0;
  while (!done) {
    const started = performance.now();
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((r) => setTimeout(r, 25));
  }
  return slowest;
}

describe('one response cannot freeze the server (item 5)', () => {
  it('/health keeps answering while a 700 KB adversarial response is extracted on the main thread', async () => {
    const { app, url } = await serve({ specs: [fixture('server-code-fence.yaml')] });
    try {
      // unclosed <think> and fence openers that never close: quadratic for the regexes this replaced
      const response = repeatTo('<think>', 0.35 * MB) + repeatTo('\n```a', 0.35 * MB);
      const scored = post(url, '/v1/score', {
        samples: [{ response, reference: { inputs: [''], outputs: [''] } }],
      });
      const slowest = await slowestHealth(url, scored);
      const { status, body } = await scored;
      expect(status).toBe(200);
      expect(body.results[0]).toMatchObject({ status: 'ok', score: 0 });
      expect(body.results[0].reason).toMatch(/no python program found/);
      // the regexes held the event loop for tens of seconds here; a linear scan takes milliseconds
      expect(slowest).toBeLessThan(2000);
    } finally {
      await app.close();
    }
  });
});

describe('a deeply nested sample is an error of its own (item 8)', () => {
  const N = 100_000;
  const deepObject = `${'{"a":'.repeat(N)}1${'}'.repeat(N)}`;
  const deepList = `${'['.repeat(N)}1${']'.repeat(N)}`;
  const good = '{"response":"a","reference":"a","group":"g"}';
  const cases: [string, string, RegExp][] = [
    [
      '/v1/score',
      `{"samples":[${good},{"response":"a","reference":"a","meta":${deepObject}}]}`,
      /samples\[1\]\.meta: nested more than 1000 levels/,
    ],
    [
      '/v1/score',
      `{"samples":[${good},{"response":"a","reference":${deepList}}]}`,
      /samples\[1\]\.reference: nested more than 1000 levels/,
    ],
    [
      '/v1/groups',
      `{"samples":[${good},{"response":"a","reference":"a","group":"g","meta":${deepObject}}]}`,
      /samples\[1\]\.meta: nested/,
    ],
    [
      '/get_reward',
      `{"query":["a","a"],"labels":["a",${deepList}]}`,
      /reference: nested more than 1000 levels/,
    ],
  ];
  // with the cache (keys made with JSON.stringify on this thread) and without (bodies read in workers)
  for (const cacheEntries of [1000, 0]) {
    it(`/v1/score, /v1/groups and /get_reward score the others (cache ${cacheEntries ? 'on' : 'off'})`, async () => {
      const { app, url } = await serve({ specs: [fixture('server-exact.yaml')], cacheEntries });
      try {
        for (const [route, body, reason] of cases) {
          const res = await post(url, route, body);
          expect({ route, status: res.status }).toEqual({ route, status: 200 });
          if (route === '/get_reward') {
            expect(res.body.rewards).toEqual([1, null]);
            expect(res.body.extra_logs.assay_failed).toEqual([0, 1]);
          } else {
            expect(res.body.results[0]).toMatchObject({ status: 'ok', score: 1 });
            expect(res.body.results[1]).toMatchObject({ status: 'error', score: null });
            expect(res.body.results[1].reason).toMatch(reason);
          }
        }
      } finally {
        await app.close();
      }
    });
  }
});
