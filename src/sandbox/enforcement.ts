import { checkBwrap } from './bwrap.js';
import { cgroupSupport } from './cgroup.js';
import { seccompBase64 } from './seccomp.js';

/**
 * What this machine's sandbox actually enforces, as `/health` shows it: never a limit it cannot hold.
 * `memory`/`processes`: `cgroup-v2` or `cgroup-v1` when each sandbox gets its own group (the limit holds
 * for the program's whole process tree), else `per-process-rlimit` (RLIMIT_AS / RLIMIT_NPROC: a
 * program of several processes can use that much in each).
 */
export interface Enforcement {
  isolation: 'bubblewrap' | 'unavailable';
  memory: 'cgroup-v2' | 'cgroup-v1' | 'per-process-rlimit';
  processes: 'cgroup-v2' | 'cgroup-v1' | 'per-process-rlimit';
  /** `seccomp`, or why there is no filter (then no code runs). */
  syscall_filter: string;
  /** Why no cgroup could be had (absent when one is in force: its paths are not for unauthenticated eyes). */
  detail?: string;
}

let warned = false;

/** Detected once (cheap afterwards). */
export function sandboxEnforcement(): Enforcement {
  const cg = cgroupSupport();
  const tree = cg.kind === 'none' ? 'per-process-rlimit' : (`cgroup-${cg.kind}` as const);
  let filter = 'seccomp';
  try {
    seccompBase64();
  } catch (err) {
    filter = `unavailable: ${(err as Error).message}`;
  }
  return {
    isolation: checkBwrap().ok ? 'bubblewrap' : 'unavailable',
    memory: tree,
    processes: tree,
    syscall_filter: filter,
    ...(cg.kind === 'none' && { detail: cg.detail }),
  };
}

/** Says once on stderr when memory_mb can only be held per process here. */
export function warnIfPerProcessLimits(): void {
  if (warned) return;
  warned = true;
  const cg = cgroupSupport();
  if (cg.kind === 'none')
    process.emitWarning(
      `Assay sandbox: no cgroup can be made here (${cg.detail}); memory_mb and the process limit hold per process (RLIMIT_AS, RLIMIT_NPROC), not for a program's whole process tree`,
    );
}

/** One line for a server's startup log: what confines code on this machine. */
export function describeEnforcement(): string {
  const e = sandboxEnforcement();
  if (e.isolation !== 'bubblewrap') return 'sandbox: unavailable (code rewards answer errors)';
  const memory =
    e.memory === 'per-process-rlimit'
      ? `memory and processes limited per process only (no cgroup: ${e.detail})`
      : `memory and processes limited per program (${e.memory})`;
  return `sandbox: bubblewrap, syscall filter ${e.syscall_filter}, ${memory}`;
}
