/**
 * bench:server — `assay serve` under load on loopback, next to in-process `Scorer.score` of the same
 * batches, measured in the same run on the same machine with the same worker threads.
 *
 *   npm run bench:server                      # 7 rounds of 6 s per side, batches of 64, 8 connections
 *   npm run bench:server -- --duration 30 --batch 128 --connections 16 --threads 2
 *   npm run bench:server -- --soak 300        # then a 5-minute soak: memory sampled every 30 s
 *   npm run bench:server -- --rounds 1 --store-variants 3   # then the run store's cost per sample: no store,
 *                                             # store without per-step aggregates, store with them
 *   ... --store-variants 3 --before-root /tmp/assay-base     # and a checkout of an earlier commit, store on
 *
 * Load generator: autocannon (HTTP/1.1 keep-alive), POST /v1/score, batches alternating exact-match and
 * math samples. The server runs as a child process (`assay serve`, cache off so every sample is really
 * scored, run store on as by default); the in-process side runs the same number of concurrent batches.
 * The two sides alternate for several rounds and the ratio is taken per round, so load from other
 * processes on a shared machine hits both sides alike; the median round is reported.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../test/clients/serve-process.js';
import { exactItem } from './exact-item.js';
import '../src/builtins.js';
import { getReward } from '../src/core/registry.js';
import { Runtime, Scorer } from '../src/core/scorer.js';
import { loadSpecFile } from '../src/core/spec/load.js';
import type { Sample } from '../src/core/types.js';

interface CannonResult {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  return Number.isFinite(value) ? value : fallback;
};
const DURATION = arg('duration', 6);
// Many short rounds: on a shared machine one round's ratio can be off by 10 % either way; the median of
// seven alternating rounds holds still where that of three does not.
const ROUNDS = arg('rounds', 7);
const BATCH = arg('batch', 64);
const CONNECTIONS = arg('connections', 8);
const THREADS = arg('threads', availableParallelism());
const SOAK = argv.includes('--soak') ? arg('soak', 300) : 0;
const STORE = !argv.includes('--no-store');
/** Rounds comparing servers without a store, with a store but no aggregates, and with both (0: skip). */
const STORE_VARIANTS = argv.includes('--store-variants') ? arg('store-variants', 3) : 0;
/**
 * A checkout of an earlier commit (with node_modules) to add to the store variants as `before`, its server
 * with its own store: what this commit's records and aggregates cost against it, in the same run.
 */
const BEFORE_ROOT = (() => {
  const i = argv.indexOf('--before-root');
  return i < 0 ? undefined : resolve(argv[i + 1]!);
})();
type StoreMode = 'off' | 'raw' | 'aggregates' | 'before';
/** Extra node flags for the server process (e.g. --cpu-prof), for finding where its time goes. */
const NODE_FLAGS = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const ROOT = resolve(import.meta.dirname, '..');
const HAS_MATH = getReward('math') !== undefined;

/** Deterministic batches: tagged, boxed and bare answers, half right. */
function exactBatch(b: number): Sample[] {
  return Array.from({ length: BATCH }, (_, j) => {
    const i = b * BATCH + j;
    const { answer, given, reasoning } = exactItem(i);
    const response =
      i % 3 === 0
        ? `<think>${reasoning}</think><answer>${given}</answer>`
        : `${reasoning} so \\boxed{${given}}`;
    return { id: `e${i}`, response, reference: answer, source: 'exact' };
  });
}

function mathBatch(b: number): Sample[] {
  return Array.from({ length: BATCH }, (_, j) => {
    const i = b * BATCH + j;
    const n = (i % 50) + 2;
    const forms = [
      `\\frac{1}{${n}}`,
      `${(1 / n).toFixed(6)}`,
      `1/${n}`,
      `\\frac{2}{${2 * n}}`,
      `\\frac{1}{${n + 1}}`,
    ];
    const reasoning = `We compute the probability for case ${i}. `.repeat(1 + (i % 4));
    return {
      id: `m${i}`,
      response: `${reasoning}The answer is $\\boxed{${forms[i % 5]}}$.`,
      reference: `1/${n}`,
      source: 'math',
    };
  });
}

const KINDS = HAS_MATH ? ['exact', 'math'] : ['exact'];
const batches = Array.from({ length: 16 }, (_, b) => ({
  spec: KINDS[b % KINDS.length]!,
  samples: KINDS[b % KINDS.length] === 'math' ? mathBatch(b) : exactBatch(b),
}));

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-server-'));
const specFiles = KINDS.map((k) => {
  const file = join(dir, `${k}.yaml`);
  writeFileSync(file, `name: ${k}\nreward: { use: ${k === 'exact' ? 'exact_match' : 'math'} }\n`);
  return file;
});

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The in-process side: one runtime, CONNECTIONS concurrent loops over the batches, like autocannon's connections. */
async function inProcessScorer() {
  const runtime = new Runtime({ threads: THREADS });
  const scorers = new Map<string, Scorer>();
  for (const file of specFiles) {
    const spec = await loadSpecFile(file);
    scorers.set(spec.name, new Scorer(spec, runtime));
  }
  const run = async (until: number, latencies: number[]) => {
    let samples = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, c) => {
        for (let k = c; Date.now() < until; k++) {
          const batch = batches[k % batches.length]!;
          const t = performance.now();
          const results = await scorers.get(batch.spec)!.score(batch.samples);
          latencies.push(performance.now() - t);
          samples += results.length;
        }
      }),
    );
    return samples;
  };
  await run(Date.now() + 2000, []); // warm-up: workers started, code compiled
  return {
    async measure(seconds: number) {
      const latencies: number[] = [];
      const started = performance.now();
      const samples = await run(Date.now() + seconds * 1000, latencies);
      const elapsed = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      return {
        samplesPerSec: samples / elapsed,
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
      };
    },
    close: () => runtime.close(),
  };
}

/**
 * CPU seconds a process has used (all its threads), or only its main thread (the one that runs the HTTP
 * server and hands work to the pool, so the one that saturates first), from /proc; 0 where it is missing.
 */
function cpuSeconds(pid: number | 'self', mainThreadOnly = false): number {
  const self = pid === 'self' ? process.pid : pid;
  try {
    const file = mainThreadOnly ? `/proc/${self}/task/${self}/stat` : `/proc/${self}/stat`;
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ ticks
  } catch {
    return 0;
  }
}
const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function startServer(
  port: number,
  mode: StoreMode = STORE ? 'aggregates' : 'off',
): Promise<ChildProcess> {
  const args = [
    ...NODE_FLAGS,
    '--import',
    'tsx',
    'src/cli/main.ts',
    'serve',
    ...specFiles.flatMap((f) => ['--spec', f]),
  ];
  args.push('--port', String(port), '--threads', String(THREADS), '--cache-size', '0', '--log-level', 'warn');
  const store = mode === 'off' ? ['--no-store'] : ['--store', join(dir, `runs-${mode}-${port}.sqlite`)];
  if (mode === 'raw') store.push('--no-store-aggregates');
  args.push(...store, '--max-pending', '1000000');
  const cwd = mode === 'before' ? BEFORE_ROOT! : ROOT;
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'inherit', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  while (!err.includes('listening on')) {
    if (child.exitCode !== null) throw new Error(`assay serve exited: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

function load(url: string, seconds: number): Promise<CannonResult> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: batches.map((b) => ({
      method: 'POST',
      path: '/v1/score',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ spec: b.spec, samples: b.samples }),
    })),
  });
}

async function memory(url: string): Promise<{ rss: number; heap: number }> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const read = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    rss: read('assay_process_process_resident_memory_bytes'),
    heap: read('assay_process_nodejs_heap_size_used_bytes'),
  };
}

console.log(
  `bench:server — batches of ${BATCH} (${KINDS.join(' + ')}), ${CONNECTIONS} concurrent, ${THREADS} worker threads, ${DURATION} s per side, store ${STORE ? 'on' : 'off'}, ${availableParallelism()} cores`,
);

const inProcess = await inProcessScorer();
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const server = await startServer(port);
try {
  await load(url, 2); // warm-up
  const rounds: { base: number; served: number; ratio: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const [cpu0, main0] = [ownCpuSeconds(), cpuSeconds('self', true)];
    const base = await inProcess.measure(DURATION);
    const [baseCpu, baseMain] = [ownCpuSeconds() - cpu0, cpuSeconds('self', true) - main0];
    console.log(
      `round ${round} in-process Scorer.score: ${fmt(base.samplesPerSec).padStart(7)} samples/s   batch latency p50 ${fmt(base.p50, 1)} ms  p99 ${fmt(base.p99, 1)} ms`,
    );
    const [load0, server0, serverMain0] = [
      ownCpuSeconds(),
      cpuSeconds(server.pid!),
      cpuSeconds(server.pid!, true),
    ];
    const r = await load(url, DURATION);
    const [loadCpu, serverCpu, serverMain] = [
      ownCpuSeconds() - load0,
      cpuSeconds(server.pid!) - server0,
      cpuSeconds(server.pid!, true) - serverMain0,
    ];
    const served = (r['2xx'] * BATCH) / r.duration;
    const perK = (cpu: number, samples: number) => fmt((cpu * 1e6) / samples, 0);
    console.log(
      `round ${round} assay serve /v1/score:   ${fmt(served).padStart(7)} samples/s   request latency p50 ${fmt(r.latency.p50, 1)} ms  p99 ${fmt(r.latency.p99, 1)} ms  (${r['2xx']} ok, ${r.non2xx} non-2xx, ${r.errors} errors)`,
    );
    const baseSamples = base.samplesPerSec * DURATION;
    const servedSamples = r['2xx'] * BATCH;
    console.log(
      `        CPU per 1000 samples: in-process ${perK(baseCpu, baseSamples)} ms (main thread ${perK(baseMain, baseSamples)}); server ${perK(serverCpu, servedSamples)} ms (main thread ${perK(serverMain, servedSamples)}) + load generator ${perK(loadCpu, servedSamples)} ms`,
    );
    rounds.push({ base: base.samplesPerSec, served, ratio: served / base.samplesPerSec });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  console.log(
    `ratio server / in-process (median of ${ROUNDS} rounds): ${fmt(median.ratio, 3)}  (${fmt(median.served)} vs ${fmt(median.base)} samples/s; server overhead ${fmt((1 - median.ratio) * 100, 1)} %; aim ≤ 15 %)`,
  );
  await inProcess.close();

  if (SOAK > 0) {
    console.log(`\nsoak: ${SOAK} s of the same load; server memory after each window`);
    const window = 30;
    const samples: { t: number; rss: number; heap: number; rate: number }[] = [];
    for (let t = 0; t < SOAK; t += window) {
      const w = await load(url, Math.min(window, SOAK - t));
      const m = await memory(url);
      const rate = (w['2xx'] * BATCH) / w.duration;
      samples.push({ t: t + Math.min(window, SOAK - t), ...m, rate });
      console.log(
        `  t=${String(t + Math.min(window, SOAK - t)).padStart(4)} s  rss ${fmt(m.rss / 2 ** 20, 1)} MiB  heap ${fmt(m.heap / 2 ** 20, 1)} MiB  ${fmt(rate)} samples/s  non-2xx ${w.non2xx}  errors ${w.errors}`,
      );
    }
    const first = samples[0]!;
    const last = samples.at(-1)!;
    const maxRss = Math.max(...samples.map((s) => s.rss));
    console.log(
      `soak: rss ${fmt(first.rss / 2 ** 20, 1)} → ${fmt(last.rss / 2 ** 20, 1)} MiB (max ${fmt(maxRss / 2 ** 20, 1)}), heap ${fmt(first.heap / 2 ** 20, 1)} → ${fmt(last.heap / 2 ** 20, 1)} MiB, throughput ${fmt(first.rate)} → ${fmt(last.rate)} samples/s`,
    );
  }
} finally {
  server.kill('SIGTERM');
  await once(server, 'exit');
}

if (STORE_VARIANTS > 0) {
  // The run store's cost on the scoring path, same machine, same run: three servers, one at a time, in
  // alternating rounds; server CPU (all its threads, the store's writer included) per 1000 samples.
  console.log(`\nstore variants: ${STORE_VARIANTS} rounds of ${DURATION} s each`);
  const modes: StoreMode[] = ['off', 'raw', 'aggregates', ...(BEFORE_ROOT ? (['before'] as const) : [])];
  const results = new Map<StoreMode, { rate: number; cpu: number; main: number }[]>(
    modes.map((m) => [m, []]),
  );
  for (let round = 1; round <= STORE_VARIANTS; round++) {
    for (const mode of modes) {
      const p = await freePort();
      const child = await startServer(p, mode);
      try {
        const u = `http://127.0.0.1:${p}`;
        await load(u, 1);
        const [cpu0, main0] = [cpuSeconds(child.pid!), cpuSeconds(child.pid!, true)];
        const r = await load(u, DURATION);
        const samples = r['2xx'] * BATCH;
        const cpu = ((cpuSeconds(child.pid!) - cpu0) * 1e6) / samples;
        const main = ((cpuSeconds(child.pid!, true) - main0) * 1e6) / samples;
        results.get(mode)!.push({ rate: samples / r.duration, cpu, main });
        console.log(
          `round ${round} store ${mode.padEnd(10)} ${fmt(samples / r.duration).padStart(7)} samples/s   server CPU ${fmt(cpu, 0)} ms per 1000 samples (main thread ${fmt(main, 0)})`,
        );
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = (mode: StoreMode) => ({
    rate: med(results.get(mode)!.map((x) => x.rate)),
    cpu: med(results.get(mode)!.map((x) => x.cpu)),
    main: med(results.get(mode)!.map((x) => x.main)),
  });
  const [off, raw, agg, before] = modes.map(m) as ReturnType<typeof m>[] as [
    ReturnType<typeof m>,
    ReturnType<typeof m>,
    ReturnType<typeof m>,
    ReturnType<typeof m> | undefined,
  ];
  if (before)
    console.log(
      `against ${BEFORE_ROOT} (store on): ${fmt(agg.cpu - before.cpu, 1)} µs CPU per sample (main thread ${fmt(agg.main - before.main, 1)} µs); throughput ${fmt(before.rate)} → ${fmt(agg.rate)} samples/s`,
    );
  console.log(
    `store cost per sample (medians): batches ${fmt(raw.cpu - off.cpu, 1)} µs CPU (main thread ${fmt(raw.main - off.main, 1)} µs); aggregates on top ${fmt(agg.cpu - raw.cpu, 1)} µs CPU (main thread ${fmt(agg.main - raw.main, 1)} µs); throughput ${fmt(off.rate)} / ${fmt(raw.rate)} / ${fmt(agg.rate)} samples/s (off / raw / aggregates)`,
  );
}
