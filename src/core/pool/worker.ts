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
import type { RewardResult, Sample } from '../types.js';
import {
  type ChunkResult,
  type ChunkTask,
  controlViews,
  type TextPart,
  type TextReaderModule,
  type TextTask,
} from './task.js';

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

export default function score(task: ChunkTask | TextTask): ChunkResult | Promise<TextPart | null> {
  return 'kind' in task ? scoreText(task) : scoreChunk(task);
}

function contextFor(seed: number, step: number | undefined): RunContext {
  return { seed, cpu: inThreadExecutor, env, ...(step !== undefined && { step }) };
}

/**
 * Run one sample in view of the main thread's watchdog: `progress` is [sample, Date.now() at its start]
 * and, when it has room, [its budget] after them.
 */
function runInView(
  node: CompiledNode,
  sample: Sample,
  i: number,
  budget: number,
  progress: Float64Array,
  ctx: RunContext,
): RewardResult {
  const started = Date.now();
  // Start time last, and cleared first: the watchdog must never pair this sample with an earlier start.
  progress[1] = 0;
  progress[0] = i;
  if (progress.length > 2) progress[2] = budget;
  progress[1] = started;
  return node.runSync!({ sample, timeoutMs: budget, deadline: started + budget }, ctx);
}

function scoreChunk(task: ChunkTask): ChunkResult {
  const node = compiledFor(task.spec);
  const { next, progress } = controlViews(task.control);
  const ctx = contextFor(task.seed, task.step);
  const out: RewardResult[] = [];
  for (;;) {
    const i = Atomics.add(next, 0, 1);
    if (i >= task.samples.length) break;
    out.push(runInView(node, task.samples[i]!, i, task.budgets[i]!, progress, ctx));
  }
  progress[1] = 0;
  return task.encode ? encodeResults(out, task.samples.slice(0, out.length)) : out;
}

const readers = new Map<string, Promise<TextReaderModule>>();

function readerFor(url: string): Promise<TextReaderModule> {
  let reader = readers.get(url);
  if (!reader) {
    reader = import(url).then(
      (m: TextReaderModule) => m,
      (err: unknown) => {
        // Said in words: an import error's own fields do not survive the trip to the main thread.
        throw new Error(`cannot load the reader ${url}: ${(err as Error).message ?? String(err)}`);
      },
    );
    readers.set(url, reader);
  }
  return reader;
}

/**
 * Read a text batch and score the entries this worker claims (after any it is told to score first).
 * Null gives the batch back to the caller: the text cannot be read here, its count differs from the
 * caller's, or it names a spec that is not CPU work.
 */
async function scoreText(task: TextTask): Promise<TextPart | null> {
  const reader = await readerFor(task.reader);
  const read = reader.read(task.text, task.hints);
  if (!read || read.samples.length !== task.count) return null;
  const spec = read.spec ?? task.defaultSpec;
  const entry = task.specs[spec];
  if (!entry) return null;
  const node = compiledFor(entry.node);
  const next = new Int32Array(task.control, 0, 1);
  const progress = new Float64Array(task.progress, 0, 3);
  const ctx = contextFor(entry.seed, read.step);
  const budget = read.timeoutMs ?? entry.timeoutMs;
  const indices: number[] = [];
  const samples: Sample[] = [];
  const out: RewardResult[] = [];
  const run = (i: number) => {
    const sample = read.samples[i];
    if (sample === undefined) return;
    out.push(runInView(node, sample, i, budget, progress, ctx));
    progress[1] = 0; // done: from here to the next sample, nothing is in progress
    indices.push(i);
    samples.push(sample);
  };
  for (const i of task.only ?? []) run(i);
  for (;;) {
    const i = Atomics.add(next, 0, 1);
    if (i >= task.count) break;
    run(i);
  }
  progress[1] = 0;
  const absent: number[] = [];
  read.samples.forEach((s, i) => {
    if (s === undefined) absent.push(i);
  });
  const part = {
    spec,
    meta: read.meta,
    indices,
    absent,
    echoed: (task.echo ?? []).map((i) => read.samples[i]!),
  };
  // Every entry scored here, in entry order (no other worker claimed one): the batch can be finished here.
  const whole = task.only === undefined && indices.length + absent.length === task.count;
  return whole && reader.finish
    ? { ...part, finished: reader.finish(read, spec, indices, out) }
    : { ...part, results: encodeResults(out, samples) };
}
