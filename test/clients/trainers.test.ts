import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBwrap } from '../../src/sandbox/index.js';
import { root, type ServeProcess, serveProcess } from './serve-process.js';

const PYTHON = '/usr/bin/python3';
let servers: ServeProcess[] = [];

beforeAll(async () => {
  const common = ['--no-store', '--threads', '2', '--log-level', 'warn'];
  // the bundled default spec (no --spec), and a gate spec whose closed gate skips later parts
  servers = await Promise.all([
    serveProcess(common),
    serveProcess(['--spec', 'test/fixtures/trainers-gate.yaml', ...common]),
  ]);
}, 60_000);

afterAll(() => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

/** Run one class of test/clients/python/test_trainers.py; resolves with unittest's report. */
function unittest(name: string): Promise<{ code: number; report: string }> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      ['-m', 'unittest', '-v', `test_trainers.${name}`],
      {
        cwd: `${root}test/clients/python`,
        env: {
          ...process.env,
          PYTHONPATH: `${root}clients/python`,
          ASSAY_DEFAULT_URL: servers[0]!.url,
          ASSAY_GATE_URL: servers[1]!.url,
          ASSAY_TEST_CODE: checkBwrap().ok ? '1' : '0',
          ASSAY_TOKEN: '',
        },
        timeout: 120_000,
      },
      (err, _stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, report: stderr }),
    );
  });
}

// Each trainer's calling pattern, written from its documented behaviour, against a live server.
describe.each(['Verl', 'OpenRLHF', 'TRL'])('%s calling pattern against assay serve', (name) => {
  it('runs unchanged on the default spec and on a gate spec', { timeout: 180_000 }, async () => {
    const { code, report } = await unittest(name);
    expect(report).toMatch(/\nOK/);
    expect(code, report).toBe(0);
  });
});

describe('the server token is not the client token', () => {
  it("ASSAY_TOKEN (the client's) turns on no auth; ASSAY_SERVER_TOKEN or --token does", async () => {
    const common = ['--spec', 'test/fixtures/server-exact.yaml', '--no-store', '--threads', '1'];
    const clientOnly = await serveProcess(common, { ASSAY_TOKEN: 'for-the-client' });
    const server = await serveProcess(common, { ASSAY_SERVER_TOKEN: 'srv' });
    try {
      const body = JSON.stringify({ query: ['a'], labels: ['a'] });
      const send = (url: string) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect((await send(`${clientOnly.url}/get_reward`)).status).toBe(200);
      expect((await send(`${server.url}/get_reward`)).status).toBe(401);
      expect((await send(`${server.url}/get_reward?token=srv`)).status).toBe(200);
    } finally {
      clientOnly.child.kill('SIGKILL');
      server.child.kill('SIGKILL');
    }
  }, 60_000);
});
