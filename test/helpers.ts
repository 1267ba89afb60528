import { resolve } from 'node:path';
import '../src/builtins.js';
import { getReward } from '../src/core/registry.js';
import type { CpuReward } from '../src/core/reward.js';
import { Runtime, type RuntimeOptions, Scorer } from '../src/core/scorer.js';
import { loadPlugins, parseSpec } from '../src/core/spec/load.js';
import type { Outcome, RewardContext, Sample } from '../src/core/types.js';

export const FIXTURE_PLUGIN = resolve(import.meta.dirname, 'fixtures/test-rewards.ts');

/** A runtime with the test rewards loaded in the main thread and its workers. */
export async function testRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  await loadPlugins([FIXTURE_PLUGIN]);
  return new Runtime({ threads: 2, plugins: [FIXTURE_PLUGIN], ...opts });
}

export function scorerFor(runtime: Runtime, reward: unknown, extra: Record<string, unknown> = {}): Scorer {
  return new Scorer(parseSpec({ reward, ...extra }), runtime);
}

export const samples = (...responses: string[]): Sample[] =>
  responses.map((response, i) => ({ id: String(i), response }));

/** Run a CPU reward's pure core directly in this thread, its args validated as a spec would. */
export function callCpuReward(name: string, args: unknown, sample: Sample): Outcome {
  const def = getReward(name) as CpuReward;
  const ctx: RewardContext = { deadline: Date.now() + 60_000, signal: new AbortController().signal, seed: 0 };
  return def.create(def.args.parse(args))(sample, ctx);
}
