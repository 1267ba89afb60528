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
});
