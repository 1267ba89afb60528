/**
 * Judges bench: 2 000 judgments at concurrency 64 against a local OpenAI-compatible server (its own
 * process) with 200 ms latency, compared with the ideal 2 000 × 0.2 s / 64 and with bare SDK calls (same
 * server, same concurrency, no engine) measured in the same run; then RPM spacing, the cache on repeated
 * samples, the master-key rate with the guard on and off, and process rewards: calls per 10-step solution for
 * `prm` against the `steps` node.   Run: npm run bench:judges
 */
import OpenAI from 'openai';
import pLimit from 'p-limit';
import type { Sample } from '../src/core/types.js';
import '../src/credit/shaping/index.js';
import { EVAL_MASTER_KEYS } from '../src/eval/master-keys.js';
import { parseSpec, Runtime, Scorer } from '../test/judges/engine.js';
import { delimited, scripts, startFakeServer } from '../test/judges/fake-openai-server.js';
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

// 5. Process rewards: 10-step solutions scored by today's `steps` node (the judge once per step) and by
// `prm` (every step in one call), generative and through vLLM's /pooling, against an in-process fake server
// answering in each protocol with 50 ms latency. The figure is calls per solution; wall time alongside.
{
  const SOLUTIONS = 200;
  const STEPS = 10;
  const fake = await startFakeServer({
    latencyMs: 50,
    chat: (req) => {
      const block = delimited(req.user, 'STEPS');
      if (block === undefined) return 'Fine.\nVERDICT: 8';
      const n = block.split(/\n\n(?=Step \d+:)/).length;
      return Array.from({ length: n }, (_, k) => `Step ${k + 1}: correct`).join('\n');
    },
    pooling: (body) => {
      const text = (body.messages as { role: string; content: string }[]).at(-1)!.content;
      return {
        data: [
          {
            index: 0,
            data: text
              .split('<extra_0>')
              .slice(1)
              .map(() => [0.1, 0.9]),
          },
        ],
      };
    },
  });
  const solutions: Sample[] = Array.from({ length: SOLUTIONS }, (_, i) => {
    const steps = Array.from(
      { length: STEPS },
      (_, k) => `Step ${k + 1}: from ${i + k} we get ${i + k + 1}.`,
    );
    return { prompt: `Count from ${i}.`, response: steps.join('\n'), steps };
  });
  const judgeArgs = { base_url: fake.baseURL, model: 'critic', max_concurrency: CONCURRENCY, cache_size: 0 };
  const variants: [string, unknown][] = [
    ['steps node + judge (baseline)', { steps: { use: 'judge', args: judgeArgs }, aggregate: 'min' }],
    ['prm, generative (api: chat)', { use: 'prm', args: { ...judgeArgs, api: 'chat' } }],
    ['prm, vLLM /pooling', { use: 'prm', args: { ...judgeArgs, base_url: fake.url, model: 'prm' } }],
  ];
  const calls: number[] = [];
  for (const [label, reward] of variants) {
    const rt = new Runtime({ inThread: true });
    const before = fake.log.length;
    const t0 = performance.now();
    const results = await new Scorer(parseSpec({ reward, timeout_ms: 600_000 }), rt).score(solutions);
    const seconds = (performance.now() - t0) / 1000;
    const n = fake.log.length - before;
    calls.push(n);
    const okCount = results.filter((r) => r.status === 'ok').length;
    console.log(
      `${label}: ${SOLUTIONS} solutions × ${STEPS} steps: ${n} calls (${fmt(n / SOLUTIONS)} per solution), ` +
        `${fmt(seconds)} s, ok ${okCount}/${SOLUTIONS}`,
    );
    await rt.close();
  }
  console.log(
    `prm calls vs the steps node: generative ${fmt(calls[0]! / calls[1]!)}× fewer, pooling ${fmt(calls[0]! / calls[2]!)}× fewer ` +
      `(${calls[0]! / Math.max(calls[1]!, calls[2]!) >= 5 ? 'meets' : 'DOES NOT meet'} the 5× target)`,
  );

  // 6. The eval master keys (src/eval/master-keys.ts, worded apart from the probes) against an always-yes
  // judge: how many the judges' guard stops without a call, with the guard on and off.
  const yes = await startFakeServer({ chat: scripts.alwaysYes });
  for (const guard of [true, false]) {
    const rt = new Runtime({ inThread: true });
    const scorer = new Scorer(
      parseSpec({
        reward: {
          use: 'judge.reference',
          args: { base_url: yes.baseURL, model: 'yes', guard, cache_size: 0 },
        },
      }),
      rt,
    );
    const probes = EVAL_MASTER_KEYS.map((response) => ({
      prompt: 'What is 2 + 2?',
      response,
      reference: '4',
    }));
    const rewarded = (await scorer.score(probes)).filter((r) => (r.score ?? 0) > 0).length;
    console.log(
      `eval master keys rewarded by an always-yes judge: guard ${guard ? 'on' : 'off'} ${rewarded}/${EVAL_MASTER_KEYS.length}`,
    );
    await rt.close();
  }
  await yes.close();
  await fake.close();
}
