import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, post, queryStore, serve, tempDir } from './helpers.js';

const sleepSpec = fixture('server-sleep.yaml');
const troubleSpec = fixture('server-trouble.yaml');

describe('server operations', () => {
  it('answers 413 for a body over the limit', async () => {
    const { app, url } = await serve({ specs: [troubleSpec], bodyLimit: 1024 });
    try {
      const res = await post(url, '/v1/score', { samples: [{ response: 'x'.repeat(4096) }] });
      expect(res.status).toBe(413);
      expect(res.body.error).toMatch(/larger than the limit of 1024 bytes/);
    } finally {
      await app.close();
    }
  });

  it('answers 429 with Retry-After at once when the queue is full, then serves again', async () => {
    const { app, url, service } = await serve({ specs: [sleepSpec], maxPendingSamples: 2 });
    try {
      const slow = post(url, '/v1/score', {
        samples: [
          { response: 'a', meta: { ms: 1500 } },
          { response: 'b', meta: { ms: 1500 } },
        ],
      });
      while (service.admission.pending === 0) await new Promise((r) => setTimeout(r, 10));
      const rejected = await post(url, '/v1/score', { samples: [{ response: 'c', meta: { ms: 1 } }] });
      expect(rejected.status).toBe(429);
      expect(rejected.headers.get('retry-after')).toBe('1');
      expect(rejected.body.error).toMatch(/queue full/);
      expect((await slow).body.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok']);
      const later = await post(url, '/v1/score', { samples: [{ response: 'c', meta: { ms: 1 } }] });
      expect(later.status).toBe(200);
      const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/assay_rejected_total 1/);
    } finally {
      await app.close();
    }
  });

  it('requires the bearer token on every route but /health', async () => {
    const { app, url } = await serve({ specs: [troubleSpec], token: 's3cret' });
    try {
      const body = { samples: [{ response: 'a', reference: 'a' }] };
      const none = await post(url, '/v1/score', body);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect((await post(url, '/v1/score', body, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const good = await post(url, '/v1/score', body, { authorization: 'Bearer s3cret' });
      expect(good.status).toBe(200);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      // OpenRLHF and verl's sandbox client cannot send headers: their routes take the token in the URL
      const reward = { query: ['a'], labels: ['a'] };
      expect((await post(url, '/get_reward?token=s3cret', reward)).status).toBe(200);
      const wrong = await post(url, '/get_reward?token=nope', reward);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toMatch(/\/get_reward\?token=<token>/);
      expect((await post(url, '/run_code?token=nope', { code: '', language: 'python' })).status).toBe(401);
      // only there: a token in the URL of another route is refused
      expect((await post(url, '/v1/score?token=s3cret', body)).status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('a second server on a used port fails naming --port, and leaves no run row', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    const first = await serve({ specs: [troubleSpec], store: file, run: 'first' });
    try {
      const port = Number(new URL(first.url).port);
      await expect(serve({ specs: [troubleSpec], store: file, port, run: 'second' })).rejects.toThrow(
        /port \d+ on 127\.0\.0\.1 is already in use .*--port N/,
      );
    } finally {
      await first.app.close();
    }
    const runs = queryStore(file, (db) => db.prepare('SELECT run FROM runs').all() as { run: string }[]);
    expect(runs.map((r) => r.run)).toEqual(['first']);
  });

  it('records every scored sample in the SQLite store, with step and run from headers', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    const { app, url } = await serve({ specs: [troubleSpec], store: file, run: 'run-test' });
    await post(
      url,
      '/v1/score',
      {
        samples: [
          { response: 'a', reference: 'a', source: 'gsm8k', group: 'g1', id: 's1' },
          { response: 'spin' },
        ],
        timeoutMs: 500,
      },
      { 'x-assay-step': '7' },
    );
    await post(url, '/v1/score', { samples: [{ response: 'b', reference: 'c' }], step: 8, run: 'other-run' });
    await app.close(); // flushes the store
    queryStore(file, (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const rows = db
        .prepare('SELECT run, step, source, grp, sample_id, status, score, route FROM samples ORDER BY id')
        .all();
      expect(rows).toEqual([
        {
          run: 'run-test',
          step: 7,
          source: 'gsm8k',
          grp: 'g1',
          sample_id: 's1',
          status: 'ok',
          score: 1,
          route: 'score',
        },
        {
          run: 'run-test',
          step: 7,
          source: null,
          grp: null,
          sample_id: null,
          status: 'timeout',
          score: null,
          route: 'score',
        },
        {
          run: 'other-run',
          step: 8,
          source: null,
          grp: null,
          sample_id: null,
          status: 'ok',
          score: 0,
          route: 'score',
        },
      ]);
      expect(db.prepare('SELECT run FROM runs').all()).toEqual([{ run: 'run-test' }]);
    });
  });

  it('finishes in-flight requests on close and refuses new ones', async () => {
    const { app, url } = await serve({ specs: [sleepSpec] });
    const inFlight = post(url, '/v1/score', { samples: [{ response: 'a', meta: { ms: 800 } }] });
    await new Promise((r) => setTimeout(r, 200));
    const closing = app.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'ok', score: 1 });
    await closing;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});

describe('POST /get_reward (OpenRLHF)', () => {
  it('strips the prompt from each query, aligns rewards and logs components', async () => {
    const { app, url } = await serve({
      specs: [fixture('server-exact.yaml')],
    });
    try {
      const res = await post(url, '/get_reward', {
        query: ['Q: 2+2? <answer>4</answer>', 'Q: 2+3? <answer>6</answer>', 'no prompt prefix 9'],
        prompts: ['Q: 2+2? ', 'Q: 2+3? ', 'something else'],
        labels: ['4', '5', '9'],
      });
      expect(res.status).toBe(200);
      expect(res.body.rewards).toEqual([1, 0, 0]);
      expect(res.body.scores).toEqual(res.body.rewards);
      expect(res.body.extra_logs.exact_match).toEqual([1, 0, 0]);
      // a query without its prompt cannot be told apart from it: a failure, never prompt text scored
      expect(res.body.extra_logs.assay_failed).toEqual([0, 0, 1]);
      expect(res.body.extra_logs['format.tags']).toHaveLength(3);

      // OpenRLHF makes tensors of everything: a failure is 0 by default, flagged, counted in /metrics
      const failing = { query: ['a'], prompts: [''], labels: [{ not: 'a label' }] };
      const byDefault = await post(url, '/get_reward', failing);
      expect(byDefault.body.rewards).toEqual([0]);
      expect(byDefault.body.extra_logs.assay_failed).toEqual([1]);
      expect(byDefault.body.extra_logs.exact_match).toEqual([0]);
      expect(byDefault.body.extra_logs['exact_match/applied']).toEqual([0]);
      const asNull = await post(url, '/get_reward?onError=null', failing);
      expect(asNull.body.rewards).toEqual([null]);
      const asMinus = await post(url, '/get_reward?onError=-1', failing);
      expect(asMinus.body.rewards).toEqual([-1]);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/assay_failures_scored_total\{route="openrlhf",spec="exact"\} 3/);

      const empty = await post(url, '/get_reward', { query: [], prompts: [], labels: [] });
      expect(Object.values(empty.body.extra_logs).every((v) => Array.isArray(v) && v.length === 0)).toBe(
        true,
      );
      expect(empty.body.rewards).toEqual([]);

      const misaligned = await post(url, '/get_reward', { query: ['a', 'b'], labels: ['x'] });
      expect(misaligned.status).toBe(400);
      expect(misaligned.body.error).toMatch(/^labels: expected 2 items/);
    } finally {
      await app.close();
    }
  });
});

describe('/get_reward queries as OpenRLHF decodes them', () => {
  const prompt =
    '<|im_start|>user\nExample: <answer>4</answer>. What is 3+3?<|im_end|>\n<|im_start|>assistant\n';
  const good = '<think>3+3</think><answer>6</answer>';
  it('finds the prompt after pad tokens, strips EOS and pads, and never scores prompt text', async () => {
    const { app, url } = await serve({ specs: [fixture('server-exact.yaml')] });
    try {
      const pads = '<|endoftext|>'.repeat(3);
      const res = await post(url, '/get_reward', {
        query: [
          `${pads}${prompt}${good}<|im_end|>\n<|endoftext|><|endoftext|>`, // left-padded batch, EOS + pads after
          `${prompt}${good}<|im_end|>`, // one sample, special tokens kept
          `${pads}${prompt}<|im_end|>`, // an empty response after a prompt that quotes the answer 4
          `<s>[INST] What is 3+3? [/INST] ${good}</s>`, // a prompt with its BOS decoded differently
          'an unrelated query', // does not contain its prompt
        ],
        prompts: [prompt, prompt, prompt, '<s>[INST] What is 3+3? [/INST]', 'the prompt'],
        labels: ['6', '6', '4', '6', '6'],
      });
      expect(res.status).toBe(200);
      expect(res.body.extra_logs['format.tags']).toEqual([1, 1, 0, 1, 0]);
      expect(res.body.rewards).toEqual([1, 1, 0, 1, 0]);
      expect(res.body.extra_logs.assay_failed).toEqual([0, 0, 0, 0, 1]);
    } finally {
      await app.close();
    }
  });
  it('strips a configured list of special tokens instead of the defaults', async () => {
    const { app, url } = await serve({ specs: [fixture('server-exact.yaml')], specialTokens: ['[END]'] });
    try {
      const res = await post(url, '/get_reward', {
        query: [`Q ${good}[END][END]`, `Q ${good}<|im_end|>`],
        prompts: ['Q ', 'Q '],
        labels: ['6', '6'],
      });
      expect(res.body.extra_logs['format.tags']).toEqual([1, 0]);
    } finally {
      await app.close();
    }
  });
});
