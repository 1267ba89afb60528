import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult, Sample } from '../../../src/core/types.js';
import { getSandbox } from '../../../src/sandbox/index.js';
import '../../../src/verifiers/code/index.js';

/**
 * Issue 14, item 3: programs that edit the Python test harness from inside. Each of these scored 1.0
 * on wrong code while the candidate ran in the harness's own interpreter; the verdict now comes from a
 * process the candidate never runs in, so each must score 0 (status ok: a failed program, not an error).
 * Every attack is tried on the warm path and on the cold path (`warm: false`).
 */
const runtimes = { warm: new Runtime({ inThread: true }), cold: new Runtime({ inThread: true }) };
getSandbox(runtimes.cold.env, { warm: false });
afterAll(() => Promise.all([runtimes.warm.close(), runtimes.cold.close()]));

const py = (code: string) => `\`\`\`python\n${code}\n\`\`\`\n`;

async function score(path: 'warm' | 'cold', samples: Sample[], args: Record<string, unknown> = {}) {
  const spec = parseSpec({
    reward: { use: 'code', args: { mode: 'fraction', ...args } },
    timeout_ms: 30_000,
  });
  return new Scorer(spec, runtimes[path]).score(samples) as Promise<RewardResult[]>;
}

const humaneval = {
  prompt: 'def add(a, b):\n    """Add two numbers."""\n',
  entry_point: 'add',
  test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0\n    assert candidate(5, 5) == 10\n',
};
const mbpp = { test_list: ['assert add(1, 2) == 3', 'assert add(-1, 1) == 0', 'assert add(5, 5) == 10'] };
const apps = {
  input_output: JSON.stringify({
    fn_name: 'add',
    inputs: [
      [1, 2],
      [-1, 1],
      [5, 5],
    ],
    outputs: [[3], [0], [10]],
  }),
};

/** Each attack defines a wrong `add` and tries to turn its failures into passes. */
const attacks: [string, string][] = [
  [
    'rewriting report() through import __main__',
    [
      'import __main__',
      '_real = getattr(__main__, "report", None)',
      'def _fake(*parts):',
      '    if parts and parts[0] == "fail": parts = ("pass", parts[1])',
      '    _real(*parts)',
      'if _real: __main__.report = _fake',
      'def add(a, b): return 7',
    ].join('\n'),
  ],
  [
    'forging passes through __main__, then os._exit(0)',
    [
      'import __main__, os',
      'r = getattr(__main__, "report", None)',
      'if r:',
      '    for i in range(3): r("pass", i)',
      '    r("done", 3)',
      '    os._exit(0)',
      'def add(a, b): return 7',
    ].join('\n'),
  ],
  [
    'walking the frames to the harness globals',
    [
      'import sys, os',
      'f = sys._getframe()',
      'while f is not None and "report" not in f.f_globals: f = f.f_back',
      'if f is not None:',
      '    for i in range(3): f.f_globals["report"]("pass", i)',
      '    os._exit(0)',
      'def add(a, b): return 7',
    ].join('\n'),
  ],
  [
    'finding the nonce and the report channel with gc',
    [
      'import gc, os',
      'for o in gc.get_objects():',
      '    if isinstance(o, dict) and "NONCE" in o and "OUT" in o:',
      '        for i in range(3): os.write(o["OUT"], ("\\n%s pass %d\\n" % (o["NONCE"], i)).encode())',
      '        os._exit(0)',
      'def add(a, b): return 7',
    ].join('\n'),
  ],
  [
    'scanning memory for the nonce and writing reports on every descriptor',
    [
      'import gc, os, re',
      'seen = set()',
      'for o in gc.get_objects():',
      '    if isinstance(o, dict):',
      '        for v in list(o.values()):',
      '            if isinstance(v, str) and re.fullmatch(r"[0-9a-f]{32}", v): seen.add(v)',
      'for n in seen:',
      '    for fd in range(1, 64):',
      '        for i in range(3):',
      '            try: os.write(fd, ("\\n%s pass %d\\n" % (n, i)).encode())',
      '            except OSError: pass',
      'def add(a, b): return 7',
    ].join('\n'),
  ],
  [
    'reading the expected values from the payload',
    [
      'import gc',
      'def add(a, b):',
      '    for o in gc.get_objects():',
      '        if isinstance(o, dict) and isinstance(o.get("tests"), list):',
      '            for t in o["tests"]:',
      '                if isinstance(t, dict) and t.get("args") == [a, b]: return t["expected"][0] if isinstance(t["expected"], list) else t["expected"]',
      '        if isinstance(o, dict) and isinstance(o.get("test"), str) and "candidate(%d, %d) ==" % (a, b) in o["test"]:',
      '            return int(o["test"].split("candidate(%d, %d) ==" % (a, b))[1].split()[0])',
      '    return 7',
    ].join('\n'),
  ],
  [
    'an __eq__ that is a functools.partial',
    [
      'import functools',
      'class Any: pass',
      'Any.__eq__ = functools.partial(lambda *a: True)',
      'Any.__ne__ = functools.partial(lambda *a: False)',
      'Any.__hash__ = functools.partial(lambda *a: 0)',
      'def add(a, b): return Any()',
    ].join('\n'),
  ],
  [
    'an int subclass whose __eq__ is a functools.partial',
    [
      'import functools',
      'class I(int): pass',
      'I.__eq__ = functools.partial(lambda *a: True)',
      'I.__ne__ = functools.partial(lambda *a: False)',
      'def add(a, b): return I(0)',
    ].join('\n'),
  ],
  [
    'patching the comparison the harness uses (builtins.isinstance, math.isclose)',
    [
      'import builtins, math, __main__',
      'math.isclose = lambda *a, **k: True',
      'for name in ("equal", "vet"):',
      '    if hasattr(__main__, name): setattr(__main__, name, (lambda *a, **k: True) if name == "equal" else (lambda *a, **k: None))',
      'def add(a, b): return 7',
    ].join('\n'),
  ],
  [
    'scanning the memory of every process it can open for the tests',
    [
      'import os, re, json',
      'answers = {}',
      'def scan(pid):',
      '    try:',
      '        maps = open("/proc/%s/maps" % pid).read().splitlines()',
      '        mem = open("/proc/%s/mem" % pid, "rb", 0)',
      '    except OSError:',
      '        return',
      '    for line in maps:',
      '        f = line.split()',
      '        if "r" not in f[1]: continue',
      '        a, b = (int(x, 16) for x in f[0].split("-"))',
      '        try:',
      '            mem.seek(a); chunk = mem.read(b - a)',
      '        except (OSError, OverflowError, ValueError):',
      '            continue',
      '        for m in re.finditer(rb"(?:candidate|add)\\((-?\\d+), (-?\\d+)\\) == (-?\\d+)", chunk):',
      '            answers[(int(m[1]), int(m[2]))] = int(m[3])',
      '        for m in re.finditer(rb\'"inputs": (\\[\\[.*?\\]\\]), "outputs": (\\[\\[.*?\\]\\])\', chunk):',
      '            try:',
      '                for i, o in zip(json.loads(m[1]), json.loads(m[2])): answers[tuple(i)] = o[0]',
      '            except ValueError: pass',
      'for pid in ["self"] + [p for p in os.listdir("/proc") if p.isdigit()]:',
      '    scan(pid)',
      'def add(a, b): return answers.get((a, b), 7)',
    ].join('\n'),
  ],
  [
    // A failed program must stay a 0: a judge that never reported its tests would read as an error.
    'killing the judge while it loads',
    'import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\ndef add(a, b): return 7',
  ],
  [
    'a builtin the tests use, redefined by the program',
    ['def abs(x): return 0', 'def add(a, b): return 7'].join('\n'),
  ],
  [
    // Importing unittest.__main__ runs test discovery in the working directory the program writes.
    'exporting a module whose import runs code (unittest.__main__ discovering /work/test_*.py)',
    [
      'open("test_zz.py", "w").write("import sys, os\\nm = sys.modules[\'__main__\']\\nfor i in range(8): m.report(\'pass\', i)\\nos._exit(0)\\n")',
      'import types',
      "u = types.ModuleType('unittest.__main__')",
      'def add(a, b): return 7',
    ].join('\n'),
  ],
];

describe.concurrent('exceptions cross the process boundary as the tests expect', () => {
  const reference = {
    entry_point: 'root',
    test: [
      'def check(candidate):',
      '    try:',
      '        candidate(-1)',
      '        assert False, "no error"',
      '    except ValueError:',
      '        pass',
      '    try:',
      '        candidate(-4)',
      '    except Exception:',
      '        pass',
      '    assert candidate(9) == 3',
    ].join('\n'),
  };
  for (const path of ['warm', 'cold'] as const) {
    it(`${path}: a ValueError raised by the program is a ValueError in the test`, async () => {
      const ok = 'def root(x):\n    if x < 0: raise ValueError("negative")\n    return int(x ** 0.5)';
      const [r] = await score(path, [{ response: py(ok), reference }]);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 1 });
    });
    it(`${path}: after the program dies in one test, a fresh run of it serves the next`, async () => {
      const ref = {
        entry_point: 'root',
        test: 'def check(candidate):\n    assert candidate(4) == 2\n    assert candidate(-1) == 0\n    assert candidate(9) == 3\n',
      };
      const dies = 'import os\ndef root(x):\n    if x < 0: os._exit(3)\n    return int(x ** 0.5)';
      const [r] = await score(path, [{ response: py(dies), reference: ref }]);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 2 / 3 });
      expect(r!.detail!.failed).toEqual([
        { index: 1, status: 'runtime_error', message: 'the program exited with code 3' },
      ]);
    });
    it(`${path}: dying where a test expects an exception is not raising one`, async () => {
      const dies = 'import os\ndef root(x):\n    if x < 0: os._exit(0)\n    return int(x ** 0.5)';
      const [r] = await score(path, [{ response: py(dies), reference }]);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
    });
  }
});

describe.concurrent('harness edits earn nothing (issue 14, item 3)', () => {
  for (const path of ['warm', 'cold'] as const) {
    for (const [name, code] of attacks) {
      it(`${path}: ${name}`, async () => {
        const results = await score(
          path,
          [humaneval, mbpp, apps].map((reference) => ({ response: py(code), reference })),
        );
        for (const r of results) {
          expect(r.status, JSON.stringify(r)).toBe('ok');
          expect(r.score, JSON.stringify(r)).toBe(0);
        }
      });
    }
    it(`${path}: the same references still give a right program 1`, async () => {
      const results = await score(
        path,
        [humaneval, mbpp, apps].map((reference) => ({
          response: py('def add(a, b): return a + b'),
          reference,
        })),
      );
      expect(results.map((r) => r.score)).toEqual([1, 1, 1]);
    });
  }
});

describe.concurrent('what a worker says about itself stays the worker’s (red-team review, round 2)', () => {
  // The worker's own reply to the judge is rewritten, so these hold even against a lying worker.
  const lie = (payload: string) =>
    [
      'import sys',
      '_m = sys.modules["__main__"]',
      '_orig = _m.encode_parts',
      'def _patched(parts, handle=None):',
      `    ${payload}`,
      '    return _orig(parts, handle)',
      '_m.encode_parts = _patched',
    ].join('\n');
  for (const path of ['warm', 'cold'] as const) {
    it(`${path}: its own __builtins__ never become the tests' builtins`, async () => {
      const reference = {
        prompt: 'def mean(xs):\n    """Mean of xs."""\n',
        entry_point: 'mean',
        test: 'def check(candidate):\n    assert abs(candidate([1.0, 2.0, 3.0]) - 2.0) < 1e-6\n    assert round(candidate([1.0, 2.0]), 2) == 1.5\n',
      };
      const attack = [
        lie('if parts and parts[0] == "ready": parts = ("ready", dict(parts[1], __builtins__=("obj",)))'),
        'def mean(xs): return -12345.0',
        'class Fake:',
        '    def __getitem__(self, name): return lambda *a, **k: 0',
        '__builtins__ = Fake()',
      ].join('\n');
      const [r, g] = await score(path, [
        { response: py(attack), reference },
        { response: py('def mean(xs): return sum(xs) / len(xs)'), reference },
      ]);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
      expect(g, JSON.stringify(g)).toMatchObject({ status: 'ok', score: 1 });
    });

    it(`${path}: a failure it calls vacuous is a failure (only the judge reads tests as vacuous)`, async () => {
      const attack = [
        'import sys',
        '_m = sys.modules["__main__"]',
        '_orig = _m.failure_of',
        'class Skip(Exception): pass',
        '_m.failure_of = lambda e, where="": ("vacuous", "x") if isinstance(e, Skip) else _orig(e, where)',
        'def add(a, b):',
        '    if (a, b) == (1, 2): return 3',
        '    raise Skip()',
      ].join('\n');
      const results = await score(
        path,
        [humaneval, mbpp, apps].map((reference) => ({ response: py(attack), reference })),
      );
      for (const r of results) expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 1 / 3 });
    });

    it(`${path}: a module the asserts call is the real one, even when only the program imports it`, async () => {
      const reference = {
        test_list: ['assert math.isclose(area(2), 12.566, rel_tol=1e-3)', 'assert area(0) == 0'],
      };
      const [cheat, gold] = await score(path, [
        {
          response: py('class math:\n    def isclose(*a, **k): return True\ndef area(r): return 0'),
          reference,
        },
        { response: py('import math\ndef area(r): return math.pi * r * r'), reference },
      ]);
      expect(cheat, JSON.stringify(cheat)).toMatchObject({ status: 'ok', score: 0.5 });
      expect(gold, JSON.stringify(gold)).toMatchObject({ status: 'ok', score: 1 });
    });
  }
});

describe.concurrent('values, names and exceptions that cross into the tests (red-team review, round 3)', () => {
  for (const path of ['warm', 'cold'] as const) {
    it(`${path}: a float is not an exact big integer answer`, async () => {
      const reference = {
        input_output: JSON.stringify({ fn_name: 'f', inputs: [[64], [70]], outputs: [[0], [0]] }).replace(
          '[[0],[0]]',
          `[[${2n ** 64n + 1n}],[${2n ** 70n + 1n}]]`,
        ),
      };
      const [r, g] = await score(path, [
        { response: py('def f(n): return 2.0 ** n + 1'), reference },
        { response: py('def f(n): return 2 ** n + 1'), reference },
      ]);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
      expect(g, JSON.stringify(g)).toMatchObject({ status: 'ok', score: 1 });
    });

    it(`${path}: the modules the asserts use are the real ones, under their usual aliases too`, async () => {
      const mathRef = {
        test_list: ['assert math.isclose(area(2), 12.566370614359172)', 'assert area(0) == 0'],
      };
      const npRef = {
        test_list: ['assert np.allclose(scale([1, 2], 2), [2, 4])', 'assert list(scale([], 3)) == []'],
      };
      const [numpyAsMath, classNp, goldMath, goldNp] = await score(path, [
        { response: py('import numpy as math\ndef area(r): return 3.1416 * r * r'), reference: mathRef },
        {
          response: py('class np:\n    def allclose(*a, **k): return True\ndef scale(xs, k): return []'),
          reference: npRef,
        },
        { response: py('import math\ndef area(r): return math.pi * r * r'), reference: mathRef },
        {
          response: py('import numpy as np\ndef scale(xs, k): return [x * k for x in xs]'),
          reference: npRef,
        },
      ]);
      const heRef = {
        entry_point: 'sq',
        test: 'def check(candidate):\n    assert math.isclose(candidate(2), 4.0)\n    assert math.fabs(candidate(3) - 9) < 1e-9\n',
      };
      const [heCheat, heGold] = await score(path, [
        {
          response: py(
            'class math:\n    def isclose(*a, **k): return True\n    def fabs(x): return 0\ndef sq(x): return -1',
          ),
          reference: heRef,
        },
        { response: py('import math\ndef sq(x): return x * x'), reference: heRef },
      ]);
      expect(heCheat, JSON.stringify(heCheat)).toMatchObject({ status: 'ok', score: 0 });
      expect(heGold, JSON.stringify(heGold)).toMatchObject({ status: 'ok', score: 1 });
      expect(numpyAsMath, JSON.stringify(numpyAsMath)).toMatchObject({ status: 'ok', score: 0.5 });
      expect(classNp, JSON.stringify(classNp)).toMatchObject({ status: 'ok', score: 0.5 });
      expect(goldMath, JSON.stringify(goldMath)).toMatchObject({ status: 'ok', score: 1 });
      expect(goldNp, JSON.stringify(goldNp)).toMatchObject({ status: 'ok', score: 1 });
    });

    it(`${path}: StopIteration from the program does not end the tests' own loop`, async () => {
      const reference = {
        entry_point: 'add',
        test: 'def check(candidate):\n    assert all(map(lambda p: candidate(*p[0]) == p[1], [((1, 2), 3), ((5, 5), 10)]))\n',
      };
      const [r] = await score(path, [{ response: py('def add(a, b): raise StopIteration'), reference }]);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
    });

    it(`${path}: 'x in result' is decided by value, not by the result's own __contains__`, async () => {
      const reference = {
        entry_point: 'divisors',
        test: 'def check(candidate):\n    assert 3 in candidate(6)\n    assert 2 in candidate(6)\n',
      };
      const always =
        'class All:\n    def __contains__(self, x): return True\n    def __iter__(self): return iter([])\ndef divisors(n): return All()';
      const [r, g] = await score(path, [
        { response: py(always), reference },
        {
          response: py('def divisors(n):\n    yield from (d for d in range(1, n + 1) if n % d == 0)'),
          reference,
        },
      ]);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
      expect(g, JSON.stringify(g)).toMatchObject({ status: 'ok', score: 1 });
    });
  }

  for (const path of ['warm', 'cold'] as const) {
    it(`${path}: work moved into a child process counts against the test's CPU limit`, async () => {
      const reference = {
        entry_point: 'slow',
        test: 'def check(candidate):\n    assert candidate(1) == 2\n',
      };
      // About 1.8 s of CPU for a 1 s per-test limit, done in a forked child while the worker waits.
      const inChild = [
        'import os, time',
        'def slow(x):',
        '    r, w = os.pipe()',
        '    if os.fork() == 0:',
        '        t = time.process_time()',
        '        while time.process_time() - t < 1.8: pass',
        '        os.write(w, b"2")',
        '        os._exit(0)',
        '    v = int(os.read(r, 8))',
        '    os.wait()',
        '    return v',
      ].join('\n');
      // The same in a grandchild orphaned by a double fork (it is no longer the worker's descendant).
      const orphaned = inChild.replace(
        '    if os.fork() == 0:\n',
        '    if os.fork() == 0:\n        if os.fork() != 0:\n            os._exit(0)\n',
      );
      const results = await score(
        path,
        [inChild, orphaned].map((p) => ({ response: py(p), reference })),
        { test_timeout_ms: 1000 },
      );
      for (const r of results) {
        expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
        expect((r.detail!.failed as { status: string }[])[0]!.status).toBe('timeout');
      }
    });
  }
});

describe('the whole run’s CPU limit, reached by a worker, reads the same on both paths', () => {
  for (const path of ['warm', 'cold'] as const) {
    it(`${path}: a timeout, not a crash`, async () => {
      // Three tests of ~0.8 s CPU each under a 1 s per-test limit, with a 2 s CPU limit for the run: the
      // worker reaches the run's limit during the third.
      const reference = {
        entry_point: 'busy',
        test: 'def check(candidate):\n    assert candidate(1) == 1\n    assert candidate(2) == 2\n    assert candidate(3) == 3\n',
      };
      const busy =
        'import time\ndef busy(x):\n    t = time.process_time()\n    while time.process_time() - t < 0.8: pass\n    return x';
      const [r] = await score(path, [{ response: py(busy), reference }], {
        test_timeout_ms: 1000,
        cpu_ms: 2000,
      });
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok' });
      const failed = r!.detail!.failed as { status: string }[];
      expect(failed.length, JSON.stringify(r)).toBeGreaterThan(0);
      expect(failed[0]!.status, JSON.stringify(r)).toBe('timeout');
    });
  }
});
