import { inflateSync } from 'node:zlib';
import { readPlainPickle } from './pickle.js';

/**
 * Test suites from the formats datasets already use, taken as they are:
 * - HumanEval: `{ test, entry_point, prompt? }` (a `check(candidate)` function)
 * - MBPP: `{ test_list, test_setup_code?, test_imports?, challenge_test_list? }`
 * - APPS / TACO / CodeContests: `{ inputs, outputs, fn_name? }`, or `{ input_output: "<json>" }`
 * - LiveCodeBench: `{ public_test_cases?, private_test_cases?, test_cases?, metadata?: { func_name } }`
 *   with `{ input, output, testtype: 'stdin' | 'functional' }` cases (lists or JSON strings)
 * - explicit: `{ tests: [{ type: 'stdio' | 'assert' | 'call', ..., weight? }], setup?, checker?, float_tolerance? }`
 * A reference may also be the JSON text of any of these.
 */

export interface StdioTest {
  input: string;
  output: string;
  weight: number;
}

export type Suite =
  | {
      kind: 'stdio';
      tests: StdioTest[];
      /** A special judge: gets input.txt, output.txt (the program's) and expected.txt; exit 0 accepts. */
      checker?: { language: string; code: string };
      tol: number;
      /** Per-test limits from the row or its dataset's convention (see limitsOf). */
      limits?: ProblemLimits;
    }
  | { kind: 'humaneval'; test: string; entryPoint: string; prompt?: string; weights?: number[]; tol: number }
  | {
      kind: 'asserts';
      tests: string[];
      /** Imports the tests and the program both see (MBPP `test_imports`). */
      imports: string;
      /** Runs in the tests' namespace after the program's names are bound (MBPP `test_setup_code`). */
      setup: string;
      weights: number[];
      tol: number;
    }
  | {
      kind: 'calls';
      calls: CallTests;
      /** Number of call tests: a per-test limit times this is what the dataset allows the whole run. */
      count: number;
      weights: number[];
      tol: number;
      /** Per-test limits from the row or its dataset's convention (see limitsOf). */
      limits?: ProblemLimits;
    };

/**
 * Call tests as the dataset wrote them, parsed by the Python harness (never as JavaScript numbers, so
 * 2**64 stays exact and 2.0 stays a float): APPS/TACO `input_output` text with its `fn_name`,
 * LiveCodeBench functional cases (one JSON argument per line), or explicit {fn, args, expected} tests.
 */
export type CallTests =
  | { form: 'apps'; fn: string; io: string }
  | { form: 'lines'; fn: string; cases: [string, string][] }
  | { form: 'values'; tests: string };

/** Where a per-test time limit comes from: the row's own `time_limit`, or its dataset's harness. */
export type LimitSource = 'row' | 'convention';

/** Per-problem limits from a dataset row or its dataset's convention. */
export interface ProblemLimits {
  /** Time of one test in ms (the reward applies it as CPU time, times `time_limit_scale`). */
  timeMs?: number;
  /** Where timeMs comes from; set whenever timeMs is. */
  source?: LimitSource;
  memoryMb?: number;
}

/**
 * Per-test time limits of the datasets' own evaluation harnesses, in ms, for rows in their shipped
 * shape: APPS (hendrycks/apps eval/testing_util.py) and TACO (FlagOpen/TACO metrics/testing_util.py)
 * give every test 4 s, stdin and call-based alike; LiveCodeBench (lcb_runner/evaluation,
 * compute_code_generation_metrics.py) gives every test 6 s, stdin and functional alike. Their limits
 * are wall clock; ours are CPU time (deterministic under load), which never refuses a program those
 * harnesses accept on an idle machine.
 */
export const DATASET_TIME_LIMIT_MS = { apps: 4000, liveCodeBench: 6000 } as const;

export type SuiteParse = { ok: true; suite: Suite } | { ok: false; error: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (error: string): SuiteParse => ({ ok: false, error });

function maybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/** Why JSON text that looks like an object does not parse (a Python repr's quotes, a cut-off text), else undefined. */
function jsonError(text: string): string | undefined {
  const t = text.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    JSON.parse(t);
    return undefined;
  } catch (err) {
    return (err as Error).message.slice(0, 200);
  }
}

/** stdin/stdout values may be strings or lists of lines (APPS sometimes stores both ways). */
function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('\n');
  if (typeof v === 'number') return String(v);
  return undefined;
}

export function parseReference(reference: unknown, defaultTol = 0): SuiteParse {
  const ref = maybeJson(reference);
  if (!isObj(ref)) {
    const why = typeof ref === 'string' ? jsonError(ref) : undefined;
    return bad(
      `reference must be an object with tests (HumanEval, MBPP, APPS, LiveCodeBench or {tests: [...]})${why ? `; its text is not valid JSON (${why})` : ''}`,
    );
  }
  const tol = typeof ref.float_tolerance === 'number' ? ref.float_tolerance : defaultTol;
  if (Array.isArray(ref.tests)) return explicit(ref, tol);
  if (typeof ref.test === 'string' && typeof ref.entry_point === 'string') {
    return {
      ok: true,
      suite: {
        kind: 'humaneval',
        test: ref.test,
        entryPoint: ref.entry_point,
        ...(typeof ref.prompt === 'string' && { prompt: ref.prompt }),
        tol,
      },
    };
  }
  if (Array.isArray(ref.test_list)) return mbpp(ref, tol);
  const io = maybeJson(ref.input_output);
  if (ref.input_output !== undefined && ref.input_output !== null && !isObj(io))
    return bad('input_output must be an object {inputs, outputs, fn_name?} or its JSON text');
  if (isObj(io)) {
    const raw = typeof ref.input_output === 'string' ? ref.input_output : JSON.stringify(io);
    const row = { ...ref, ...io, ...(ref.fn_name !== undefined && { fn_name: ref.fn_name }) };
    return apps(row, raw, tol, DATASET_TIME_LIMIT_MS.apps);
  }
  // The bare form names no dataset (a converted CodeContests row has a real limit, a hand-made one
  // none): only a time_limit it states applies.
  if (Array.isArray(ref.inputs) && Array.isArray(ref.outputs))
    return apps(ref, JSON.stringify({ inputs: ref.inputs, outputs: ref.outputs }), tol, undefined);
  if ('public_test_cases' in ref || 'private_test_cases' in ref || 'test_cases' in ref)
    return liveCodeBench(ref, tol);
  if (isTestGroup(ref.public_tests) || isTestGroup(ref.private_tests) || isTestGroup(ref.generated_tests))
    return codeContests(ref, tol);
  return bad(
    'reference has no tests: expected test+entry_point, test_list, inputs+outputs, input_output, public_test_cases/private_test_cases, public_tests/private_tests/generated_tests or tests',
  );
}

/**
 * MBPP and MBPP+ (evalplus): the asserts of `test_list` (and `challenge_test_list`), then MBPP+'s `test`
 * script, which checks the ~100 extra inputs, as one more test: a program passing only the base
 * asserts fails it.
 */
function mbpp(ref: Obj, tol: number): SuiteParse {
  const lists = [ref.test_list, ref.challenge_test_list].filter(Array.isArray).flat();
  if (!lists.every((t) => typeof t === 'string') || lists.length === 0)
    return bad('test_list must be a non-empty list of assert strings');
  const tests = lists as string[];
  if (typeof ref.test === 'string' && ref.test.trim()) tests.push(ref.test);
  const imports = Array.isArray(ref.test_imports)
    ? ref.test_imports.filter((s) => typeof s === 'string').join('\n')
    : '';
  const setup = typeof ref.test_setup_code === 'string' ? ref.test_setup_code : '';
  return {
    ok: true,
    suite: { kind: 'asserts', tests, imports, setup, weights: tests.map(() => 1), tol },
  };
}

/**
 * APPS / TACO rows (`input_output`, conventionMs 4 s) and the bare `{inputs, outputs}` form (none).
 * TACO rows also carry a `time_limit` (the contest's, usually set for C++) that TACO's own harness
 * never applies: it gives every test 4 s. The larger of the two applies, so a program that dataset's
 * harness accepts is never refused here.
 */
function apps(io: Obj, raw: string, tol: number, conventionMs: number | undefined): SuiteParse {
  const inputs = io.inputs;
  const outputs = io.outputs;
  if (
    !Array.isArray(inputs) ||
    !Array.isArray(outputs) ||
    inputs.length !== outputs.length ||
    inputs.length === 0
  ) {
    return bad('inputs and outputs must be non-empty lists of the same length');
  }
  if (typeof io.fn_name === 'string' && io.fn_name) {
    const calls: CallTests = { form: 'apps', fn: io.fn_name, io: raw };
    return callsSuite(calls, inputs.length, [], tol, limitsOf(io, conventionMs));
  }
  const tests: StdioTest[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const input = asText(inputs[i]);
    const output = asText(outputs[i]);
    if (input === undefined || output === undefined)
      return bad(`inputs[${i}] and outputs[${i}] must be strings`);
    tests.push({ input, output, weight: 1 });
  }
  return stdio(tests, io, tol, conventionMs);
}

const decoded = new Map<string, unknown[]>();

/**
 * LiveCodeBench test cases: a list, its JSON text, or (private_test_cases as shipped)
 * base64(zlib(pickle(JSON text))) or base64(zlib(JSON text)). Pickles are read by readPlainPickle, which
 * accepts plain data only. The last few decoded fields are kept: every rollout of a group carries the same.
 */
export function decodeTestCases(field: string, value: unknown): unknown[] | string {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return `${field} must be a list or a string`;
  const t = value.trim();
  if (t === '') return [];
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      return Array.isArray(v) ? v : `${field} must hold a list`;
    } catch {
      return `${field} is not valid JSON`;
    }
  }
  const hit = decoded.get(value);
  if (hit) return hit;
  let v: unknown;
  try {
    const raw = inflateSync(Buffer.from(t, 'base64'), { maxOutputLength: MAX_DECODED_BYTES });
    if (raw[0] === 0x80) {
      v = readPlainPickle(raw);
      if (typeof v === 'string') v = JSON.parse(v); // LiveCodeBench pickles the JSON text
    } else if (/^\s*[[{]/.test(raw.subarray(0, 64).toString('latin1'))) v = JSON.parse(raw.toString('utf8'));
    else throw new Error('the decompressed data is neither JSON nor a pickle of protocol 2 or later');
  } catch (err) {
    return `${field} is neither JSON nor base64(zlib(pickle or JSON)): ${(err as Error).message}`;
  }
  if (!Array.isArray(v)) return `${field} must hold a list of test cases`;
  decoded.set(value, v);
  if (decoded.size > 4) decoded.delete(decoded.keys().next().value!);
  return v;
}

/** Decompressed test data kept per reference at most (LiveCodeBench's largest are a few tens of MB). */
const MAX_DECODED_BYTES = 256 << 20;

function liveCodeBench(ref: Obj, tol: number): SuiteParse {
  const cases: unknown[] = [];
  for (const field of ['public_test_cases', 'private_test_cases', 'test_cases'] as const) {
    if (ref[field] === undefined || ref[field] === null) continue;
    const got = decodeTestCases(field, ref[field]);
    if (typeof got === 'string') return bad(got);
    cases.push(...got);
  }
  if (cases.length === 0 || !cases.every(isObj))
    return bad('test cases must be a non-empty list of {input, output, testtype}');
  const meta = maybeJson(ref.metadata);
  const fn = isObj(meta) && typeof meta.func_name === 'string' ? meta.func_name : undefined;
  const functional = (cases as Obj[]).every((c) => c.testtype === 'functional');
  if (functional) {
    if (!fn) return bad('functional test cases need metadata.func_name');
    const pairs: [string, string][] = [];
    for (const [i, c] of (cases as Obj[]).entries()) {
      if (typeof c.input !== 'string' || typeof c.output !== 'string')
        return bad(`test_cases[${i}]: functional input and output must be JSON text, one argument per line`);
      pairs.push([c.input, c.output]);
    }
    const limits = limitsOf(ref, DATASET_TIME_LIMIT_MS.liveCodeBench);
    return callsSuite({ form: 'lines', fn, cases: pairs }, pairs.length, [], tol, limits);
  }
  const tests: StdioTest[] = [];
  for (const [i, c] of (cases as Obj[]).entries()) {
    if (typeof c.input !== 'string' || typeof c.output !== 'string')
      return bad(`test_cases[${i}]: input and output must be strings`);
    tests.push({ input: c.input, output: c.output, weight: 1 });
  }
  return stdio(tests, ref, tol, DATASET_TIME_LIMIT_MS.liveCodeBench);
}

/**
 * CodeContests rows as shipped: `public_tests`, `private_tests` and `generated_tests`, each
 * `{input: [...], output: [...]}`, all run; `time_limit: {seconds, nanos}` and `memory_limit_bytes`.
 */
function codeContests(ref: Obj, tol: number): SuiteParse {
  const tests: StdioTest[] = [];
  for (const field of ['public_tests', 'private_tests', 'generated_tests'] as const) {
    const group = ref[field];
    if (group === undefined || group === null) continue;
    if (!isObj(group) || !Array.isArray(group.input) || !Array.isArray(group.output))
      return bad(`${field} must be {input: [...], output: [...]}`);
    if (group.input.length !== group.output.length)
      return bad(`${field}.input and ${field}.output must have the same length`);
    for (const [i, input] of group.input.entries()) {
      const output = group.output[i];
      if (typeof input !== 'string' || typeof output !== 'string')
        return bad(`${field}.input[${i}] and ${field}.output[${i}] must be strings`);
      tests.push({ input, output, weight: 1 });
    }
  }
  if (tests.length === 0) return bad('public_tests, private_tests and generated_tests hold no test');
  // The row's time_limit is the problem's real limit (CodeContests has no Python harness of its own).
  return stdio(tests, ref, tol, undefined);
}

const isTestGroup = (v: unknown): boolean => isObj(v) && Array.isArray(v.input) && Array.isArray(v.output);

/** A checker given beside any stdio reference: `{language, code}` or Python source. */
function checkerOf(ref: Obj): { language: string; code: string } | string | undefined {
  const c = ref.checker;
  if (c === undefined || c === null) return undefined;
  if (typeof c === 'string') return { language: 'python', code: c };
  if (isObj(c) && typeof c.code === 'string')
    return { language: typeof c.language === 'string' ? c.language : 'python', code: c.code };
  return 'checker must be {language, code} or the source of a Python program';
}

/** Seconds as CodeContests ({seconds, nanos}), TACO ("2 seconds", "1.5 s") or a plain number give them. */
function timeLimitMs(v: unknown): number | undefined {
  if (typeof v === 'number' && v > 0) return v * 1000;
  if (isObj(v) && (typeof v.seconds === 'number' || typeof v.nanos === 'number')) {
    const ms = Number(v.seconds ?? 0) * 1000 + Number(v.nanos ?? 0) / 1e6;
    return ms > 0 ? ms : undefined;
  }
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?)?\s*$/i.exec(v);
    if (m) return Number(m[1]) * (m[2]?.toLowerCase().startsWith('m') ? 1 : 1000) || undefined;
  }
  return undefined;
}

/** MiB from CodeContests' memory_limit_bytes or TACO's "256 megabytes". */
function memoryLimitMb(ref: Obj): number | undefined {
  if (typeof ref.memory_limit_bytes === 'number' && ref.memory_limit_bytes > 0)
    return Math.ceil(ref.memory_limit_bytes / (1 << 20));
  if (typeof ref.memory_limit === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(megabytes?|mb|mib|m)\s*$/i.exec(ref.memory_limit);
    if (m) return Math.ceil(Number(m[1]));
  }
  return undefined;
}

/**
 * A row's limits: its own `time_limit` and memory limit, and the per-test time of its dataset's
 * harness (conventionMs, see DATASET_TIME_LIMIT_MS) where it has one. The larger time wins: a
 * dataset's harness that ignores the row's limit must not be stricter than this reward.
 */
function limitsOf(ref: Obj, conventionMs: number | undefined): ProblemLimits | undefined {
  const rowMs = timeLimitMs(ref.time_limit);
  const memoryMb = memoryLimitMb(ref);
  const time =
    rowMs !== undefined && (conventionMs === undefined || rowMs > conventionMs)
      ? { timeMs: rowMs, source: 'row' as const }
      : conventionMs !== undefined
        ? { timeMs: conventionMs, source: 'convention' as const }
        : undefined;
  if (!time && memoryMb === undefined) return undefined;
  return { ...time, ...(memoryMb !== undefined && { memoryMb }) };
}

function callsSuite(
  calls: CallTests,
  count: number,
  weights: number[],
  tol: number,
  limits: ProblemLimits | undefined,
): SuiteParse {
  return { ok: true, suite: { kind: 'calls', calls, count, weights, tol, ...(limits && { limits }) } };
}

function stdio(tests: StdioTest[], ref: Obj, tol: number, conventionMs?: number): SuiteParse {
  const checker = checkerOf(ref);
  if (typeof checker === 'string') return bad(checker);
  const limits = limitsOf(ref, conventionMs);
  return {
    ok: true,
    suite: { kind: 'stdio', tests, tol, ...(checker && { checker }), ...(limits && { limits }) },
  };
}

function weightOf(t: Obj, i: number): number | string {
  if (t.weight === undefined) return 1;
  return typeof t.weight === 'number' && t.weight >= 0 && Number.isFinite(t.weight)
    ? t.weight
    : `tests[${i}].weight must be a number >= 0`;
}

function explicit(ref: Obj, tol: number): SuiteParse {
  const tests = ref.tests as unknown[];
  if (tests.length === 0 || !tests.every(isObj)) return bad('tests must be a non-empty list of objects');
  const types = new Set((tests as Obj[]).map((t) => t.type ?? 'stdio'));
  if (types.size > 1) return bad(`tests mix types (${[...types].join(', ')}): use one type per reference`);
  const type = [...types][0];
  const weights: number[] = [];
  for (const [i, t] of (tests as Obj[]).entries()) {
    const w = weightOf(t, i);
    if (typeof w === 'string') return bad(w);
    weights.push(w);
  }
  if (type === 'stdio') {
    const out: StdioTest[] = [];
    for (const [i, t] of (tests as Obj[]).entries()) {
      const input = asText(t.input ?? '');
      const output = asText(t.output ?? '');
      if (input === undefined || output === undefined)
        return bad(`tests[${i}]: input and output must be strings`);
      out.push({ input, output, weight: weights[i]! });
    }
    return stdio(out, ref, tol);
  }
  if (type === 'assert') {
    const codes = (tests as Obj[]).map((t) => t.code);
    if (!codes.every((c) => typeof c === 'string')) return bad('assert tests need a `code` string');
    return {
      ok: true,
      suite: {
        kind: 'asserts',
        tests: codes as string[],
        imports: '',
        setup: typeof ref.setup === 'string' ? ref.setup : '',
        weights,
        tol,
      },
    };
  }
  if (type === 'call') {
    const calls = [];
    for (const [i, t] of (tests as Obj[]).entries()) {
      if (typeof t.fn !== 'string' || !Array.isArray(t.args) || !('expected' in t))
        return bad(`tests[${i}]: call tests need fn, args (a list) and expected`);
      calls.push({ fn: t.fn, args: t.args, expected: t.expected });
    }
    const values: CallTests = { form: 'values', tests: JSON.stringify(calls) };
    return callsSuite(values, calls.length, weights, tol, limitsOf(ref, undefined));
  }
  return bad(`tests[0].type must be stdio, assert or call (got ${JSON.stringify(type)})`);
}

/** Function-style suites run inside the Python harness; stdio suites run the program once per test. */
export const isPythonOnly = (suite: Suite): boolean => suite.kind !== 'stdio';
