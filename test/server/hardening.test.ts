/**
 * Issue 14 (items 5, 8–11): attacks on the server through its HTTP interface, each against a real server
 * on loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.js';
import { MB, repeatTo } from '../fixtures/adversarial.js';
import { startFakeServer } from '../judges/fake-openai-server.js';
import { fixture, getJson, post, serve, tempDir } from './helpers.js';

/** A spec file with one reward node, written to a fresh directory. */
function specFile(name: string, reward: unknown): string {
  const file = join(tempDir(), `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, timeout_ms: 20_000, reward }));
  return file;
}

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

describe('one response cannot freeze the server through a judge either (item 5)', () => {
  it('/health keeps answering while the guard reads a 700 KB response of unclosed <answer> tags', async () => {
    const fake = await startFakeServer({ chat: () => 'Fine.\nVERDICT: 7' });
    const spec = specFile('judge-guard', { use: 'judge', args: { base_url: fake.baseURL, model: 'm' } });
    const { app, url } = await serve({ specs: [spec] });
    try {
      const response = `</think>${repeatTo('<answer>', 0.7 * MB)}`;
      const scored = post(url, '/v1/score', { samples: [{ prompt: 'q', response }] });
      const slowest = await slowestHealth(url, scored);
      const { status, body } = await scored;
      expect(status).toBe(200);
      expect(body.results[0]).toMatchObject({ status: 'ok', name: 'judge' });
      expect(slowest).toBeLessThan(2000);
    } finally {
      await app.close();
      await fake.close();
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
            // /get_reward gives trainers a number for a failure (issue 15), flagged in assay_failed
            expect(res.body.rewards).toEqual([1, 0]);
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

describe('caps on what comes from outside (item 10)', () => {
  it('a judge that streams an endless reply: the call fails at max_response_mb and the connection is dropped', async () => {
    let sent = 0;
    const endless = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length to refuse
      res.write('{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"');
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (!res.destroyed && sent < 400 * MB) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    await new Promise<void>((r) => endless.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(endless.address() as AddressInfo).port}/v1`;
    const spec = specFile('judge-endless', {
      use: 'judge',
      args: { base_url: base, model: 'm', max_response_mb: 1, max_retries: 2 },
    });
    const { app, url } = await serve({ specs: [spec] });
    try {
      const res = await post(url, '/v1/score', {
        samples: [{ prompt: 'q', response: 'The capital is Paris.' }],
      });
      expect(res.status).toBe(200);
      expect(res.body.results[0]).toMatchObject({ status: 'error', score: null });
      expect(res.body.results[0].reason).toMatch(/larger than the limit of 1048576 bytes/);
      // one attempt (not retried), stopped near the cap: not the 400 MB the server would send
      expect(sent).toBeLessThan(64 * MB);
    } finally {
      await app.close();
      endless.closeAllConnections();
      endless.close();
    }
  });

  it('a reward model whose declared reply is over the cap is an error, not retried', async () => {
    const fake = await startFakeServer({
      pooling: () => ({ data: [{ data: new Array(300_000).fill(0.5) }] }),
    });
    const spec = specFile('rm-large', {
      use: 'reward_model',
      args: { base_url: fake.url, model: 'rm', max_response_mb: 1, max_retries: 3 },
    });
    const { app, url } = await serve({ specs: [spec] });
    try {
      const res = await post(url, '/v1/score', {
        samples: [{ prompt: 'q', response: 'The capital is Paris.' }],
      });
      expect(res.body.results[0]).toMatchObject({ status: 'error', score: null });
      expect(res.body.results[0].reason).toMatch(
        /larger than the limit of 1048576 bytes; raise max_response_mb/,
      );
      expect(fake.log.filter((r) => r.path === '/pooling')).toHaveLength(1);
    } finally {
      await app.close();
      await fake.close();
    }
  });
});

/** A raw TCP connection to the server at `url`, open. */
async function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  await new Promise((r) => socket.once('connect', r));
  return socket;
}

/** Everything the server sends on `socket` until it closes it (or `ms` pass). */
function readUntilClosed(socket: Socket, ms: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false }), ms);
    socket.on('data', (d) => {
      text += d.toString();
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

describe('connection and request limits (item 10)', () => {
  it('past maxConnections a connection is answered 503 naming the limit; the others still serve', async () => {
    const { app, url } = await serve({ specs: [fixture('server-exact.yaml')], maxConnections: 5 });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 5; i++) held.push(await rawSocket(url));
      const refused = await fetch(`${url}/health`);
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: string }).error).toMatch(/too many connections \(limit 5\)/);
      // a held connection still works
      held[0]!.write('GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
      expect((await readUntilClosed(held[0]!, 5000)).text).toMatch(/^HTTP\/1.1 200/);
      for (const s of held) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/assay_connections_refused_total 1/);
    } finally {
      for (const s of held) s.destroy();
      await app.close();
    }
  });

  it('a body sent a byte at a time is cut at the request timeout (408), and a silent connection closed', async () => {
    const { app, url } = await serve({ specs: [fixture('server-exact.yaml')], requestTimeoutMs: 1500 });
    const slow = await rawSocket(url);
    const silent = await rawSocket(url);
    try {
      slow.write(
        'POST /v1/score HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{',
      );
      const drip = setInterval(() => slow.writable && slow.write(' '), 200);
      const started = Date.now();
      const [cut, quiet] = await Promise.all([
        readUntilClosed(slow, 10_000),
        readUntilClosed(silent, 10_000),
      ]);
      clearInterval(drip);
      expect(cut.closed).toBe(true);
      expect(cut.text).toMatch(/^HTTP\/1.1 408/);
      expect(quiet.closed).toBe(true);
      expect(Date.now() - started).toBeLessThan(8000); // Node's default would hold them 300 s
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      slow.destroy();
      silent.destroy();
      await app.close();
    }
  });

  it('/run_code refuses run_timeout and memory_limit_MB above the configured caps, naming them', async () => {
    const { app, url } = await serve({
      specs: [fixture('server-exact.yaml')],
      runCode: { maxRunTimeoutS: 30, maxMemoryMb: 1024 },
    });
    try {
      const long = await post(url, '/run_code', { code: 'print(1)', language: 'python', run_timeout: 3600 });
      expect(long.status).toBe(400);
      expect(long.body.error).toMatch(/run_timeout: at most 30 s on this server .*got 3600/);
      const big = await post(url, '/run_code', {
        code: 'print(1)',
        language: 'python',
        memory_limit_MB: 1_000_000,
      });
      expect(big.status).toBe(400);
      expect(big.body.error).toMatch(/memory_limit_MB: at most 1024 on this server .*got 1000000/);
    } finally {
      await app.close();
    }
  });
});

describe('run-store failures are counted, logged and make /health degraded (item 9)', () => {
  it('a disk that fills up (a file-size limit on the server process, real SQLite file)', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    // RLIMIT_FSIZE of 100 KiB with SIGXFSZ ignored: past it SQLite's writes fail with EFBIG, as on a full disk
    const child = spawn(
      'bash',
      [
        '-c',
        `trap '' XFSZ; ulimit -f 100; exec "${process.execPath}" --import tsx src/cli/main.ts serve --port 0 --threads 1 --cache-size 0 --spec ${fixture('server-exact.yaml')} --store ${file}`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    try {
      while (!/listening on (http:\S+)/.test(output)) {
        if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /listening on (http:\S+)/.exec(output)![1]!;
      for (let k = 0; k < 30; k++) {
        const samples = Array.from({ length: 1000 }, (_, i) => ({
          id: `s${k}-${i}`,
          response: 'a'.repeat(200),
          reference: 'a',
        }));
        const res = await post(url, '/v1/score', { samples });
        expect(res.status).toBe(200); // scoring goes on
      }
      let health = await getJson(`${url}/health`);
      for (let i = 0; i < 50 && health.status !== 'degraded'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        health = await getJson(`${url}/health`);
      }
      expect(health.status).toBe('degraded');
      expect(health.store).toMatchObject({ healthy: false });
      expect(health.store.failedRows).toBeGreaterThan(0);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/assay_store_healthy 0/);
      const failed = Number(/assay_store_failed_rows (\d+)/.exec(metrics)![1]);
      const written = Number(/assay_store_written_rows (\d+)/.exec(metrics)![1]);
      const pending = Number(/assay_store_pending_rows (\d+)/.exec(metrics)![1]);
      expect(failed).toBeGreaterThan(0);
      expect(failed + written + pending).toBe(30_000); // every row is written, on its way, or counted lost
      expect(output).toMatch(/run store: write failed/);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('smaller holes (item 11)', () => {
  it('a run id with a lone surrogate is refused naming it; one in a sample id is stored well-formed', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    const { app, url } = await serve({ specs: [fixture('server-exact.yaml')], store: file, run: 'run-ok' });
    // raw JSON text: "\\ud800" is an escape JSON allows and a JavaScript string can hold
    const bad = await post(
      url,
      '/v1/score',
      '{"run":"r\\ud800x","samples":[{"response":"a","reference":"a"}]}',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^run: a lone surrogate at index 1: a run id must be valid Unicode text/);
    const good = await post(
      url,
      '/v1/score',
      '{"samples":[{"id":"s\\udc00","group":"g\\ud800","response":"a\\ud83d","reference":"a"}]}',
    );
    expect(good.status).toBe(200);
    await app.close(); // flushes the store
    // Python's sqlite3 raises on invalid UTF-8 anywhere in a row it reads: the trainers' notebooks read this view
    const read = spawnSync(
      'python3',
      [
        '-c',
        'import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute("select run, sample_id, grp, reason from samples").fetchall()))',
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(read.stderr).toBe('');
    expect(JSON.parse(read.stdout)).toEqual([['run-ok', 's\ufffd', 'g\ufffd', null]]);
  });

  it('/health without auth does not show where the store is', async () => {
    const file = join(tempDir(), 'secret-place', 'runs.sqlite');
    const { app, url } = await serve({ specs: [fixture('server-exact.yaml')], store: file, token: 't0ken' });
    try {
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toMatch(/secret-place|runs\.sqlite/);
      expect(JSON.parse(text).store).toEqual({ healthy: true, failedRows: 0, droppedRows: 0 });
    } finally {
      await app.close();
    }
  });
});
