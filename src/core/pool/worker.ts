/**
 * Worker-thread side of the CPU pool: rebuilds the CPU subtree from its spec, then scores a chunk of
 * samples in order, publishing which sample is in progress so the main thread can end a hang.
 */
import { workerData } from 'node:worker_threads';
import '../../builtins.js';
import { compileNode, createEnv, parseNode } from '../engine/compile.js';
import { type CompiledNode, inThreadExecutor, type RunContext } from '../engine/node.js';
import { loadPlugins } from '../spec/load.js';
import type { RewardResult } from '../types.js';
import { type ChunkTask, PROGRESS_INDEX, PROGRESS_STARTED } from './task.js';

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

export default function scoreChunk(task: ChunkTask): RewardResult[] {
  const node = compiledFor(task.spec);
  const progress = new Float64Array(task.progress);
  const ctx: RunContext = { seed: task.seed, cpu: inThreadExecutor, env, ...(task.step !== undefined && { step: task.step }) };
  const out: RewardResult[] = new Array(task.samples.length);
  for (let i = 0; i < task.samples.length; i++) {
    progress[PROGRESS_INDEX] = i;
    progress[PROGRESS_STARTED] = Date.now();
    out[i] = node.runSync!({ sample: task.samples[i]!, deadline: task.deadlines[i]! }, ctx);
  }
  progress[PROGRESS_STARTED] = 0;
  return out;
}
