import { type ChildProcess, spawn } from 'node:child_process';
import { bwrapCommand } from './bwrap.js';
import { type Job, type RawReport, sandboxFailure } from './job.js';
import { RUNNER_PY } from './runner-py.js';

const HOST_GRACE_MS = 3000;
/** The server's own tmpfs; each execution mounts its own /work inside its namespaces. */
const SERVER_DISK = 1 << 20;

interface Pending {
  resolve: (r: RawReport) => void;
  timer: NodeJS.Timeout;
  started: number;
}

/**
 * A warm Python interpreter inside one bubblewrap sandbox, forking an isolated executor per job
 * (see runner-py.ts for what each executor unshares). Saves the interpreter start and the imports,
 * the dominant cost of short programs. Restarts itself after a crash.
 */
export class ForkServer {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;

  private start(): Promise<void> {
    const argv = bwrapCommand({
      diskBytes: SERVER_DISK,
      asPid1: false,
      inner: ['/usr/bin/python3', '-S', '-c', RUNNER_PY, 'serve'],
    });
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: {} });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 8192) stderr += d.toString();
    });
    child.stdin!.on('error', () => {});
    this.ready = new Promise((resolve, reject) => {
      let isReady = false;
      child.stdout!.on('data', (d: Buffer) => {
        this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
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
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
          this.buf = Buffer.alloc(0);
        }
        for (const [id, p] of this.pending)
          this.settle(id, { ...sandboxFailure(why), wallMs: performance.now() - p.started });
      });
    });
    this.ready.catch(() => {
      if (this.child === child) {
        this.child = undefined;
        this.ready = undefined;
      }
    });
    return this.ready;
  }

  /** Parse `D <id> <len>\n<json>` frames from the server. */
  private drain(): void {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const [tag, id, lenText] = this.buf.subarray(0, nl).toString().split(' ');
      const len = Number(lenText);
      if (tag !== 'D' || !id || !Number.isFinite(len)) {
        this.child?.kill('SIGKILL');
        return;
      }
      if (this.buf.length < nl + 1 + len) return;
      const body = this.buf.subarray(nl + 1, nl + 1 + len).toString();
      this.buf = this.buf.subarray(nl + 1 + len);
      let report: RawReport;
      try {
        report = JSON.parse(body) as RawReport;
      } catch {
        report = sandboxFailure('unreadable report from the fork server');
      }
      this.settle(id, report);
    }
  }

  private settle(id: string, report: RawReport): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(report);
  }

  async run(job: Job, signal?: AbortSignal): Promise<RawReport> {
    if (this.closed) return sandboxFailure('sandbox closed');
    const started = performance.now();
    try {
      await (this.ready ?? this.start());
    } catch (err) {
      return sandboxFailure(`cannot start the Python fork server: ${(err as Error).message}`);
    }
    const child = this.child;
    if (!child?.stdin) return sandboxFailure('fork server not running');
    const id = String(this.nextId++);
    const body = Buffer.from(JSON.stringify(job));
    return new Promise<RawReport>((resolve) => {
      const kill = (report: RawReport) => {
        child.stdin!.write(`K ${id}\n`);
        this.settle(id, report);
      };
      const timer = setTimeout(
        () =>
          kill({
            ...sandboxFailure(''),
            sandboxError: undefined,
            timedOut: true,
            wallMs: performance.now() - started,
          }),
        job.limits.wallMs + HOST_GRACE_MS,
      );
      const onAbort = () =>
        kill({
          ...sandboxFailure(''),
          sandboxError: undefined,
          timedOut: true,
          wallMs: performance.now() - started,
        });
      this.pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        timer,
        started,
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      child.stdin!.write(Buffer.concat([Buffer.from(`R ${id} ${body.length}\n`), body]));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    for (const [id] of this.pending) this.settle(id, sandboxFailure('sandbox closed'));
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  }
}
