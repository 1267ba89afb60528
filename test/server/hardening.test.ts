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
