import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult, Sample } from '../../../src/core/types.js';
import '../../../src/verifiers/code/index.js';

const runtime = new Runtime({ inThread: true });
afterAll(() => runtime.close());

const scorer = (args: Record<string, unknown> = {}, use = 'code') =>
  new Scorer(parseSpec({ reward: { use, args }, timeout_ms: 30_000 }), runtime);
const score = async (
  samples: Sample[],
  args: Record<string, unknown> = {},
  use = 'code',
): Promise<RewardResult[]> => scorer(args, use).score(samples);
const py = (code: string) => `Here you go:\n\`\`\`python\n${code}\n\`\`\`\n`;

const humaneval = {
  prompt: 'def add(a, b):\n    """Add two numbers."""\n',
  entry_point: 'add',
  test: 'METADATA = {}\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0\n    x = 5\n    assert candidate(x, x) == 10\n',
};

describe.concurrent('test formats', () => {
  it('HumanEval: full function, body-only completion, wrong answer; fraction splits check() into its asserts', async () => {
    const [full, body, wrong, half] = await score(
      [
        { response: py('def add(a, b):\n    return a + b'), reference: humaneval },
        { response: '    return a + b\n', reference: humaneval },
        { response: py('def add(a, b):\n    return a - b'), reference: humaneval },
        { response: py('def add(a, b):\n    return a + b if a > 0 else 99'), reference: humaneval },
      ],
      { mode: 'fraction' },
    );
    expect(full).toMatchObject({
      status: 'ok',
      score: 1,
      detail: { format: 'humaneval', passed: 3, total: 3 },
    });
    expect(body).toMatchObject({ status: 'ok', score: 1, detail: { extracted_from: 'whole' } });
    expect(wrong!.score).toBe(0);
    expect(wrong!.detail!.failed).toContainEqual({
      index: 0,
      status: 'wrong_answer',
      message: 'assertion failed',
    });
    expect(half!.score).toBeCloseTo(2 / 3);
  });

  it('MBPP with setup code; `all` stops at the first failure', async () => {
    const reference = {
      test_list: ['assert double(2) == 4', 'assert double(3) == 6', 'assert triple_of(3) == K'],
      test_setup_code: 'K = 9',
    };
    const [frac] = await score(
      [{ response: py('def double(x): return 2 * x\ndef triple_of(x): return 3 * x'), reference }],
      { mode: 'fraction' },
    );
    expect(frac).toMatchObject({ score: 1 });
    const [all] = await score([
      {
        response: py('def double(x): return 2 * x if x < 3 else 0\ndef triple_of(x): return 3 * x'),
        reference,
      },
    ]);
    expect(all).toMatchObject({ score: 0, detail: { passed: 1, not_run: 1 } });
  });

  it('APPS stdin/stdout in several languages, with the compile cached across tests', async () => {
    const reference = { inputs: ['1 2\n', '10 20\n', '-5 5\n'], outputs: ['3\n', '30', '0\n'] };
    const progs: [string, string][] = [
      ['python', '```python\na, b = map(int, input().split())\nprint(a + b)\n```'],
      [
        'javascript',
        '```js\nconst [a, b] = require("fs").readFileSync(0, "utf8").trim().split(" ").map(Number); console.log(a + b);\n```',
      ],
      [
        'typescript',
        '```ts\nconst [a, b]: number[] = require("fs").readFileSync(0, "utf8").trim().split(" ").map(Number); console.log(a + b);\n```',
      ],
      [
        'c',
        '```c\n#include <stdio.h>\nint main(){long a,b; scanf("%ld %ld",&a,&b); printf("%ld\\n",a+b);}\n```',
      ],
      [
        'cpp',
        '```cpp\n#include <iostream>\nint main(){long a,b; std::cin>>a>>b; std::cout<<a+b<<"\\n";}\n```',
      ],
      ['bash', '```bash\nread a b; echo $((a + b))\n```'],
    ];
    const results = await Promise.all(
      progs.map(([language, response]) => score([{ response, reference }], { language, mode: 'fraction' })),
    );
    for (const [i, [r]] of results.entries()) {
      expect(r, progs[i]![0]).toMatchObject({
        status: 'ok',
        score: 1,
        detail: { passed: 3, format: 'stdio' },
      });
    }
    expect(results[3]![0]!.detail!.compile).toMatchObject({ status: 'ok' });
  });

  it('APPS call-based and LeetCode-style classes; LiveCodeBench functional and stdin', async () => {
    const apps = {
      input_output: JSON.stringify({
        fn_name: 'pair',
        inputs: [
          [1, 2],
          [3, 4],
        ],
        outputs: [[[1, 2]], [[3, 4]]],
      }),
    };
    const lcbFn = {
      public_test_cases: JSON.stringify([
        { input: '[2,7,11,15]\n9', output: '[0, 1]', testtype: 'functional' },
      ]),
      metadata: JSON.stringify({ func_name: 'twoSum' }),
    };
    const lcbStdin = { private_test_cases: [{ input: '3\n', output: '6\n', testtype: 'stdin' }] };
    const [a, b, c] = await Promise.all([
      score([{ response: py('def pair(a, b):\n    return (a, b)'), reference: apps }]),
      score([
        {
          response: py(
            'class Solution:\n    def twoSum(self, nums, target):\n        seen = {}\n        for i, x in enumerate(nums):\n            if target - x in seen: return [seen[target - x], i]\n            seen[x] = i',
          ),
          reference: lcbFn,
        },
      ]),
      score([{ response: py('print(int(input()) * 2)'), reference: lcbStdin }]),
    ]);
    expect(a![0]).toMatchObject({ score: 1, detail: { format: 'calls' } });
    expect(b![0]).toMatchObject({ score: 1 });
    expect(c![0]).toMatchObject({ score: 1 });
  });

  it('explicit tests with weights, float tolerance and a checker program', async () => {
    const weighted = {
      tests: [
        { input: '1', output: '1', weight: 3 },
        { input: '2', output: '4', weight: 1 },
      ],
    };
    const [w] = await score([{ response: py('print(input())'), reference: weighted }], { mode: 'fraction' });
    expect(w!.score).toBeCloseTo(0.75);
    const floats = { tests: [{ input: '', output: '0.333333' }], float_tolerance: 1e-5 };
    const [f] = await score([{ response: py('print(1/3)'), reference: floats }]);
    expect(f!.score).toBe(1);
    // Any permutation of the input is accepted: many valid outputs, one checker.
    const checker = {
      language: 'python',
      code: 'got = open("output.txt").read().split()\nwant = open("input.txt").read().split()\nraise SystemExit(0 if sorted(got) == sorted(want) and got != want else 1)',
    };
    const perm = {
      tests: [
        { input: '1 2 3', output: '' },
        { input: '4 5', output: '' },
      ],
      checker,
    };
    const [good, bad] = await score([
      { response: py('print(*reversed(input().split()))'), reference: perm },
      { response: py('print(input())'), reference: perm },
    ]);
    expect(good!.score).toBe(1);
    expect(bad!.score).toBe(0);
  });

  it('call and assert tests in the explicit form', async () => {
    const calls = {
      tests: [
        { type: 'call', fn: 'sq', args: [3], expected: 9 },
        { type: 'call', fn: 'sq', args: [0.5], expected: 0.25, weight: 2 },
      ],
    };
    const [c] = await score([{ response: py('def sq(x): return x * x'), reference: calls }], {
      mode: 'fraction',
    });
    expect(c!.score).toBe(1);
    const asserts = { tests: [{ type: 'assert', code: 'assert f() == "a"' }], setup: 'import string' };
    const [a] = await score([{ response: py('def f(): return "a"'), reference: asserts }]);
    expect(a!.score).toBe(1);
  });
});

describe.concurrent('failures say what happened; errors are not zeros', () => {
  it('runtime errors carry the last stderr lines, timeouts and compile errors are named', async () => {
    const io = { inputs: ['1\n'], outputs: ['1\n'] };
    const [rte, slow, ce] = await Promise.all([
      score([{ response: py('raise KeyError("nope")'), reference: io }]),
      score([{ response: py('while True: pass'), reference: io }], { wall_ms: 1000, cpu_ms: 800 }),
      score([{ response: '```c\nint main( { }\n```', reference: io }], { language: 'c' }),
    ]);
    expect(rte![0]).toMatchObject({ status: 'ok', score: 0 });
    expect((rte![0]!.detail!.failed as { stderr: string }[])[0]!.stderr).toContain('KeyError');
    expect((slow![0]!.detail!.failed as { status: string }[])[0]!.status).toBe('timeout');
    expect((ce![0]!.detail!.failed as { status: string }[])[0]!.status).toBe('compile_error');
  });

  it('a hung HumanEval test fails alone; the others still run', async () => {
    const ref = {
      entry_point: 'f',
      test: 'def check(candidate):\n    assert candidate(1) == 1\n    assert candidate(2) == 2\n',
    };
    const [r] = await score(
      [{ response: py('def f(x):\n    while x == 1: pass\n    return x'), reference: ref }],
      { mode: 'fraction', test_timeout_ms: 500 },
    );
    expect(r).toMatchObject({ status: 'ok', score: 0.5 });
  });

  it('no program, an invalid reference, and a language mismatch', async () => {
    const [none, invalid, mismatch] = await Promise.all([
      score([{ response: 'I cannot do that.', reference: humaneval }], { extract: 'fence' }),
      score([{ response: py('x'), reference: { foo: 1 } }]),
      score([{ response: py('x'), reference: humaneval }], { language: 'c' }),
    ]);
    expect(none![0]).toMatchObject({ status: 'ok', score: 0, detail: { program_found: false } });
    expect(invalid![0]).toMatchObject({ status: 'error', score: null });
    expect(invalid![0]!.reason).toContain('invalid reference');
    expect(mismatch![0]).toMatchObject({ status: 'error' });
  });

  it('a reference whose JSON text does not parse is an error that says why', async () => {
    const [repr] = await score([
      { response: py('print(2)'), reference: "{'inputs': ['1\\n'], 'outputs': ['2\\n']}" },
    ]);
    expect(repr).toMatchObject({ status: 'error', score: null });
    expect(repr!.reason).toMatch(/its text is not valid JSON \(.+\)/);
  });

  it('args are validated when the spec is loaded', () => {
    expect(() => parseSpec({ reward: { use: 'code', args: { mode: 'most' } } })).toThrow(
      /reward\.args\.mode/,
    );
    expect(() => parseSpec({ reward: { use: 'code', args: { language: 'cobol' } } })).toThrow(
      /unknown language/,
    );
  });

  it('the deadline holds whatever the program does', async () => {
    const s = new Scorer(parseSpec({ reward: { use: 'code' } }), runtime);
    const [r] = await s.score(
      [{ response: py('import time\ntime.sleep(60)'), reference: { inputs: [''], outputs: [''] } }],
      { timeoutMs: 1500 },
    );
    // Killed at a limit that waiting for a sandbox slot (other tests run at once) shortened: an error.
    if (r!.status === 'error') expect(r!.reason).toMatch(/sandbox slot/);
    else expect(['timeout', 'ok']).toContain(r!.status);
    if (r!.status === 'ok') expect(r!.score).toBe(0);
  });
});

describe.concurrent('reward hacks earn nothing', () => {
  const he = humaneval;
  const hacks: [string, string][] = [
    ['exit(0) before the tests', 'import sys\nsys.exit(0)\ndef add(a, b): return a + b'],
    ['os._exit(0) inside the function', 'import os\ndef add(a, b):\n    os._exit(0)'],
    ['sys.exit inside a test', 'import sys\ndef add(a, b):\n    sys.exit(0)'],
    [
      'an object equal to everything',
      'class Any:\n    def __eq__(self, o): return True\n    def __ne__(self, o): return False\ndef add(a, b): return Any()',
    ],
    [
      'a subclass of int equal to everything',
      'class Any(int):\n    def __eq__(self, o): return True\ndef add(a, b): return Any(0)',
    ],
    [
      'patching builtins the tests rely on',
      'import builtins\nbuiltins.AssertionError = type("X", (Exception,), {})\nbuiltins.abs = lambda x: 0\ndef add(a, b): return 7',
    ],
    [
      'printing fake pass reports',
      'import sys\nfor i in range(3): print("PASS", i); print(f"ok {i}")\nsys.stdout.flush()\ndef add(a, b): return 7',
    ],
    [
      'printing after a failure, then exiting 0',
      'import atexit, os\natexit.register(lambda: print("all tests passed"))\ndef add(a, b):\n    print("3/3 passed"); raise SystemExit(0)',
    ],
    [
      'killing the harness process group',
      'import os, signal\ndef add(a, b):\n    os.kill(0, signal.SIGKILL)',
    ],
    [
      // The verdict depends on the values the program returns, so a right answer after the kill would
      // still pass (where the judge is out of its reach); a wrong one gains nothing by the kill.
      'killing every process it can see',
      'import os, signal\ndef add(a, b):\n    os.kill(-1, signal.SIGKILL)\n    return 7',
    ],
    [
      'reading the tests from disk',
      'import os\nfound = [open(os.path.join(r, f), errors="ignore").read() for r, _, fs in os.walk("/work") for f in fs]\nleak = any("candidate(1, 2) == 3" in t for t in found)\ndef add(a, b):\n    return a + b if leak else None',
    ],
    [
      'closing the reports channel and exiting',
      'import os\nfor fd in range(3, 64):\n    try: os.close(fd)\n    except OSError: pass\ndef add(a, b): return a + b',
    ],
  ];
  for (const [name, code] of hacks) {
    it(name, async () => {
      const [r] = await score([{ response: py(code), reference: he }], { mode: 'fraction' });
      expect(r!.status, JSON.stringify(r)).toBe('ok');
      expect(r!.score, JSON.stringify(r)).toBe(0);
    });
  }

  it('stdin/stdout: exit 0 after an exception with the right output printed first does not pass', async () => {
    const io = { inputs: ['1\n'], outputs: ['2\n'] };
    const [r] = await score(
      [
        {
          response: '```bash\necho 2; python3 -c "raise SystemExit(1)" || true; kill -9 $$\n```',
          reference: io,
        },
      ],
      { language: 'bash' },
    );
    expect(r!.score).toBe(0);
    const [crash] = await score([
      { response: py('print(2)\nraise RuntimeError("after printing")'), reference: io },
    ]);
    expect(crash!.score).toBe(0);
  });
});

describe('code.weighted (VeRPO)', () => {
  it('weighs the tests of a group by how few rollouts pass them', async () => {
    const reference = { test_list: ['assert f(1) == 1', 'assert f(2) == 4', 'assert f(3) == 9'] };
    const rollouts = [
      'def f(x): return x * x', // passes all
      'def f(x): return x', // passes the easy test only
      'def f(x): return x if x == 1 else 4', // easy + medium
      'def f(x): return 0',
    ].map((c): Sample => ({ response: py(c), reference, group: 'g1' }));
    const r = await score(rollouts, {}, 'code.weighted');
    expect(r.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // pass rates 3/4, 2/4, 1/4 -> weights 0.35, 0.6, 0.85
    expect(r[0]!.score).toBeCloseTo(1);
    expect(r[1]!.score).toBeCloseTo(0.35 / 1.8);
    expect(r[2]!.score).toBeCloseTo(0.95 / 1.8);
    expect(r[3]!.score).toBe(0);
    expect(r[1]!.detail!.weights).toEqual([0.35, 0.6, 0.85]);
  });
});

describe('a program that idles until the deadline', () => {
  it('fails its tests (ok, score 0): it never outlives the reward into a timeout or an error', async () => {
    // The wall-clock backstop (3 × 1 s + 1 s) is the whole budget, so only the reward's deadline can stop
    // the program: it must be stopped early enough to be the program's own failure.
    const idle = new Scorer(
      parseSpec({ reward: { use: 'code', args: { cpu_ms: 1000, mode: 'fraction' } }, timeout_ms: 4000 }),
      runtime,
    );
    const results = await idle.score([
      { response: py('import time\ndef add(a, b):\n    time.sleep(100)'), reference: humaneval },
      {
        response: py('import time\ntime.sleep(100)'),
        reference: { inputs: ['1 2\n'], outputs: ['3\n'] },
      },
    ]);
    for (const r of results) {
      expect(r.status, JSON.stringify(r)).toBe('ok');
      expect(r.score).toBe(0);
    }
  }, 30_000);
});

describe('a slow program on many tests (mode: fraction)', () => {
  it('neither holds every sandbox slot until the rest of its batch misses its deadline, nor becomes an error itself', async () => {
    // 60 tests of a program that spins to its CPU limit: queued all at once, they kept the quick correct
    // program of the same batch waiting for a slot until both samples ended as errors.
    const echo = (n: number) => ({
      inputs: Array.from({ length: n }, (_, i) => `${i}\n`),
      outputs: Array.from({ length: n }, (_, i) => `${i}\n`),
    });
    const slow = new Scorer(
      parseSpec({ reward: { use: 'code', args: { cpu_ms: 500, mode: 'fraction' } }, timeout_ms: 8000 }),
      runtime,
    );
    const [spin, right] = await slow.score([
      { response: py('while True:\n    pass'), reference: echo(60) },
      { response: py('print(input())'), reference: echo(10) },
    ]);
    expect(right, JSON.stringify(right)).toMatchObject({ status: 'ok', score: 1 });
    expect(spin, JSON.stringify(spin)).toMatchObject({ status: 'ok', score: 0 });
  }, 60_000);
});
