/**
 * Worker-thread side of the CPU pool: rebuilds the CPU subtree from its spec, then claims and scores
 * the samples of a chunk one by one, publishing which one is in progress so the main thread can end
 * a hang (by terminating this worker) or take the unstarted rest to another worker.
 */
import { workerData } from 'node:worker_threads';
import '../../builtins.js';
import { encodeResults } from '../encoded.js';
import { compileNode, createEnv, parseNode } from '../engine/compile.js';
import { type CompiledNode, inThreadExecutor, type RunContext } from '../engine/node.js';
import { loadPlugins } from '../spec/load.js';
import type { RewardResult } from '../types.js';
import { type ChunkResult, type ChunkTask, controlViews } from './task.js';

await loadPlugins((workerData as { plugins?: string[] } | undefined)?.plugins ?? []);

const env = createEnv();
const compiled = new Map<string, CompiledNode>();

function compiledFor(spec: string): CompiledNode {
  let node = compiled.get(spec);
  if (!node) {
    node = compileNode(parseNode(JSON.parse(spec)), env);
    if (!node.runSync) throw new Error(`node "${node.name}" is not CPU work and cannot run in a worker`);
    compiled.set(spec, node);
  }
  return node;
}

export default function scoreChunk(task: ChunkTask): ChunkResult {
  const node = compiledFor(task.spec);
  const { next, progress } = controlViews(task.control);
  const ctx: RunContext = {
    seed: task.seed,
    cpu: inThreadExecutor,
    env,
    ...(task.step !== undefined && { step: task.step }),
  };
  const out: RewardResult[] = [];
  for (;;) {
    const i = Atomics.add(next, 0, 1);
    if (i >= task.samples.length) break;
    const started = Date.now();
    progress[0] = i;
    progress[1] = started;
    out.push(
      node.runSync!(
        { sample: task.samples[i]!, timeoutMs: task.budgets[i]!, deadline: started + task.budgets[i]! },
        ctx,
      ),
    );
  }
  progress[1] = 0;
  return task.encode ? encodeResults(out, task.samples.slice(0, out.length)) : out;
}
