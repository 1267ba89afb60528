import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { bwrapCommand } from './bwrap.js';
import { type JobCgroup, newCgroup } from './cgroup.js';
import { limitCgroup } from './cold.js';
import { frame, type Job, type RawReport, sandboxFailure } from './job.js';
import { RUNNER_PY, SERVER_BOOT } from './runner-py.js';
import { seccompBase64 } from './seccomp.js';

const HOST_GRACE_MS = 3000;
const MAC_BYTES = 32;

/** Well-known Python programs (test harnesses) by sha256, compiled once by each warm server. */
const warmPrograms = new Map<string, string>();
/** The same programs' sha256 by source: a run is recognised without hashing its source (35 KB for the
 * harness, about 40 µs a run) by a map lookup, which for the same string object is a pointer compare. */
const warmShas = new Map<string, string>();

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Warm programs with a worker mode (see registerWarmProgram). */
const workerPrograms = new Set<string>();

/**
 * What registerWarmProgram returns: the capability to have runs judged by the program's judge
 * (RunRequest.judge). Only the module that registered the program holds it; it cannot be sent over
 * HTTP or forged from a request.
 */
export class WarmProgram {
  /** @internal */
  constructor(readonly sha: string) {}
}

/**
 * Declare a Python program that will run often (a test harness): warm servers started afterwards
 * compile it once, and runs whose code is exactly this source skip the compile. `workerMode`: the
 * program is a judge and its workers (harness-py.ts): run once define-only (`__assay_prepare__` set),
 * it defines `assay_judge(fd)`, which takes job after job (the job's stdin, report pipes and first
 * worker arrive on the socket fd) and judges those whose tests are pure itself, refusing the others
 * (which then run as plain programs in their own execution), and `assay_worker(fd)`, which
 * serves the judge on a channel; each warm server keeps one judge of it, and the job's execution
 * becomes its worker (Judge in runner-py.ts). `main.py --worker FD` is the same worker from a fresh
 * interpreter. Only runs that pass the returned WarmProgram as `judge` are judged so; any other run of
 * the same source (a caller of /run_code) is a plain program in its own execution.
 */
export function registerWarmProgram(source: string, opts: { workerMode?: boolean } = {}): WarmProgram {
  const sha = sha256(source);
  warmPrograms.set(sha, source);
  warmShas.set(source, sha);
  if (opts.workerMode) workerPrograms.add(sha);
  return new WarmProgram(sha);
}

/** Whether a run may be judged by the judge of `program` (see RunRequest.judge). */
export const mayJudge = (program: unknown, sha: string | undefined): boolean =>
  program instanceof WarmProgram && program.sha === sha && workerPrograms.has(sha);

/** The sha256 of `code` when it is a registered warm program, else undefined. */
export const warmProgramSha = (code: string): string | undefined => warmShas.get(code);
/** The server's own /tmp; each execution mounts its own /work inside its namespaces. */
const SERVER_DISK = 1 << 20;

const killedReport = (started: number): RawReport => ({
  ...sandboxFailure(''),
  sandboxError: undefined,
  timedOut: true,
  wallMs: performance.now() - started,
});

/**
 * A fork server's report of one execution: `D <id> <header len> <stdout len> <stderr len>\n`, the
 * header JSON, the raw stdout and stderr, then an HMAC-SHA256 of all of that under the job's own key.
 * Returns the report and how many bytes of buf it took, undefined while it is incomplete, or why it is
 * refused (nothing else may come from a server: the caller kills it).
 */
export function parseWarmReport(
  buf: Buffer,
  key: Buffer,
): { report: RawReport; length: number } | string | undefined {
  const nl = buf.indexOf(10);
  if (nl < 0) return buf.length > 80 ? 'unreadable report from the fork server' : undefined;
  const [tag, , ...lengths] = buf.subarray(0, nl).toString('latin1').split(' ');
  const [head, out, err] = lengths.map(Number) as [number, number, number];
  if (
    tag !== 'D' ||
    lengths.length !== 3 ||
    ![head, out, err].every((n) => Number.isSafeInteger(n) && n >= 0)
  )
    return 'unreadable report from the fork server';
  const end = nl + 1 + head + out + err;
  if (buf.length < end + MAC_BYTES) return undefined;
  const mac = createHmac('sha256', key).update(buf.subarray(0, end)).digest();
  if (!timingSafeEqual(mac, buf.subarray(end, end + MAC_BYTES)))
    return 'report from the fork server failed authentication';
  const at = nl + 1 + head;
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.subarray(nl + 1, at).toString());
  } catch {
    return 'unreadable report from the fork server';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'unreadable report from the fork server';
  const report = {
    ...(parsed as RawReport),
    stdout: buf.subarray(at, at + out).toString(),
    stderr: buf.subarray(at + out, end).toString(),
  };
  return { report, length: end + MAC_BYTES };
}

/**
 * A warm Python interpreter inside its own bubblewrap sandbox that runs one job at a time, forking an
 * isolated executor for it (see runner-py.ts for what the executor unshares). Saves the interpreter
 * start and the imports, the dominant cost of short programs. When a job overruns its deadline or is
 * aborted, the whole server is killed (its sandbox with it) and the next job starts a fresh one.
 */
class ForkServer {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private current: { resolve: (r: RawReport) => void; cap: number; key: Buffer } | undefined;
  private nextId = 0;
  /** The server's cgroup (all its executions share it, one at a time); limits are set per job. */
  private cg: JobCgroup | undefined;
  /** The warm programs this server was started with (it has their source and compiled code). */
  private programs = new Set<string>();

  /** pinCpu: keep each job's processes on one CPU (see pin_job in runner-py.ts). */
  constructor(private readonly pinCpu = true) {}

  private start(): Promise<void> {
    const inner = bwrapCommand({
      diskBytes: SERVER_DISK,
      asPid1: false,
      inner: ['/usr/bin/python3', '-S', '-c', SERVER_BOOT, 'serve', RUNNER_PY],
    });
    let init: Buffer;
    try {
      init = frame({
        programs: Object.fromEntries(warmPrograms),
        workers: [...workerPrograms],
        seccomp: seccompBase64(),
        seccomp_zygote: seccompBase64('zygote'),
        seccomp_execution: seccompBase64('execution'),
        pinCpu: this.pinCpu,
      });
      this.cg = newCgroup();
      this.programs = new Set(warmPrograms.keys());
    } catch (err) {
      return Promise.reject(err);
    }
    const argv = this.cg ? this.cg.enter(inner) : inner;
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: {} });
    this.child = child;
    this.buf = Buffer.alloc(0);
    // An idle server must not keep the process alive (a running job holds its own timer).
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as unknown as { unref?: () => void }).unref?.();
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 8192) stderr += d.toString();
    });
    child.stdin!.on('error', () => {});
    child.stdin!.write(init);
    const ready = new Promise<void>((resolve, reject) => {
      let isReady = false;
      child.stdout!.on('data', (d: Buffer) => {
        if (this.child !== child) return;
        this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
        // Bounded like every read from a sandbox: a report is at most its header and the output cap.
        if (this.buf.length > (this.current?.cap ?? 64 << 10)) {
          this.kill();
          this.finish(sandboxFailure('the fork server sent more than a report can hold'));
          return;
        }
        if (!isReady) {
          const nl = this.buf.indexOf(10);
          if (nl < 0) return;
          if (this.buf.subarray(0, nl).toString() !== 'READY')
            return reject(new Error('fork server did not start'));
          isReady = true;
          this.buf = this.buf.subarray(nl + 1);
          resolve();
        }
        this.drain();
      });
      child.on('error', reject);
      child.on('exit', (code, sig) => {
        const why = `fork server exited (${code ?? sig}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
        if (!isReady) reject(new Error(why));
        if (this.child !== child) return;
        this.kill();
        this.finish(sandboxFailure(why));
      });
    });
    this.ready = ready;
    ready.catch(() => {
      if (this.child === child) this.kill();
    });
    return ready;
  }

  /** The current job's report, once all of it has arrived (see parseWarmReport). */
  private drain(): void {
    if (this.buf.length === 0) return;
    const key = this.current?.key;
    const got = key ? parseWarmReport(this.buf, key) : 'a report from the fork server with no job running';
    if (got === undefined) return;
    if (typeof got === 'string') {
      this.kill();
      this.finish(sandboxFailure(got));
      return;
    }
    this.buf = this.buf.subarray(got.length);
    this.finish(got.report);
  }

  private finish(report: RawReport): void {
    const current = this.current;
    this.current = undefined;
    current?.resolve(report);
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    child?.kill('SIGKILL');
    // Everything the server and its execution started, whatever they did to themselves.
    void this.cg?.remove();
    this.cg = undefined;
  }

  async run(job: Job, signal?: AbortSignal): Promise<RawReport> {
    // The servers are unref'd; a job in flight keeps the process alive until it is answered.
    const hold = setInterval(() => {}, 1 << 30);
    try {
      return await this.runHeld(job, signal);
    } finally {
      clearInterval(hold);
    }
  }

  private async runHeld(job: Job, signal?: AbortSignal): Promise<RawReport> {
    const started = performance.now();
    try {
      await (this.ready ?? this.start());
    } catch (err) {
      return sandboxFailure(`cannot start the Python fork server: ${(err as Error).message}`);
    }
    const child = this.child;
    if (!child?.stdin) return sandboxFailure('fork server not running');
    const cg = this.cg;
    if (cg) {
      try {
        limitCgroup(cg, job.limits);
      } catch (err) {
        this.kill(); // the next job starts a fresh server with a fresh group
        return sandboxFailure(`cannot set the sandbox's cgroup limits: ${(err as Error).message}`);
      }
    }
    // Given up before it started: nothing runs, and the server stays warm for the next job.
    if (signal?.aborted) return killedReport(started);
    // The server pumps stdin and enforces the wall and output limits itself, so those travel in the
    // header: it never parses the job (only the execution does, in its own memory).
    const { stdin, ...rest } = job;
    // A warm program the server has (a harness, ~35 KB) is not sent again with every job.
    if (job.sha && this.programs.has(job.sha) && job.main && job.files[job.main])
      rest.files = { ...job.files, [job.main]: { data: '', warm: true } };
    const body = Buffer.from(JSON.stringify(rest));
    const input = Buffer.from(stdin);
    // The program whose judge runs this job (its execution becomes the worker), or '-'.
    const judged = job.judged && job.sha && workerPrograms.has(job.sha) ? job.sha : '-';
    // A fresh key per job authenticates its report. The execution that runs the job was cloned from the
    // server before the server read this header, so no program ever holds its own job's key.
    const key = randomBytes(32);
    const header = `R ${this.nextId++} ${body.length} ${input.length} ${job.limits.wallMs} ${job.limits.outputBytes} ${judged} ${job.limits.cpuMs} ${job.limits.memoryMb}\n`;
    return new Promise<RawReport>((resolve) => {
      const onAbort = () => {
        this.kill();
        this.finish(killedReport(started));
      };
      const timer = setTimeout(onAbort, job.limits.wallMs + HOST_GRACE_MS);
      this.current = {
        cap: (64 << 10) + 2 * (job.limits.outputBytes + 1) + MAC_BYTES,
        key,
        resolve: (r) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          // One job at a time in the group: an OOM kill since the last job's was in this one.
          if (cg?.oomKilledSinceLast()) r.oomKilled = true;
          resolve(r);
        },
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      // The header's length first (4 digits), so the server reads the line in one go.
      const head = Buffer.from(header);
      const size = Buffer.from(String(head.length).padStart(4, '0'));
      child.stdin!.write(Buffer.concat([size, head, key, body, input]));
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    this.kill();
    this.finish(sandboxFailure('sandbox closed'));
    if (child && child.exitCode === null && child.signalCode === null) {
      child.ref(); // unref'd while idle: hold the process until the sandbox is really gone
      await new Promise((r) => child.once('exit', r));
    }
  }
}

/** Up to `size` warm servers, each serving one execution at a time; started on demand. */
export class WarmPool {
  private readonly idle: ForkServer[] = [];
  private readonly waiting: ((s: ForkServer) => void)[] = [];
  private readonly all: ForkServer[] = [];
  private closed = false;

  /** size: servers at most; pinCpu: see SandboxOptions.pinCpu. */
  constructor(
    private readonly size: number,
    private readonly pinCpu = true,
  ) {}

  async run(job: Job, signal?: AbortSignal): Promise<RawReport> {
    if (this.closed) return sandboxFailure('sandbox closed');
    const server = await this.acquire();
    try {
      return await server.run(job, signal);
    } finally {
      this.release(server);
    }
  }

  private acquire(): Promise<ForkServer> {
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    if (this.all.length < this.size) {
      const server = new ForkServer(this.pinCpu);
      this.all.push(server);
      return Promise.resolve(server);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(server: ForkServer): void {
    const next = this.waiting.shift();
    if (next) next(server);
    else this.idle.push(server);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((s) => s.close()));
  }
}
