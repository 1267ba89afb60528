import { constants } from 'node:os';
import type { RawReport } from './job.js';
import type { Limits, RunResult, RunStatus } from './types.js';

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n as number, name]));
export const signalName = (n: number | null): string | null =>
  n === null ? null : (SIGNAL_NAMES.get(n) ?? `SIG${n}`);

/**
 * How runtimes say they ran out of memory (RLIMIT_AS, a JVM heap, a V8 heap). Only ever turns a failed
 * run into `memory`, another failure, so a program that prints these gains nothing.
 */
const OOM_PATTERNS = [
  /\bMemoryError\b/,
  /std::bad_alloc/,
  /JavaScript heap out of memory/,
  /Fatal process out of memory/,
  /Cannot allocate memory/,
  /out of memory/i,
  /java\.lang\.OutOfMemoryError/,
  /memory allocation of \d+ bytes failed/, // Rust's default alloc error handler
];

/**
 * The status of a run from the supervisor's facts: a pure function, the one place that decides.
 * `sandbox_error` comes only from `sandboxError`, which is set from channels the program cannot write
 * (the supervisor's status pipe, its authenticated report, the host's own observations); nothing the
 * program prints can turn its failure into an infrastructure error.
 */
export function classify(raw: RawReport, limits: Limits): { status: RunStatus; message?: string } {
  if (raw.sandboxError !== undefined) return { status: 'sandbox_error', message: raw.sandboxError };
  if (raw.outputExceeded)
    return { status: 'output_limit', message: `output exceeded ${limits.outputBytes} bytes` };
  if (raw.timedOut) return { status: 'timeout', message: `wall-clock limit of ${limits.wallMs} ms reached` };
  const sig = signalName(raw.signal);
  // The cgroup's OOM killer acted (read by the host from the cgroup, which the program cannot write).
  if (raw.oomKilled) return { status: 'memory', message: `memory limit of ${limits.memoryMb} MiB reached` };
  // The kernel's SIGKILL at the hard RLIMIT_CPU comes when its own clock says so; rusage, sampled
  // differently, can read up to ~10% lower (measured 900-930 ms at a 1 s limit).
  if (sig === 'SIGXCPU' || (sig === 'SIGKILL' && raw.cpuMs >= limits.cpuMs * 0.85 - 50)) {
    return { status: 'timeout', message: `CPU-time limit of ${limits.cpuMs} ms reached` };
  }
  // Python ignores SIGXFSZ, so its writes fail with EFBIG ("File too large") instead.
  const tooLarge = raw.exitCode !== 0 && /File too large/.test(raw.stderr.slice(-2000));
  if (sig === 'SIGXFSZ' || tooLarge)
    return { status: 'output_limit', message: `file size limit of ${limits.fileBytes} bytes reached` };
  const failed = raw.exitCode !== 0;
  // Near the address-space limit, a crash is almost always a failed allocation (malloc returned NULL).
  const nearLimit = raw.maxRssKb >= limits.memoryMb * 1024 * 0.85;
  if (failed && (nearLimit || OOM_PATTERNS.some((re) => re.test(raw.stderr.slice(-4000))))) {
    return { status: 'memory', message: `memory limit of ${limits.memoryMb} MiB reached` };
  }
  if (raw.signal !== null) return { status: 'runtime_error', message: `killed by ${sig}` };
  if (failed) return { status: 'runtime_error', message: `exit code ${raw.exitCode}` };
  return { status: 'ok' };
}

export function toRunResult(raw: RawReport, limits: Limits, engine: 'warm' | 'cold'): RunResult {
  const { status, message } = classify(raw, limits);
  return {
    status,
    exitCode: raw.exitCode,
    signal: signalName(raw.signal),
    stdout: raw.stdout,
    stderr: raw.stderr,
    cpuMs: Math.round(raw.cpuMs),
    wallMs: Math.round(raw.wallMs),
    maxRssKb: raw.maxRssKb,
    engine,
    ...(raw.refused && { refused: true }),
    ...(message !== undefined && { message }),
  };
}
