import { afterAll } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult, Sample } from '../../../src/core/types.js';
import { getSandbox } from '../../../src/sandbox/index.js';
import '../../../src/verifiers/code/index.js';

/** A response holding `code` in a Python fence. */
export const py = (code: string) => `\`\`\`python\n${code}\n\`\`\`\n`;

/**
 * What the red-team suites share: a warm and a cold runtime (concurrency 1, so every warm run of the
 * file meets the same server and judge), closed after the file, and `score(path, samples, args)`
 * through the `code` reward in `fraction` mode (`runtime` overrides the path's).
 */
export function warmAndCold() {
  const runtimes = { warm: new Runtime({ inThread: true }), cold: new Runtime({ inThread: true }) };
  getSandbox(runtimes.warm.env, { concurrency: 1 });
  getSandbox(runtimes.cold.env, { warm: false, concurrency: 1 });
  afterAll(() => Promise.all([runtimes.warm.close(), runtimes.cold.close()]));
  const score = (
    path: 'warm' | 'cold',
    samples: Sample[],
    args: Record<string, unknown> = {},
    runtime?: Runtime,
  ): Promise<RewardResult[]> => {
    const spec = parseSpec({
      reward: { use: 'code', args: { mode: 'fraction', ...args } },
      timeout_ms: 60_000,
    });
    return new Scorer(spec, runtime ?? runtimes[path]).score(samples) as Promise<RewardResult[]>;
  };
  return { runtimes, score };
}

/** Python for a worker to find its channel to the judge: `_chan()` gives its descriptor. */
export const findChannel = [
  'import os, stat',
  'def _chan():',
  '    for fd in range(3, 256):',
  '        try:',
  '            if stat.S_ISSOCK(os.fstat(fd).st_mode): return fd',
  '        except OSError: pass',
].join('\n');
