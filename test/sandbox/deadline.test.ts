import { describe, expect, it } from 'vitest';
import { BwrapSandbox, type RunRequest, type RunResult } from '../../src/sandbox/index.js';

/**
 * One run on a one-slot sandbox, queued behind a program that holds the slot for `hangMs` (and then
 * times out); `deadlineMs` is counted from the moment both are queued.
 */
async function behindAHang(
  hangMs: number,
  req: Omit<RunRequest, 'deadline'>,
  deadlineMs: number,
): Promise<{ hang: RunResult; r: RunResult }> {
  const one = new BwrapSandbox({ concurrency: 1 });
  try {
    const hang = one.run({ language: 'bash', code: 'sleep 100', limits: { wallMs: hangMs } });
    const r = await one.run({ ...req, deadline: Date.now() + deadlineMs });
    return { hang: await hang, r };
  } finally {
    await one.close();
  }
}

/** Issue 14 item 7: a program's clock starts when it starts, not while it waits for a sandbox slot. */
describe('a program is timed from its start, not from its place in the queue', () => {
  it('a quick program queued behind a hang still runs in full and passes', async () => {
    // The deadline would be spent if the wait counted against the program's own limit.
    const { hang, r } = await behindAHang(
      1500,
      { language: 'bash', code: 'sleep 0.5; echo done', limits: { wallMs: 2500 } },
      3500,
    );
    expect(hang.status).toBe('timeout');
    expect(r.status, r.message).toBe('ok');
    expect(r.stdout).toBe('done\n');
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

  it('a computing program stopped at a limit that waiting in the queue shortened is not the program’s failure either', async () => {
    // About 1.5 s of CPU under a 3 s CPU limit; the queue leaves it about 1 s of its deadline.
    const busy =
      'import time\nt = time.process_time()\nwhile time.process_time() - t < 1.5: pass\nprint("done")';
    const { r } = await behindAHang(
      1500,
      { language: 'python', code: busy, limits: { cpuMs: 3000, wallMs: 4000 } },
      2500,
    );
    expect(r.status, r.message).toBe('sandbox_error');
    expect(r.message).toMatch(/waiting for a sandbox slot/);
  });

  it('a program that idles fails, even when waiting in the queue shortened its wall limit', async () => {
    // A model that learns to `sleep` until the sample's deadline must not earn an error (no penalty)
    // whenever its program happened to wait for a slot: idling past its CPU limit, or idle all of the
    // second the queue left it although within its CPU limit (5 s) and wall limit (red-team review).
    const cases = [
      ['python', 'import time\ntime.sleep(100)', 1000, 4000, 4000],
      ['bash', 'sleep 100', 1000, 4000, 4000],
      ['python', 'import time\ntime.sleep(3)\nprint("done")', 5000, 8000, 2500],
      ['bash', 'sleep 3; echo done', 5000, 8000, 2500],
    ] as const;
    for (const [language, code, cpuMs, wallMs, deadline] of cases) {
      const { r } = await behindAHang(1500, { language, code, limits: { cpuMs, wallMs } }, deadline);
      expect(r.status, `${language} ${code}: ${r.message}`).toBe('timeout');
    }
  }, 60_000);

  it('a deadline spent in the queue is not the program’s failure: sandbox_error, never a zero', async () => {
    const { r } = await behindAHang(1000, { language: 'bash', code: 'echo hi' }, 300);
    expect(r.status).toBe('sandbox_error');
    expect(r.message).toMatch(/deadline passed before a sandbox slot/);
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

describe('a program is charged the CPU of its children (red-team review, round 3)', () => {
  it('stopped at its wall limit while a child computes, on both paths', async () => {
    const code = [
      'import os, time',
      'if os.fork() == 0:',
      '    t = time.process_time()',
      '    while time.process_time() - t < 3: pass',
      '    os._exit(0)',
      'time.sleep(30)',
    ].join('\n');
    for (const warm of [true, false]) {
      const sandbox = new BwrapSandbox({ concurrency: 1, warm });
      try {
        const r = await sandbox.run({ language: 'python', code, limits: { cpuMs: 5000, wallMs: 1500 } });
        expect(r.status).toBe('timeout');
        expect(r.cpuMs, `warm ${warm}`).toBeGreaterThan(1000);
      } finally {
        await sandbox.close();
      }
    }
  }, 30_000);
});
