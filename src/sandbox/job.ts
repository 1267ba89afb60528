import type { Limits } from './types.js';

/** What the in-sandbox supervisor (runner-py.ts) receives for one execution. */
export interface Job {
  files: Record<string, JobFile>;
  /** argv to exec (cold path); absent on the warm path, which runs `main` in-process. */
  cmd?: string[];
  main?: string;
  /** Warm path: judged by the persistent judge of the worker-mode program `sha` (RunRequest.judge). */
  judged?: boolean;
  /** sha256 of `main` when it is a registered warm program (the server has it compiled). */
  sha?: string;
  args?: string[];
  stdin: string;
  limits: Limits & { asBytes: number };
  /** A file to send back after a successful run (a compiler's output). */
  emit?: string;
  /** Files to send back after the run, whatever its outcome (SandboxFusion's `fetch_files`). */
  fetch?: string[];
  /** Working directory; only differs from /work without isolation. */
  root?: string;
  /** The seccomp filter (seccomp.ts), base64 of struct sock_filter[]; absent without isolation. */
  seccomp?: string;
  /** Per-job HMAC key (hex) authenticating the cold-path report; kept from the program. */
  key?: string;
}

export interface JobFile {
  data: string;
  b64?: boolean;
  mode?: number;
  /** Warm path: the file is the warm program `Job.sha`, written from the server's own copy (data is empty). */
  warm?: boolean;
}

/** The facts the supervisor reports; classify.ts turns them into a status. */
export interface RawReport {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: number | null;
  timedOut: boolean;
  outputExceeded: boolean;
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  /** The compiler's output, base64. */
  artifact?: string;
  artifactError?: string;
  /** The `fetch` files that existed, base64, by path. */
  fetched?: Record<string, string>;
  sandboxError?: string;
  /** The sandbox's memory cgroup killed a process at its limit. */
  oomKilled?: boolean;
  /** Asked to be judged (RunRequest.judge), the run was refused by the judge and ran as a plain program. */
  refused?: boolean;
}

export const sandboxFailure = (message: string, wallMs = 0): RawReport => ({
  stdout: '',
  stderr: '',
  exitCode: null,
  signal: null,
  timedOut: false,
  outputExceeded: false,
  wallMs,
  cpuMs: 0,
  maxRssKb: 0,
  sandboxError: message,
});

/** Length-prefixed JSON, the framing of every message to and from the supervisor. */
export function frame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value));
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}

/** Relative paths only, no `..`: files land inside the working directory. */
export function safeRelativePath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('\0')) return false;
  return path.split('/').every((part) => part !== '..' && part !== '' && part !== '.');
}
