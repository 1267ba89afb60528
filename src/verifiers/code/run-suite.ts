import { createHash, randomBytes } from 'node:crypto';
import {
  type CompileResult,
  DEFAULT_LIMITS,
  type Limits,
  type RunResult,
  registerWarmProgram,
  type Sandbox,
} from '../../sandbox/index.js';
import { findProfile } from '../../sandbox/profiles.js';
import { type CompareMode, outputsMatch } from './compare.js';
import { definesFunction } from './extract.js';
import { HARNESS_PY } from './harness-py.js';
import type { StdioTest, Suite } from './reference.js';
import { hasTopLevelReturn, wrapTopLevelReturn } from './toplevel-return.js';

export type TestStatus =
  | 'pass'
  | 'wrong_answer'
  | 'runtime_error'
  | 'timeout'
  | 'memory'
  | 'output_limit'
  | 'exit'
  | 'compile_error'
  | 'not_run'
  /** An assert on constants only (`assert True, "…"`): run, but not a test; dropped from the outcomes. */
  | 'vacuous';

export interface TestOutcome {
  index: number;
  status: TestStatus;
  weight: number;
  message?: string;
  /** Last lines of the program's stderr, for runtime errors. */
  stderr?: string;
}

export type SuiteRun =
  | { ok: true; outcomes: TestOutcome[]; compile?: CompileResult }
  | { ok: false; error: string; timeout?: boolean };

export interface SuiteOptions {
  language: string;
  stopFirst: boolean;
  /** How stdout is compared with the expected output (see compare.ts). */
  compare: CompareMode;
  /** Of one run: cpuMs decides `timeout`, wallMs is the backstop. */
  limits: Partial<Limits>;
  /** Per test of a function-style suite (the harness interrupts a hung test and goes on). */
  testTimeoutMs: number;
  /** Stdio tests run at once for one sample. */
  parallel: number;
  deadline: number;
  signal?: AbortSignal;
}

/** The capability to have harness runs judged by each warm server's judge (RunRequest.judge). */
const HARNESS = registerWarmProgram(HARNESS_PY, { workerMode: true });

/**
 * Room left before the reward's deadline for stopping the last run (killing its cgroup, reaping the
 * sandbox: hundreds of ms on a loaded machine) and bookkeeping, so that a program that idles until the
 * deadline is stopped by its own limit and fails, instead of outliving the reward into a `timeout`.
 */
const DEADLINE_MARGIN_MS = 1000;

/** The last lines of a program's stderr for `detail`, at most 2000 characters of them. */
const tail = (text: string, lines = 5): string => {
  const t = text.length > 8000 ? text.slice(-8000) : text;
  const last = t.trimEnd().split('\n').slice(-lines).join('\n');
  return last.length > 2000 ? `…${last.slice(-2000)}` : last;
};

/**
 * A run's limits and the deadline it must end by. The sandbox cuts the limits to what is left of the
 * deadline when the program starts (RunRequest.deadline), so time spent waiting for a slot behind other
 * programs is never taken from this one (issue 14.7).
 */
function runLimits(opts: SuiteOptions): { limits: Partial<Limits>; deadline: number } {
  const wallMs = opts.limits.wallMs ?? 10_000;
  return {
    limits: { ...opts.limits, wallMs, cpuMs: Math.min(opts.limits.cpuMs ?? wallMs, wallMs) },
    deadline: opts.deadline - DEADLINE_MARGIN_MS,
  };
}

/**
 * A run that finished but used more CPU time than the test allows is a timeout too: RLIMIT_CPU counts
 * whole seconds, and the verdict must not depend on where inside that second the limit falls.
 */
function overCpu(run: RunResult, opts: SuiteOptions): boolean {
  const limit = opts.limits.cpuMs;
  if (limit === undefined) return false;
  if (run.status === 'ok') return run.cpuMs > limit;
  // The kernel's SIGKILL at the hard RLIMIT_CPU: the CPU time it reports can fall well short of the
  // limit (measured 821 ms at a 1 s limit on a loaded VM), which classify() then calls a crash.
  return run.status === 'runtime_error' && run.signal === 'SIGKILL' && run.cpuMs >= limit / 2;
}

/** Run the tests of a suite against one program. A sandbox failure is an error, never a zero. */
export function runSuite(
  sandbox: Sandbox,
  suite: Suite,
  program: string,
  opts: SuiteOptions,
): Promise<SuiteRun> {
  return suite.kind === 'stdio'
    ? runStdio(sandbox, suite, program, opts)
    : runHarness(sandbox, suite, program, opts);
}

/** A run's status as the status of a test that did not finish. */
function unfinished(run: RunResult): { status: TestStatus; message: string } {
  switch (run.status) {
    case 'timeout':
    case 'memory':
    case 'output_limit':
      return { status: run.status, message: run.message ?? run.status };
    default:
      return run.exitCode === 0
        ? { status: 'exit', message: 'the program exited before this test finished' }
        : { status: 'runtime_error', message: run.message ?? 'the program crashed' };
  }
}

/**
 * Names call-based harnesses (APPS, TACO, LiveCodeBench) make available to a solution before it runs,
 * so `def f(self, a: List[int])` and a bare `Counter(...)` work as they do in those harnesses.
 */
const CALL_PREAMBLE = [
  'from typing import *',
  'import sys, math, heapq, bisect, itertools, collections, functools, string, re, random',
  'from collections import Counter, OrderedDict, deque, defaultdict',
  'from functools import lru_cache, reduce, cache',
  'from itertools import accumulate, product, permutations, combinations',
  'from heapq import heappush, heappop, heapify',
  'from bisect import bisect_left, bisect_right',
  'from math import sqrt, ceil, floor, gcd, inf, log, log2',
].join('\n');

/**
 * The harness's stdin: two length-prefixed JSON frames. The first (the program and what it may see) is
 * read before the harness forks the processes that run the program; the second (nonce, tests, expected
 * values) only after, so those processes never hold it (see harness-py.ts).
 */
function harnessInput(
  suite: Exclude<Suite, { kind: 'stdio' }>,
  program: string,
  opts: SuiteOptions,
  nonce: string,
): string {
  const common = { nonce, tol: suite.tol, stop_first: opts.stopFirst, test_timeout_ms: opts.testTimeoutMs };
  let visible = { program, preamble: 'from typing import *' };
  let secret: Record<string, unknown>;
  if (suite.kind === 'humaneval') {
    // A linear scan: the old `\s*` regex backtracked quadratically on runs of newlines (issue 14 item 5).
    const defines = definesFunction(program, suite.entryPoint);
    // The prompt always comes first, as in HumanEval's own harness (prompt + completion): a program that
    // writes the whole function still calls the helpers only the prompt defines (is_palindrome…).
    const full = !suite.prompt
      ? program
      : defines
        ? `${suite.prompt}\n${program}`
        : `${suite.prompt}${program}`;
    visible = { ...visible, program: full };
    secret = {
      kind: 'humaneval',
      test: suite.test,
      entry_point: suite.entryPoint,
      prompt: suite.prompt ?? '',
    };
  } else if (suite.kind === 'asserts') {
    visible = { ...visible, preamble: `from typing import *\n${suite.imports}` };
    secret = { kind: 'asserts', tests: suite.tests, setup: suite.setup, preamble: suite.imports };
  } else {
    visible = { ...visible, preamble: CALL_PREAMBLE };
    secret = { kind: 'calls', calls: suite.calls };
  }
  const frame = (v: unknown) => {
    const text = JSON.stringify(v);
    return `${Buffer.byteLength(text)}\n${text}`;
  };
  return frame(visible) + frame({ ...common, ...secret });
}

/**
 * Suites the warm judge refused (their dataset code could change it: pure_code in harness-py.ts), by
 * suiteKey: their later runs (the rest of a GRPO group) go to a plain run in their own execution at once,
 * instead of starting as the judge's worker first. Bounded: the oldest are forgotten.
 */
const refused = new Set<string>();
const REFUSED_MAX = 4096;

function remember(set: Set<string>, key: string): void {
  if (set.size >= REFUSED_MAX) set.delete(set.values().next().value as string);
  set.add(key);
}

/** sha256 of what decides whether the judge runs a suite's code: its kind and its dataset code. */
function suiteKey(suite: Exclude<Suite, { kind: 'stdio' }>): string {
  const code =
    suite.kind === 'humaneval'
      ? [suite.test, suite.prompt ?? '']
      : suite.kind === 'asserts'
        ? [suite.imports, suite.setup, ...suite.tests]
        : [];
  return createHash('sha256')
    .update(JSON.stringify([suite.kind, ...code]))
    .digest('hex');
}

async function runHarness(
  sandbox: Sandbox,
  suite: Exclude<Suite, { kind: 'stdio' }>,
  program: string,
  opts: SuiteOptions,
): Promise<SuiteRun> {
  const nonce = randomBytes(16).toString('hex');
  const tests = suiteKey(suite);
  const run = await sandbox.run({
    language: 'python',
    code: HARNESS_PY,
    ...(!refused.has(tests) && { judge: HARNESS }),
    stdin: harnessInput(suite, program, opts, nonce),
    ...runLimits(opts),
    ...(opts.signal && { signal: opts.signal }),
  });
  if (run.refused) remember(refused, tests);
  if (run.status === 'sandbox_error') return { ok: false, error: `sandbox: ${run.message ?? 'failed'}` };
  const reports = parseReports(run.stdout, nonce);
  if (reports.count === undefined) {
    if (run.status === 'timeout' && opts.signal?.aborted)
      return { ok: false, error: 'cancelled', timeout: true };
    return {
      ok: false,
      error: `the tests could not be loaded (${run.status}): ${tail(run.stderr, 3) || run.message}`,
    };
  }
  const weights = 'weights' in suite && suite.weights ? suite.weights : [];
  const outcomes: TestOutcome[] = [];
  const end = unfinished(run);
  for (let i = 0; i < reports.count; i++) {
    const r = reports.results.get(i);
    const weight = weights[i] ?? 1;
    if (r === undefined) {
      const o: TestOutcome = { index: i, status: end.status, weight, message: end.message };
      if (end.status === 'runtime_error' && run.stderr) o.stderr = tail(run.stderr);
      outcomes.push(o);
    } else outcomes.push({ index: i, weight, ...r });
  }
  return { ok: true, outcomes: outcomes.filter((o) => o.status !== 'vacuous') };
}

interface Reports {
  count?: number;
  results: Map<number, { status: TestStatus; message?: string }>;
}

const HARNESS_STATUSES = new Set<TestStatus>([
  'wrong_answer',
  'runtime_error',
  'timeout',
  'memory',
  'exit',
  'not_run',
  'vacuous',
]);

/** Lines the harness wrote with this run's nonce; the first report of each test counts, in order only. */
export function parseReports(stdout: string, nonce: string): Reports {
  const out: Reports = { results: new Map() };
  const prefix = `${nonce} `;
  let next = 0;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const [tag, a, kind, ...rest] = line.slice(prefix.length).split(' ');
    if (tag === 'count' && out.count === undefined) out.count = Number(a);
    else if ((tag === 'pass' || tag === 'fail') && Number(a) === next && out.count !== undefined) {
      next++;
      if (tag === 'pass') out.results.set(Number(a), { status: 'pass' });
      else {
        const status = HARNESS_STATUSES.has(kind as TestStatus) ? (kind as TestStatus) : 'runtime_error';
        out.results.set(Number(a), { status, message: rest.join(' ') });
      }
    }
  }
  return out;
}

async function runStdio(
  sandbox: Sandbox,
  suite: Extract<Suite, { kind: 'stdio' }>,
  program: string,
  opts: SuiteOptions,
): Promise<SuiteRun> {
  const outcomes: TestOutcome[] = suite.tests.map((t, index) => ({
    index,
    status: 'not_run',
    weight: t.weight,
  }));
  let compile: CompileResult | undefined;
  let failed = false;
  /** Why the sample cannot be judged at all (the sandbox or the checker failed): an error, not a 0. */
  let fatal: string | undefined;
  const code =
    findProfile(opts.language)?.name === 'python' && hasTopLevelReturn(program)
      ? wrapTopLevelReturn(program)
      : program;
  const runOne = async (test: StdioTest, index: number) => {
    const limits = runLimits(opts);
    const run = await sandbox.run({
      language: opts.language,
      code,
      stdin: test.input,
      ...limits,
      limits: { ...limits.limits, outputBytes: outputCap(test.output) },
      ...(opts.signal && { signal: opts.signal }),
    });
    compile ??= run.compile;
    const outcome = outcomes[index]!;
    if (run.status === 'sandbox_error') {
      fatal ??= `sandbox: ${run.message ?? 'failed'}`;
      return;
    }
    if (run.compile && run.compile.status !== 'ok') {
      Object.assign(outcome, { status: 'compile_error', message: tail(run.compile.stderr, 5) });
    } else if (overCpu(run, opts)) {
      Object.assign(outcome, {
        status: 'timeout',
        message: `CPU-time limit of ${opts.limits.cpuMs} ms reached`,
      });
    } else if (run.status !== 'ok') {
      Object.assign(
        outcome,
        unfinished(run),
        run.status === 'runtime_error' ? { stderr: tail(run.stderr) } : {},
      );
    } else if (suite.checker) {
      const verdict = await checkerVerdict(sandbox, suite.checker, test, run.stdout, opts).catch(
        (err: Error) => {
          fatal ??= err.message;
          return { pass: false, message: err.message };
        },
      );
      Object.assign(
        outcome,
        verdict.pass ? { status: 'pass' } : { status: 'wrong_answer', message: verdict.message },
      );
    } else if (outputsMatch(run.stdout, test.output, suite.tol, opts.compare)) {
      outcome.status = 'pass';
    } else {
      Object.assign(outcome, {
        status: 'wrong_answer',
        message: `expected ${preview(test.output)}, got ${preview(run.stdout)}`,
      });
    }
    if (outcome.status !== 'pass') failed = true;
  };
  // At most `parallel` runs of one sample wait for a sandbox slot at a time, in either mode: the slots
  // are served in order, so a sample that queued all its tests at once (a slow program on 40 tests)
  // would hold every slot until the other samples of its batch had spent their deadlines waiting.
  const width = Math.max(1, opts.parallel);
  for (let start = 0; start < suite.tests.length; start += width) {
    if ((failed && opts.stopFirst) || fatal) break;
    // No run is started that could not end before the deadline's margin: it would only wait for a slot
    // it cannot use. Once a test has failed, the tests left unrun are not passed (the program has
    // failed on its own). Before any has, what stops the sample is its deadline, not the program: the
    // verdict is unknown, so it is a timeout (no score), never a zero, and never cached as one.
    if (Date.now() >= opts.deadline - DEADLINE_MARGIN_MS) {
      if (!failed)
        return {
          ok: false,
          timeout: true,
          error: `the deadline came before ${suite.tests.length - start} of ${suite.tests.length} tests could run (none had failed)`,
        };
      break;
    }
    await Promise.all(suite.tests.slice(start, start + width).map((t, k) => runOne(t, start + k)));
    if (compile && compile.status !== 'ok') {
      for (const o of outcomes)
        if (o.status === 'not_run')
          Object.assign(o, { status: 'compile_error', message: tail(compile.stderr, 5) });
      break;
    }
  }
  if (fatal) return { ok: false, error: fatal };
  if (opts.signal?.aborted) return { ok: false, error: 'cancelled', timeout: true };
  return { ok: true, outcomes, ...(compile && { compile }) };
}

/** Output a stdin test's run may write: the sandbox's 1 MiB, or room for twice the expected output. */
function outputCap(expected: string): number {
  return Math.min(
    MAX_OUTPUT_BYTES,
    Math.max(DEFAULT_LIMITS.outputBytes, 2 * Buffer.byteLength(expected) + 4096),
  );
}
const MAX_OUTPUT_BYTES = 256 << 20;

const preview = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** A special judge that could not judge (it does not compile, or its Python source has a syntax error). */
class CheckerFailure extends Error {}

/** Python checkers whose source was compiled once (in the sandbox): the error, or undefined. */
const checkedSources = new Map<string, Promise<string | undefined>>();

/**
 * Whether a Python checker's own source compiles, found once per distinct source by compiling it in the
 * sandbox with nothing of any program's output in sight: a verdict read from the checker's stderr
 * while it judges could be forged by what the program printed, if the checker echoes it.
 */
function pythonSourceError(sandbox: Sandbox, code: string, opts: SuiteOptions): Promise<string | undefined> {
  const key = createHash('sha256').update(code).digest('hex');
  let found = checkedSources.get(key);
  if (!found) {
    // Its own limits, not the sample's (a check cut short by a sample's deadline must not be cached as
    // the checker's fault), and only a definite answer is kept: compiled, or a compile error.
    found = sandbox
      .run({
        language: 'python',
        code: 'import sys\ncompile(sys.stdin.read(), "checker", "exec")\n',
        stdin: code,
        limits: { cpuMs: 10_000, wallMs: 30_000 },
        ...(opts.signal && { signal: opts.signal }),
      })
      .then((run) => {
        if (run.status === 'ok' && run.exitCode === 0) return undefined;
        if (run.status === 'runtime_error' && /(Error|Exception): /.test(run.stderr))
          return tail(run.stderr, 4);
        throw new Error(
          `the checker could not be checked (${run.status}): ${run.message ?? tail(run.stderr, 2)}`,
        );
      });
    checkedSources.set(key, found);
    found.catch(() => checkedSources.delete(key));
    if (checkedSources.size > 256) checkedSources.delete(checkedSources.keys().next().value!);
  }
  return found;
}

/**
 * A checker (special judge) gets input.txt, output.txt (the program's) and expected.txt in its working
 * directory and the same three names as arguments (testlib's `checker input output answer` order);
 * exit 0 accepts, any other exit or a crash rejects, and its stderr says why. testlib's 3 (FAIL) rejects
 * too: checkers reach it through `ensure` on the participant's data, so taking it for the checker's own
 * failure would let a program turn its 0 into an error. It runs in the sandbox like any program, under
 * the test's limits, with room on disk for its files. Throws CheckerFailure when the checker cannot
 * judge whatever the program printed: it does not compile, or its Python source does not. The sample
 * is then an error, never a zero.
 */
async function checkerVerdict(
  sandbox: Sandbox,
  checker: { language: string; code: string },
  test: StdioTest,
  output: string,
  opts: SuiteOptions,
): Promise<{ pass: boolean; message?: string }> {
  if (findProfile(checker.language)?.name === 'python') {
    const error = await pythonSourceError(sandbox, checker.code, opts);
    if (error) throw new CheckerFailure(`the checker has a syntax error: ${error}`);
  }
  const files = { 'input.txt': test.input, 'output.txt': output, 'expected.txt': test.output };
  const limits = runLimits(opts);
  const run = await sandbox.run({
    language: checker.language,
    code: checker.code,
    files,
    args: ['input.txt', 'output.txt', 'expected.txt'],
    ...limits,
    limits: { ...limits.limits, diskBytes: checkerDisk(files) },
    ...(opts.signal && { signal: opts.signal }),
  });
  if (run.status === 'sandbox_error') throw new Error(`sandbox: checker: ${run.message}`);
  // Stopped because the sample's deadline came, not because of the output: nothing is known.
  if (run.status === 'timeout' && Date.now() >= opts.deadline - DEADLINE_MARGIN_MS - 100)
    throw new Error('the deadline came while the checker was judging');
  if (run.compile && run.compile.status !== 'ok')
    throw new CheckerFailure(`the checker does not compile: ${tail(run.compile.stderr, 5)}`);
  if (run.status === 'ok' && run.exitCode === 0) return { pass: true };
  const code = run.exitCode;
  const why =
    typeof code === 'number' && (run.status === 'ok' || run.status === 'runtime_error')
      ? `exit ${code}${TESTLIB_EXITS[code] ? `, testlib ${TESTLIB_EXITS[code]}` : ''}`
      : run.status;
  return {
    pass: false,
    message: `the checker rejected the output (${why}): ${tail(run.stderr, 2) || 'no message'}`,
  };
}

/** testlib's exit codes, named in a rejection's message. */
const TESTLIB_EXITS: Record<number, string> = { 1: 'WA', 2: 'PE', 3: 'FAIL' };

/** Disk for a checker's run: its three files as written (UTF-8, up to 3 bytes a character) and 16 MiB. */
function checkerDisk(files: Record<string, string>): number {
  let bytes = 16 << 20;
  for (const text of Object.values(files)) bytes += 3 * text.length;
  return Math.max(DEFAULT_LIMITS.diskBytes, bytes);
}
