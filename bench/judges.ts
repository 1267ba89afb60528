/**
 * Judges bench: 2 000 judgments at concurrency 64 against a local OpenAI-compatible server (its own
 * process) with 200 ms latency, compared with the ideal 2 000 × 0.2 s / 64 and with bare SDK calls (same
 * server, same concurrency, no engine) measured in the same run; then RPM spacing, the cache on repeated
 * samples, and the master-key rate with the guard on and off.   Run: npm run bench:judges
 */
import OpenAI from 'openai';
import pLimit from 'p-limit';
import type { Sample } from '../src/core/types.js';
import { parseSpec, Runtime, Scorer } from '../test/judges/engine.js';
import { startFakeServerProcess } from '../test/judges/fake-server-process.js';
import { MASTER_KEYS } from '../test/judges/master-keys.js';

const N = 2000;
const CONCURRENCY = 64;
const LATENCY_MS = 200;
const IDEAL_S = (N * LATENCY_MS) / 1000 / CONCURRENCY;

const server = await startFakeServerProcess(LATENCY_MS);
const base = { base_url: server.baseURL, model: 'bench-judge', max_concurrency: CONCURRENCY };
const fmt = (x: number) => x.toFixed(2);

const samples = (n: number, tag: string): Sample[] =>
  Array.from({ length: n }, (_, i) => ({
    prompt: `What is ${i} + 1?`,
    response: `${tag} answer ${i + 1}`,
    reference: String(i + 1),
  }));

async function scoreAll(args: Record<string, unknown>, batch: Sample[], runtime: Runtime) {
  const scorer = new Scorer(
    parseSpec({ reward: { use: 'judge.reference', args }, timeout_ms: 600_000 }),
    runtime,
  );
  const t0 = performance.now();
  const results = await scorer.score(batch);
  return { seconds: (performance.now() - t0) / 1000, results };
}

/** The most arrivals in any window of `ms`. */
function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= ms) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}

// Warm-up (JIT, keep-alive sockets) so neither measured run pays for it.
{
  const rt = new Runtime({ inThread: true });
  await scoreAll({ ...base, cache_size: 0 }, samples(128, 'warm'), rt);
  await rt.close();
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Baseline: bare SDK calls under p-limit, what this client and server reach without the engine. */
async function bareSdk(tag: string): Promise<number> {
  const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'EMPTY', maxRetries: 0 });
  const limit = pLimit(CONCURRENCY);
  const t0 = performance.now();
  await Promise.all(
    samples(N, tag).map((s) =>
      limit(() =>
        client.chat.completions.create({
          model: 'bench-judge',
          messages: [{ role: 'user', content: String(s.response) }],
        }),
      ),
    ),
  );
  return (performance.now() - t0) / 1000;
}

// 1. Throughput through the engine (guard, prompt, parsing, limits, cache bookkeeping included), alternated
// with the baseline so both see the same machine load; best and median of the rounds.
const runtime = new Runtime({ inThread: true });
const sdkTimes: number[] = [];
const engineTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  sdkTimes.push(await bareSdk(`sdk${round}`));
  await server.reset();
  const run = await scoreAll(base, samples(N, `fresh${round}`), runtime);
  const log = await server.log();
  const okCount = run.results.filter((r) => r.status === 'ok').length;
  engineTimes.push(run.seconds);
  console.log(
    `round ${round + 1}: bare SDK ${fmt(sdkTimes.at(-1)!)} s; judge.reference ${fmt(run.seconds)} s ` +
      `(ok ${okCount}/${N}, ${log.chatTimes.length} requests, at most ${log.maxInFlight} in flight)`,
  );
}
{
  const best = (xs: number[]) => Math.min(...xs);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = best(engineTimes) / IDEAL_S;
  console.log(
    `judge.reference: ${N} judgments @${CONCURRENCY}, ${LATENCY_MS} ms latency: best ${fmt(best(engineTimes))} s, ` +
      `median ${fmt(median(engineTimes))} s; ideal ${fmt(IDEAL_S)} s; ratio (best) ${fmt(ratio)} ` +
      `(${ratio <= 1.1 ? 'within' : 'NOT within'} 10%)`,
  );
  console.log(
    `baseline, bare SDK: best ${fmt(best(sdkTimes))} s, median ${fmt(median(sdkTimes))} s, ratio (best) ${fmt(best(sdkTimes) / IDEAL_S)}; ` +
      `engine / bare SDK (best) ${fmt(best(engineTimes) / best(sdkTimes))}`,
  );
}

// 2. Cache: the same 2 000 again, then 2 000 made of 500 distinct samples repeated 4 times.
{
  await server.reset();
  const again = await scoreAll(base, samples(N, 'fresh0'), runtime);
  const againRequests = (await server.log()).chatTimes.length;
  await server.reset();
  const distinct = samples(500, 'repeat');
  const rep = await scoreAll(
    base,
    Array.from({ length: N }, (_, i) => distinct[i % 500]!),
    runtime,
  );
  const repRequests = (await server.log()).chatTimes.length;
  const hits = rep.results.filter((r) => (r.detail?.cached as number) > 0).length;
  console.log(
    `cache: the same ${N} again in ${fmt(again.seconds)} s with ${againRequests} requests; ` +
      `${N} samples of 500 distinct in ${fmt(rep.seconds)} s with ${repRequests} requests, ${hits} answered from the cache`,
  );
}
await runtime.close();

// 3. RPM: 600 judgments at rpm 6000 (one every 10 ms) need ≥ 5.98 s. The gate admits at most rpm starts in
// any 60 s window, hence at most rpm/60 + 1 in any 1 s window; arrivals at the server may add one more
// from network and event-loop jitter, which no client controls.
{
  const rt = new Runtime({ inThread: true });
  const rpm = 6000;
  const n = 600;
  await server.reset();
  // A distinct base URL string gives a separate endpoint (its own limits) on the same server.
  const limited = await scoreAll(
    { ...base, base_url: `${server.url}//v1`, rpm, cache_size: 0 },
    samples(n, 'rpm'),
    rt,
  );
  const times = (await server.log()).chatTimes;
  const worst = busiestWindow(times, 1000);
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  const perMinute = ((times.length - 1) / span) * 60;
  const bound = rpm / 60 + 1;
  const respected = perMinute <= rpm * 1.005 && worst <= bound + 1;
  console.log(
    `rpm ${rpm}: ${n} judgments in ${fmt(limited.seconds)} s (at least ${fmt(((n - 2) * 60) / (rpm - 1))}); ` +
      `arrivals ${perMinute.toFixed(0)}/min (${((perMinute / rpm) * 100).toFixed(1)}% of the limit), ` +
      `busiest 1 s window ${worst} (gate bound ${bound}, +1 for arrival jitter): ${respected ? 'respected' : 'VIOLATED'}`,
  );
  await rt.close();
}

// 4. Master keys against the always-yes judge.
{
  await server.setLatency(0);
  const rt = new Runtime({ inThread: true });
  const probes = MASTER_KEYS.map((response) => ({ prompt: 'What is 2 + 2?', response, reference: '4' }));
  const rewarded = async (guard: boolean) => {
    const { results } = await scoreAll({ ...base, guard, cache_size: 0 }, probes, rt);
    return results.filter((r) => (r.score ?? 0) > 0).length;
  };
  const on = await rewarded(true);
  const off = await rewarded(false);
  console.log(
    `master keys rewarded by an always-yes judge: guard on ${on}/${MASTER_KEYS.length}, guard off ${off}/${MASTER_KEYS.length}`,
  );
  await rt.close();
}

await server.close();
