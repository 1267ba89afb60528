import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Endpoint } from '../../src/judges/endpoint.js';
import { Runtime } from './engine.js';
import { type FakeOpenAIServer, startFakeServer } from './fake-openai-server.js';
import { scoreOnce } from './helpers.js';

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeServer({ chat: () => 'VERDICT: yes' });
});
afterAll(() => server.close());
afterEach(() => {
  server.opts.latencyMs = 0;
  server.maxInFlight = 0;
});

const args = (extra: Record<string, unknown> = {}) => ({
  base_url: server.baseURL,
  model: 'm',
  cache_size: 0,
  ...extra,
});
// A word as reference: placeholder responses ('same', 'k') must reach the judge, not be guarded as naming no number.
const ref = (response: string) => ({ response, reference: 'four' });
const spec = (extra: Record<string, unknown> = {}) => ({ use: 'judge.reference', args: args(extra) });

describe('retries', () => {
  it('retries a 429 after its Retry-After, and a 500, then succeeds', async () => {
    server.inject({ status: 429, retryAfterS: 1 }, { status: 500 });
    const before = server.chatRequests.length;
    const [r] = await scoreOnce(spec(), [ref('4')]);
    expect(r).toMatchObject({ status: 'ok', score: 1 });
    expect(r!.detail).toMatchObject({ attempts: 3 });
    const reqs = server.chatRequests.slice(before);
    expect(reqs).toHaveLength(3);
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(990); // waited the server's Retry-After
  });
  it('gives up after max_retries with an error, never a score', async () => {
    server.inject({ status: 503 }, { status: 503 }, { status: 503 });
    const [r] = await scoreOnce(spec({ max_retries: 2 }), [ref('4')]);
    expect(r).toMatchObject({ status: 'error', score: null });
    expect(r!.reason).toMatch(/503.*after 3 attempts/);
  });
  it('does not retry a 4xx other than 429', async () => {
    server.inject({ status: 400 });
    const before = server.chatRequests.length;
    const [r] = await scoreOnce(spec(), [ref('4')]);
    expect(r!.status).toBe('error');
    expect(r!.reason).toContain('400');
    expect(server.chatRequests.length - before).toBe(1);
  });
  it('retries a connection failure and reports it when the server is gone', async () => {
    const [r] = await scoreOnce(
      { use: 'judge.reference', args: { ...args(), base_url: 'http://127.0.0.1:9/v1', max_retries: 1 } },
      [ref('4')],
    );
    expect(r!.status).toBe('error');
    expect(r!.reason).toMatch(/Connection error|fetch failed|ECONNREFUSED/i);
    expect(r!.reason).toContain('after 2 attempts');
  });
});

describe('timeouts', () => {
  it('a hanging judge is cut off by timeout_s and retried', async () => {
    server.inject({ hang: true });
    const [r] = await scoreOnce(spec({ timeout_s: 0.3 }), [ref('4')]);
    expect(r).toMatchObject({ status: 'ok', score: 1, detail: { attempts: 2 } });
  });
  it('the sample deadline aborts the HTTP call: timeout, not a score', async () => {
    server.inject({ hang: true });
    const [r] = await scoreOnce(spec(), [ref('4')], { timeoutMs: 300 });
    expect(r).toMatchObject({ status: 'timeout', score: null });
  });
  it('no retry is started that cannot finish before the deadline', async () => {
    server.inject({ status: 429, retryAfterS: 30 });
    const [r] = await scoreOnce(spec(), [ref('4')], { timeoutMs: 2000 });
    expect(r!.status).toBe('error');
    expect(r!.reason).toContain('no time left');
  });
});

describe('limits', () => {
  it('keeps at most max_concurrency requests in flight per endpoint', async () => {
    server.opts.latencyMs = 50;
    const samples = Array.from({ length: 24 }, (_, i) => ref(`answer ${i}`));
    const rs = await scoreOnce(spec({ max_concurrency: 4 }), samples);
    expect(rs.every((r) => r.status === 'ok')).toBe(true);
    expect(server.maxInFlight).toBeLessThanOrEqual(4);
    expect(server.maxInFlight).toBeGreaterThan(1);
  });
  it('spaces requests to respect rpm', async () => {
    const before = server.chatRequests.length;
    await scoreOnce(
      spec({ rpm: 600 }),
      Array.from({ length: 8 }, (_, i) => ref(`a${i}`)),
    );
    const times = server.chatRequests.slice(before).map((r) => r.at);
    // 600 per minute is one every ~100 ms, the second may come one interval early: eight starts span ~600 ms
    // (a lower bound with room for arrival jitter).
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(500);
  });
  it('spaces requests to respect tpm, from estimated then actual tokens', async () => {
    const before = server.chatRequests.length;
    // Each request is ~300 tokens estimated (prompt + max_tokens 100): 6000 tpm allows ~one every 3 s at first.
    await scoreOnce(spec({ tpm: 36_000, max_tokens: 100 }), [ref('a'), ref('b'), ref('c')]);
    const times = server.chatRequests.slice(before).map((r) => r.at);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(300);
  });
  it('shares one endpoint (and its limits) between specs naming the same base URL', async () => {
    const runtime = new Runtime({ inThread: true });
    server.opts.latencyMs = 50;
    try {
      const samples = Array.from({ length: 10 }, (_, i) => ref(`x${i}`));
      await Promise.all([
        scoreOnce(spec({ max_concurrency: 2 }), samples, { runtime }),
        scoreOnce({ use: 'judge', args: args({ max_concurrency: 2 }) }, samples, { runtime }),
      ]);
      expect(server.maxInFlight).toBeLessThanOrEqual(2);
    } finally {
      await runtime.close();
    }
  });
});

describe('cache', () => {
  it('answers repeated requests from the cache, and identical requests in flight share one call', async () => {
    const runtime = new Runtime({ inThread: true });
    try {
      const before = server.chatRequests.length;
      const first = await scoreOnce(spec({ cache_size: 100 }), [ref('same'), ref('same'), ref('other')], {
        runtime,
      });
      expect(server.chatRequests.length - before).toBe(2);
      const again = await scoreOnce(spec({ cache_size: 100 }), [ref('same')], { runtime });
      expect(server.chatRequests.length - before).toBe(2);
      expect(again[0]!.detail).toMatchObject({ cached: 1, calls: 1 });
      expect(again[0]!.score).toBe(first[0]!.score);
    } finally {
      await runtime.close();
    }
  });
});

describe('shared calls', () => {
  it('a caller whose shared call was aborted by another caller’s deadline asks again', async () => {
    const runtime = new Runtime({ inThread: true });
    try {
      server.inject({ delayMs: 1500 });
      const before = server.chatRequests.length;
      const [short, long] = await Promise.all([
        scoreOnce(spec({ cache_size: 100 }), [ref('shared')], { runtime, timeoutMs: 300 }),
        scoreOnce(spec({ cache_size: 100 }), [ref('shared')], { runtime, timeoutMs: 10_000 }),
      ]);
      expect(short[0]!.status).toBe('timeout');
      expect(long[0]).toMatchObject({ status: 'ok', score: 1 });
      expect(server.chatRequests.length - before).toBe(2);
    } finally {
      await runtime.close();
    }
  });
  it('timeouts and retries are per spec even on a shared endpoint', async () => {
    const runtime = new Runtime({ inThread: true });
    try {
      await scoreOnce(spec({ max_retries: 0 }), [ref('first')], { runtime }); // creates the endpoint
      server.inject({ status: 500 });
      const [r] = await scoreOnce(spec({ max_retries: 2 }), [ref('second')], { runtime });
      expect(r).toMatchObject({ status: 'ok', detail: { attempts: 2 } });
    } finally {
      await runtime.close();
    }
  });
});

describe('keys', () => {
  it('reads the key from the named environment variable, EMPTY when unset', async () => {
    process.env.ASSAY_TEST_JUDGE_KEY = 'sk-test-123';
    try {
      await scoreOnce(spec({ api_key_env: 'ASSAY_TEST_JUDGE_KEY' }), [ref('k')]);
      expect(server.chatRequests.at(-1)!.authorization).toBe('Bearer sk-test-123');
    } finally {
      delete process.env.ASSAY_TEST_JUDGE_KEY;
    }
    const endpoint = new Endpoint({
      baseURL: server.baseURL,
      apiKeyEnv: 'ASSAY_UNSET_VAR',
      maxConcurrency: 1,
      timeoutMs: 1000,
      maxRetries: 0,
      cacheSize: 0,
    });
    await endpoint.chat(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      { signal: new AbortController().signal, deadline: Date.now() + 5000 },
    );
    expect(server.chatRequests.at(-1)!.authorization).toBe('Bearer EMPTY');
  });
});
