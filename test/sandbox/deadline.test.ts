import { describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../src/sandbox/index.js';

/** Issue 14 item 7: a program's clock starts when it starts, not while it waits for a sandbox slot. */
describe('a program is timed from its start, not from its place in the queue', () => {
  it('a quick program queued behind a hang still runs in full and passes', async () => {
    const one = new BwrapSandbox({ concurrency: 1 });
    try {
      const hang = one.run({ language: 'bash', code: 'sleep 100', limits: { wallMs: 1500 } });
      // Queued at once, with a deadline that would be spent if the wait counted against it.
      const deadline = Date.now() + 3500;
      const quick = await one.run({
        language: 'bash',
        code: 'sleep 0.5; echo done',
        limits: { wallMs: 2500 },
        deadline,
      });
      expect((await hang).status).toBe('timeout');
      expect(quick.status, quick.message).toBe('ok');
      expect(quick.stdout).toBe('done\n');
    } finally {
      await one.close();
    }
  });

  it('the deadline cuts the wall limit when the program starts', async () => {
    const sandbox = new BwrapSandbox({ concurrency: 1 });
    try {
      const r = await sandbox.run({
        language: 'python',
        code: 'import time\ntime.sleep(30)',
        limits: { wallMs: 20_000 },
        deadline: Date.now() + 1000,
      });
      expect(r.status).toBe('timeout');
      expect(r.wallMs).toBeLessThan(5000);
      expect(r.message).toMatch(/wall-clock limit of \d+ ms/);
    } finally {
      await sandbox.close();
    }
  });

  it('a limit shortened by waiting in the queue is not the program’s failure either', async () => {
    const one = new BwrapSandbox({ concurrency: 1 });
    try {
      const hang = one.run({ language: 'bash', code: 'sleep 100', limits: { wallMs: 1500 } });
      const slow = await one.run({
        language: 'bash',
        code: 'sleep 1.5; echo done',
        limits: { wallMs: 2500 },
        deadline: Date.now() + 2500,
      });
      expect(slow.status).toBe('sandbox_error');
      expect(slow.message).toMatch(/waiting for a sandbox slot/);
      await hang;
    } finally {
      await one.close();
    }
  });

  it('a deadline spent in the queue is not the program’s failure: sandbox_error, never a zero', async () => {
    const one = new BwrapSandbox({ concurrency: 1 });
    try {
      const hang = one.run({ language: 'bash', code: 'sleep 100', limits: { wallMs: 1000 } });
      const late = await one.run({ language: 'bash', code: 'echo hi', deadline: Date.now() + 300 });
      expect(late.status).toBe('sandbox_error');
      expect(late.message).toMatch(/deadline passed before a sandbox slot/);
      await hang;
    } finally {
      await one.close();
    }
  });
});

describe('the bundled default spec leaves a program its whole wall limit', () => {
  it('an infinite loop is a failed test (ok, score 0), never an error', async () => {
    const { serve, post } = await import('../server/helpers.js');
    const { app, url } = await serve({});
    try {
      const res = await post(url, '/v1/score', {
        samples: [
          {
            response: '```python\nwhile True:\n    pass\n```',
            reference: { inputs: ['1\n'], outputs: ['1\n'] },
          },
        ],
      });
      const [r] = res.body.results;
      expect(r.status, JSON.stringify(r)).toBe('ok');
      expect(r.score).toBe(0);
    } finally {
      await app.close();
    }
  }, 60_000);
});
