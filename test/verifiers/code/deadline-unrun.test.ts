import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/start.js';
import { post, serve, tempDir } from '../../server/helpers.js';

// A stdin suite whose sample's deadline leaves no room to start a run: no test ran, so nothing is
// known of the program. Found by a new user trying the server: a correct program came back ok with
// score 0 ("0/1 tests passed", every test not_run), and a cached spec kept serving that 0 to requests
// with time to spare. The witness is the live server, cache included.
let server: RunningServer;
beforeAll(async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'code.yaml'), 'reward: { use: code }\n');
  server = await serve({ specs: [join(dir, 'code.yaml')] });
});
afterAll(() => server?.app.close());

const sample = {
  response: '```python\nprint(int(input()) + 1)\n```',
  reference: { tests: [{ input: '1\n', output: '2\n' }] },
};

describe('a deadline that leaves no time to run a test', () => {
  it('is a timeout with no score, never a zero, and is not cached: the same sample with time scores 1', async () => {
    const short = await post(server.url, '/v1/score', { spec: 'code', samples: [sample], timeoutMs: 600 });
    expect(short.status, JSON.stringify(short.body)).toBe(200);
    const [cut] = short.body.results;
    expect(cut.status, JSON.stringify(cut)).toBe('timeout');
    expect(cut.score).toBeNull();
    expect(cut.reason).toMatch(/deadline came before 1 of 1 tests could run/);
    const later = await post(server.url, '/v1/score', { spec: 'code', samples: [sample] });
    expect(later.body.results[0], JSON.stringify(later.body)).toMatchObject({ status: 'ok', score: 1 });
  }, 30_000);
});
