/**
 * What bench/warm-cost.ts and bench/warm-cpu.ts share: the HumanEval-style problems of
 * bench/data/code-problems.jsonl as `code` samples (gold solutions), and one warm `code` scorer per
 * checkout, each loaded from that checkout's own sources with its own warm server (concurrency 1).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Problem } from './code-problem.js';

const problems: Problem[] = readFileSync(new URL('./data/code-problems.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));

/**
 * IMPURE=1: every test suite starts with `import random`, a module outside the warm judge's pure list
 * (pure_code in harness-py.ts), so each job is judged by a child forked for it: the cost of tests that
 * may change the process they run in.
 */
const impure = process.env.IMPURE === '1';

export const samples = problems.map((p) => ({
  response: `\`\`\`python\n${p.prompt}${p.canonical_solution}\`\`\``,
  reference: {
    test: impure ? `import random\n${p.test}` : p.test,
    entry_point: p.entry_point,
    prompt: p.prompt,
  },
}));

/** A checkout's scorer, its warm server already started. */
export interface CheckoutScorer {
  root: string;
  runtime: { close(): Promise<void> };
  scorer: { score(samples: unknown[]): Promise<{ score: number | null }[]> };
}

/** A checkout argument as given (`DIR` or `DIR#nopin`), its directory made absolute. */
export const checkoutArg = (arg: string): string => {
  const [dir, flag] = arg.split('#');
  return resolve(dir!) + (flag ? `#${flag}` : '');
};

/**
 * roots: checkout directories; `DIR#nopin` is that checkout with SandboxOptions.pinCpu false (one CPU per
 * job off), so the same checkout can be compared with itself in one run.
 */
export function scorers(roots: string[]): Promise<CheckoutScorer[]> {
  return Promise.all(
    roots.map(async (root) => {
      const [dir, flag] = root.split('#');
      const { Runtime, Scorer } = await import(`${dir}/src/core/scorer.js`);
      const { parseSpec } = await import(`${dir}/src/core/spec/load.js`);
      const { BwrapSandbox } = await import(`${dir}/src/sandbox/index.js`);
      await import(`${dir}/src/verifiers/code/index.js`);
      const runtime = new Runtime({ inThread: true });
      const pinCpu = flag !== 'nopin';
      runtime.env.service('sandbox', () => new BwrapSandbox({ concurrency: 1, pinCpu }));
      const scorer = new Scorer(parseSpec({ reward: { use: 'code' }, timeout_ms: 60_000 }), runtime);
      await scorer.score(samples.slice(0, 1)); // starts the warm server
      return { root, runtime, scorer };
    }),
  );
}
