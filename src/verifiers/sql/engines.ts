/**
 * A pool of SQL engine processes (child.ts), shared by every sql reward of a runtime. Each process runs one
 * query at a time; a query that passes its time limit has its process killed (SIGKILL) and replaced, so no
 * query can outlive its deadline: not a recursive CTE that never ends, not a cartesian product. A worker
 * thread would not do: terminating a thread does not stop SQLite's native code (the thread, and with it
 * the process' exit, hangs until the query ends). Memory is capped per process with RLIMIT_DATA.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { QueryRequest, QueryResponse } from './protocol.js';

export interface EnginePoolOptions {
  /** Engine processes (default: the number of cores, at most 8). */
  processes?: number;
  /** Data segment limit of each process in MiB (default 1024): larger allocations fail inside the engine. */
  memoryMb?: number;
}

/** What running a query came to: an answer, its time limit passing, or its process dying. */
export type EngineOutcome =
  | { kind: 'answer'; response: QueryResponse }
  | { kind: 'timeout' }
  | { kind: 'crashed'; reason: string };

interface Engine {
  proc: ChildProcess;
  /** Started and loaded (it says so with a `ready` message); a process's start-up is no query's time. */
  ready: boolean;
  busy: boolean;
  /** Settles the query in flight, if any. */
  settle?: (o: EngineOutcome) => void;
  /** Called when the query in flight has its database open and starts. */
  started?: (id: number) => void;
}

interface Job {
  req: Omit<QueryRequest, 'id'>;
  /** Time limit of the query itself, counted from when the engine has opened the database. */
  limitMs: number;
  /** Absolute time (ms since epoch) by which it must be over, opening included. */
  deadline: number;
  resolve: (o: EngineOutcome) => void;
}

/** Messages from an engine process: loaded, the database of query `id` is open and the query starts, or an answer. */
type EngineMessage = { ready: true } | { started: number } | QueryResponse;

const here = new URL(import.meta.url);
const fromSource = here.pathname.endsWith('.ts');
const entry = fileURLToPath(new URL(fromSource ? './child-dev.mjs' : './child.js', here));

/** Every live engine process, killed when this process exits (an orphan could be mid-query forever). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class SqlEnginePool {
  private readonly engines: Engine[] = [];
  private readonly queue: Job[] = [];
  private readonly size: number;
  private readonly memoryKb: number;
  private nextId = 1;
  private closed = false;
  /** Processes killed at a query's time limit, for the benchmark and metrics. */
  killed = 0;

  constructor(o: EnginePoolOptions = {}) {
    this.size = Math.max(1, o.processes ?? Math.min(8, availableParallelism()));
    this.memoryKb = (o.memoryMb ?? 1024) * 1024;
  }

  /**
   * Run one query: `limitMs` from when its database is open (opening a database, or loading a fixture
   * script into PGlite, is not the query's time), and in any case over by `deadline`.
   */
  run(req: Omit<QueryRequest, 'id'>, limitMs: number, deadline: number): Promise<EngineOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'crashed', reason: 'the SQL engine pool is closed' });
    return new Promise((resolve) => {
      this.queue.push({ req, limitMs, deadline, resolve });
      this.dispatch();
    });
  }

  private spawnEngine(): Engine {
    // The limit is set by the shell before node starts, so it holds for everything the process allocates.
    const proc = spawn(
      '/bin/sh',
      ['-c', `ulimit -d ${this.memoryKb} && exec "$0" "$@"`, process.execPath, entry],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' },
    );
    const engine: Engine = { proc, ready: false, busy: false };
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    proc.on('message', (msg: EngineMessage) => {
      if ('ready' in msg) {
        engine.ready = true;
        this.dispatch();
        return;
      }
      if ('started' in msg) {
        engine.started?.(msg.started);
        return;
      }
      const settle = engine.settle;
      engine.settle = undefined;
      engine.busy = false;
      settle?.({ kind: 'answer', response: msg });
      this.dispatch();
    });
    live.add(proc);
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      this.remove(engine);
      const settle = engine.settle;
      engine.settle = undefined;
      const last = stderr.trim().split('\n').at(-1) ?? '';
      const how = `${signal ?? `exit ${code}`}${last ? `: ${last}` : ''}`;
      settle?.({ kind: 'crashed', reason: `the SQL engine process ended (${how})` });
      // One that never got ready would be started again and again: the queries waiting fail instead.
      if (!engine.ready && !this.closed) {
        for (const job of this.queue.splice(0))
          job.resolve({ kind: 'crashed', reason: `the SQL engine process could not start (${how})` });
      }
      this.dispatch();
    });
    proc.on('error', () => {}); // 'exit' follows and settles
    proc.unref();
    (proc.channel as { unref?: () => void } | undefined)?.unref?.();
    this.engines.push(engine);
    return engine;
  }

  private remove(engine: Engine): void {
    const i = this.engines.indexOf(engine);
    if (i >= 0) this.engines.splice(i, 1);
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const engine = this.engines.find((e) => e.ready && !e.busy);
      if (!engine) {
        // Start processes up to the pool size, one per waiting query; a loading one counts.
        const loading = this.engines.filter((e) => !e.ready).length;
        if (this.engines.length < this.size && loading < this.queue.length) this.spawnEngine();
        return;
      }
      const job = this.queue.shift()!;
      // A query whose sample ran out of time while it waited is not run: its caller has moved on.
      if (Date.now() >= job.deadline) job.resolve({ kind: 'timeout' });
      else this.start(engine, job);
    }
  }

  private start(engine: Engine, job: Job): void {
    engine.busy = true;
    const id = this.nextId++;
    let timer: NodeJS.Timeout;
    const expire = () => {
      if (engine.settle !== settle) return;
      engine.settle = undefined;
      engine.started = undefined;
      this.killed++;
      this.remove(engine);
      engine.proc.kill('SIGKILL');
      job.resolve({ kind: 'timeout' });
      this.dispatch();
    };
    const settle = (o: EngineOutcome) => {
      clearTimeout(timer);
      engine.started = undefined;
      job.resolve(o);
    };
    timer = setTimeout(expire, Math.max(0, job.deadline - Date.now()));
    engine.started = (started) => {
      if (started !== id) return;
      clearTimeout(timer);
      timer = setTimeout(expire, Math.max(0, Math.min(job.limitMs, job.deadline - Date.now())));
    };
    engine.settle = settle;
    engine.proc.send({ ...job.req, id });
  }

  /** Kill every engine process; queued queries end as crashed. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.resolve({ kind: 'crashed', reason: 'the SQL engine pool closed' });
    for (const e of this.engines.splice(0)) {
      e.settle?.({ kind: 'crashed', reason: 'the SQL engine pool closed' });
      e.settle = undefined;
      e.proc.kill('SIGKILL');
    }
  }
}
