import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { bwrapCommand } from './bwrap.js';
import { frame, type Job, type RawReport, sandboxFailure } from './job.js';
import { RUNNER_PY } from './runner-py.js';

/** Grace past the wall limit before the host kills the sandbox itself (the supervisor normally acts first). */
const HOST_GRACE_MS = 3000;
const PY = '/usr/bin/python3';

/**
 * One fresh bubblewrap sandbox for one job: the supervisor is its PID 1, gets the job on fd 3 and
 * answers on fd 3. Killing bwrap (deadline, abort) takes the whole PID namespace down with it.
 */
export async function runCold(
  job: Job,
  opts: { signal?: AbortSignal; unsafe?: boolean } = {},
): Promise<RawReport> {
  let root: string | undefined;
  let argv: string[];
  if (opts.unsafe) {
    root = await mkdtemp(join(tmpdir(), 'assay-unsafe-'));
    job = { ...job, root };
    argv = [PY, '-S', '-c', RUNNER_PY, 'launch'];
  } else {
    argv = bwrapCommand({
      diskBytes: job.limits.diskBytes,
      asPid1: true,
      inner: [PY, '-S', '-c', RUNNER_PY, 'launch'],
    });
  }
  try {
    return await spawnJob(argv, job, opts.signal);
  } finally {
    if (root) await rm(root, { recursive: true, force: true });
  }
}

function spawnJob(argv: string[], job: Job, signal?: AbortSignal): Promise<RawReport> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: {} });
    const channel = child.stdio[3] as Readable & Writable;
    const chunks: Buffer[] = [];
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
      if (errText.length < 8192) errText += d.toString();
    });
    channel.on('data', (d: Buffer) => chunks.push(d));
    channel.on('error', () => {});
    channel.write(frame(job));
    child.on('close', (code, sig) => {
      const buf = Buffer.concat(chunks);
      const nl = buf.indexOf(10);
      if (nl > 0) {
        const len = Number(buf.subarray(0, nl).toString());
        const body = buf.subarray(nl + 1);
        if (body.length === len) {
          try {
            return finish(JSON.parse(body.toString()) as RawReport);
          } catch {}
        }
      }
      const why = errText.trim().split('\n').slice(-5).join(' | ') || `exit ${code ?? sig}`;
      finish(sandboxFailure(`the sandbox supervisor gave no report (${why})`, performance.now() - started));
    });
  });
}
