import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult } from '../../../src/core/types.js';
import '../../../src/verifiers/code/index.js';

/**
 * Conformance with the code datasets as they ship (issue 17). Each row is ours — our own problems and
 * numbers — written in exactly the published shape of its dataset: field names, JSON-in-a-string
 * fields, LiveCodeBench's base64(zlib(pickle)) private tests, CodeContests' test groups. Each row has
 * gold programs (score 1), a partial program (0 under `all`, its fraction under `fraction`) and a
 * broken one (0). Accuracy is printed per dataset at the end.
 */
const runtime = new Runtime({ inThread: true });
const tally = new Map<string, { right: number; total: number }>();
afterAll(async () => {
  await runtime.close();
  const lines = [...tally].map(([k, v]) => `${k.padEnd(16)} ${v.right}/${v.total}`);
  console.log(`code datasets, verdicts as expected per kind:\n${lines.join('\n')}`);
});

const py = (lines: string[]) => `\`\`\`python\n${lines.join('\n')}\n\`\`\`\n`;

async function score(reference: unknown, program: string, mode: 'all' | 'fraction', args = {}) {
  const spec = parseSpec({ reward: { use: 'code', args: { mode, ...args } }, timeout_ms: 60_000 });
  const [r] = await new Scorer(spec, runtime).score([{ response: program, reference }]);
  return r as RewardResult;
}

interface Row {
  kind: string;
  name: string;
  reference: unknown;
  /** Gold programs, with reward args when they differ from the row's (another language). */
  gold: (string | { program: string; args: Record<string, unknown> })[];
  partial: { program: string; fraction: number };
  broken: string;
  args?: Record<string, unknown>;
}

const rows: Row[] = [];

// ---- HumanEval+ (evalplus/humanevalplus): test imports numpy and loops over inputs/results ----
rows.push({
  kind: 'HumanEval+',
  name: 'running maximum',
  reference: {
    task_id: 'HumanEval/9000',
    prompt:
      'from typing import List\n\n\ndef running_max(numbers: List[float]) -> List[float]:\n    """The largest value seen so far at each position."""\n',
    canonical_solution:
      '    out = []\n    for x in numbers:\n        out.append(x if not out else max(out[-1], x))\n    return out\n',
    entry_point: 'running_max',
    test: [
      'import numpy as np',
      '',
      'def _floats(x):',
      '    return isinstance(x, float) or (isinstance(x, list) and all(isinstance(v, float) for v in x))',
      '',
      'def assertion(out, exp, atol):',
      '    if out == exp:',
      '        return',
      '    if atol == 0 and _floats(exp):',
      '        atol = 1e-6',
      '    assert atol != 0 and np.allclose(out, exp, rtol=1e-07, atol=atol), f"{out} != {exp}"',
      '',
      'def check(candidate):',
      '    inputs = [[[1.0, 3.0, 2.0]], [[]], [[-1.5, -2.5]], [[2.0, 2.0, 5.5, 1.0]], [[0.1, 0.2, 0.30000000000000004]]]',
      '    results = [[1.0, 3.0, 3.0], [], [-1.5, -1.5], [2.0, 2.0, 5.5, 5.5], [0.1, 0.2, 0.30000000000000004]]',
      '    for i, (inp, exp) in enumerate(zip(inputs, results)):',
      '        assertion(candidate(*inp), exp, 0)',
      '',
    ].join('\n'),
  },
  gold: [
    '    out = []\n    for x in numbers:\n        out.append(x if not out else max(out[-1], x))\n    return out\n',
    py([
      'from itertools import accumulate',
      'from typing import List',
      'def running_max(numbers: List[float]) -> List[float]:',
      '    return list(accumulate(numbers, max))',
    ]),
  ],
  partial: {
    program: py([
      'def running_max(numbers):',
      '    best = numbers[0]',
      '    out = []',
      '    for x in numbers:',
      '        best = max(best, x)',
      '        out.append(best)',
      '    return out',
    ]),
    fraction: 0,
  },
  broken: py(['def running_max(numbers):', '    return sorted(numbers)']),
});

// ---- MBPP+ (evalplus/mbppplus): 3 base asserts in test_list plus the `test` script of extra inputs ----
rows.push({
  kind: 'MBPP+',
  name: 'count vowels',
  reference: {
    task_id: 'Mbpp/9001',
    code: 'def count_vowels(s):\n    return sum(c in "aeiouAEIOU" for c in s)',
    prompt: 'Write a function to count the vowels of a string.',
    source_file: 'Benchmark Questions Verification V2.ipynb',
    test_imports: [],
    test_list: [
      'assert count_vowels("hello") == 2',
      'assert count_vowels("sky") == 0',
      'assert count_vowels("banana") == 3',
    ],
    test: [
      'import numpy as np',
      'def assertion(out, exp, atol):',
      '    assert out == exp or (atol != 0 and np.isclose(out, exp, atol=atol))',
      "inputs = [['hello'], ['sky'], ['AEIOU'], ['Programming In Python'], ['']]",
      'results = [2, 0, 5, 5, 0]',
      'for i, (inp, exp) in enumerate(zip(inputs, results)):',
      '    assertion(count_vowels(*inp), exp, 0)',
    ].join('\n'),
  },
  gold: [py(['def count_vowels(s):', '    return sum(c in "aeiouAEIOU" for c in s)'])],
  partial: {
    program: py(['def count_vowels(s):', '    return sum(c in "aeiou" for c in s)']),
    fraction: 3 / 4,
  },
  broken: py(['def count_vowels(s)', '    return 0']),
});

// ---- APPS: input_output as a JSON string; stdin problems and call-based ones (fn_name) ----
rows.push({
  kind: 'APPS',
  name: 'sorted with mean (stdin)',
  reference: {
    problem_id: 9002,
    question: 'Print the numbers sorted, then their mean.',
    solutions: JSON.stringify(['n = int(input())\n...']),
    input_output: JSON.stringify({
      inputs: ['3\n1 2 3\n', '4\n4 1 3 2\n', '0\n\n'],
      outputs: ['1 2 3\n2.0\n', '1 2 3 4\n2.5\n', '\n0\n'],
    }),
    difficulty: 'introductory',
    url: 'https://example.org/problem/9002',
    starter_code: '',
  },
  gold: [
    // Different spacing and float format from the expected output; the judge's checker accepts both.
    py([
      'n = int(input())',
      'a = sorted(map(int, input().split())) if n else []',
      "print('  '.join(map(str, a)) + ' ')",
      "print('%.6f' % (sum(a) / n if n else 0))",
    ]),
    // APPS' harness runs a solution as a function body, so a top-level return is allowed.
    py([
      'n = int(input())',
      'if n == 0:',
      '    print()',
      '    print(0)',
      '    return',
      'a = sorted(map(int, input().split()))',
      'print(*a)',
      'print(sum(a) / n)',
    ]),
  ],
  partial: {
    program: py([
      'n = int(input())',
      'a = list(map(int, input().split())) if n else []',
      'print(*a)',
      'print(sum(a) / n if n else 0)',
    ]),
    fraction: 2 / 3,
  },
  broken: py(['print(undefined_name)']),
});

rows.push({
  kind: 'APPS',
  name: 'largest gap (call-based, big integers)',
  reference: {
    problem_id: 9003,
    input_output:
      '{"fn_name": "max_gap", "inputs": [[[1, 5, 2]], [[7]], [[3, 18446744073709551620]]], "outputs": [[3], [0], [18446744073709551617]]}',
    starter_code: 'def max_gap(a):\n    ',
  },
  gold: [
    py([
      'def max_gap(a):',
      '    a = sorted(a)',
      '    return max((y - x for x, y in zip(a, a[1:])), default=0)',
    ]),
  ],
  partial: {
    program: py([
      'def max_gap(a):',
      '    a = sorted(float(x) for x in a)',
      '    return int(max((y - x for x, y in zip(a, a[1:])), default=0))',
    ]),
    fraction: 2 / 3,
  },
  broken: py(['def max_gap(a):', '    return None']),
});

rows.push({
  kind: 'APPS',
  name: 'LeetCode-style class Solution, typing names without imports',
  reference: {
    problem_id: 9004,
    input_output: JSON.stringify({
      fn_name: 'twice',
      inputs: [[[1, 2]], [[]], [[-3, 0]]],
      outputs: [[[2, 4]], [[]], [[-6, 0]]],
    }),
    starter_code: 'class Solution:\n    def twice(self, a: List[int]) -> List[int]:\n        ',
  },
  gold: [
    py([
      'class Solution:',
      '    def twice(self, a: List[int]) -> List[int]:',
      '        return [2 * x for x in a]',
    ]),
  ],
  partial: {
    program: py([
      'class Solution:',
      '    def twice(self, a: List[int]) -> List[int]:',
      '        return [abs(2 * x) for x in a]',
    ]),
    fraction: 2 / 3,
  },
  broken: py(['class Solution:', '    pass']),
});

// ---- TACO: APPS' input_output plus time_limit / memory_limit strings ----
rows.push({
  kind: 'TACO',
  name: 'reverse the words',
  reference: {
    question: 'Reverse the order of the words of a line.',
    solutions: ['print(*input().split()[::-1])'],
    starter_code: '',
    input_output: JSON.stringify({
      inputs: ['a\n', 'hello big world\n'],
      outputs: ['a\n', 'world big hello\n'],
    }),
    difficulty: 'EASY',
    raw_tags: "['Strings']",
    name: 'reverse-words',
    source: 'codechef',
    tags: "['String algorithms']",
    skill_types: "['Sorting']",
    url: 'https://example.org/taco/1',
    'Expected Auxiliary Space': null,
    time_limit: '2 seconds',
    date: '2021-01-01',
    picture_num: '0',
    memory_limit: '256 megabytes',
    'Expected Time Complexity': null,
  },
  gold: [py(['print(*input().split()[::-1])'])],
  partial: { program: py(['print(input()[::-1])']), fraction: 1 / 2 },
  broken: py(['import sys', 'sys.exit(1)']),
});

// ---- CodeContests: public/private/generated test groups, time_limit {seconds, nanos} ----
const triangular = (ns: bigint[]) => ({
  input: [`${ns.length}\n${ns.join('\n')}\n`],
  output: [`${ns.map((n) => (n * (n + 1n)) / 2n).join('\n')}\n`],
});
rows.push({
  kind: 'CodeContests',
  name: 'triangular numbers',
  reference: {
    name: '9005_A. Triangles',
    description: 'For each n print 1 + 2 + ... + n.',
    public_tests: triangular([3n, 4n]),
    private_tests: triangular([10n ** 9n, 999999999n]),
    generated_tests: triangular([1n, 2n, 65536n]),
    source: 2,
    difficulty: 7,
    solutions: { language: [3], solution: ['...'] },
    incorrect_solutions: { language: [], solution: [] },
    cf_contest_id: 9005,
    cf_index: 'A',
    cf_points: 500,
    cf_rating: 800,
    cf_tags: ['math'],
    is_description_translated: false,
    untranslated_description: '',
    time_limit: { seconds: 1, nanos: 500000000 },
    memory_limit_bytes: 268435456,
    input_file: '',
    output_file: '',
  },
  gold: [
    py([
      'import sys',
      'd = sys.stdin.read().split()',
      'for n in map(int, d[1:]):',
      '    print(n * (n + 1) // 2)',
    ]),
    {
      program:
        '```cpp\n#include <cstdio>\nint main(){int t; scanf("%d",&t); while(t--){unsigned long long n; scanf("%llu",&n); printf("%llu\\n", n*(n+1)/2);}}\n```',
      args: { language: 'cpp' },
    },
  ],
  partial: {
    // 32-bit arithmetic: right on the public and generated tests, wrong on the large private ones.
    program: py([
      't = int(input())',
      'for _ in range(t):',
      '    n = int(input())',
      '    print(n * (n + 1) // 2 % 2**32)',
    ]),
    fraction: 2 / 3,
  },
  broken: py(['t = int(input())', 'for _ in range(t): print(int(input()) ** 2)']),
});

const derangement = (ns: number[], answers: string[]) => ({
  input: ns.map((n) => `${n}\n`),
  output: answers.map((a) => `${a}\n`),
});
rows.push({
  kind: 'CodeContests',
  name: 'any derangement (special judge)',
  reference: {
    name: '9006_B. No fixed points',
    public_tests: derangement([2, 3], ['2 1', '2 3 1']),
    private_tests: derangement([4, 5], ['4 3 2 1', '2 3 4 5 1']),
    generated_tests: { input: [], output: [] },
    time_limit: { seconds: 2, nanos: 0 },
    memory_limit_bytes: 268435456,
    // Several answers are right: the checker (testlib order: input, output, answer) decides.
    checker: [
      'import sys',
      'n = int(open(sys.argv[1]).read())',
      'try:',
      '    p = list(map(int, open(sys.argv[2]).read().split()))',
      'except ValueError:',
      '    sys.exit(1)',
      'ok = sorted(p) == list(range(1, n + 1)) and all(p[i] != i + 1 for i in range(n))',
      'sys.exit(0 if ok else 1)',
    ].join('\n'),
  },
  gold: [py(['n = int(input())', 'print(*range(2, n + 1), 1)'])],
  partial: { program: py(['n = int(input())', 'print(*range(n, 0, -1))']), fraction: 1 / 2 },
  broken: py(['n = int(input())', 'print(*range(1, n + 1))']),
});

// ---- LiveCodeBench (code_generation_lite): JSON-string public cases, compressed private cases ----
// private_test_cases = base64(zlib(pickle(json.dumps(cases)))), as the dataset ships them.
const LCB_STDIN_PRIVATE =
  'eJxrYJl6lgECek5GVytl5hWUlihZKSiZxuQZKhgpGCuYKACZSjoKSvmlJVA5M4hASWpxSUllQSpIqLgkJTNPqVZHAckI45g8cwVLBUNDdP0GxOk3icnTBblA10TB0MAA3RBLE5ymxE7RAwD6tD59';
// base64(zlib(json.dumps(cases))), the other encoding found in copies of the dataset.
const LCB_FN_PRIVATE_JSON =
  'eJyLrlbKzCsoLVGyUlCKNtQBw9iYPCMlHQWl/NISqIwZiFuSWlxSUlmQChJIK81LLsnMz0vMUarVUUA2w1RH11THQMfQAGiKKaopRsSbYgzUbYaq2wCf7lgAN+Q8lw==';
const LCB_FN_PRIVATE_PICKLE =
  'eJxrYJl6hgECek5EVytl5hWUlihZKShFG+qAYWxMnpGSjoJSfmkJVMYMxC1JLS4pqSxIBQmkleYll2Tm5yXmKNXqKCCbYaqja6pjoGNoADTFFNUUI+JNMQbqNkPVbYBPd+wUPQBUi0CS';
/** A pickle that would run os.system('touch /tmp/assay-pwned') if it were unpickled. */
const HOSTILE_PICKLE =
  'eJxrYJlqyAABPawF+cWZFVN62Iori0tSc6dMntIjVpJfmpyhoF+SW6CfWFycWKlbUJ6XmjKldUrQFD0AQUsVVg==';

rows.push({
  kind: 'LiveCodeBench',
  name: 'sum of the even numbers (stdin)',
  reference: {
    question_title: 'Even Sum',
    question_content: 'Given N integers, print the sum of the even ones.',
    platform: 'atcoder',
    question_id: 'abc900_a',
    contest_id: 'abc900',
    contest_date: '2024-01-01T00:00:00',
    starter_code: '',
    difficulty: 'easy',
    public_test_cases: JSON.stringify([
      { input: '3\n2 4 6\n', output: '12\n', testtype: 'stdin' },
      { input: '1\n8\n', output: '8\n', testtype: 'stdin' },
    ]),
    private_test_cases: LCB_STDIN_PRIVATE,
    metadata: '{}',
  },
  gold: [py(['input()', 'print(sum(x for x in map(int, input().split()) if x % 2 == 0))'])],
  // Passes both public tests (all even) and none of the private ones.
  partial: { program: py(['input()', 'print(sum(map(int, input().split())))']), fraction: 2 / 5 },
  broken: py(['print(', '']),
});

const lcbFunctional = (privateCases: string) => ({
  question_title: 'Count Pairs',
  question_content: 'Count pairs i < j with nums[i] + nums[j] == k.',
  platform: 'leetcode',
  question_id: '9007',
  contest_id: 'weekly-contest-900',
  contest_date: '2024-01-01T00:00:00',
  starter_code: 'class Solution:\n    def countPairs(self, nums: List[int], k: int) -> int:\n        ',
  difficulty: 'easy',
  public_test_cases: JSON.stringify([{ input: '[1, 2, 3, 4]\n5', output: '2', testtype: 'functional' }]),
  private_test_cases: privateCases,
  metadata: JSON.stringify({ func_name: 'countPairs' }),
});
const countPairsGold = py([
  'class Solution:',
  '    def countPairs(self, nums: List[int], k: int) -> int:',
  '        return sum(nums[i] + nums[j] == k for i in range(len(nums)) for j in range(i + 1, len(nums)))',
]);
const countPairsPartial = {
  // Right on the public case only.
  program: py([
    'class Solution:',
    '    def countPairs(self, nums: List[int], k: int) -> int:',
    '        return 2 if nums == [1, 2, 3, 4] else -1',
  ]),
  fraction: 1 / 4,
};
for (const [encoding, privateCases] of [
  ['zlib JSON', LCB_FN_PRIVATE_JSON],
  ['zlib pickle', LCB_FN_PRIVATE_PICKLE],
] as const) {
  rows.push({
    kind: 'LiveCodeBench',
    name: `count pairs (functional, private as ${encoding})`,
    reference: lcbFunctional(privateCases),
    gold: [countPairsGold],
    partial: countPairsPartial,
    broken: py(['class Solution:', '    def countPairs(self, nums, k):', '        raise ValueError("no")']),
  });
}

const record = (kind: string, right: boolean) => {
  const t = tally.get(kind) ?? { right: 0, total: 0 };
  t.total++;
  if (right) t.right++;
  tally.set(kind, t);
};

describe.concurrent('datasets as shipped: gold 1, partial its fraction, broken 0', () => {
  for (const row of rows) {
    it(`${row.kind}: ${row.name}`, async () => {
      const golds = await Promise.all(
        row.gold.map((g) =>
          typeof g === 'string'
            ? score(row.reference, g, 'all', row.args)
            : score(row.reference, g.program, 'all', { ...row.args, ...g.args }),
        ),
      );
      for (const [i, r] of golds.entries()) {
        record(row.kind, r.score === 1);
        expect(r, `gold ${i}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 1 });
      }
      const [all, frac, broken] = await Promise.all([
        score(row.reference, row.partial.program, 'all', row.args),
        score(row.reference, row.partial.program, 'fraction', row.args),
        score(row.reference, row.broken, 'fraction', row.args),
      ]);
      record(row.kind, all.score === 0 && Math.abs((frac.score ?? -1) - row.partial.fraction) < 1e-9);
      record(row.kind, broken.score === 0);
      expect(all, JSON.stringify(all)).toMatchObject({ status: 'ok', score: 0 });
      expect(frac.score, JSON.stringify(frac)).toBeCloseTo(row.partial.fraction, 9);
      expect(broken, JSON.stringify(broken)).toMatchObject({ status: 'ok', score: 0 });
    });
  }
});

describe.concurrent('dataset encodings and judge conventions', () => {
  it('a pickle that is not plain data is refused, never run: the reference is an error', async () => {
    const r = await score(lcbFunctional(HOSTILE_PICKLE), countPairsGold, 'all');
    expect(r.status).toBe('error');
    expect(r.reason).toMatch(/private_test_cases.*opcode/);
    expect(existsSync('/tmp/assay-pwned')).toBe(false);
  });

  it('arguments reach the program exactly as the dataset wrote them: 2.0 stays a float, 2**64+1 stays exact', async () => {
    const reference = {
      input_output:
        '{"fn_name": "show", "inputs": [[2.0], [18446744073709551617], [1e400]], "outputs": ["2.0 float", "18446744073709551617 int", "inf float"]}',
    };
    const r = await score(
      reference,
      py(['def show(x):', '    return f"{x} {type(x).__name__}"']),
      'fraction',
    );
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 1 });
  });

  it('MBPP test_setup_code runs after the program, so it can build the program’s own classes', async () => {
    const reference = {
      test_list: ['assert depth(t) == 2', 'assert depth(Node(5)) == 1'],
      test_setup_code: 't = Node(1)\nt.left = Node(2)',
    };
    const program = py([
      'class Node:',
      '    def __init__(self, v):',
      '        self.v, self.left, self.right = v, None, None',
      'def depth(n):',
      '    return 0 if n is None else 1 + max(depth(n.left), depth(n.right))',
    ]);
    const r = await score(reference, program, 'fraction');
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 1 });
  });

  it('asserts on constants only are not tests: they neither pass nor count', async () => {
    const reference = {
      test: 'def check(candidate):\n    assert candidate(1) == 2\n    assert True, "This prints if this assert fails 1 (good for debugging!)"\n    assert candidate(2) == 5\n    assert True\n',
      entry_point: 'inc',
    };
    const r = await score(reference, py(['def inc(x):', '    return x + 1']), 'fraction');
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0.5, detail: { total: 2 } });
    const mbpp = { test_list: ['assert inc(1) == 2', 'assert True, "checks nothing"', 'assert inc(2) == 5'] };
    const m = await score(mbpp, py(['def inc(x):', '    return x + 1']), 'fraction');
    expect(m, JSON.stringify(m)).toMatchObject({ status: 'ok', score: 0.5, detail: { total: 2 } });
  });

  it('exit(), quit(), stdin as a regular file and numpy in a stdin program', async () => {
    const reference = { inputs: ['21\n'], outputs: ['42\n'] };
    const programs = [
      py(['print(int(input()) * 2)', 'exit()']),
      py(['print(int(input()) * 2)', 'quit(0)']),
      py(['import os', 'print(int(os.read(0, os.fstat(0).st_size)) * 2)']),
      py(['import numpy as np', 'print(int(np.array([int(input())]).sum() * 2))']),
    ];
    const results = await Promise.all(programs.map((p) => score(reference, p, 'all')));
    for (const r of results) expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 1 });
  });

  it('the strict comparison keeps spacing and float formats significant', async () => {
    const reference = { inputs: [''], outputs: ['1 2\n2.0\n'] };
    const program = py(['print("1  2")', 'print("2.000000")']);
    expect((await score(reference, program, 'all')).score).toBe(1);
    expect((await score(reference, program, 'all', { compare: 'strict' })).score).toBe(0);
  });

  it('a problem’s time limit is CPU time: a program that waits longer than it passes, a busy one times out', async () => {
    const reference = {
      public_tests: { input: [''], output: ['done\n'] },
      time_limit: { seconds: 1, nanos: 0 },
    };
    const waits = await score(reference, py(['import time', 'time.sleep(1.5)', 'print("done")']), 'all');
    expect(waits, JSON.stringify(waits)).toMatchObject({ status: 'ok', score: 1 });
    const busy = await score(reference, py(['while True: pass']), 'all');
    expect(busy, JSON.stringify(busy)).toMatchObject({ status: 'ok', score: 0 });
    expect((busy.detail!.failed as { status: string }[])[0]!.status).toBe('timeout');
  });
});

// ---- Found by an outside review of the rows above (each a kind, with a row of our own) ----
describe('kinds an outside review found', () => {
  it('MBPP: a program cannot stand in for a name the tests import (test_imports stay the tests’)', async () => {
    const reference = {
      test_imports: ['import math', 'from re import fullmatch'],
      test_list: [
        'assert math.isclose(area(2), 12.566, rel_tol=1e-3)',
        'assert fullmatch(r"\\d+", str(int(area(1))))',
      ],
    };
    const cheats = [
      py(['class math:', '    def isclose(*a, **k): return True', 'def area(r): return 0']),
      py(['def fullmatch(*a): return True', 'import math', 'def area(r): return -1']),
    ];
    for (const program of cheats) {
      const r = await score(reference, program, 'all');
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
    }
    const right = py(['import math', 'def area(r): return math.pi * r * r']);
    expect(await score(reference, right, 'all')).toMatchObject({ status: 'ok', score: 1 });
  });

  it('integers beyond 4300 digits reach and leave programs exactly (stdin and call tests)', async () => {
    const big = 7n ** 6000n; // 5071 digits
    const stdin = { inputs: ['6000\n'], outputs: [`${big}\n`] };
    expect(await score(stdin, py(['print(7 ** int(input()))']), 'all')).toMatchObject({
      status: 'ok',
      score: 1,
    });
    const call = {
      input_output: JSON.stringify({ fn_name: 'power', inputs: [[7, 6000]], outputs: [[0]] }).replace(
        '[[0]]',
        `[[${big}]]`,
      ),
    };
    expect(await score(call, py(['def power(a, b): return a ** b']), 'all')).toMatchObject({
      status: 'ok',
      score: 1,
    });
    expect(await score(call, py(['def power(a, b): return a ** b + 1']), 'all')).toMatchObject({
      status: 'ok',
      score: 0,
    });
  });

  it('HumanEval: a program that writes the whole function still has the prompt’s helpers', async () => {
    const reference = {
      prompt:
        'def is_even(n):\n    return n % 2 == 0\n\ndef count_even(xs):\n    """How many of xs are even."""\n',
      entry_point: 'count_even',
      test: 'def check(candidate):\n    assert candidate([1, 2, 4]) == 2\n    assert candidate([]) == 0\n',
    };
    const whole = py(['def count_even(xs):', '    return sum(1 for x in xs if is_even(x))']);
    expect(await score(reference, whole, 'all')).toMatchObject({ status: 'ok', score: 1 });
  });

  it('call tests compare as the dataset’s harness does: no string for a float; bare values only for APPS', async () => {
    const apps = { input_output: JSON.stringify({ fn_name: 'half', inputs: [[14]], outputs: [[7.0]] }) };
    expect(await score(apps, py(['def half(x): return x / 2']), 'all')).toMatchObject({ score: 1 });
    expect(await score(apps, py(['def half(x): return "7"']), 'all')).toMatchObject({
      status: 'ok',
      score: 0,
    });
    const lcb = {
      public_test_cases: JSON.stringify([{ input: '14', output: '[7]', testtype: 'functional' }]),
      metadata: JSON.stringify({ func_name: 'half' }),
    };
    expect(await score(lcb, py(['def half(x): return [x // 2]']), 'all')).toMatchObject({ score: 1 });
    // LiveCodeBench compares with ==: 7 is not [7].
    expect(await score(lcb, py(['def half(x): return x // 2']), 'all')).toMatchObject({
      status: 'ok',
      score: 0,
    });
  });

  it('tokens are split on ASCII whitespace only, as testlib does (a no-break space is part of a token)', async () => {
    const reference = { inputs: [''], outputs: ['1 2\n'] };
    expect(await score(reference, py(['print("1\\u00a02")']), 'all')).toMatchObject({
      status: 'ok',
      score: 0,
    });
    expect(await score(reference, py(['print("1 \\t 2")']), 'all')).toMatchObject({ status: 'ok', score: 1 });
  });

  it('a checker that cannot judge makes the sample an error; one that rejects (or crashes on the output) a 0 with its reason', async () => {
    const row = (checker: unknown) => ({
      public_tests: { input: ['3\n'], output: ['1 2\n'] },
      checker,
    });
    const program = py(['print(1, 2)']);
    const cannot: [string, unknown, RegExp][] = [
      ['a syntax error', 'import sys\nif True\n    sys.exit(0)\n', /syntax error/],
      [
        'a C++ checker that does not compile',
        { language: 'cpp', code: 'int main( { return 0; }' },
        /does not compile/,
      ],
    ];
    for (const [name, checker, why] of cannot) {
      const r = await score(row(checker), program, 'all');
      expect(r.status, `${name}: ${JSON.stringify(r)}`).toBe('error');
      expect(r.score).toBeNull();
      expect(r.reason).toMatch(why);
    }
    const rejects = 'import sys\nsys.stderr.write("wrong answer: sum differs")\nsys.exit(1)\n';
    const r1 = await score(row(rejects), program, 'all');
    expect(r1, JSON.stringify(r1)).toMatchObject({ status: 'ok', score: 0 });
    expect(JSON.stringify(r1.detail)).toContain('wrong answer: sum differs');
    // Reading the program's output crashes the checker: the output is wrong, not the checker.
    const strict = 'import sys\nint(open(sys.argv[2]).read())\n';
    const r2 = await score(row(strict), py(['print("not a number")']), 'all');
    expect(r2, JSON.stringify(r2)).toMatchObject({ status: 'ok', score: 0 });
    // testlib's FAIL (exit 3) is reached through ensure() on the participant's data: a rejection.
    const ensure = 'import sys\nif open(sys.argv[2]).read().split() != ["1", "2"]:\n    sys.exit(3)\n';
    const r3 = await score(row(ensure), py(['print(7)']), 'all');
    expect(r3, JSON.stringify(r3)).toMatchObject({ status: 'ok', score: 0 });
    expect(JSON.stringify(r3.detail)).toContain('testlib FAIL');
    expect(await score(row(ensure), program, 'all')).toMatchObject({ status: 'ok', score: 1 });
  });

  it('what a program prints never makes a sound checker look broken (red-team review)', async () => {
    // A checker that echoes the participant's output on stderr, as many do.
    const echo =
      'import sys\nout = open(sys.argv[2]).read()\nif out.split() != ["1", "2"]:\n    sys.exit("wrong answer: " + out)\n';
    const row = { public_tests: { input: ['3\n'], output: ['1 2\n'] }, checker: echo };
    for (const printed of [
      'SyntaxError: invalid syntax',
      '  File "/work/main.py", line 2\nSyntaxError: invalid syntax',
    ]) {
      const r = await score(row, py([`print(${JSON.stringify(printed)})`]), 'all');
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
    }
    // Bytes that are not UTF-8 grow when written out for the checker: its disk still holds them.
    const big = { public_tests: { input: [''], output: [`${'7'.repeat(9 << 20)}\n`] }, checker: echo };
    const junk = py(['import sys', 'sys.stdout.buffer.write(b"\\xff" * (17 << 20))']);
    const r = await score(big, junk, 'all');
    expect(r, JSON.stringify(r).slice(0, 400)).toMatchObject({ status: 'ok', score: 0 });
  });

  it('a right answer longer than the sandbox’s 1 MiB output cap passes; junk far beyond the expected output fails', async () => {
    const n = 200_000;
    const expected = `${Array.from({ length: n }, (_, i) => i * 7).join('\n')}\n`; // ~1.3 MB
    const row = { public_tests: { input: [`${n}\n`], output: [expected] } };
    const right = py(['n = int(input())', 'print("\\n".join(str(i * 7) for i in range(n)))']);
    expect(await score(row, right, 'all')).toMatchObject({ status: 'ok', score: 1 });
    const flood = py(['import sys', 'sys.stdout.write("7" * (8 << 20))']);
    const r = await score(row, flood, 'all');
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
    expect((r.detail!.failed as { status: string }[])[0]!.status).toBe('output_limit');
  });

  it('a program that compiles to something not executable (a Rust library crate) fails; it is not an error', async () => {
    const reference = { inputs: ['1\n'], outputs: ['2\n'] };
    const lib = '```rust\n#![crate_type = "lib"]\npub fn twice(x: i64) -> i64 { 2 * x }\n```';
    const r = await score(reference, lib, 'all', { language: 'rust' });
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
    const gold =
      '```rust\nfn main() { let mut s = String::new(); std::io::stdin().read_line(&mut s).unwrap(); let x: i64 = s.trim().parse().unwrap(); println!("{}", 2 * x); }\n```';
    expect(await score(reference, gold, 'all', { language: 'rust' })).toMatchObject({
      status: 'ok',
      score: 1,
    });
  }, 60_000);
});
