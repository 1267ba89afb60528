import { spawn } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { bwrapCommand } from './bwrap.js';
import { type JobCgroup, newCgroup } from './cgroup.js';
import { frame, type Job, type RawReport, sandboxFailure } from './job.js';
import { RUNNER_PY } from './runner-py.js';
import { seccompBase64 } from './seccomp.js';

/** Grace past the wall limit before the host kills the sandbox itself (the supervisor normally acts first). */
const HOST_GRACE_MS = 3000;
const PY = '/usr/bin/python3';
/** Memory of the supervisor and bwrap on top of the program's, in the sandbox's cgroup. */
const SUPERVISOR_MB = 48;
/** Tasks of the sandbox besides the program's: bwrap, the supervisor. */
const SUPERVISOR_TASKS = 4;

/** A sandbox cgroup's limits for a job: the program's, plus the supervisor's share and output buffers. */
export function limitCgroup(cg: JobCgroup, limits: Job['limits']): void {
  cg.limit(
    (limits.memoryMb + SUPERVISOR_MB) * 1024 * 1024 + 3 * limits.outputBytes,
    limits.processes + SUPERVISOR_TASKS,
  );
}
const MAC_BYTES = 32;

/**
 * One fresh bubblewrap sandbox for one job: the supervisor is its PID 1, gets the job on fd 3 and
 * answers on fd 3. Killing bwrap (deadline, abort) takes the whole PID namespace down with it, and the
 * sandbox's cgroup (where there is one) is emptied by the host at the end whatever happened inside.
 */
export async function runCold(
  job: Job,
  opts: { signal?: AbortSignal; unsafe?: boolean; binds?: string[] } = {},
): Promise<RawReport> {
  let root: string | undefined;
  let argv: string[];
  let cg: JobCgroup | undefined;
  if (opts.unsafe) {
    root = await mkdtemp(join(tmpdir(), 'assay-unsafe-'));
    job = { ...job, root };
    argv = [PY, '-S', '-c', RUNNER_PY, 'launch'];
  } else {
    try {
      job = { ...job, seccomp: seccompBase64() };
      cg = newCgroup();
      if (cg) limitCgroup(cg, job.limits);
    } catch (err) {
      void cg?.remove();
      return sandboxFailure(`cannot set up the sandbox: ${(err as Error).message}`);
    }
    const inner = bwrapCommand({
      diskBytes: job.limits.diskBytes,
      asPid1: true,
      inner: [PY, '-S', '-c', RUNNER_PY, 'launch'],
      ...(opts.binds && { binds: opts.binds }),
    });
    argv = cg ? cg.enter(inner) : inner;
  }
  try {
    const report = await spawnJob(argv, job, opts.signal);
    if (cg && cg.oomKills() > 0) report.oomKilled = true;
    return report;
  } finally {
    void cg?.remove();
    if (root) await rm(root, { recursive: true, force: true });
  }
}

/**
 * Bytes a well-formed report can take: the header (with the base64 of each fetched file, SandboxFusion's
 * `fetch_files`, each read up to the file-size limit), both output streams, the artifact and the MAC.
 */
function reportCap(job: Job): number {
  const fetched = (job.fetch?.length ?? 0) * (Math.ceil(((job.limits.fileBytes + 1) * 4) / 3) + 4096);
  return (
    (64 << 10) +
    fetched +
    2 * (job.limits.outputBytes + 1) +
    (job.emit ? job.limits.fileBytes + 1 : 0) +
    MAC_BYTES
  );
}

/**
 * The supervisor's report: `<header> <stdout> <stderr> <artifact> lengths\n`, the header JSON, the raw
 * bytes, and an HMAC-SHA256 of all that under the job's key. Anything else is a sandbox failure (the
 * program has no way to write this channel; the MAC makes sure of it).
 */
export function parseReport(buf: Buffer, key: Buffer): RawReport | string {
  if (buf.length < MAC_BYTES) return 'no report';
  const body = buf.subarray(0, buf.length - MAC_BYTES);
  const mac = createHmac('sha256', key).update(body).digest();
  if (!timingSafeEqual(mac, buf.subarray(body.length))) return 'report failed authentication';
  const nl = body.indexOf(10);
  const lengths = nl > 0 && nl < 80 ? body.subarray(0, nl).toString('latin1').split(' ').map(Number) : [];
  if (lengths.length !== 4 || !lengths.every((n) => Number.isSafeInteger(n) && n >= 0))
    return 'malformed report header';
  const [head, out, err, art] = lengths as [number, number, number, number];
  if (nl + 1 + head + out + err + art !== body.length) return 'report length mismatch';
  let at = nl + 1;
  const take = (n: number) => {
    at += n;
    return body.subarray(at - n, at);
  };
  const parsed: unknown = JSON.parse(take(head).toString());
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'report is not an object';
  const report = { ...sandboxFailure(''), sandboxError: undefined, ...(parsed as Partial<RawReport>) };
  report.stdout = take(out).toString();
  report.stderr = take(err).toString();
  const artifact = take(art);
  if (art > 0) report.artifact = artifact.toString('base64');
  if (report.sandboxError === undefined) delete report.sandboxError;
  return report as RawReport;
}

function spawnJob(argv: string[], job: Job, signal?: AbortSignal): Promise<RawReport> {
  const started = performance.now();
  const key = randomBytes(32);
  const cap = reportCap(job);
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: {} });
    const channel = child.stdio[3] as Readable & Writable;
    const chunks: Buffer[] = [];
    let received = 0;
    let overflow = false;
    let errText = '';
    let settled = false;
    const finish = (report: RawReport) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      resolve(report);
    };
    const onAbort = () =>
      finish({
        ...sandboxFailure('aborted'),
        timedOut: true,
        sandboxError: undefined,
        wallMs: performance.now() - started,
      });
    const timer = setTimeout(
      () =>
        finish({
          ...sandboxFailure(''),
          sandboxError: undefined,
          timedOut: true,
          wallMs: performance.now() - started,
        }),
      job.limits.wallMs + HOST_GRACE_MS,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => finish(sandboxFailure(`cannot start the sandbox: ${err.message}`)));
    child.stderr!.on('data', (d: Buffer) => {
      if (errText.length < 8192) errText += d.subarray(0, 8192).toString();
    });
    // Every byte from the sandbox is counted against a cap before it is kept.
    channel.on('data', (d: Buffer) => {
      received += d.length;
      if (received > cap) {
        overflow = true;
        chunks.length = 0;
        channel.destroy();
        child.kill('SIGKILL');
        return;
      }
      chunks.push(d);
    });
    channel.on('error', () => {});
    channel.write(frame({ ...job, key: key.toString('hex') }));
    child.on('close', (code, sig) => {
      if (overflow) return finish(sandboxFailure(`the sandbox's report exceeded ${cap} bytes`));
      let report: RawReport | string;
      try {
        report = parseReport(Buffer.concat(chunks), key);
      } catch (err) {
        report = `unreadable report (${(err as Error).message})`;
      }
      if (typeof report !== 'string') return finish(report);
      const why = errText.trim().split('\n').slice(-5).join(' | ') || `exit ${code ?? sig}`;
      finish(
        sandboxFailure(
          `the sandbox supervisor gave no valid report: ${report} (${why})`,
          performance.now() - started,
        ),
      );
    });
  });
}
