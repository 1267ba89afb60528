import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBwrap } from '../../src/sandbox/index.js';
import { freePort, root, type ServeProcess, serveProcess } from './serve-process.js';

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

describe('assay serve started by npm (npx assay serve &; kill $!)', () => {
  it('stops when npm, which does not pass the signal on, is killed', async () => {
    // A stand-in for npm exec: a process whose command line says npm, running the bin through `sh -c`
    // as npm does, and dying on SIGTERM without passing it on.
    const { spawn } = await import('node:child_process');
    const port = await freePort();
    const launcher = spawn(
      process.execPath,
      [
        '-e',
        `require('child_process').spawn('sh', ['-c', process.argv[1]], { stdio: 'inherit', env: { ...process.env, npm_command: 'exec' } }); setInterval(() => {}, 1000)`,
        `exec "${process.execPath}" --import tsx src/cli/main.ts serve --port ${port} --no-store --threads 1 --spec test/fixtures/server-exact.yaml`,
        'npm',
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    launcher.stderr!.on('data', (d) => {
      stderr += d;
    });
    for (let i = 0; i < 600 && !stderr.includes('listening on'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain('listening on');
    launcher.kill('SIGKILL'); // npm gone; the server gets no signal
    let up = true;
    for (let i = 0; i < 100 && up; i++) {
      await new Promise((r) => setTimeout(r, 100));
      up = await fetch(`http://127.0.0.1:${port}/health`).then(
        () => true,
        () => false,
      );
    }
    expect(up).toBe(false);
    expect(stderr).toContain('npm, which started this server, exited: finishing in-flight requests');
  }, 60_000);
});
