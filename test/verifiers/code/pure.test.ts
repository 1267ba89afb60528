import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/sandbox/classify.js';
import { sandboxFailure } from '../../../src/sandbox/job.js';
import { DEFAULT_LIMITS } from '../../../src/sandbox/types.js';
import { numberKind, outputsMatch } from '../../../src/verifiers/code/compare.js';
import { extractProgram } from '../../../src/verifiers/code/extract.js';
import { appliedLimits } from '../../../src/verifiers/code/limits.js';
import { readPlainPickle } from '../../../src/verifiers/code/pickle.js';
import { decodeTestCases, parseReference } from '../../../src/verifiers/code/reference.js';
import { parseReports } from '../../../src/verifiers/code/run-suite.js';
import { hasTopLevelReturn, wrapTopLevelReturn } from '../../../src/verifiers/code/toplevel-return.js';
import { verpoWeights, weightedScore } from '../../../src/verifiers/code/verpo.js';

describe('extractProgram', () => {
  it('takes the last fenced block of the language', () => {
    const r = '```python\nold()\n```\ntext\n```js\nconsole.log(1)\n```\n```py\nnew()\n```\nbye';
    expect(extractProgram(r, 'python', 'auto')).toEqual({ code: 'new()', from: 'fence', tag: 'py' });
    expect(extractProgram(r, 'javascript', 'auto')?.code).toBe('console.log(1)');
  });
  it('falls back to an untagged block, then to the whole response in auto mode only', () => {
    expect(extractProgram('```\nx = 1\n```', 'python', 'auto')?.code).toBe('x = 1');
    expect(extractProgram('    return a + b\n', 'python', 'auto')).toEqual({
      code: '    return a + b',
      from: 'whole',
    });
    expect(extractProgram('x = 1', 'python', 'fence')).toBeUndefined();
    expect(extractProgram('```cpp\nint main(){}\n```', 'python', 'auto')).toBeUndefined();
    expect(extractProgram('```python\nx\n```', 'python', 'whole')?.code).toBe('```python\nx\n```');
  });
  it('ignores code inside <think>', () => {
    expect(
      extractProgram('<think>```python\nbad()\n```</think>```python\ngood()\n```', 'python', 'auto')?.code,
    ).toBe('good()');
  });
});

describe('outputsMatch', () => {
  it('tolerates trailing whitespace and trailing blank lines, nothing else by default', () => {
    expect(outputsMatch('1 2  \n3\n\n\n', '1 2\n3')).toBe(true);
    expect(outputsMatch('1 2\r\n3', '1 2\n3\n')).toBe(true);
    expect(outputsMatch(' 1 2\n3', '1 2\n3')).toBe(false);
    expect(outputsMatch('1 2', '1 2\n3')).toBe(false);
    expect(outputsMatch('0.3333333', '0.333333333')).toBe(false);
  });
  it('compares numbers with a tolerance when configured', () => {
    expect(outputsMatch('0.3333333 x', '0.333333333 x', 1e-6)).toBe(true);
    expect(outputsMatch('0.34', '0.333333333', 1e-6)).toBe(false);
    expect(outputsMatch('abc', 'abd', 1e-6)).toBe(false);
    expect(outputsMatch('1e9', '1000000000.5', 1e-6)).toBe(true);
  });
});

describe('parseReference', () => {
  it('reads HumanEval', () => {
    const r = parseReference({ test: 'def check(c): pass', entry_point: 'f', prompt: 'def f():\n' });
    expect(r).toMatchObject({
      ok: true,
      suite: { kind: 'humaneval', entryPoint: 'f', prompt: 'def f():\n' },
    });
  });
  it('reads MBPP with setup and imports', () => {
    const r = parseReference({
      test_list: ['assert f(1) == 2'],
      test_setup_code: 'x = 1',
      test_imports: ['import math'],
    });
    expect(r).toMatchObject({
      ok: true,
      suite: { kind: 'asserts', tests: ['assert f(1) == 2'], imports: 'import math', setup: 'x = 1' },
    });
  });
  it('reads APPS stdin/stdout, call-based and the input_output JSON string', () => {
    expect(parseReference({ inputs: ['1\n'], outputs: [['2']] })).toMatchObject({
      ok: true,
      suite: { kind: 'stdio', tests: [{ input: '1\n', output: '2' }] },
    });
    // The JSON text goes to the harness as written: Python parses it, so 2**64 and 2.0 stay exact.
    const io = '{"inputs": [[18446744073709551616, 2.0]], "outputs": [[3]], "fn_name": "add"}';
    expect(parseReference({ input_output: io })).toMatchObject({
      ok: true,
      suite: { kind: 'calls', calls: { form: 'apps', fn: 'add', io } },
    });
  });
  it('reads LiveCodeBench stdin and functional cases', () => {
    expect(
      parseReference({ public_test_cases: JSON.stringify([{ input: '1', output: '1', testtype: 'stdin' }]) }),
    ).toMatchObject({ ok: true, suite: { kind: 'stdio' } });
    const fn = parseReference({
      public_test_cases: [{ input: '[1,2]\n3', output: '4', testtype: 'functional' }],
      metadata: '{"func_name": "g"}',
    });
    expect(fn).toMatchObject({
      ok: true,
      suite: { kind: 'calls', calls: { form: 'lines', fn: 'g', cases: [['[1,2]\n3', '4']] } },
    });
  });
  it('reads the explicit form with weights and a checker', () => {
    const r = parseReference({
      tests: [{ input: 'a', output: 'b', weight: 2 }],
      checker: { language: 'python', code: 'pass' },
      float_tolerance: 1e-3,
    });
    expect(r).toMatchObject({
      ok: true,
      suite: { kind: 'stdio', tests: [{ weight: 2 }], checker: { language: 'python' }, tol: 1e-3 },
    });
    expect(
      parseReference({ tests: [{ type: 'assert', code: 'assert 1' }], setup: 'import x' }),
    ).toMatchObject({ ok: true, suite: { kind: 'asserts', setup: 'import x' } });
  });
  it('names what is wrong', () => {
    expect(parseReference('nope')).toMatchObject({ ok: false });
    expect(parseReference({ tests: [{ input: 'a', output: 'b', weight: -1 }] })).toEqual({
      ok: false,
      error: 'tests[0].weight must be a number >= 0',
    });
    expect(parseReference({ inputs: ['1'], outputs: [] })).toMatchObject({
      ok: false,
      error: expect.stringContaining('same length'),
    });
    expect(parseReference({ tests: [{ type: 'assert', code: 'x' }, { type: 'stdio' }] })).toMatchObject({
      ok: false,
      error: expect.stringContaining('mix'),
    });
    expect(
      parseReference({ public_test_cases: [{ input: '1', output: '1', testtype: 'functional' }] }),
    ).toMatchObject({ ok: false, error: expect.stringContaining('func_name') });
  });
});

describe('parseReports', () => {
  const n = 'abc123';
  it('counts only reports with the nonce, in order, once each', () => {
    const out = `noise\n${n} count 3\n${n} pass 0\nfake pass 1\n${n} pass 2\n${n} fail 1 wrong_answer expected 2\n${n} pass 1\n`;
    const r = parseReports(out, n);
    expect(r.count).toBe(3);
    expect([...r.results.entries()]).toEqual([
      [0, { status: 'pass' }],
      [1, { status: 'wrong_answer', message: 'expected 2' }],
    ]);
  });
  it('ignores reports before the count', () => {
    expect(parseReports(`${n} pass 0\n${n} count 1\n`, n).results.size).toBe(0);
  });
});

describe('VeRPO weights', () => {
  it('weigh tests by how few rollouts pass them', () => {
    const passes = [
      [true, true, false],
      [true, false, false],
      [true, false, true],
      [true, false, false],
    ];
    const w = verpoWeights(passes, [1, 1, 1], 0.1);
    expect(w.map((x) => Math.round(x * 100) / 100)).toEqual([0.1, 0.85, 0.85]);
    expect(weightedScore([true, false, false], w)).toBeCloseTo(0.1 / 1.8);
    expect(weightedScore([false, true, true], w)).toBeCloseTo(1.7 / 1.8);
    expect(weightedScore([true], [0])).toBe(0);
  });
});

describe('classify', () => {
  const base = { ...sandboxFailure(''), sandboxError: undefined, exitCode: 0 };
  it('maps raw facts to statuses', () => {
    expect(classify(base, DEFAULT_LIMITS).status).toBe('ok');
    expect(classify({ ...base, exitCode: 1 }, DEFAULT_LIMITS).status).toBe('runtime_error');
    expect(classify({ ...base, exitCode: null, signal: 24 }, DEFAULT_LIMITS).status).toBe('timeout');
    expect(classify({ ...base, exitCode: null, signal: 25 }, DEFAULT_LIMITS).status).toBe('output_limit');
    expect(classify({ ...base, exitCode: 1, stderr: 'MemoryError\n' }, DEFAULT_LIMITS).status).toBe('memory');
    expect(classify({ ...base, timedOut: true }, DEFAULT_LIMITS).status).toBe('timeout');
    expect(classify({ ...base, outputExceeded: true, timedOut: true }, DEFAULT_LIMITS).status).toBe(
      'output_limit',
    );
    expect(classify(sandboxFailure('x'), DEFAULT_LIMITS)).toEqual({ status: 'sandbox_error', message: 'x' });
  });
});

describe('dataset encodings', () => {
  // Made with Python: base64(zlib(pickle.dumps(cases, protocol=2))) and pickle.dumps(json.dumps(cases)).
  const listPickle =
    'eJwljbsOwjAMRUNKX6bwDR6zFDU0BfVPsrARKV1KrSYDQyU+Hads1+ce21/5JKE2OiibCyGmeYmBpG04D6Dxhj0aHIAyWzB6x5D6o5U83IFyW3EIbg3hszgq9htreE0zlXGjSnlpa0Y9PHBErYFq/1/ugMAXPlmnZF2YGWjTv9ag7rhvWM0YjwbovLvu+gOhmyNN';
  const stringPickle =
    'eJxrYJl6hgECek5EVytl5hWUlihZKShFG+qAYWxMnpGSjoJSfmkJVMYMxC1JLS4pqSxIBQmkleYll2Tm5yXmKNXqKCCbYaqja6pjoGNoADTFFNUUI+JNMQbqNkPVbYBPd+wUPQBUi0CS';
  const hostile = 'eJxrYJlqyAABPawF+cWZFVN62Iori0tSc6dMntIjVpJfmpyhoF+SW6CfWFycWKlbUJ6XmjKldUrQFD0AQUsVVg==';

  it('reads pickled lists and pickled JSON text, refuses anything that would import or call', () => {
    expect(decodeTestCases('private_test_cases', listPickle)).toEqual([
      { input: '5\n1 2 3 4 5\n', output: '6\n', testtype: 'stdin' },
      { input: '3\n7 9 11\n', output: '0\n', testtype: 'stdin' },
      { input: '4\n-2 3 -4 100\n', output: '94\n', testtype: 'stdin' },
    ]);
    expect(decodeTestCases('private_test_cases', stringPickle)).toHaveLength(3);
    expect(decodeTestCases('private_test_cases', hostile)).toMatch(/opcode 0x93 is not plain data/);
    expect(decodeTestCases('private_test_cases', 'not base64 at all!')).toMatch(/neither JSON nor/);
    // A malformed APPS row is named by its field, not answered with the list of every shape.
    expect(parseReference({ input_output: '{not json' })).toEqual({
      ok: false,
      error: 'input_output must be an object {inputs, outputs, fn_name?} or its JSON text',
    });
    // pickle.dumps(cases, protocol=0): a text pickle, said so (not a JSON parse error).
    const protocol0 = 'eJzTyCkw4NJIKTDkCsvMKygt4Sow4goz5Cow5ioOyy8tAYuYcIUZcRWYchUn6gEAREANZQ==';
    expect(decodeTestCases('private_test_cases', protocol0)).toMatch(/pickle of protocol 2 or later/);
    expect(decodeTestCases('public_test_cases', '[{"input": "1", "output": "1"}]')).toHaveLength(1);
  });

  it('reads the opcodes of plain data and nothing else', () => {
    // pickle.dumps([1, -2, 3.5, True, None, "é", {"k": (1, 2)}, 2**40], protocol=4)
    const bytes = Buffer.from(
      'gASVMQAAAAAAAABdlChLAUr+////R0AMAAAAAAAAiE6MAsOplH2UjAFrlEsBSwKGlHOKBgAAAAAAAWUu',
      'base64',
    );
    expect(readPlainPickle(bytes)).toEqual([1, -2, 3.5, true, null, 'é', { k: [1, 2] }, 2 ** 40]);
  });
});

describe('outputsMatch, tokens (the default of the reward)', () => {
  it('ignores spacing and line ends, compares floats as numbers and integers as text', () => {
    expect(outputsMatch('2.000000\n', '2.0', 0, 'tokens')).toBe(true);
    expect(outputsMatch('1     2 \r\n\n', '1 2', 0, 'tokens')).toBe(true);
    expect(outputsMatch('1\n2', '1 2', 0, 'tokens')).toBe(true);
    expect(outputsMatch('0.3333333', '0.333333333', 0, 'tokens')).toBe(true);
    expect(outputsMatch('0.334', '0.333333333', 0, 'tokens')).toBe(false);
    expect(outputsMatch('100000000000000000001', '100000000000000000000', 0, 'tokens')).toBe(false);
    expect(outputsMatch('1 2', '1 2 3', 0, 'tokens')).toBe(false);
    expect(outputsMatch('YES', 'yes', 0, 'tokens')).toBe(false);
  });

  it('an integer answer is exact even when the program prints a float (no relative tolerance to earn)', () => {
    expect(outputsMatch('1000001.0', '1000000', 0, 'tokens')).toBe(false);
    expect(outputsMatch('1000000.5', '1000000', 0, 'tokens')).toBe(false);
    expect(outputsMatch('12345670000000.0', '12345678901234', 0, 'tokens')).toBe(false);
    expect(outputsMatch('1e19', '10000000000000000001', 0, 'tokens')).toBe(false);
    expect(outputsMatch('-3.0000001', '-3', 1e-6, 'strict')).toBe(false);
    // the same integer written as a float still matches
    expect(outputsMatch('1000000.0 2.000 1e6 -0.0 0.5e1 +7.', '1000000 2 1000000 0 5 7', 0, 'tokens')).toBe(
      true,
    );
    expect(outputsMatch('1e19', '10000000000000000000', 0, 'tokens')).toBe(true);
    expect(outputsMatch('-12.00e-1', '-1', 0, 'tokens')).toBe(false);
    expect(outputsMatch('-10.00e-1', '-1', 0, 'tokens')).toBe(true);
    expect(outputsMatch('1e999999999', '1', 0, 'tokens')).toBe(false);
    expect(outputsMatch('', '\n', 0, 'tokens')).toBe(true);
  });
  it('reads numbers with a scanner: a megabyte token is linear', () => {
    expect(numberKind('-12.5e3')).toBe('float');
    expect(numberKind('007')).toBe('int');
    expect(numberKind('1e')).toBeUndefined();
    expect(numberKind('.')).toBeUndefined();
    const long = `${'9'.repeat(1 << 20)}x`;
    const t = performance.now();
    expect(outputsMatch(long, `${long}y`, 0, 'tokens')).toBe(false);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('hasTopLevelReturn (APPS wraps stdin programs in a function)', () => {
  it('finds a return outside any def, inside if blocks too', () => {
    expect(hasTopLevelReturn('n = int(input())\nif n == 0:\n    print(0)\n    return\nprint(n)')).toBe(true);
    expect(hasTopLevelReturn('def f():\n    return 1\nprint(f())')).toBe(false);
    expect(hasTopLevelReturn('class A:\n    def f(self):\n        return 1\n')).toBe(false);
    expect(hasTopLevelReturn('s = """\nreturn\n"""\nprint(s)')).toBe(false);
    expect(wrapTopLevelReturn('if 1:\n    return')).toBe(
      'def __solution_main__():\n    if 1:\n        return\n    pass\n__solution_main__()\n',
    );
  });
});

describe('per-test time limits by dataset convention (issue 17 item 10)', () => {
  const limitsOf = (reference: unknown) => {
    const r = parseReference(reference);
    if (!r.ok) throw new Error(r.error);
    return 'limits' in r.suite ? r.suite.limits : undefined;
  };
  const stdinIo = JSON.stringify({ inputs: ['1\n'], outputs: ['1\n'] });
  const callIo = JSON.stringify({ fn_name: 'f', inputs: [[1], [2], [3]], outputs: [1, 2, 3] });

  it('APPS rows (input_output, no limit of their own): 4 s per test, stdin and call-based', () => {
    expect(limitsOf({ input_output: stdinIo })).toEqual({ timeMs: 4000, source: 'convention' });
    expect(limitsOf({ input_output: callIo })).toEqual({ timeMs: 4000, source: 'convention' });
    expect(parseReference({ input_output: callIo })).toMatchObject({ ok: true, suite: { count: 3 } });
  });

  it('TACO rows: the larger of their own time_limit and the 4 s their harness gives every test', () => {
    const taco = (time_limit: unknown) => ({
      input_output: callIo,
      time_limit,
      memory_limit: '64 megabytes',
    });
    expect(limitsOf(taco('1 second'))).toEqual({ timeMs: 4000, source: 'convention', memoryMb: 64 });
    expect(limitsOf(taco('6 seconds'))).toEqual({ timeMs: 6000, source: 'row', memoryMb: 64 });
    expect(limitsOf(taco(null))).toEqual({ timeMs: 4000, source: 'convention', memoryMb: 64 });
  });

  it('LiveCodeBench: 6 s per test, stdin and functional', () => {
    const stdin = { public_test_cases: [{ input: '1', output: '1', testtype: 'stdin' }] };
    expect(limitsOf(stdin)).toEqual({ timeMs: 6000, source: 'convention' });
    const fn = {
      public_test_cases: [
        { input: '1', output: '1', testtype: 'functional' },
        { input: '2', output: '2', testtype: 'functional' },
      ],
      metadata: '{"func_name": "g"}',
    };
    expect(limitsOf(fn)).toEqual({ timeMs: 6000, source: 'convention' });
    expect(parseReference(fn)).toMatchObject({ ok: true, suite: { kind: 'calls', count: 2 } });
  });

  it('CodeContests: the row’s own limit, even below any convention', () => {
    const row = {
      public_tests: { input: ['1'], output: ['1'] },
      time_limit: { seconds: 0, nanos: 250_000_000 },
      memory_limit_bytes: 64 << 20,
    };
    expect(limitsOf(row)).toEqual({ timeMs: 250, source: 'row', memoryMb: 64 });
    expect(limitsOf({ public_tests: { input: ['1'], output: ['1'] } })).toBeUndefined();
  });

  it('HumanEval, MBPP, {tests} and bare {inputs, outputs} carry none unless they state a time_limit', () => {
    expect(limitsOf({ test: 'def check(c): pass', entry_point: 'f' })).toBeUndefined();
    expect(limitsOf({ test_list: ['assert f()'] })).toBeUndefined();
    expect(limitsOf({ inputs: ['1'], outputs: ['1'] })).toBeUndefined();
    expect(limitsOf({ tests: [{ input: '1', output: '1' }] })).toBeUndefined();
    expect(limitsOf({ tests: [{ type: 'call', fn: 'f', args: [], expected: 1 }] })).toBeUndefined();
    expect(limitsOf({ tests: [{ input: '1', output: '1' }], time_limit: 2 })).toEqual({
      timeMs: 2000,
      source: 'row',
    });
    expect(limitsOf({ inputs: ['1'], outputs: ['1'], time_limit: '500 ms' })).toEqual({
      timeMs: 500,
      source: 'row',
    });
  });

  it('the limits applied: scaled per test under `dataset`, the args under `fixed`, a whole-run budget for calls', () => {
    const args = {
      cpu_ms: 10_000,
      test_timeout_ms: 3000,
      time_limit_scale: 0.5,
      time_limits: 'dataset' as const,
    };
    const parse = (reference: unknown) => {
      const r = parseReference(reference);
      if (!r.ok) throw new Error(r.error);
      return r.suite;
    };
    // stdin: 4 s × 0.5 is the CPU limit of each run.
    expect(appliedLimits(parse({ input_output: stdinIo }), args)).toMatchObject({
      cpuMs: 2000,
      perTestMs: 2000,
      source: 'convention',
    });
    // calls: 2 s per test; the whole run max(cpu_ms, 2 s × 3 + 1 s) = 10 s.
    expect(appliedLimits(parse({ input_output: callIo }), args)).toEqual({
      cpuMs: 10_000,
      testTimeoutMs: 2000,
      perTestMs: 2000,
      source: 'convention',
    });
    // 10 tests at 2 s: the whole run gets 21 s, more than cpu_ms.
    const many = JSON.stringify({ fn_name: 'f', inputs: Array(10).fill([1]), outputs: Array(10).fill(1) });
    expect(appliedLimits(parse({ input_output: many }), args)).toMatchObject({
      cpuMs: 21_000,
      testTimeoutMs: 2000,
    });
    expect(appliedLimits(parse({ input_output: many }), { ...args, time_limits: 'fixed' })).toEqual({
      cpuMs: 10_000,
      testTimeoutMs: 3000,
      perTestMs: 3000,
      source: 'args',
    });
    expect(appliedLimits(parse({ test_list: ['assert f()'] }), args)).toMatchObject({
      cpuMs: 10_000,
      testTimeoutMs: 3000,
      source: 'args',
    });
  });
});
