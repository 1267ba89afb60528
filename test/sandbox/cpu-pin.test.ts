import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../src/sandbox/index.js';

// A warm job's processes take turns, so each job keeps them on one CPU (pin_job in runner-py.ts).
// What a program can see of that: its affinity mask holds one CPU, it may widen the mask, and with
// pinCpu: false it starts with the server's whole set. The witness is the program's own view of its
// mask, on the warm path (engine 'warm'), run after run (each job may land on another CPU).
const PROBE = `
import os
before = len(os.sched_getaffinity(0))
os.sched_setaffinity(0, range(os.cpu_count()))
print(before, len(os.sched_getaffinity(0)))
`;
const cpus = availableParallelism();

describe.skipIf(cpus < 2)('a warm job runs on one CPU', () => {
  const pinned = new BwrapSandbox({ concurrency: 2 });
  const free = new BwrapSandbox({ concurrency: 1, pinCpu: false });
  afterAll(async () => {
    await Promise.all([pinned.close(), free.close()]);
  });

  it('a program starts with one CPU in its mask, and may widen it to all', async () => {
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => pinned.run({ language: 'python', code: PROBE })),
    );
    for (const r of runs) {
      expect(r.engine).toBe('warm');
      expect(r.status).toBe('ok');
      expect(r.stdout.trim()).toBe(`1 ${cpus}`);
    }
  });

  it('pinCpu: false leaves the whole set', async () => {
    const r = await free.run({ language: 'python', code: PROBE });
    expect(r.engine).toBe('warm');
    expect(r.stdout.trim()).toBe(`${cpus} ${cpus}`);
  });
});
