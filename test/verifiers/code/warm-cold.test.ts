import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult } from '../../../src/core/types.js';
import { BwrapSandbox } from '../../../src/sandbox/index.js';
import '../../../src/verifiers/code/index.js';

/**
 * Differential test of the two paths of the function-style harness (harness-py.ts): the cold path (one
 * fresh program, its judge forks the worker) and the warm path (a persistent judge that judges job after
 * job with its caches; the job's execution is the worker). Their verdicts must be identical for every
 * program and every test suite, and the persistent judge must judge every job as if it were the first.
 *
 * The corpus is ours (our problems, wording and numbers), written in the datasets' shapes: HumanEval
 * {prompt, entry_point, test}, MBPP {test_list, test_imports, test_setup_code}, APPS/TACO call-based
 * {input_output: "<json>" with fn_name}. Each pair is scored cold once and warm twice (the list shuffled
 * two different ways, so the warm judge sees jobs in varied sequences); status, score and every failed
 * test's (index, status) must agree. Agreement is printed per kind; the test fails listing every
 * divergence.
 *
 * Found by this corpus (review of the redesigned warm judge; reproduced in 3 runs, every warm order):
 * - a signal the program sends itself (SIGKILL, SIGTERM, SIGUSR1, raise_signal, an unhandled SIGALRM)
 *   is dropped on the warm path, whose worker is PID 1 of its PID namespace: the call returns and the
 *   test passes. Cold is right (in Python the process dies of it).
 * - SIGINT: cold ignores it (the worker inherits the judge's SIG_IGN), warm raises KeyboardInterrupt.
 *   Warm is right.
 * - recursion: the warm worker serves calls about 6 frames deeper (depth 990 fails warm, passes cold;
 *   plain python3 passes up to 998); so does the warm judge for the tests' own recursive helpers. Cold
 *   is closer to Python.
 * - a child process left running by a test the judge killed: cold charges its CPU time to the next
 *   test's fresh worker (timeout); warm (the namespace dies with its PID 1) does not. Warm is right.
 * - the persistent judge keeps the tests' own state from job to job: test_imports run once per judge
 *   (PREAMBLES: a random.seed there seeds only the first job), and the decimal context, the recursion
 *   limit, the int digit limit and the warnings filters a job's test code set stay for later jobs.
 *   Cold is right (every job as if it were the first).
 * - memory: a warm worker starts with about 7 MB more address space mapped (VmSize 27.7 MB against
 *   20.5 MB), so an allocation of 490 MB under the 512 MB limit fails warm and passes cold. Cold is
 *   closer to a plain python3 process.
 */

interface Pair {
  kind: string;
  name: string;
  reference: unknown;
  response: string;
  args?: Record<string, unknown>;
}

const py = (...lines: string[]) => `\`\`\`python\n${lines.join('\n')}\n\`\`\`\n`;
const he = (prompt: string, entry_point: string, test: string[]) => ({
  prompt,
  entry_point,
  test: test.join('\n'),
});
const mbpp = (test_list: string[], extra: Record<string, unknown> = {}) => ({ test_list, ...extra });
const apps = (fn_name: string, inputs: unknown[], outputs: unknown[]) => ({
  input_output: JSON.stringify({ inputs, outputs, fn_name }),
});

const pairs: Pair[] = [];
const add = (
  kind: string,
  name: string,
  reference: unknown,
  response: string,
  args?: Record<string, unknown>,
) => pairs.push({ kind, name, reference, response, ...(args && { args }) });

// ---- shared problems ----
const heTriple = he('def triple(n: int) -> int:\n    """Three times n."""\n', 'triple', [
  'def check(candidate):',
  '    assert candidate(2) == 6',
  '    assert candidate(-4) == -12',
  '    assert candidate(0) == 0',
  '    assert candidate(11) == 33',
]);
const mbppSwap = mbpp([
  'assert swap_ends("python") == "nythop"',
  'assert swap_ends("ab") == "ba"',
  'assert swap_ends("x") == "x"',
  'assert swap_ends("hello") == "oellh"',
]);
const appsMax = apps('widest_gap', [[[3, 9, 4]], [[10, 1]], [[5]], [[-2, 8, 1, 0]]], [[6], [9], [0], [10]]);

// right
add('right', 'humaneval', heTriple, py('def triple(n):', '    return 3 * n'));
add(
  'right',
  'mbpp',
  mbppSwap,
  py('def swap_ends(s):', '    return s if len(s) < 2 else s[-1] + s[1:-1] + s[0]'),
);
add('right', 'apps list-wrapped', appsMax, py('def widest_gap(a):', '    return max(a) - min(a)'));
add(
  'right',
  'apps bare outputs',
  apps(
    'join_words',
    [
      ['a', 'b'],
      ['hi', 'yo'],
    ],
    ['a-b', 'hi-yo'],
  ),
  py('def join_words(x, y):', '    return x + "-" + y'),
);

// wrong
add('wrong', 'humaneval', heTriple, py('def triple(n):', '    return n + 3'));
add('wrong', 'mbpp', mbppSwap, py('def swap_ends(s):', '    return s[::-1]+"!"'));
add('wrong', 'apps', appsMax, py('def widest_gap(a):', '    return max(a)'));
add('wrong', 'no entry point', heTriple, py('def thrice(n):', '    return 3 * n'));
add('wrong', 'syntax error', mbppSwap, py('def swap_ends(s) return s'));

// partial
add('partial', 'humaneval', heTriple, py('def triple(n):', '    return 3 * n if n > 0 else 0'));
add('partial', 'mbpp', mbppSwap, py('def swap_ends(s):', '    return s[::-1]'));
add('partial', 'apps', appsMax, py('def widest_gap(a):', '    return max(a) - a[-1] if len(a) > 1 else 0'));

// exceptions: the expected one, another one
const heDiv = he(
  'def safe_ratio(a: int, b: int) -> float:\n    """a / b; ValueError when b is 0."""\n',
  'safe_ratio',
  [
    'def check(candidate):',
    '    assert candidate(6, 3) == 2',
    '    try:',
    '        candidate(1, 0)',
    '        assert False, "no error raised"',
    '    except ValueError:',
    '        pass',
    '    assert candidate(-9, 2) == -4.5',
  ],
);
add(
  'exception expected',
  'raises ValueError',
  heDiv,
  py('def safe_ratio(a, b):', '    if b == 0: raise ValueError("zero")', '    return a / b'),
);
add('exception expected', 'raises ZeroDivisionError', heDiv, py('def safe_ratio(a, b):', '    return a / b'));
add(
  'exception expected',
  'raises nothing',
  heDiv,
  py('def safe_ratio(a, b):', '    return a / b if b else 0'),
);
add(
  'exception other',
  'KeyError in mbpp',
  mbpp(['assert lookup("a") == 1', 'assert lookup("zz") == 26', 'assert lookup("b") == 2']),
  py('T = {"a": 1, "b": 2}', 'def lookup(k):', '    return T[k]'),
);
add('exception other', 'IndexError apps', appsMax, py('def widest_gap(a):', '    return a[3] - a[0]'));
add(
  'exception other',
  'custom exception class',
  mbpp(['assert f(1) == 1', 'assert f(2) == 4']),
  py('class Boom(Exception): pass', 'def f(x):', '    if x == 2: raise Boom("no")', '    return x'),
);
add(
  'exception other',
  'raises at import',
  mbppSwap,
  py('raise RuntimeError("broken module")', 'def swap_ends(s): return s'),
);

// crashes
add(
  'crash',
  'os._exit in second call',
  heTriple,
  py('import os', 'def triple(n):', '    if n < 0: os._exit(3)', '    return 3 * n'),
);
add(
  'crash',
  'SIGSEGV via ctypes',
  mbppSwap,
  py(
    'import ctypes',
    'def swap_ends(s):',
    '    if s == "ab": ctypes.string_at(0)',
    '    return s if len(s) < 2 else s[-1] + s[1:-1] + s[0]',
  ),
);
add('crash', 'os.abort at import', heTriple, py('import os', 'os.abort()', 'def triple(n): return 3 * n'));

// A signal the program sends itself: in plain Python (and the datasets' harnesses) the process dies
// of it, or gets KeyboardInterrupt for SIGINT; the widest gap of [5] is 0, so a signal that is not
// delivered lets the call return the right answer.
const selfSignal = (sig: string) =>
  py(
    'import os, signal',
    'def widest_gap(a):',
    `    if len(a) == 1: os.kill(os.getpid(), signal.${sig})`,
    '    return max(a) - min(a)',
  );
add('crash', 'SIGKILL self', appsMax, selfSignal('SIGKILL'));
add('crash', 'SIGTERM self', appsMax, selfSignal('SIGTERM'));
add('crash', 'SIGINT self (KeyboardInterrupt)', appsMax, selfSignal('SIGINT'));
add('crash', 'SIGUSR1 self', appsMax, selfSignal('SIGUSR1'));
add(
  'crash',
  'signal.raise_signal(SIGTERM)',
  appsMax,
  py(
    'import signal',
    'def widest_gap(a):',
    '    if len(a) == 1: signal.raise_signal(signal.SIGTERM)',
    '    return max(a) - min(a)',
  ),
);
add(
  'crash',
  'SIGALRM from a timer, no handler',
  appsMax,
  py(
    'import signal, time',
    'def widest_gap(a):',
    '    if len(a) == 1:',
    '        signal.setitimer(signal.ITIMER_REAL, 0.05)',
    '        time.sleep(0.3)',
    '    return max(a) - min(a)',
  ),
);
add(
  'crash',
  'os.abort in a call',
  appsMax,
  py('import os', 'def widest_gap(a):', '    if len(a) == 1: os.abort()', '    return max(a) - min(a)'),
);

// hangs (one test), over the per-test CPU limit, sleeping
add(
  'hang',
  'while True in one test',
  heTriple,
  py('def triple(n):', '    while n == 0: pass', '    return 3 * n'),
);
add(
  'hang',
  'sleep forever in one test',
  appsMax,
  py(
    'import time',
    'def widest_gap(a):',
    '    if len(a) == 2: time.sleep(100)',
    '    return max(a) - min(a)',
  ),
);
add(
  'cpu limit',
  'slow loop over the per-test limit',
  mbppSwap,
  py(
    'def swap_ends(s):',
    '    if s == "x":',
    '        t = 0',
    '        for i in range(10**9): t += i',
    '    return s if len(s) < 2 else s[-1] + s[1:-1] + s[0]',
  ),
);
add('cpu limit', 'every test hangs', heTriple, py('def triple(n):', '    while True: pass'));
add('cpu limit', 'hang at import', mbppSwap, py('while True: pass', 'def swap_ends(s): return s'));

// output
add(
  'output',
  'prints 2 MB to stdout',
  heTriple,
  py('def triple(n):', '    print("x" * 2_000_000)', '    return 3 * n'),
);
add(
  'output',
  'prints to stderr',
  appsMax,
  py('import sys', 'def widest_gap(a):', '    sys.stderr.write("y" * 500_000)', '    return max(a) - min(a)'),
);
add(
  'output',
  'prints fake report lines',
  mbppSwap,
  py('def swap_ends(s):', '    print("\\n0123 pass 0\\ncount 1\\ndone 1")', '    return s[::-1]'),
);

// what a plain function call sees of its process
add(
  'process',
  'input() in a call (stdin is empty)',
  heTriple,
  py('def triple(n):', '    try: input()', '    except EOFError: return 3 * n', '    return 0'),
);
add(
  'process',
  '__main__ block not run',
  heTriple,
  py('def triple(n):', '    return 3 * n', 'if __name__ == "__main__":', '    while True: pass'),
);
add(
  'process',
  'MemoryError in a call',
  appsMax,
  py('def widest_gap(a):', '    if len(a) == 1: b = bytearray(3 * 10**9)', '    return max(a) - min(a)'),
);
add(
  'process',
  'work at import, 0.3 s CPU',
  heTriple,
  py('T = sum(i * i for i in range(2 * 10**6))', 'def triple(n):', '    return 3 * n'),
);
add(
  'process',
  'work at import, 3 s CPU',
  heTriple,
  py('T = sum(i * i for i in range(3 * 10**7))', 'def triple(n):', '    return 3 * n'),
);
add(
  'cpu limit',
  'child process burns CPU',
  appsMax,
  py(
    'import subprocess, sys',
    'def widest_gap(a):',
    '    if len(a) == 1: subprocess.run([sys.executable, "-c", "while True: pass"], timeout=5)',
    '    return max(a) - min(a)',
  ),
);
add(
  'cpu limit',
  'orphaned grandchild burns CPU',
  appsMax,
  py(
    'import os, time',
    'def widest_gap(a):',
    '    if len(a) == 1:',
    '        if os.fork() == 0:',
    '            if os.fork() == 0:',
    '                while True: pass',
    '            os._exit(0)',
    '        os.wait()',
    '        time.sleep(2)',
    '    return max(a) - min(a)',
  ),
);

// Memory near the job's limit (512 MB of address space): the program's own share must be the same.
const alloc = (mb: number) =>
  py(
    'def widest_gap(a):',
    '    if len(a) == 1:',
    `        b = bytearray(${mb} * 2**20)`,
    '    return max(a) - min(a)',
  );
add('memory', 'allocates 300 MB', appsMax, alloc(300));
add('memory', 'allocates 470 MB', appsMax, alloc(470));
add('memory', 'allocates 490 MB', appsMax, alloc(490));
add('memory', 'allocates 700 MB', appsMax, alloc(700));

// exit
add('exit', 'exit() in a call', heTriple, py('def triple(n):', '    if n == 0: exit()', '    return 3 * n'));
add(
  'exit',
  'sys.exit(0) in a call',
  appsMax,
  py('import sys', 'def widest_gap(a):', '    if len(a) == 2: sys.exit(0)', '    return max(a) - min(a)'),
);
add(
  'exit',
  'sys.exit(4) in a call',
  mbppSwap,
  py(
    'import sys',
    'def swap_ends(s):',
    '    if s == "ab": sys.exit(4)',
    '    return s if len(s) < 2 else s[-1] + s[1:-1] + s[0]',
  ),
);
add('exit', 'exit at import', heTriple, py('import sys', 'sys.exit(0)', 'def triple(n): return 3 * n'));
add(
  'exit',
  'SystemExit caught by the program',
  heTriple,
  py(
    'import sys',
    'def triple(n):',
    '    try: sys.exit(1)',
    '    except SystemExit: pass',
    '    return 3 * n',
  ),
);

// non-plain values
const heEvens = he('def evens(n: int):\n    """The even numbers below n."""\n', 'evens', [
  'def check(candidate):',
  '    assert list(candidate(7)) == [0, 2, 4, 6]',
  '    assert candidate(1) == [0]',
  '    assert len(candidate(5)) == 3',
]);
add('non-plain', 'generator', heEvens, py('def evens(n):', '    return (i for i in range(0, n, 2))'));
add('non-plain', 'range object', heEvens, py('def evens(n):', '    return range(0, n, 2)'));
add(
  'non-plain',
  'list subclass',
  heEvens,
  py(
    'class L(list):',
    '    def __eq__(self, o): return True',
    'def evens(n):',
    '    return L(range(0, n, 2))',
  ),
);
add(
  'non-plain',
  'numpy array',
  heEvens,
  py('import numpy as np', 'def evens(n):', '    return np.arange(0, n, 2)'),
);
add(
  'non-plain',
  'numpy int64 (apps)',
  appsMax,
  py('import numpy as np', 'def widest_gap(a):', '    return np.int64(max(a) - min(a))'),
);
add(
  'non-plain',
  'tuple for list (apps)',
  apps('pair', [[1], [2]], [[[1, 1]], [[2, 2]]]),
  py('def pair(x):', '    return (x, x)'),
);
add(
  'non-plain',
  'object with __eq__ always true',
  appsMax,
  py('class A:', '    def __eq__(self, o): return True', 'def widest_gap(a):', '    return A()'),
);
add(
  'non-plain',
  'bool for int',
  mbpp(['assert is_one(1) == True', 'assert is_one(2) == 0']),
  py('def is_one(x):', '    return int(x == 1)'),
);

// floats
add(
  'float',
  'apps float exact',
  apps('half', [[3], [1]], [[1.5], [0.5]]),
  py('def half(x):', '    return x / 2'),
);
add(
  'float',
  'apps float off by 1e-12',
  apps('third', [[1], [2]], [[0.3333333333333333], [0.6666666666666666]]),
  py('def third(x):', '    return x / 3 + 1e-12'),
);
add(
  'float',
  'apps float with tolerance arg',
  apps('third', [[1], [2]], [[0.3333333333333333], [0.6666666666666666]]),
  py('def third(x):', '    return x / 3 + 1e-12'),
  { float_tolerance: 1e-9 },
);
add(
  'float',
  'int expected, float given',
  apps('dbl', [[2], [5]], [[4], [10]]),
  py('def dbl(x):', '    return x * 2.0'),
);
add(
  'float',
  'math.isclose test',
  mbpp(
    [
      'assert math.isclose(area(1), 3.14159, rel_tol=1e-4)',
      'assert math.isclose(area(2), 12.56637, rel_tol=1e-4)',
    ],
    { test_imports: ['import math'] },
  ),
  py('import math', 'def area(r):', '    return math.pi * r * r'),
);
add(
  'float',
  'nan result',
  apps('root', [[4], [-1]], [[2.0], [0.0]]),
  py('import math', 'def root(x):', '    return math.sqrt(x) if x >= 0 else float("nan")'),
);

// big integers
// JSON text written by hand: the numbers are beyond a double, as the dataset's own text holds them.
const appsPower = {
  input_output:
    '{"inputs": [[2, 200], [3, 90], [2, 10]], "outputs": [[1606938044258990275541962092341162602522202993782792835301376], [8727963568087712425891397479476727340041449], [1024]], "fn_name": "power"}',
};
add('bigint', 'apps 2**200 right', appsPower, py('def power(a, b):', '    return a ** b'));
add('bigint', 'apps 2**200 as float', appsPower, py('def power(a, b):', '    return float(a) ** b'));
add(
  'bigint',
  'mbpp factorial 60',
  mbpp([
    'assert fact(60) == 8320987112741390144276341183223364380754172606361245952449277696409600000000000000',
    'assert fact(0) == 1',
  ]),
  py('import math', 'def fact(n):', '    return math.factorial(n)'),
);
add(
  'bigint',
  'huge string of digits',
  mbpp(['assert len(str(big(5000))) == 5001']),
  py('def big(n):', '    return 10 ** n'),
);

// mutation of arguments
add(
  'mutation',
  'sorts in place (test reads the argument)',
  mbpp(['xs = [3, 1, 2]\nsort_in_place(xs)\nassert xs == [1, 2, 3]', 'assert sort_in_place([2, 1]) is None']),
  py('def sort_in_place(xs):', '    xs.sort()'),
);
add('mutation', 'returns and mutates', heTriple, py('def triple(n):', '    return 3 * n'));
add(
  'mutation',
  'mutates a default argument',
  mbpp(['assert acc(1) == [1]', 'assert acc(2) == [2]']),
  py('def acc(x, seen=[]):', '    seen.append(x)', '    return seen'),
);

// recursion
add(
  'recursion',
  'deep recursion 5000 with setrecursionlimit',
  apps('depth', [[5000], [10]], [[5000], [10]]),
  py(
    'import sys',
    'sys.setrecursionlimit(20000)',
    'def depth(n):',
    '    return 0 if n == 0 else 1 + depth(n - 1)',
  ),
);
add(
  'recursion',
  'deep recursion 5000 default limit',
  apps('depth', [[5000], [10]], [[5000], [10]]),
  py('def depth(n):', '    return 0 if n == 0 else 1 + depth(n - 1)'),
);
for (const d of [960, 975, 985, 990, 994]) {
  add(
    'recursion',
    `recursion depth ${d} at the default limit`,
    apps('depth', [[d]], [[d]]),
    py('def depth(n):', '    return 0 if n == 0 else 1 + depth(n - 1)'),
  );
}
// The tests' own recursive helper, run in the judge.
add(
  'recursion',
  "tests' own helper recursing 990 deep (judge side)",
  mbpp(['def ref(n): return 0 if n == 0 else 1 + ref(n - 1)\nassert f(3) == ref(3) and ref(990) == 990']),
  py('def f(n):', '    return n'),
);
// The same depth served by a fresh worker (the first one exited in test 0).
const heDepth = he('def depth(n: int) -> int:\n    """n, recursively."""\n', 'depth', [
  'def check(candidate):',
  '    assert candidate(-1) == 0',
  '    assert candidate(992) == 992',
]);
add(
  'recursion',
  'depth 992 in a fresh worker',
  heDepth,
  py(
    'import os',
    'def depth(n):',
    '    if n < 0: os._exit(0)',
    '    return 0 if n == 0 else 1 + depth(n - 1)',
  ),
);
add('recursion', 'infinite recursion', heTriple, py('def triple(n):', '    return triple(n)'));

// global state that must not persist between jobs
const heCount = he(
  'def next_id() -> int:\n    """1 on the first call of a fresh program, 2 on the second..."""\n',
  'next_id',
  ['def check(candidate):', '    assert candidate() == 1', '    assert candidate() == 2'],
);
add(
  'fresh state',
  'module-global counter',
  heCount,
  py('N = 0', 'def next_id():', '    global N', '    N += 1', '    return N'),
);
add(
  'fresh state',
  'module-global counter again',
  heCount,
  py('N = 0', 'def next_id():', '    global N', '    N += 1', '    return N'),
);
const heFile = he(
  'def first_time() -> bool:\n    """True unless the marker file exists, then writes it."""\n',
  'first_time',
  ['def check(candidate):', '    assert candidate() == True'],
);
for (let i = 0; i < 3; i++)
  add(
    'fresh state',
    `file in /work (${i})`,
    heFile,
    py(
      'import os',
      'def first_time():',
      '    seen = os.path.exists("/work/marker.txt")',
      '    open("/work/marker.txt", "w").write("1")',
      '    return not seen',
    ),
  );
add(
  'fresh state',
  'file in /tmp',
  heFile,
  py(
    'import os, tempfile',
    'def first_time():',
    '    p = os.path.join(tempfile.gettempdir(), "marker2.txt")',
    '    seen = os.path.exists(p)',
    '    open(p, "w").write("1")',
    '    return not seen',
  ),
);

// The tests' own module state (in the judge): a dataset's test_imports that seed random or set the
// decimal precision must act the same in every job.
const mbppSeeded = mbpp(
  ['r = random.randint(1, 10**9)\nassert echo(r) == r and r == 835549144', 'assert echo(3) == 3'],
  {
    test_imports: ['import random', 'random.seed(1234)'],
    test_setup_code: '',
  },
);
add('test module state', 'random.seed in test_imports (1)', mbppSeeded, py('def echo(x): return x'));
add('test module state', 'random.seed in test_imports (2)', mbppSeeded, py('def echo(x): return x'));
const mbppPrec = mbpp(['assert str(Decimal(1) / Decimal(7)) == tenth(7)'], {
  test_imports: ['from decimal import Decimal, getcontext'],
});
add(
  'test module state',
  'decimal default precision',
  mbppPrec,
  py('from decimal import Decimal', 'def tenth(n):', '    return str(Decimal(1) / Decimal(n))'),
);
add(
  'test module state',
  'setup code sets decimal precision',
  mbpp(
    ['assert str(Decimal(1) / Decimal(3)) == "0.333"', 'assert tenth(3) == "0.3333333333333333333333333333"'],
    {
      test_imports: ['from decimal import Decimal, getcontext'],
      test_setup_code: 'getcontext().prec = 3',
    },
  ),
  py('from decimal import Decimal', 'def tenth(n):', '    return str(Decimal(1) / Decimal(n))'),
);
add(
  'test module state',
  'decimal default precision after another job',
  mbppPrec,
  py('from decimal import Decimal', 'def tenth(n):', '    return str(Decimal(1) / Decimal(n))'),
);
add(
  'test module state',
  'setup code lowers recursion limit',
  mbpp(['assert depth(10) == 10'], { test_setup_code: 'import sys\nsys.setrecursionlimit(120)' }),
  py('def depth(n):', '    return 0 if n == 0 else 1 + depth(n - 1)'),
);
add(
  'test module state',
  'judge-side recursion after that',
  mbpp(['def deep(n): return 0 if n == 0 else 1 + deep(n - 1)\nassert deep(600) == depth(600)'], {}),
  py(
    'import sys',
    'sys.setrecursionlimit(5000)',
    'def depth(n):',
    '    return 0 if n == 0 else 1 + depth(n - 1)',
  ),
);

add(
  'test module state',
  'setup code limits int digits',
  mbpp(['assert len(str(big(10))) == 11'], {
    test_setup_code: 'import sys\nsys.set_int_max_str_digits(4300)',
  }),
  py('def big(n):', '    return 10 ** n'),
);
add(
  'test module state',
  'big answer after that',
  mbpp(['assert big(5000) % 7 == 10 ** 5000 % 7']),
  py('def big(n):', '    return 10 ** n'),
);
add(
  'test module state',
  'setup code turns warnings into errors',
  mbpp(['assert neg(1) == -1'], { test_setup_code: 'import warnings\nwarnings.simplefilter("error")' }),
  py('def neg(n):', '    return -n'),
);
add(
  'test module state',
  'a test that warns after that',
  mbpp(['assert neg(1) == -1', 'assert neg(-3) is 3']),
  py('def neg(n):', '    return -n'),
);
add(
  'test module state',
  'humaneval check changes recursion limit',
  he('def inc(n: int) -> int:\n    """n + 1."""\n', 'inc', [
    'import sys',
    'sys.setrecursionlimit(100)',
    'def check(candidate):',
    '    assert candidate(1) == 2',
  ]),
  py('def inc(n):', '    return n + 1'),
);

// tests that use modules
add(
  'test modules',
  'np.allclose',
  he('def scale(xs, k):\n    """Each times k."""\n', 'scale', [
    'import numpy as np',
    'def check(candidate):',
    '    assert np.allclose(candidate([1.0, 2.0], 0.5), [0.5, 1.0])',
    '    assert np.allclose(candidate([3.0], 3), [9.0])',
  ]),
  py('def scale(xs, k):', '    return [x * k for x in xs]'),
);
add(
  'test modules',
  'np.allclose, program shadows np',
  he('def scale(xs, k):\n    """Each times k."""\n', 'scale', [
    'def check(candidate):',
    '    assert np.allclose(candidate([1.0, 2.0], 0.5), [0.5, 1.0])',
    '    assert np.allclose(candidate([3.0], 3), [9.0])',
  ]),
  py(
    'class np:',
    '    @staticmethod',
    '    def allclose(a, b): return True',
    'def scale(xs, k):',
    '    return []',
  ),
);
add(
  'test modules',
  're in test',
  mbpp(
    [
      'assert re.fullmatch(r"[a-z]+-\\d+", slug("Abc", 4))',
      'assert re.fullmatch(r"[a-z]+-\\d+", slug("Q", 10))',
    ],
    { test_imports: ['import re'] },
  ),
  py('def slug(s, n):', '    return s.lower() + "-" + str(n)'),
);
add(
  'test modules',
  'math used but not imported by the tests',
  mbpp(['assert math.gcd(g(12, 18), 6) == 6']),
  py('import math', 'def g(a, b):', '    return math.gcd(a, b)'),
);

// HumanEval prompt with helpers
const heHelper = he(
  'def is_vowel(c: str) -> bool:\n    return c in "aeiou"\n\n\ndef count_vowels(s: str) -> int:\n    """How many vowels, using is_vowel."""\n',
  'count_vowels',
  [
    'def check(candidate):',
    '    assert candidate("banana") == 3',
    '    assert candidate("xyz") == 0',
    '    assert is_vowel("a")',
  ],
);
add('prompt helper', 'completion uses helper', heHelper, py('    return sum(1 for c in s if is_vowel(c))'));
add(
  'prompt helper',
  'program redefines helper',
  heHelper,
  py(
    'def is_vowel(c):',
    '    return True',
    'def count_vowels(s):',
    '    return sum(1 for c in s if is_vowel(c))',
  ),
);
add(
  'prompt helper',
  'full function without helper',
  heHelper,
  py('def count_vowels(s):', '    return sum(c in "aeiou" for c in s)'),
);

// MBPP setup code
const mbppSetup = mbpp(['assert total(ITEMS) == 10', 'assert total(ITEMS[:2]) == 3'], {
  test_setup_code: 'ITEMS = [1, 2, 3, 4]',
});
add('mbpp setup', 'right', mbppSetup, py('def total(xs):', '    return sum(xs)'));
add('mbpp setup', 'wrong', mbppSetup, py('def total(xs):', '    return len(xs)'));
add(
  'mbpp setup',
  'setup code fails',
  mbpp(['assert total([1]) == 1'], { test_setup_code: 'raise ValueError("setup")' }),
  py('def total(xs):', '    return sum(xs)'),
);

// LeetCode-style Solution class
const appsSolution = apps(
  'twoSum',
  [
    [[2, 7, 11, 15], 9],
    [[3, 3], 6],
    [[1, 5, 8], 13],
  ],
  [[[0, 1]], [[0, 1]], [[1, 2]]],
);
add(
  'solution class',
  'right',
  appsSolution,
  py(
    'class Solution:',
    '    def twoSum(self, nums: List[int], target: int) -> List[int]:',
    '        seen = {}',
    '        for i, x in enumerate(nums):',
    '            if target - x in seen: return [seen[target - x], i]',
    '            seen[x] = i',
  ),
);
add(
  'solution class',
  'wrong',
  appsSolution,
  py('class Solution:', '    def twoSum(self, nums, target):', '        return [0, 1]'),
);
add(
  'solution class',
  'state in instance attribute',
  appsSolution,
  py(
    'class Solution:',
    '    calls = 0',
    '    def twoSum(self, nums, target):',
    '        Solution.calls += 1',
    '        return [0, 1] if Solution.calls < 3 else [1, 2]',
  ),
);

// GRPO-style: 8 responses to one prompt, mixed
const grpoRef = he(
  'def digit_sum(n: int) -> int:\n    """Sum of the decimal digits of |n|."""\n',
  'digit_sum',
  [
    'def check(candidate):',
    '    assert candidate(123) == 6',
    '    assert candidate(-45) == 9',
    '    assert candidate(0) == 0',
    '    assert candidate(10**30) == 1',
  ],
);
const grpo = [
  py('def digit_sum(n):', '    return sum(int(c) for c in str(abs(n)))'),
  py('def digit_sum(n):', '    return sum(int(c) for c in str(n))'),
  py(
    'def digit_sum(n):',
    '    s = 0',
    '    n = abs(n)',
    '    while n: s, n = s + n % 10, n // 10',
    '    return s',
  ),
  py('def digit_sum(n):', '    return n % 9'),
  py('def digit_sum(n):', '    while True: pass'),
  py('import os', 'def digit_sum(n):', '    os._exit(0)'),
  py('def digit_sum(n):', '    return sum(map(int, str(abs(n))))'),
  'I think the answer is to add up the digits.',
];
grpo.forEach((r, i) => {
  add('grpo group', `response ${i}`, grpoRef, r);
});
const grpoMbpp = mbpp([
  'assert last_word("a b c") == "c"',
  'assert last_word("solo") == "solo"',
  'assert last_word("  pad  ") == "pad"',
]);
const grpoMbppResponses = [
  py('def last_word(s):', '    return s.split()[-1]'),
  py('def last_word(s):', '    return s.split(" ")[-1]'),
  py('def last_word(s):', '    return s.strip().split()[-1]'),
  py('def last_word(s):', '    return s[-1]'),
  py('def last_word(s):', '    return s.split()[-1]'),
  py('def last_word(s):', '    raise ValueError'),
  py('import sys', 'def last_word(s):', '    sys.exit()'),
  py('def last_word(s):', '    return s.rsplit(None, 1)[-1]'),
];
grpoMbppResponses.forEach((r, i) => {
  add('grpo group', `mbpp response ${i}`, grpoMbpp, r);
});

/** What must agree between the paths. */
function verdict(r: RewardResult) {
  const failed = ((r.detail?.failed ?? []) as { index: number; status: string }[]).map(
    (f) => `${f.index}:${f.status}`,
  );
  return {
    status: r.status,
    score: r.score,
    passed: r.detail?.passed,
    total: r.detail?.total,
    failed: failed.join(' '),
  };
}
const messages = (r: RewardResult) =>
  ((r.detail?.failed ?? []) as { index: number; status: string; message?: string }[])
    .map((f) => `${f.index}:${f.status}:${f.message ?? ''}`)
    .join(' | ');

const ARGS = { mode: 'fraction', test_timeout_ms: 1000, cpu_ms: 4000, max_failures_shown: 20 };

function scorerOf(runtime: Runtime, args: Record<string, unknown> = {}) {
  return new Scorer(
    parseSpec({ reward: { use: 'code', args: { ...ARGS, ...args } }, timeout_ms: 60_000 }),
    runtime,
  );
}

/** A deterministic shuffle (mulberry32), so a divergence found in one order is found again. */
function shuffled<T>(xs: T[], seed: number): T[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const cold = new Runtime({ inThread: true });
cold.env.service('sandbox', () => new BwrapSandbox({ concurrency: 1, warm: false }));
const warm = new Runtime({ inThread: true });
warm.env.service('sandbox', () => new BwrapSandbox({ concurrency: 1 }));
afterAll(async () => {
  await Promise.all([cold.close(), warm.close()]);
});

async function scoreAll(runtime: Runtime, order: number[]): Promise<Map<number, RewardResult>> {
  const out = new Map<number, RewardResult>();
  for (const i of order) {
    const p = pairs[i]!;
    const [r] = (await scorerOf(runtime, p.args).score([
      { response: p.response, reference: p.reference },
    ])) as RewardResult[];
    out.set(i, r!);
  }
  return out;
}

describe('warm and cold paths of the function-style harness', () => {
  it(`give identical verdicts on ${pairs.length} (reference, program) pairs, in any order`, async () => {
    expect(pairs.length).toBeGreaterThanOrEqual(60);
    const ids = pairs.map((_, i) => i);
    const coldRuns = await scoreAll(cold, ids);
    // Corpus order first (a job that changes the judge's state comes before the job it would affect),
    // then shuffled: the same problem's jobs far apart, different problems in between.
    const warmA = await scoreAll(warm, ids);
    const warmB = await scoreAll(warm, shuffled(ids, 2));
    const perKind = new Map<string, { n: number; agree: number }>();
    const divergences: string[] = [];
    for (const i of ids) {
      const p = pairs[i]!;
      const c = verdict(coldRuns.get(i)!);
      const k = perKind.get(p.kind) ?? { n: 0, agree: 0 };
      perKind.set(p.kind, k);
      k.n++;
      let same = true;
      for (const [label, w] of [
        ['warm (corpus order)', warmA.get(i)!],
        ['warm (shuffled)', warmB.get(i)!],
      ] as const) {
        const v = verdict(w);
        if (JSON.stringify(v) !== JSON.stringify(c)) {
          same = false;
          divergences.push(
            `[${p.kind}] ${p.name}: cold ${JSON.stringify(c)} (${messages(coldRuns.get(i)!)} ${coldRuns.get(i)!.reason ?? ''})\n    vs ${label} ${JSON.stringify(v)} (${messages(w)} ${w.reason ?? ''})`,
          );
        }
      }
      if (same) k.agree++;
    }
    if (process.env.WARM_COLD_VERBOSE)
      for (const i of ids)
        console.log(`${pairs[i]!.kind} / ${pairs[i]!.name}: ${JSON.stringify(verdict(coldRuns.get(i)!))}`);
    const table = [...perKind].map(([kind, v]) => `${kind.padEnd(20)} ${v.agree}/${v.n}`).join('\n');
    console.log(`warm/cold agreement per kind:\n${table}`);
    if (divergences.length) console.log(`divergences:\n${divergences.join('\n')}`);
    expect(divergences, `warm/cold divergences:\n${divergences.join('\n')}`).toEqual([]);
  }, 600_000);
});
