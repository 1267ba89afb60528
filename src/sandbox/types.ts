/** The public contract of the sandbox: what a caller asks for and what it gets back. */

export type RunStatus = 'ok' | 'runtime_error' | 'timeout' | 'memory' | 'output_limit' | 'sandbox_error';

export interface Limits {
  /** CPU time of the whole process tree (RLIMIT_CPU per process, plus the wall limit as a backstop). */
  cpuMs: number;
  /** Wall-clock time from start to the kill of the whole process tree. */
  wallMs: number;
  /** Address-space limit (RLIMIT_AS); runtimes that reserve virtual memory get a documented headroom. */
  memoryMb: number;
  /** Processes and threads the program may have at once (RLIMIT_NPROC inside its own user namespace). */
  processes: number;
  /** stdout + stderr bytes kept; past this the program is killed with status `output_limit`. */
  outputBytes: number;
  /** Largest file the program may write (RLIMIT_FSIZE). */
  fileBytes: number;
  /** Size of the tmpfs that is the working directory (all files together). */
  diskBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  cpuMs: 10_000,
  wallMs: 10_000,
  memoryMb: 512,
  processes: 32,
  outputBytes: 1 << 20,
  fileBytes: 16 << 20,
  diskBytes: 64 << 20,
};

export interface RunRequest {
  /** A profile name: python, javascript, typescript, c, cpp, bash (see profiles.ts). */
  language: string;
  /** The program source; becomes the profile's main file in the working directory. */
  code: string;
  stdin?: string;
  /** Extra files in the working directory, by relative path. */
  files?: Record<string, string>;
  args?: string[];
  limits?: Partial<Limits>;
  /** Wall-clock limit of the compile step of compiled languages (its CPU limit is half of it); default 60 s. */
  compileWallMs?: number;
  /** Files to read back from the working directory after the run, by relative path (`RunResult.files`). */
  fetchFiles?: string[];
  /** Aborting kills the process tree; the result is then `timeout` with the abort reason. */
  signal?: AbortSignal;
  /**
   * An instant (Date.now() ms) the run must be over by, e.g. the reward's deadline. The wall and CPU
   * limits are cut to what is left of it when the program starts, not when it was queued, so waiting
   * for a sandbox slot never eats a program's time; if nothing is left by then, the result is a
   * `sandbox_error` (the program never ran, which says nothing about it).
   */
  deadline?: number;
  /**
   * Warm Python only: have this run judged by the persistent judge of the registered worker-mode
   * program it runs (the value registerWarmProgram returned; `code` must be that program's source).
   * Anything else, or the same source without it, runs as a plain program.
   */
  judge?: unknown;
}

export interface CompileResult {
  status: RunStatus;
  /** True when the artifact came from the content-hash cache (no compiler run). */
  cached: boolean;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  wallMs: number;
}

export interface RunResult {
  status: RunStatus;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  cpuMs: number;
  wallMs: number;
  maxRssKb: number;
  /** Present for compiled languages; when compilation failed the program did not run (status from compile). */
  compile?: CompileResult;
  /** Why: the limit that was hit, the sandbox failure, the compile error summary. */
  message?: string;
  /** The `fetchFiles` that existed after the run, base64-encoded, by path. */
  files?: Record<string, string>;
  /** Which path ran it: a warm fork server or a fresh bubblewrap process. */
  engine?: 'warm' | 'cold';
  /**
   * Asked to be judged (`judge`), the program's judge refused the run (its dataset code could change the
   * judge: see pure_code in harness-py.ts), and it ran as a plain program instead; the same request
   * without `judge` goes there directly.
   */
  refused?: boolean;
}

export interface Sandbox {
  run(req: RunRequest): Promise<RunResult>;
  close(): Promise<void>;
}
