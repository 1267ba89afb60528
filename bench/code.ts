/**
 * `npm run bench:code`: HumanEval-style problems (bench/data/code-problems.jsonl, 150 of them) through the
 * `code` reward, fully isolated, next to a naive unsandboxed baseline measured in the same run: one
 * `python3` process per program (prompt + solution + test + check), as many at once as there are cores.
 * Prints programs/s, p50/p99 latency and the ratios. ROUNDS=n repeats the set n times (default 3);
 * PIN_CPU=0 turns off one CPU per warm job (SandboxOptions.pinCpu).
 */

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { Runtime, Scorer } from '../src/core/scorer.js';
import { parseSpec } from '../src/core/spec/load.js';
import type { Problem } from './code-problem.js';
import '../src/verifiers/code/index.js';
import type { RewardResult } from '../src/core/types.js';
import { BwrapSandbox } from '../src/sandbox/index.js';

const HUMANEVAL_HARNESS_RATE = 60; // programs/s of HumanEval's own harness on this 2-core machine (issue 4)
const rounds = Number(process.env.ROUNDS ?? 3);
/** PIN_CPU=0: SandboxOptions.pinCpu false (no one-CPU-per-job on the warm path), to measure what it saves. */
const pinCpu = process.env.PIN_CPU !== '0';
const cores = availableParallelism();
const problems: Problem[] = readFileSync(new URL('./data/code-problems.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (label: string, n: number, ms: number, lat: number[]) =>
  `${label.padEnd(44)} ${(n / (ms / 1000)).toFixed(1).padStart(7)} programs/s   p50 ${pct(lat, 50).toFixed(1).padStart(6)} ms   p99 ${pct(lat, 99).toFixed(1).padStart(6)} ms`;

function runPython(program: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', ['-c', program], { stdio: 'ignore' });
    child.on('close', (code) => resolve(code ?? -1));
  });
}

async function baseline(): Promise<{ ms: number; lat: number[]; failed: number }> {
  const limit = pLimit(cores);
  const lat: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      problems.map((p) =>
        limit(async () => {
          const t = performance.now();
          const code = await runPython(
            `${p.prompt}${p.canonical_solution}\n${p.test}\ncheck(${p.entry_point})\n`,
          );
          lat.push(performance.now() - t);
          if (code !== 0) failed++;
        }),
      ),
    );
  }
  return { ms: performance.now() - t0, lat, failed };
}

async function assay(
  warm: boolean,
  batch: boolean,
): Promise<{ ms: number; lat: number[]; failed: number; startMs: number }> {
  const runtime = new Runtime({ inThread: true });
  runtime.env.service('sandbox', () => new BwrapSandbox({ warm, pinCpu }));
  const scorer = new Scorer(parseSpec({ reward: { use: 'code' }, timeout_ms: 60_000 }), runtime);
  const samples = problems.map((p) => ({
    response: `\`\`\`python\n${p.prompt}${p.canonical_solution}\`\`\``,
    reference: { test: p.test, entry_point: p.entry_point, prompt: p.prompt },
  }));
  const s0 = performance.now();
  await scorer.score(samples.slice(0, 1)); // starts the sandbox (fork server) once
  const startMs = performance.now() - s0;
  const lat: number[] = [];
  let failed = 0;
  const check = (res: RewardResult) => {
    if (res.score === 1) return;
    failed++;
    if (failed <= 3) console.error('unexpected result:', JSON.stringify(res).slice(0, 400));
  };
  if (batch) {
    // How trainers call it: the whole batch at once; the sandbox keeps `cores` executions in flight.
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (const res of await scorer.score(samples)) {
        lat.push(res.ms ?? 0);
        check(res);
      }
    }
    const ms = performance.now() - t0;
    await runtime.close();
    return { ms, lat, failed, startMs };
  }
  // Same discipline as the baseline: one program per call, as many calls in flight as cores, so the
  // latency is that of one program, not of a queue.
  const limit = pLimit(cores);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      samples.map((sample) =>
        limit(async () => {
          const t = performance.now();
          const [res] = await scorer.score([sample]);
          lat.push(performance.now() - t);
          check(res!);
        }),
      ),
    );
  }
  const ms = performance.now() - t0;
  await runtime.close();
  return { ms, lat, failed, startMs };
}

const n = problems.length * rounds;
console.log(`bench:code: ${problems.length} problems x ${rounds} rounds = ${n} programs, ${cores} cores\n`);
const base = await baseline();
console.log(
  fmt('baseline: unsandboxed python3 per program', n, base.ms, base.lat),
  base.failed ? `(${base.failed} failed)` : '',
);
const warm = await assay(true, true);
console.log(
  fmt('assay, bwrap + warm servers, whole batch', n, warm.ms, warm.lat),
  warm.failed ? `(${warm.failed} failed!)` : '',
);
const each = await assay(true, false);
console.log(
  fmt('assay, bwrap + warm servers, one per call', n, each.ms, each.lat),
  each.failed ? `(${each.failed} failed!)` : '',
);
const cold = await assay(false, true);
console.log(
  fmt('assay, one fresh bwrap sandbox per program', n, cold.ms, cold.lat),
  cold.failed ? `(${cold.failed} failed!)` : '',
);
const rate = (x: { ms: number }) => n / (x.ms / 1000);
console.log('\n(batch latency counts the wait in the queue; per-call latency is that of one program)');
console.log(`warm server start: ${warm.startMs.toFixed(0)} ms, once per process`);
console.log(`warm batch vs baseline:    ${(rate(warm) / rate(base)).toFixed(2)}x`);
console.log(`warm per-call vs baseline: ${(rate(each) / rate(base)).toFixed(2)}x`);
console.log(
  `warm batch vs HumanEval's harness (~${HUMANEVAL_HARNESS_RATE}/s on an idle machine): ${(rate(warm) / HUMANEVAL_HARNESS_RATE).toFixed(2)}x`,
);
console.log(`cold vs baseline:          ${(rate(cold) / rate(base)).toFixed(2)}x`);
if (warm.failed || each.failed || cold.failed) process.exitCode = 1;
