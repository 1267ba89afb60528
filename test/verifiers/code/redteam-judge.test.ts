import { describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult } from '../../../src/core/types.js';
import { getSandbox } from '../../../src/sandbox/index.js';
import { HARNESS_PY } from '../../../src/verifiers/code/harness-py.js';
import '../../../src/verifiers/code/index.js';
import { findChannel, py, warmAndCold } from './warm-and-cold.js';

/**
 * Red-team review of the warm path's persistent judge (runner-py.ts Judge/Zygote, harness-py.ts
 * assay_judge). Each test is an attack by a real program through the real sandbox; each one here
 * broke a promise of the README's sandbox section / issue 14 when written. Concurrency 1: every warm
 * run hits the same server and the same judge, so cross-job effects show.
 */
const { score } = warmAndCold();

const humaneval = {
  prompt: 'def add(a, b):\n    """Add two numbers."""\n',
  entry_point: 'add',
  test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0\n    assert candidate(5, 5) == 10\n',
};

/** Raw frame written by the candidate straight onto its channel to the judge. */
const rawChannel = [
  findChannel,
  'def _send(fd, parts):',
  '    n = sum(len(p) for p in parts)',
  '    os.write(fd, b"%d\\n" % n)',
  '    for p in parts:',
  '        v = memoryview(p)',
  '        while len(v): v = v[os.write(fd, v):]',
].join('\n');

/**
 * 2.4 s of CPU done as eight 0.3 s children of a process that ignores SIGCHLD: the kernel reaps each
 * child itself, so its CPU time is added to no parent's rusage and it leaves /proc as it exits.
 */
const autoReaped = [
  'import os, signal, time',
  'signal.signal(signal.SIGCHLD, signal.SIG_IGN)',
  'def _burn_in_children():',
  '    for _ in range(8):',
  '        pid = os.fork()',
  '        if pid == 0:',
  '            t = time.process_time()',
  '            while time.process_time() - t < 0.3: pass',
  '            os._exit(0)',
  '        while True:',
  '            try: os.kill(pid, 0); time.sleep(0.01)',
  '            except OSError: break',
].join('\n');

describe('red team: the warm judge', () => {
  // Attack: the candidate writes its own reply frame straight onto its channel: a 60 MB Python
  // literal of 30 M elements. The judge parses it (ast.parse) in its own memory, which on the warm
  // path has no RLIMIT_AS and shares the job's cgroup: the cgroup's OOM killer ends the judge, and the
  // run comes back as a sandbox error. On the cold path the judge's MemoryError fails the test (0).
  // Promise broken: a program cannot turn its failure (0) into an `error`; the same program gets the
  // same verdict on both paths.
  it('a reply frame the judge cannot hold in memory fails the test, never an error (warm as cold)', async () => {
    const prog = [
      rawChannel,
      'def add(a, b):',
      '    fd = _chan()',
      '    chunk = b"0," * (1 << 20)',
      '    _send(fd, [b"P" + b"J\\"ok\\"" + b"\\x1e" + b"("] + [chunk] * 30 + [b"0)"])',
      '    import time; time.sleep(60)',
    ].join('\n');
    for (const path of ['cold', 'warm'] as const) {
      const [r] = await score(path, [{ response: py(prog), reference: humaneval }]);
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 0 });
    }
    // And the server still judges the next program right.
    const [after] = await score('warm', [
      { response: py('def add(a, b): return a + b'), reference: humaneval },
    ]);
    expect(after).toMatchObject({ status: 'ok', score: 1 });
  }, 120_000);

  // Attack: the per-test CPU limit reads the worker's CPU, its reaped children's (cutime) and its live
  // descendants'. A program that ignores SIGCHLD has its children auto-reaped: their CPU time is added
  // to nobody's cutime and they vanish from /proc once they exit. So a call doing 2.4 s of work in
  // eight 0.3 s children passes a 1 s per-test limit (up to the 3 x limit + 1 s wall backstop), where
  // the same work done in-process is a timeout. Both paths (Clock.children_of) have the hole.
  // Promise broken: no program can escape its limits (CPU per test) — a slow program earns a pass.
  // KNOWN GAP (README, sandbox: "Not enforced"), on both paths and older than the warm judge: the CPU of
  // children the kernel reaps itself reaches no rusage. Skipped until CPU is counted per cgroup.
  it.skip('work done in auto-reaped children counts against the per-test CPU limit', async () => {
    const prog = `${autoReaped}\ndef add(a, b):\n    _burn_in_children()\n    return a + b`;
    const one = { ...humaneval, test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n' };
    for (const path of ['warm', 'cold'] as const) {
      const [r] = await score(path, [{ response: py(prog), reference: one }], { test_timeout_ms: 1000 });
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 0 });
    }
  }, 120_000);
});

describe('red team: the judge is reachable as a program', () => {
  // Attack: a warm run is judged by the server's persistent judge whenever its code is exactly the
  // harness source (warmProgramSha), whoever sends it: /run_code (SandboxFusion route) passes any
  // caller's code and stdin straight to sandbox.run. So a request whose code is HARNESS_PY and whose
  // stdin is a crafted second frame runs its own "setup" code inside the judge, outside every
  // execution's namespaces, and that judge then judges every later job of the server. Here it rewrites
  // the judge's report() so that every failure reads as a pass: the next sample, a wrong `add`, scores
  // 1.0, and a later request of the same kind prints back what the judge kept of that sample's job (its
  // program, tests, expected values and nonce).
  // Promises broken: no program earns reward without passing, edits the harness, or reads another
  // job's expected values (critical: cross-job).
  it('a run whose code is the harness cannot change how later samples are judged, nor read them', async () => {
    const runtime = new Runtime({ inThread: true });
    const sandbox = getSandbox(runtime.env, { concurrency: 1 });
    try {
      const patch = [
        'import sys',
        'm = sys.modules["__main__"]',
        'if not getattr(m, "_owned", False):',
        '    m._owned, m._stolen = True, []',
        '    _real = m.report',
        '    def _fake(*p):',
        '        if p and p[0] == "count": m._stolen.append((m.PROGRAM.get("program"), dict(m.payload)))',
        '        if p and p[0] == "fail": p = ("pass", p[1])',
        '        _real(*p)',
        '    m.report = _fake',
      ].join('\n');
      const frame = (v: unknown) => {
        const t = JSON.stringify(v);
        return `${Buffer.byteLength(t)}\n${t}`;
      };
      const attack = (setup: string) =>
        sandbox.run({
          language: 'python',
          code: HARNESS_PY,
          stdin:
            frame({ program: 'def add(a, b): return 7', preamble: 'from typing import *' }) +
            frame({
              nonce: 'n',
              kind: 'asserts',
              tests: ['assert add(1, 2) == 3'],
              setup,
              test_timeout_ms: 3000,
            }),
        });
      await attack(patch);
      const spec = parseSpec({ reward: { use: 'code', args: { mode: 'fraction' } }, timeout_ms: 60_000 });
      const [victim] = (await new Scorer(spec, runtime).score([
        { response: py('def add(a, b): return 7  # another user'), reference: humaneval },
      ])) as RewardResult[];
      // A later request reads back what the judge saw of the victim's job: its program and its tests.
      const stolen = await attack(
        'import sys\nprint(repr(getattr(sys.modules["__main__"], "_stolen", None)))',
      );
      expect(stolen.stdout, "another job's program and tests, read back").not.toContain('another user');
      expect(victim, JSON.stringify(victim)).toMatchObject({ status: 'ok', score: 0 });
    } finally {
      await runtime.close();
    }
  }, 60_000);
});

describe('red team: warm and cold give the same verdict', () => {
  // Attack surface: the same program must get the same verdict on both paths. The warm path's first
  // worker runs the candidate under the server's own Python frames (serve -> zygote -> clone_next ->
  // program -> run_worker_inprocess -> assay_worker -> worker), so it has fewer frames left before
  // the recursion limit than the cold path's worker or a respawned (mode x) warm worker: measured
  // 987 levels on the warm first worker, 993 on the cold path, 995 on a fresh worker. A correct
  // recursive solution that needs 990 levels passes cold and fails warm (low: a right program fails
  // on one path only, and only near the limit).
  it('a correct program that recurses 990 levels passes on both paths', async () => {
    const prog = [
      'def _depth(n):',
      '    return 0 if n == 0 else 1 + _depth(n - 1)',
      'def add(a, b):',
      '    return a + b + _depth(990) - 990',
    ].join('\n');
    for (const path of ['cold', 'warm'] as const) {
      const [r] = await score(path, [{ response: py(prog), reference: humaneval }]);
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 1 });
    }
  }, 60_000);
});

describe('red team: values the judge must parse', () => {
  // A right program whose function returns a tuple of 1 M ints (about 7 MB of text; 40 MB in the
  // worker) under the default 512 MB limit. A tuple is not JSON, so the judge reads it as a Python
  // literal with ast.parse, whose syntax tree costs hundreds of bytes per element: on the cold path
  // that trips the memory limit (memory, 0; already at 500 k elements), on the warm path the judge,
  // which shares the job's cgroup, is OOM-killed (error, no score; at 500 k the warm path passes).
  // Promises broken: a right program fails (the harness's own parsing, not the program, used the
  // memory), a failure becomes an `error` on the warm path, and the two paths disagree (medium/high).
  it('a right program returning a 1 M-element tuple passes on both paths', async () => {
    const prog = 'def add(a, b):\n    return tuple(range(a))\n';
    const ref = {
      ...humaneval,
      test: 'def check(candidate):\n    assert len(candidate(1000000, 0)) == 1000000\n',
    };
    for (const path of ['cold', 'warm'] as const) {
      const [r] = await score(path, [{ response: py(prog), reference: ref }]);
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 1 });
    }
  }, 60_000);
});

describe('red team: CPU of auto-reaped children (stdio)', () => {
  // Attack: the same hole on the sandbox's own CPU accounting, which stdio tests are judged by
  // (RLIMIT_CPU per process, then run.cpuMs > limit). Children of a process that ignores SIGCHLD are
  // reaped by the kernel and their CPU time reaches no rusage (wait4 / RUSAGE_CHILDREN), and the
  // descendant walk only runs at a timeout. So 2.4 s of work split into 0.3 s children passes a 1 s
  // CPU limit on both paths, where the same work in one process is a timeout.
  // Promise broken: no program can escape its limits (CPU) — a too-slow program earns reward (high).
  // KNOWN GAP (README, sandbox: "Not enforced"), on both paths and older than the warm judge: the CPU of
  // children the kernel reaps itself reaches no rusage. Skipped until CPU is counted per cgroup.
  it.skip('a stdio program that computes in auto-reaped children is held to its CPU limit', async () => {
    const row = { input_output: JSON.stringify({ inputs: ['3\n'], outputs: ['6\n'] }) };
    const hidden = `${autoReaped}\n_burn_in_children()\nprint(int(input()) * 2)`;
    for (const path of ['warm', 'cold'] as const) {
      const [r] = await score(path, [{ response: py(hidden), reference: row }], {
        cpu_ms: 1000,
        time_limits: 'fixed',
      });
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 0 });
    }
  }, 60_000);
});

describe("red team: one sample's tests change the next sample's verdict", () => {
  // The persistent judge runs every job's test code in one interpreter, so state a dataset's tests
  // set in a module (here the decimal context's precision, as a test about rounding might) stays set
  // for every later job on that server. Sample A's tests set 6 significant digits; sample B's right
  // answer (1/3 to Python's default 28 digits, computed in the worker) is then compared with a value
  // the judge computes at 6 digits, and fails. On the cold path each run has its own interpreter.
  // Promise broken: other samples cannot be made to fail; the same program gets the same verdict on
  // both paths (medium: needs tests that change module state, which datasets written by models have).
  it("a right program passes whatever the previous sample's tests did to module state", async () => {
    const a = {
      test_list: ['import decimal\ndecimal.getcontext().prec = 6\nassert add(1, 2) == 3'],
    };
    const b = {
      entry_point: 'third',
      test: 'from decimal import Decimal\ndef check(candidate):\n    assert candidate() == str(Decimal(1) / Decimal(3))\n',
    };
    const right = 'from decimal import Decimal\ndef third():\n    return str(Decimal(1) / Decimal(3))\n';
    for (const path of ['cold', 'warm'] as const) {
      const [ra] = await score(path, [{ response: py('def add(a, b): return a + b'), reference: a }]);
      expect(ra, `${path}: ${JSON.stringify(ra)}`).toMatchObject({ status: 'ok', score: 1 });
      const [rb] = await score(path, [{ response: py(right), reference: b }]);
      expect(rb, `${path}: ${JSON.stringify(rb)}`).toMatchObject({ status: 'ok', score: 1 });
    }
  }, 60_000);
});

describe('red team: tests that read what the program wrote', () => {
  // Tests of file-writing tasks (BigCodeBench-style: the function saves a file and returns its path)
  // read the file the program wrote. On the cold path the judge and its workers share the run's /work,
  // so they find it; on the warm path the judge lives in the server's mount namespace, with its cwd at
  // /, and the worker's /work is a tmpfs only its own execution sees: a right program fails there.
  // Promise broken: the same program gets the same verdict on both paths (medium: right programs fail).
  it('a right program whose tests read the file it wrote passes on both paths', async () => {
    const prog = [
      'import os',
      'def save(text):',
      '    with open("out.txt", "w") as f: f.write(text)',
      '    return os.path.abspath("out.txt")',
    ].join('\n');
    const ref = {
      entry_point: 'save',
      test: 'def check(candidate):\n    p = candidate("hi")\n    assert open(p).read() == "hi"\n    assert open("out.txt").read() == "hi"\n',
    };
    for (const path of ['cold', 'warm'] as const) {
      const [r] = await score(path, [{ response: py(prog), reference: ref }]);
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 1 });
    }
  }, 60_000);
});

describe("red team: a reference's tests run in the shared judge", () => {
  // The same hole as a run whose code is the harness, reached through /score: a sample's reference
  // carries its test code, which now runs in the server's persistent judge (before, in the run's own
  // process). A reference whose tests rewrite report() makes every later sample on that server pass,
  // whoever sent it (another tenant of `assay serve`, a dataset with model-written tests).
  // Promise broken: no sample can change another's verdict (critical: cross-job).
  it("a reference's test code cannot change how later samples are judged", async () => {
    const runtime = new Runtime({ inThread: true });
    getSandbox(runtime.env, { concurrency: 1 });
    try {
      const spec = parseSpec({ reward: { use: 'code', args: { mode: 'fraction' } }, timeout_ms: 60_000 });
      const poisoned = {
        ...humaneval,
        test: [
          'import sys',
          'm = sys.modules["__main__"]',
          '_real = m.report',
          'm.report = lambda *p: _real(*(("pass", p[1]) if p and p[0] == "fail" else p))',
          humaneval.test,
        ].join('\n'),
      };
      await new Scorer(spec, runtime).score([
        { response: py('def add(a, b): return a + b'), reference: poisoned },
      ]);
      const [victim] = (await new Scorer(spec, runtime).score([
        { response: py('def add(a, b): return 7'), reference: humaneval },
      ])) as RewardResult[];
      expect(victim, JSON.stringify(victim)).toMatchObject({ status: 'ok', score: 0 });
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
