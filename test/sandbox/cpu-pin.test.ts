import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../src/core/scorer.js';
import { parseSpec } from '../../src/core/spec/load.js';
import type { RewardResult } from '../../src/core/types.js';
import { BwrapSandbox, getSandbox } from '../../src/sandbox/index.js';
import '../../src/verifiers/code/index.js';

// A warm job's processes take turns, so each job keeps them on one CPU (pin_job in runner-py.ts).
// What a program can see of that: a judged worker's affinity mask holds one CPU and it may widen the
// mask; a plain program gets the server's whole set back as it starts (as cold: its wall limit may be
// its CPU limit, which processes taking turns on one CPU would miss); with pinCpu: false every
// execution starts with the whole set. The witness is the program's own view of its mask, on the warm
// path, run after run (each job may land on another CPU).
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
  const runtime = new Runtime({ inThread: true });
  getSandbox(runtime.env, { concurrency: 2 });
  afterAll(async () => {
    await Promise.all([pinned.close(), free.close(), runtime.close()]);
  });

  it('a judged worker starts with one CPU in its mask, and may widen it to all', async () => {
    const program = [
      '```python',
      'import os',
      'def probe():',
      '    before = len(os.sched_getaffinity(0))',
      '    os.sched_setaffinity(0, range(os.cpu_count()))',
      '    return [before, len(os.sched_getaffinity(0))]',
      '```',
    ].join('\n');
    const reference = {
      task_id: 'pin/0',
      prompt: 'def probe():\n    """The affinity mask, before and after widening it."""\n',
      entry_point: 'probe',
      test: `def check(candidate):\n    assert candidate() == [1, ${cpus}]\n`,
    };
    const spec = parseSpec({ reward: { use: 'code', args: { mode: 'fraction' } }, timeout_ms: 60_000 });
    const results = (await new Scorer(spec, runtime).score(
      Array.from({ length: 6 }, () => ({ response: program, reference })),
    )) as RewardResult[];
    for (const r of results)
      expect({ status: r.status, score: r.score }, JSON.stringify(r)).toEqual({ status: 'ok', score: 1 });
  }, 60_000);

  it('a plain program starts with the whole set, as on the cold path', async () => {
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => pinned.run({ language: 'python', code: PROBE })),
    );
    for (const r of runs) {
      expect(r.engine).toBe('warm');
      expect(r.status).toBe('ok');
      expect(r.stdout.trim()).toBe(`${cpus} ${cpus}`);
    }
  });

  it('pinCpu: false leaves the whole set', async () => {
    const r = await free.run({ language: 'python', code: PROBE });
    expect(r.engine).toBe('warm');
    expect(r.stdout.trim()).toBe(`${cpus} ${cpus}`);
  });
});
