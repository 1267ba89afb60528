import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pLimit, { type LimitFunction } from 'p-limit';
import { checkBwrap } from './bwrap.js';
import { cgroupSupport } from './cgroup.js';
import { toRunResult } from './classify.js';
import { runCold } from './cold.js';
import { warnIfPerProcessLimits } from './enforcement.js';
import { type Job, type JobFile, type RawReport, safeRelativePath, sandboxFailure } from './job.js';
import { findProfile, type LanguageProfile, languageNames } from './profiles.js';
import type { CompileResult, Limits, RunRequest, RunResult, Sandbox } from './types.js';
import { DEFAULT_LIMITS } from './types.js';
import { mayJudge, WarmPool, warmProgramSha } from './warm.js';

export interface SandboxOptions {
  /**
   * Executions at once; defaults to one more than the number of cores, so that a core never waits
   * while the host hands the next job to an idle server (measured: 252 -> 291 programs/s on 2 cores).
   */
  concurrency?: number;
  /** Run Python on the warm fork server (default true). */
  warm?: boolean;
  /**
   * Keep each warm job's processes (its server, judge and program) on one CPU while it runs, the one
   * the server was woken on (default true): they take turns, and wakeups across CPUs cost more than
   * the job's own work on a VM (see pin_job in runner-py.ts). A judged worker then starts with one CPU
   * in its affinity mask (and may widen it); a plain program gets the server's whole set back as it
   * starts, as on the cold path.
   */
  pinCpu?: boolean;
  /** Limits used when a request leaves one out. */
  limits?: Partial<Limits>;
  /** Compiled artifacts kept (by content hash). */
  compileCacheSize?: number;
  /** Runs programs directly on the host, as this user, with only rlimits. Never for untrusted code. */
  UNSAFE_noIsolation?: boolean;
}

/** A program stopped at a shortened wall limit that used less CPU than this share of it was idling. */
const IDLE_CPU_SHARE = 0.25;

const COMPILE_LIMITS: Limits = {
  cpuMs: 30_000,
  wallMs: 60_000,
  memoryMb: 2048,
  // javac and go build run a JVM / many goroutine threads (each counts against the process limit).
  processes: 64,
  outputBytes: 64 << 10,
  fileBytes: 64 << 20,
  diskBytes: 256 << 20,
};

type CompileOutcome =
  | { artifact: string; result: CompileResult }
  | { artifact?: undefined; result: CompileResult };

/** Bubblewrap-isolated execution with a concurrency cap, a warm Python path and a compile cache. */
export class BwrapSandbox implements Sandbox {
  private readonly limit: LimitFunction;
  private readonly defaults: Limits;
  private readonly warm: WarmPool | undefined;
  private readonly compiled = new Map<string, Promise<CompileOutcome>>();
  private closed = false;

  constructor(private readonly opts: SandboxOptions = {}) {
    const concurrency = opts.concurrency ?? availableParallelism() + 1;
    this.limit = pLimit(concurrency);
    this.defaults = { ...DEFAULT_LIMITS, ...opts.limits };
    this.warm =
      opts.warm === false || opts.UNSAFE_noIsolation
        ? undefined
        : new WarmPool(concurrency, opts.pinCpu ?? true);
    if (!opts.UNSAFE_noIsolation) warnIfPerProcessLimits();
    if (opts.UNSAFE_noIsolation) {
      process.emitWarning(
        'Assay sandbox: UNSAFE_noIsolation is set, programs run on the host without isolation',
      );
    }
  }

  run(req: RunRequest): Promise<RunResult> {
    const limits = { ...this.defaults, ...req.limits };
    const fail = (message: string) => toRunResult(sandboxFailure(message), limits, 'cold');
    if (this.closed) return Promise.resolve(fail('sandbox closed'));
    const profile = findProfile(req.language);
    if (!profile)
      return Promise.resolve(
        fail(`unknown language "${req.language}" (known: ${languageNames().join(', ')})`),
      );
    for (const path of [...Object.keys(req.files ?? {}), ...(req.fetchFiles ?? [])]) {
      if (!safeRelativePath(path))
        return Promise.resolve(fail(`file path "${path}" must be relative, without ".."`));
    }
    if (!this.opts.UNSAFE_noIsolation) {
      const available = checkBwrap();
      if (!available.ok) return Promise.resolve(fail(available.message!));
    }
    return this.execute(profile, req, limits);
  }

  private async execute(profile: LanguageProfile, req: RunRequest, limits: Limits): Promise<RunResult> {
    let code = req.code;
    const files: Record<string, JobFile> = {};
    for (const [path, data] of Object.entries(req.files ?? {})) files[path] = { data };
    let compile: CompileResult | undefined;
    if (profile.transform) {
      try {
        code = profile.transform(code);
      } catch (err) {
        const message = (err as Error).message;
        const result: CompileResult = {
          status: 'runtime_error',
          cached: false,
          stdout: '',
          stderr: message,
          exitCode: 1,
          wallMs: 0,
        };
        return {
          ...toRunResult(
            { ...sandboxFailure(''), sandboxError: undefined, exitCode: 1, stderr: message },
            limits,
            'cold',
          ),
          compile: result,
          message: 'compilation failed',
        };
      }
    }
    if (profile.compile) {
      const outcome = await this.compile(profile, code, req.signal, req.compileWallMs);
      compile = outcome.result;
      if (outcome.artifact === undefined) {
        return {
          status: compile.status,
          exitCode: compile.exitCode,
          signal: null,
          stdout: '',
          stderr: compile.stderr,
          cpuMs: 0,
          wallMs: compile.wallMs,
          maxRssKb: 0,
          compile,
          message: compile.status === 'sandbox_error' ? compile.stderr : 'compilation failed',
          engine: 'cold',
        };
      }
      files[profile.compile.artifact] = { data: outcome.artifact, b64: true, mode: 0o755 };
    } else {
      files[profile.main] = { data: code };
    }
    const job: Job = {
      files,
      stdin: req.stdin ?? '',
      args: req.args ?? [],
      ...(req.fetchFiles?.length && { fetch: req.fetchFiles }),
      limits: { ...limits, asBytes: addressSpace(profile, limits.memoryMb) },
    };
    // The warm path sends back no files: a run that fetches some takes the cold one.
    const useWarm = profile.warm && this.warm !== undefined && !req.fetchFiles?.length;
    let ran = limits;
    // Time the program would have had, had a slot been free now (compiling is the sample's own work).
    const queued = Date.now();
    const wanted =
      req.deadline === undefined ? limits.wallMs : Math.min(limits.wallMs, req.deadline - queued);
    let waitedMs = 0;
    const raw = await this.limit(() => {
      if (req.signal?.aborted) return Promise.resolve(aborted());
      // The program's clock starts now, when it has a slot: cut its limits to what the deadline leaves.
      if (req.deadline !== undefined) {
        waitedMs = Date.now() - queued;
        const left = Math.floor(req.deadline - Date.now());
        if (left <= 0)
          return Promise.resolve(
            sandboxFailure(`the deadline passed before a sandbox slot was free (waited ${waitedMs} ms)`),
          );
        if (left < limits.wallMs || left < limits.cpuMs) {
          ran = { ...limits, wallMs: Math.min(limits.wallMs, left), cpuMs: Math.min(limits.cpuMs, left) };
          job.limits = { ...job.limits, wallMs: ran.wallMs, cpuMs: ran.cpuMs };
        }
      }
      if (useWarm) {
        const sha = warmProgramSha(code);
        const judged = mayJudge(req.judge, sha);
        return this.warm!.run(
          { ...job, main: profile.main, ...(sha && { sha }), ...(judged && { judged }) },
          req.signal,
        );
      }
      return runCold(
        { ...job, cmd: profile.run(job.args ?? [], ran.memoryMb) },
        this.coldOpts(req.signal, profile),
      );
    });
    let result = toRunResult(raw, ran, useWarm ? 'warm' : 'cold');
    // Stopped at a limit that waiting for a slot had shortened: nothing is known about the program, so
    // this is the sandbox's failure, never the program's zero. Unless it had already run for its whole
    // CPU limit in wall-clock time: no machine could have given it more CPU than that, so only waiting
    // (a `sleep`, a blocked read) or load kept it going, and a program that idles until the sample's
    // deadline must not turn its failure into an error by being queued for a moment. Nor when it spent
    // most of the time it had idle (CPU under a quarter of its wall time, where a computing program gets
    // at least two thirds of a core): else "sleep when unsure" would get a wrong program dropped from
    // training instead of penalised whenever the batch is queued.
    const idle = result.cpuMs < IDLE_CPU_SHARE * result.wallMs;
    if (result.status === 'timeout' && ran.wallMs < wanted - 50 && ran.wallMs < limits.cpuMs && !idle) {
      result = {
        ...result,
        status: 'sandbox_error',
        message: `stopped after ${ran.wallMs} ms of its ${Math.round(wanted)} ms: ${waitedMs} ms went waiting for a sandbox slot`,
      };
    }
    if (raw.fetched) result.files = raw.fetched;
    return compile ? { ...result, compile } : result;
  }

  private coldOpts(signal: AbortSignal | undefined, profile: LanguageProfile) {
    return {
      ...(signal && { signal }),
      ...(this.opts.UNSAFE_noIsolation && { unsafe: true }),
      ...(profile.binds && { binds: profile.binds() }),
    };
  }

  /** Compile inside a sandbox (compilers parse untrusted input too), once per distinct source. */
  private compile(
    profile: LanguageProfile,
    code: string,
    signal?: AbortSignal,
    wallMs?: number,
  ): Promise<CompileOutcome> {
    const limits =
      wallMs === undefined ? COMPILE_LIMITS : { ...COMPILE_LIMITS, wallMs, cpuMs: Math.ceil(wallMs / 2) };
    const spec = profile.compile!;
    const key = createHash('sha256')
      .update(JSON.stringify([spec.cmd, code]))
      .digest('hex');
    const hit = this.compiled.get(key);
    if (hit) {
      this.compiled.delete(key); // re-insert: Map order is our LRU order
      this.compiled.set(key, hit);
      return hit.then((o) => ({ ...o, result: { ...o.result, cached: true } }));
    }
    const job: Job = {
      files: { [profile.main]: { data: code } },
      cmd: spec.cmd,
      stdin: '',
      emit: spec.artifact,
      limits: { ...limits, asBytes: addressSpace(profile, limits.memoryMb) },
    };
    const work = this.limit(() => runCold(job, this.coldOpts(signal, profile))).then(
      (raw): CompileOutcome => {
        const run = toRunResult(raw, limits, 'cold');
        const result: CompileResult = {
          status: run.status,
          cached: false,
          stdout: run.stdout,
          stderr: run.status === 'sandbox_error' ? (run.message ?? run.stderr) : run.stderr,
          exitCode: run.exitCode,
          wallMs: run.wallMs,
        };
        if (run.status === 'ok' && raw.artifact !== undefined) return { artifact: raw.artifact, result };
        if (run.status === 'ok') result.status = 'sandbox_error';
        return { result };
      },
    );
    this.compiled.set(key, work);
    // Failures from aborts or the sandbox itself are not facts about the source: do not keep them.
    void work.then((o) => {
      if (o.artifact === undefined && o.result.status !== 'runtime_error') this.compiled.delete(key);
    });
    while (this.compiled.size > (this.opts.compileCacheSize ?? 512))
      this.compiled.delete(this.compiled.keys().next().value!);
    return work;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.limit.clearQueue();
    await this.warm?.close();
  }
}

/**
 * RLIMIT_AS for a program (0: none). Where the sandbox's cgroup holds memory for the whole program,
 * runtimes that reserve far more address space than they touch (V8, the JVM, Go) get no address-space
 * limit at all; the others keep one at the memory limit, which makes their allocations fail cleanly
 * (MemoryError, bad_alloc) before the cgroup's OOM killer would act.
 */
function addressSpace(profile: LanguageProfile, memoryMb: number): number {
  if (profile.memoryHeadroomMb > 0 && cgroupSupport().kind !== 'none') return 0;
  return (memoryMb + profile.memoryHeadroomMb) * 1024 * 1024;
}

const aborted = (): RawReport => ({ ...sandboxFailure(''), sandboxError: undefined, timedOut: true });
