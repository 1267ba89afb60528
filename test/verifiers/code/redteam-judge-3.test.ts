import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../../../src/core/types.js';
import '../../../src/verifiers/code/index.js';
import { py, warmAndCold } from './warm-and-cold.js';

/**
 * Third red-team review of the warm path's persistent judge (optimistic start, 'R' switch, pure_code).
 * Each test is an attack through the real sandbox; each one broke a promise when written. Concurrency 1:
 * every warm run hits the same server and the same judge, so cross-job effects show.
 */
const { score } = warmAndCold();

describe('red team 3: the same program, the same verdict on both paths', () => {
  // Attack: a job whose dataset code is pure (pure_code) is judged in the warm server's persistent
  // judge, a process outside the execution: the CPU that the tests' own code spends there (a check that
  // computes its reference values, as EvalPlus-style tests do, or that loops over many cases) counts
  // against no limit. On the cold path the judge is the execution's own process, under the run's CPU
  // limit, so the same tests time out there. Promise broken: a program gets the same verdict warm and
  // cold (warm: 1, cold: 0 with "CPU-time limit reached"); the run's CPU limit bounds everything the
  // run does (medium: verdicts differ by path; a dataset's heavy checks never time out warm).
  it('tests whose own code spends more than the CPU limit get the same verdict warm and cold', async () => {
    const test = [
      'def check(candidate):',
      '    t = 0',
      '    for i in range(30000000):',
      '        t = t + i',
      '    assert candidate(1, 2) == 3 and t > 0',
      '',
    ].join('\n');
    const ref = { task_id: 'x/0', prompt: 'def add(a, b):\n    """add"""\n', entry_point: 'add', test };
    const got: Record<string, RewardResult> = {};
    for (const path of ['cold', 'warm'] as const) {
      const [r] = await score(path, [{ response: py('def add(a, b):\n    return a + b'), reference: ref }], {
        cpu_ms: 1000,
        test_timeout_ms: 1000,
        wall_ms: 30_000,
      });
      got[path] = r as RewardResult;
    }
    expect(got.warm?.score, JSON.stringify(got)).toBe(got.cold?.score);
  }, 180_000);

  // Attack: the same judge, memory. Pure dataset code that allocates more than the job's memory (a
  // check building a big table of expected values) runs in the persistent judge, which holds no memory
  // limit of its own: it is killed, and the run is reported as a sandbox error. On the cold path the
  // judge is the execution's own process under the job's address-space limit: MemoryError, the test
  // fails, score 0. Promise broken: same verdict on both paths; a failed reward is never turned into an
  // error (status error, score null) that a trainer drops instead of scoring (medium).
  it('tests whose own code runs out of memory score 0 warm as cold, never an error', async () => {
    const test = [
      'def check(candidate):',
      '    big = [0] * 60000000',
      '    assert candidate(1, 2) == 3 and len(big) > 0',
      '',
    ].join('\n');
    const ref = { task_id: 'x/0', prompt: 'def add(a, b):\n    """add"""\n', entry_point: 'add', test };
    const got: Record<string, RewardResult> = {};
    for (const path of ['cold', 'warm'] as const) {
      const [r] = await score(path, [{ response: py('def add(a, b):\n    return a + b'), reference: ref }], {
        memory_mb: 256,
      });
      got[path] = r as RewardResult;
    }
    expect(got.cold?.status, JSON.stringify(got)).toBe('ok');
    expect({ status: got.warm?.status, score: got.warm?.score }, JSON.stringify(got)).toEqual({
      status: got.cold?.status,
      score: got.cold?.score,
    });
  }, 180_000);

  // Attack: a program that signals its parent at load (os.kill(os.getppid(), SIGKILL)), then defines a
  // right function. Cold: its parent is the harness's judge, which dies: 0. Warm, pure tests (judge_here):
  // the worker is PID 1 of its namespace, getppid() is 0, and kill(0) ends its own process group: 0.
  // Warm, impure tests (the 'R' switch, run_plain): the harness's judge is PID 1 of the fresh execution's
  // namespace, which ignores the SIGKILL from inside it: the program runs on and passes, 1. Promise
  // broken: a program gets the same verdict on both paths, and whichever way the warm server routes a job
  // (low: the program is right; but the verdict depends on the path and on the dataset's purity).
  // KNOWN GAP (README), older than the warm judge: a harness judge that is PID 1 of its execution (warm,
  // tests judged in their own execution) ignores a SIGKILL from its worker, where the cold judge dies.
  it.skip('a right program that kills its parent gets one verdict whatever the path', async () => {
    const right =
      'import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\ndef add(a, b):\n    return a + b';
    const check = 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n';
    const pure = {
      task_id: 'x/1',
      prompt: 'def add(a, b):\n    """add"""\n',
      entry_point: 'add',
      test: check,
    };
    // `from typing import List` in the prompt (a quarter of HumanEval) is not pure: the job is refused ('R').
    const impure = { ...pure, prompt: `from typing import List\n${pure.prompt}` };
    const got: Record<string, (number | null | undefined)[]> = {};
    for (const path of ['cold', 'warm'] as const) {
      const r = await score(path, [
        { response: py(right), reference: pure },
        { response: py(right), reference: impure },
      ]);
      got[path] = r.map((x) => x.score);
    }
    expect(got.warm, JSON.stringify(got)).toEqual(got.cold);
    expect(new Set([...(got.warm ?? []), ...(got.cold ?? [])]).size, JSON.stringify(got)).toBe(1);
  }, 180_000);
});
