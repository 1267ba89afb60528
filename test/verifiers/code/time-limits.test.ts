import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult } from '../../../src/core/types.js';
import '../../../src/verifiers/code/index.js';

/**
 * Per-test time limits by dataset convention (issue 17 item 10), in real sandbox runs. The datasets'
 * own harnesses give every test a fixed time: APPS and TACO 4 s (TACO's ignoring the row's
 * `time_limit`), LiveCodeBench 6 s; CodeContests rows state their own. Small `time_limit_scale`s keep
 * the CPU burnt here to a few seconds: each program burns CPU time (time.process_time), so the verdicts
 * do not depend on what else runs on the machine.
 */
const runtime = new Runtime({ inThread: true });
afterAll(() => runtime.close());

const py = (lines: string[]) => `\`\`\`python\n${lines.join('\n')}\n\`\`\`\n`;

async function score(reference: unknown, program: string, args: Record<string, unknown> = {}) {
  const spec = parseSpec({ reward: { use: 'code', args: { mode: 'all', ...args } }, timeout_ms: 60_000 });
  const [r] = await new Scorer(spec, runtime).score([{ response: program, reference }]);
  return r as RewardResult;
}

/** Lines that spend `seconds` of CPU time, at the given indentation. */
const burn = (seconds: number, indent = '') => [
  `${indent}import time`,
  `${indent}_t = time.process_time()`,
  `${indent}while time.process_time() - _t < ${seconds}: pass`,
];

/** The reward is ok with this score, under this per-test limit from this source. */
const verdict = (r: RewardResult, score: number, timeLimitMs: number, source: string) =>
  expect(r, JSON.stringify(r)).toMatchObject({
    status: 'ok',
    score,
    detail: { time_limit_ms: timeLimitMs, time_limit_source: source },
  });

const firstFailure = (r: RewardResult) => (r.detail?.failed as { status: string }[] | undefined)?.[0]?.status;

describe.concurrent('per-test time limits follow the dataset (time_limits: dataset)', () => {
  it('APPS stdin: 4 s × 0.25 = 1 s of CPU per test; 1.5 s times out, 0.2 s passes, and `fixed` keeps cpu_ms', async () => {
    const row = { problem_id: 1, input_output: JSON.stringify({ inputs: ['3\n'], outputs: ['6\n'] }) };
    const program = (s: number) => py([...burn(s), 'print(int(input()) * 2)']);
    const [slow, quick, fixed] = await Promise.all([
      score(row, program(1.5), { time_limit_scale: 0.25 }),
      score(row, program(0.2), { time_limit_scale: 0.25 }),
      score(row, program(1.5), { time_limit_scale: 0.25, time_limits: 'fixed', cpu_ms: 10_000 }),
    ]);
    verdict(slow, 0, 1000, 'convention');
    expect(firstFailure(slow)).toBe('timeout');
    expect(quick, JSON.stringify(quick)).toMatchObject({ status: 'ok', score: 1 });
    verdict(fixed, 1, 10_000, 'args');
  });

  it('APPS call-based: the 1 s per-test limit (4 s × 0.25) reaches the harness; `fixed` uses test_timeout_ms', async () => {
    const row = { input_output: JSON.stringify({ fn_name: 'double', inputs: [[3]], outputs: [6] }) };
    const program = py(['def double(x):', ...burn(1.5, '    '), '    return 2 * x']);
    const [dataset, fixed] = await Promise.all([
      score(row, program, { time_limit_scale: 0.25, test_timeout_ms: 10_000 }),
      score(row, program, { time_limit_scale: 0.25, test_timeout_ms: 10_000, time_limits: 'fixed' }),
    ]);
    verdict(dataset, 0, 1000, 'convention');
    expect(firstFailure(dataset)).toBe('timeout');
    verdict(fixed, 1, 10_000, 'args');
  });

  it('LiveCodeBench functional: 6 s × 1/6 = 1 s per test reaches the harness; `fixed` uses test_timeout_ms', async () => {
    const row = {
      question_id: '1',
      platform: 'leetcode',
      starter_code: 'class Solution:\n    def double(self, x: int) -> int:\n        ',
      public_test_cases: JSON.stringify([{ input: '3', output: '6', testtype: 'functional' }]),
      private_test_cases: '',
      metadata: JSON.stringify({ func_name: 'double' }),
    };
    const program = py([
      'class Solution:',
      '    def double(self, x: int) -> int:',
      ...burn(1.5, '        '),
      '        return 2 * x',
    ]);
    const [dataset, fixed] = await Promise.all([
      score(row, program, { time_limit_scale: 1 / 6, test_timeout_ms: 10_000 }),
      score(row, program, { time_limit_scale: 1 / 6, test_timeout_ms: 10_000, time_limits: 'fixed' }),
    ]);
    verdict(dataset, 0, 1000, 'convention');
    expect(firstFailure(dataset)).toBe('timeout');
    expect(fixed, JSON.stringify(fixed)).toMatchObject({ status: 'ok', score: 1 });
  });

  it('LiveCodeBench stdin: 6 s × the scale, by convention', async () => {
    const row = {
      question_id: 'abc1_a',
      platform: 'atcoder',
      public_test_cases: JSON.stringify([{ input: '3\n', output: '6\n', testtype: 'stdin' }]),
      private_test_cases: '',
      metadata: '{}',
    };
    const r = await score(row, py(['print(int(input()) * 2)']), { time_limit_scale: 0.5 });
    verdict(r, 1, 3000, 'convention');
  });

  it('TACO: a row’s "1 second" gives way to the 4 s its harness allows; 1.5 s of CPU passes', async () => {
    const row = {
      input_output: JSON.stringify({ inputs: ['3\n'], outputs: ['6\n'] }),
      time_limit: '1 second',
      memory_limit: '256 megabytes',
      source: 'codeforces',
    };
    const program = py([...burn(1.5), 'print(int(input()) * 2)']);
    const r = await score(row, program);
    verdict(r, 1, 4000, 'convention');
  });

  it('CodeContests keeps the row’s own limit (scaled); `fixed` shows cpu_ms', async () => {
    const row = {
      name: '1_A',
      public_tests: { input: ['3\n'], output: ['6\n'] },
      time_limit: { seconds: 1, nanos: 500_000_000 },
      memory_limit_bytes: 256 << 20,
    };
    const program = py(['print(int(input()) * 2)']);
    const [dataset, fixed] = await Promise.all([
      score(row, program, { time_limit_scale: 2 }),
      score(row, program, { time_limit_scale: 2, time_limits: 'fixed', cpu_ms: 5000 }),
    ]);
    verdict(dataset, 1, 3000, 'row');
    expect(fixed.detail).toMatchObject({ time_limit_ms: 5000, time_limit_source: 'args' });
  });

  it('many quick call tests: the whole run gets per-test × tests + 1 s, not cpu_ms', async () => {
    // 6 tests of 0.3 s CPU each = 1.8 s in all, over cpu_ms (1 s); each under its 1 s limit (4 s × 0.25).
    // Under `dataset` the harness run may use max(1 s, 1 s × 6 + 1 s) = 7 s and every test passes; under
    // `fixed` the whole run has cpu_ms = 1 s and the tests after the third cannot finish.
    const n = 6;
    const row = {
      input_output: JSON.stringify({
        fn_name: 'double',
        inputs: Array.from({ length: n }, (_, i) => [i]),
        outputs: Array.from({ length: n }, (_, i) => 2 * i),
      }),
    };
    const program = py(['def double(x):', ...burn(0.3, '    '), '    return 2 * x']);
    const args = { time_limit_scale: 0.25, cpu_ms: 1000, test_timeout_ms: 1000 };
    const [dataset, fixed] = await Promise.all([
      score(row, program, args),
      score(row, program, { ...args, time_limits: 'fixed' }),
    ]);
    expect(dataset, JSON.stringify(dataset)).toMatchObject({
      status: 'ok',
      score: 1,
      detail: { passed: n, time_limit_ms: 1000 },
    });
    expect(fixed, JSON.stringify(fixed)).toMatchObject({ status: 'ok', score: 0 });
  });
});
