import { resolve } from 'node:path';
import '../src/builtins.js';
import { Runtime, type RuntimeOptions, Scorer } from '../src/core/scorer.js';
import { loadPlugins, parseSpec } from '../src/core/spec/load.js';
import type { Sample } from '../src/core/types.js';

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
