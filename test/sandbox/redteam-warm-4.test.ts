import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupSupport } from '../../src/sandbox/cgroup.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';

/** This process's descriptors open on a cgroup's OOM counter (memory.oom_control, memory.events). */
function oomCounterFds(): string[] {
  const found: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const to = readlinkSync(`/proc/self/fd/${fd}`);
      if (/memory\.(oom_control|events)/.test(to)) found.push(to);
    } catch {}
  }
  return found;
}

describe('red team 4: the warm path after CPU pinning, SERVER_BOOT and the OOM count kept open', () => {
  const sandbox = new BwrapSandbox({ concurrency: 1 });
  afterAll(() => sandbox.close());

  // Attack: end warm jobs from outside (a reward's deadline, a `/run_code` caller that goes away: the
  // request's AbortSignal). The host kills the server and removes its cgroup (remove() closes the
  // descriptor kept on the group's OOM counter), then resolves the job, which reads the OOM count
  // (oomKilledSinceLast) and so opens the counter again, on a group being removed, and nothing ever
  // closes it. Promise broken: the server holds no resource per job; each aborted warm job leaked one
  // descriptor (and pinned the removed group's kernfs node), so a long training run whose batches hit
  // their deadline runs out of descriptors.
  it.skipIf(cgroupSupport().kind === 'none')(
    'aborted warm jobs leave no descriptor open on a removed cgroup',
    async () => {
      // A first job: its server is warm, with its own descriptor on its live group.
      expect((await sandbox.run({ language: 'python', code: 'print(1)' })).engine).toBe('warm');
      const before = oomCounterFds().length;
      for (let i = 0; i < 3; i++) {
        const ac = new AbortController();
        const run = sandbox.run({
          language: 'python',
          code: 'import time\ntime.sleep(30)',
          signal: ac.signal,
        });
        setTimeout(() => ac.abort(), 1500);
        const r = await run;
        expect(r.engine).toBe('warm');
      }
      // Let the removals finish (rmdir is retried while the killed tasks exit).
      await new Promise((r) => setTimeout(r, 1000));
      expect(oomCounterFds().length, oomCounterFds().join('\n')).toBeLessThanOrEqual(before);
    },
    60_000,
  );

  // Attack (a regression of pinning, not of a hostile program): a right program that splits its work
  // over two processes, each within the CPU limit, in a run whose wall limit equals its CPU limit (what
  // `/run_code` gives: run_timeout is both). Cold, and warm before pinning, the two run at once and
  // finish in half the wall time; warm with pinning, a plain program starts on its server's one CPU,
  // so its processes take turns and the run times out (3 of 3 runs: cold ok at 0.41 s, warm pinned
  // timeout at 0.70 s). Promise broken: the same program gets the same verdict on both paths, and each
  // program may use a full core (README: CPU share is not enforced). A plain program now starts with
  // the server's whole CPU set, as cold; a judged worker stays on the job's CPU (its limits are CPU time).
  it('a plain program starts with every CPU the server has, as on the cold path', async () => {
    const probe = 'import os\nprint(len(os.sched_getaffinity(0)))';
    const cold = new BwrapSandbox({ concurrency: 1, warm: false });
    try {
      const [w, c] = await Promise.all([
        sandbox.run({ language: 'python', code: probe }),
        cold.run({ language: 'python', code: probe }),
      ]);
      expect(w.engine).toBe('warm');
      expect(c.engine).toBe('cold');
      expect(w.stdout.trim()).toBe(c.stdout.trim());
    } finally {
      await cold.close();
    }
  }, 60_000);

  // Attack: the OOM count is now read once per job and compared with the last job's reading, not read
  // before and after each job. A program whose processes together pass the job's memory (each under
  // its own address-space limit, so only the cgroup's OOM killer stops them) must be 'memory', and the
  // next job on the same server (concurrency 1), a right program, must not inherit that OOM kill.
  // Held: 'memory', then 'ok', then 'memory' again (the kept descriptor reads a fresh count).
  it.skipIf(cgroupSupport().kind === 'none')(
    'an OOM kill is the job of its own, never the next',
    async () => {
      const hog = [
        'import os',
        'kids = []',
        'for _ in range(4):',
        '    p = os.fork()',
        '    if p == 0:',
        '        b = bytearray(90 << 20)',
        '        for i in range(0, len(b), 4096): b[i] = 1',
        '        os._exit(0)',
        '    kids.append(p)',
        'for p in kids: os.waitpid(p, 0)',
      ].join('\n');
      const a = await sandbox.run({ language: 'python', code: hog, limits: { memoryMb: 128 } });
      expect(a.engine).toBe('warm');
      expect(a.status, JSON.stringify(a)).toBe('memory');
      for (let i = 0; i < 2; i++) {
        const b = await sandbox.run({ language: 'python', code: 'print("fine")', limits: { memoryMb: 128 } });
        expect({ status: b.status, out: b.stdout.trim() }, JSON.stringify(b)).toEqual({
          status: 'ok',
          out: 'fine',
        });
      }
      // The counter is read again through the descriptor kept open: a later OOM kill is seen too.
      const c = await sandbox.run({ language: 'python', code: hog, limits: { memoryMb: 128 } });
      expect(c.status, JSON.stringify(c)).toBe('memory');
    },
    60_000,
  );

  // Attack: the job headers are now framed by length (the host's: 4 digits first; the server's to an
  // execution: fixed width, 12 digits a length). A job whose code and stdin are megabytes, with bytes
  // that look like headers ('0028R 1 ...', newlines, digits) at their start, must reach the program
  // whole, and the next job on the same server must be read from its own header. Held.
  it('megabytes of code and stdin that look like headers reach the program whole, and the next job is its own', async () => {
    const stdin = `0028R 1 2 3 4 5 - 6 7\n000000000099 000000000000 p\n${'9'.repeat(12 << 20)}\n`;
    const code = `# 0099R 7 7 7\nimport sys, hashlib\nd = sys.stdin.buffer.read()\nprint(len(d), hashlib.sha256(d).hexdigest())\n${'#'.repeat(4 << 20)}\n`;
    const r = await sandbox.run({
      language: 'python',
      code,
      stdin,
      limits: { wallMs: 20_000, cpuMs: 20_000 },
    });
    expect(r.engine).toBe('warm');
    expect(r.status, r.stderr.slice(-300)).toBe('ok');
    const want = createHash('sha256').update(stdin).digest('hex');
    expect(r.stdout.trim()).toBe(`${Buffer.byteLength(stdin)} ${want}`);
    const next = await sandbox.run({ language: 'python', code: 'print(input()[::-1])', stdin: 'abc\n' });
    expect({ status: next.status, out: next.stdout.trim() }).toEqual({ status: 'ok', out: 'cba' });
  }, 60_000);
});
