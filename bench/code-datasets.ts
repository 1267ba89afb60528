/**
 * `npm run bench:code-datasets`: a mixed batch in the shapes RL code datasets ship (issue 17), through
 * the `code` reward, fully isolated, next to an unsandboxed baseline measured in the same run:
 * - CodeContests-style stdin problems with dozens of tests each (public/private/generated groups),
 * - APPS-style call-based problems (`input_output` JSON text with `fn_name`),
 * - HumanEval+-style problems whose test imports numpy.
 * The baseline runs the same programs and tests with a plain `python3` per program run (one per stdin
 * test; one per call-based or HumanEval+ problem, tests in the same process), as many at once as there
 * are cores, comparing outputs itself. Prints programs/s and tests/s of each and the ratios.
 * PROBLEMS=n sets the problems per kind (default 12); STDIN_TESTS=n the tests per stdin problem (30).
 */

import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { Runtime, Scorer } from '../src/core/scorer.js';
import { parseSpec } from '../src/core/spec/load.js';
import type { Sample } from '../src/core/types.js';
import { BwrapSandbox } from '../src/sandbox/index.js';
import '../src/verifiers/code/index.js';

const perKind = Number(process.env.PROBLEMS ?? 12);
const stdinTests = Number(process.env.STDIN_TESTS ?? 30);
const cores = availableParallelism();

interface Item {
  kind: 'stdin' | 'calls' | 'numpy';
  sample: Sample;
  tests: number;
  /** What the baseline runs: [program, stdin, expected stdout][] (expected '' means exit code 0 suffices). */
  runs: [string, string, string][];
}

const py = (code: string) => `\`\`\`python\n${code}\n\`\`\``;
const items: Item[] = [];

for (let p = 0; p < perKind; p++) {
  // stdin: the sum of k numbers times (p + 1), dozens of tests split over the three groups.
  const program = `import sys\nd = sys.stdin.read().split()\nprint(sum(map(int, d[1:])) * ${p + 1})`;
  const cases = Array.from({ length: stdinTests }, (_, t) => {
    const xs = Array.from({ length: 50 + t }, (_, i) => (i * 7919 + t * 31 + p) % 1000);
    return [`${xs.length}\n${xs.join(' ')}\n`, `${xs.reduce((a, b) => a + b, 0) * (p + 1)}\n`] as const;
  });
  const third = Math.ceil(cases.length / 3);
  const group = (c: (typeof cases)[number][]) => ({ input: c.map((x) => x[0]), output: c.map((x) => x[1]) });
  items.push({
    kind: 'stdin',
    sample: {
      response: py(program),
      reference: {
        public_tests: group(cases.slice(0, third)),
        private_tests: group(cases.slice(third, 2 * third)),
        generated_tests: group(cases.slice(2 * third)),
        time_limit: { seconds: 2, nanos: 0 },
      },
    },
    tests: cases.length,
    runs: cases.map(([input, output]) => [program, input, output]),
  });

  // call-based: APPS input_output JSON text, 10 calls.
  const fn = `def rotate(a, k):\n    k %= max(1, len(a))\n    return a[k:] + a[:k]  # ${p}`;
  const inputs = Array.from({ length: 10 }, (_, t) => [Array.from({ length: 20 + t }, (_, i) => i * p), t]);
  const outputs = inputs.map(([a, k]) => {
    const arr = a as number[];
    const s = (k as number) % Math.max(1, arr.length);
    return [[...arr.slice(s), ...arr.slice(0, s)]];
  });
  items.push({
    kind: 'calls',
    sample: {
      response: py(fn),
      reference: { input_output: JSON.stringify({ fn_name: 'rotate', inputs, outputs }) },
    },
    tests: inputs.length,
    runs: [
      [
        `${fn}\nimport json\nio = json.loads(${JSON.stringify(JSON.stringify({ inputs, outputs }))})\nfor a, o in zip(io["inputs"], io["outputs"]):\n    assert rotate(*a) == o[0]`,
        '',
        '',
      ],
    ],
  });

  // HumanEval+: a check() that imports numpy and loops over inputs/results.
  const prompt = `def scale(xs, f):\n    """Each value times f (${p})."""\n`;
  const body = '    return [x * f for x in xs]\n';
  const ins = Array.from({ length: 8 }, (_, t) => [
    Array.from({ length: 5 + t }, (_, i) => i + 0.5),
    t + 1.5,
  ]);
  const res = ins.map(([xs, f]) => (xs as number[]).map((x) => x * (f as number)));
  const test = [
    'import numpy as np',
    'def check(candidate):',
    `    inputs = ${JSON.stringify(ins)}`,
    `    results = ${JSON.stringify(res)}`,
    '    for inp, exp in zip(inputs, results):',
    '        assert np.allclose(candidate(*inp), exp)',
  ].join('\n');
  items.push({
    kind: 'numpy',
    sample: { response: py(prompt + body), reference: { prompt, test, entry_point: 'scale' } },
    tests: 1,
    runs: [[`${prompt}${body}\n${test}\ncheck(scale)\n`, '', '']],
  });
}

function runPython(program: string, stdin: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', ['-c', program], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
    child.stdin.end(stdin);
  });
}

async function baseline(batch: Item[]): Promise<{ ms: number; failed: number }> {
  const limit = pLimit(cores);
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    batch.flatMap((item) =>
      item.runs.map(([program, stdin, want]) =>
        limit(async () => {
          const r = await runPython(program, stdin);
          if (r.code !== 0 || (want !== '' && r.out.trim() !== want.trim())) failed++;
        }),
      ),
    ),
  );
  return { ms: performance.now() - t0, failed };
}

async function assay(batch: Item[]): Promise<{ ms: number; failed: number }> {
  const runtime = new Runtime({ inThread: true });
  runtime.env.service('sandbox', () => new BwrapSandbox({ warm: true }));
  const scorer = new Scorer(
    parseSpec({ reward: { use: 'code', args: { mode: 'fraction' } }, timeout_ms: 120_000 }),
    runtime,
  );
  await scorer.score([batch[0]!.sample]); // starts the warm servers once
  const t0 = performance.now();
  const results = await scorer.score(batch.map((i) => i.sample));
  const ms = performance.now() - t0;
  const failed = results.filter((r) => r.score !== 1);
  for (const r of failed.slice(0, 3)) console.error('unexpected result:', JSON.stringify(r).slice(0, 400));
  await runtime.close();
  return { ms, failed: failed.length };
}

const line = (label: string, programs: number, tests: number, ms: number, failed: number) =>
  `${label.padEnd(34)} ${(programs / (ms / 1000)).toFixed(1).padStart(7)} programs/s ${(tests / (ms / 1000)).toFixed(0).padStart(7)} tests/s${failed ? `   (${failed} failed!)` : ''}`;

console.log(
  `bench:code-datasets: ${perKind} problems per kind (stdin with ${stdinTests} tests, call-based with 10, HumanEval+ with numpy), ${cores} cores\n`,
);
let worst = 0;
for (const kind of ['stdin', 'calls', 'numpy', 'mixed'] as const) {
  const batch = kind === 'mixed' ? items : items.filter((i) => i.kind === kind);
  const tests = batch.reduce((a, i) => a + i.tests, 0);
  const base = await baseline(batch);
  const ours = await assay(batch);
  console.log(`${kind}:`);
  console.log(line('  baseline, unsandboxed python3', batch.length, tests, base.ms, base.failed));
  console.log(line('  assay code, bwrap + warm servers', batch.length, tests, ours.ms, ours.failed));
  console.log(`  assay vs baseline: ${(base.ms / ours.ms).toFixed(2)}x`);
  worst = Math.max(worst, ours.failed);
}
if (worst) process.exitCode = 1;
