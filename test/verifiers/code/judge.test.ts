import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult } from '../../../src/core/types.js';
import { getSandbox } from '../../../src/sandbox/index.js';
import '../../../src/verifiers/code/index.js';

/**
 * A warm server judges harness runs with one judge process it forked before any job (runner-py.ts,
 * Judge), and the job's execution is the worker (a later worker is a fresh execution). Workers must be
 * as confined as any program (the job's limits, no capability, the syscall filter, the execution's own
 * /work) and unable to see, signal or reach the judge; the judge must serve job after job, and a fresh
 * one must take over when one dies or overruns. One server (concurrency 1) serves every run here.
 */
const runtime = new Runtime({ inThread: true });
const sandbox = getSandbox(runtime.env, { concurrency: 1 });
afterAll(() => runtime.close());

const py = (code: string) => `\`\`\`python\n${code}\n\`\`\`\n`;

/** What the worker sees of itself, returned by `probe()`; the test prints it back as its failure. */
const probe = py(
  [
    'import os, resource',
    'def probe(write=None, die=False):',
    '    if die: os._exit(1)',
    '    status = dict(l.split(":\\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\\t" in l)',
    '    limits = [resource.getrlimit(r) for r in (resource.RLIMIT_CPU, resource.RLIMIT_AS, resource.RLIMIT_FSIZE,',
    '              resource.RLIMIT_NPROC, resource.RLIMIT_NOFILE, resource.RLIMIT_CORE)]',
    '    found = os.path.exists("left-by-an-earlier-run.txt") or os.path.exists("/work/left-by-an-earlier-run.txt")',
    '    if write:',
    '        with open("left-by-an-earlier-run.txt", "w") as f: f.write("x")',
    '    return {"pid": os.getpid(), "limits": [list(l) for l in limits], "cwd": os.getcwd(),',
    '            "cap_eff": status["CapEff"].strip(), "seccomp": status["Seccomp"].strip(),',
    '            "no_new_privs": status["NoNewPrivs"].strip(), "found": found,',
    '            "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}',
  ].join('\n'),
);
// The test fails on purpose, so the probe's answer comes back in `detail`. The second reference first
// kills the worker, so the probe runs in a fresh one.
const reference = {
  entry_point: 'probe',
  test: 'def check(candidate):\n    r = candidate(True)\n    assert r == "report", repr(r)\n',
};
const afterDeath = {
  entry_point: 'probe',
  test: 'def check(candidate):\n    assert candidate(die=True)\n    r = candidate(True)\n    assert r == "report", repr(r)\n',
};

async function run(response: string, ref: unknown, args: Record<string, unknown> = {}) {
  const spec = parseSpec({
    reward: { use: 'code', args: { mode: 'fraction', ...args } },
    timeout_ms: 30_000,
  });
  const [r] = (await new Scorer(spec, runtime).score([{ response, reference: ref }])) as RewardResult[];
  return r!;
}

interface Probe {
  pid: number;
  limits: number[][];
  cwd: string;
  cap_eff: string;
  seccomp: string;
  no_new_privs: string;
  found: boolean;
  pids: number[];
}

async function probed(args: Record<string, unknown> = {}, ref: unknown = reference): Promise<Probe> {
  const r = await run(probe, ref, args);
  expect(r.status, JSON.stringify(r)).toBe('ok');
  const message = (r.detail!.failed as { message: string }[]).at(-1)!.message;
  const text = message.slice(message.indexOf('{'));
  return JSON.parse(text.replace(/'/g, '"').replace(/True/g, 'true').replace(/False/g, 'false')) as Probe;
}

describe('a judged run’s workers', () => {
  it('are confined like any program: the job’s own limits, no capability, the syscall filter, their own /work, alone in their namespace', async () => {
    const first = await probed({ cpu_ms: 4000, memory_mb: 300 });
    const again = await probed({ cpu_ms: 4000, memory_mb: 300 });
    const fresh = await probed({ cpu_ms: 4000, memory_mb: 300 }, afterDeath);
    const other = await probed({ cpu_ms: 2000, memory_mb: 300 });
    expect(first.limits[0]![0]).toBe(4); // CPU seconds
    expect(other.limits[0]![0], 'a worker gets the limits of its own job').toBe(2);
    for (const p of [first, again, fresh, other]) {
      expect(p.cwd).toBe('/work');
      expect(p.cap_eff).toBe('0000000000000000');
      expect(p.seccomp).toBe('2');
      expect(p.no_new_privs).toBe('1');
      expect(p.found, 'a file written by an earlier execution').toBe(false);
      // PID 1 of its own namespace, with no other process in view: never the judge, never the server.
      expect(p.pid).toBe(1);
      expect(p.pids).toEqual([1]);
    }
    // The same limits, but for the address space: a worker cloned from the warm server gets room for
    // what it inherited (the server's preloaded modules), a fresh interpreter needs none.
    const noAs = (l: number[][]) => l.filter((_, i) => i !== 1);
    expect(noAs(fresh.limits)).toEqual(noAs(first.limits));
    expect(first.limits[1]![0]).toBeGreaterThanOrEqual(fresh.limits[1]![0]!);
    expect(fresh.limits[1]![0]).toBe(300 * 2 ** 20);
  });

  it('leave nothing behind for the next program', async () => {
    await probed();
    const r = await sandbox.run({
      language: 'python',
      code: 'import os\nprint(sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))',
    });
    expect(r.status, JSON.stringify(r)).toBe('ok');
    expect(r.stdout.trim()).toBe('[1]');
  });

  it('serves right and wrong programs as a forked worker does', async () => {
    const add = {
      entry_point: 'add',
      test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n',
    };
    for (let i = 0; i < 3; i++) {
      expect(await run(py('def add(a, b): return a + b'), add)).toMatchObject({ status: 'ok', score: 1 });
      expect(await run(py('def add(a, b): return 3'), add)).toMatchObject({ status: 'ok', score: 0.5 });
      expect(await run(py('def add(a, b) return'), add)).toMatchObject({ status: 'ok', score: 0 });
    }
  });
});

/**
 * Host pids of this test process's sandboxed Python processes whose command line ends with `last`, with
 * how many PID namespaces deep each is (an execution is one deeper than its server and judge).
 */
function sandboxProcesses(last: string): { pid: number; ppid: number; depth: number }[] {
  const found: { pid: number; ppid: number; depth: number }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cgroup`, 'utf8').includes(`/assay-${process.pid}/`)) continue;
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const nspid = readFileSync(`/proc/${name}/status`, 'utf8').match(/^NSpid:(.*)$/m)?.[1] ?? '';
      const depth = nspid.trim().split(/\s+/).length;
      // 'serve' is followed by the runner's source (SERVER_BOOT compiles it).
      if (args[0] === '/usr/bin/python3' && args.slice(1).includes(last))
        found.push({ pid: Number(name), ppid, depth });
    } catch {}
  }
  return found;
}

describe('the execution a warm server clones ahead of its job', () => {
  it('killed while it waits, fails its job as a sandbox error (never a failed program), and the next job runs', async () => {
    const first = await sandbox.run({ language: 'python', code: 'print(1)' });
    expect(first.status).toBe('ok');
    // The server, its judge and the execution it cloned for the next job share the command line (a
    // fork, a clone): the server is the one whose parent is not one of them, the execution is its child
    // in a deeper PID namespace. It appears just after the report.
    let waiting: { pid: number; ppid: number; depth: number }[] = [];
    for (let i = 0; i < 100 && waiting.length === 0; i++) {
      const found = sandboxProcesses('serve');
      const servers = found.filter((p) => !found.some((q) => q.pid === p.ppid));
      expect(servers.length, 'one warm server').toBe(1);
      const server = servers[0]!;
      waiting = found.filter((p) => p.ppid === server.pid && p.depth > server.depth);
      if (waiting.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(waiting.length, 'one execution waits for the next job').toBe(1);
    process.kill(waiting[0]!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
    const killed = await sandbox.run({ language: 'python', code: 'print(2)' });
    expect(killed.status, JSON.stringify(killed)).toBe('sandbox_error');
    expect(killed.message).toMatch(/ended before its job came/);
    const next = await sandbox.run({ language: 'python', code: 'print(3)' });
    expect(next).toMatchObject({ status: 'ok', stdout: '3\n' });
  });
});

describe('the zygote every execution is cloned from', () => {
  it('killed, costs at most the job that was waiting on it (a sandbox error, never a score), and a fresh one serves the next', async () => {
    expect((await sandbox.run({ language: 'python', code: 'print(1)' })).status).toBe('ok');
    // The server's children of its own PID namespace depth are its judges and its zygote; the zygote
    // is the one whose command line is the server's and that is not the parent of a deeper process.
    const found = sandboxProcesses('serve');
    const server = found.find((p) => !found.some((q) => q.pid === p.ppid))!;
    const same = found.filter((p) => p.ppid === server.pid && p.depth === server.depth);
    expect(same.length, 'a judge and a zygote').toBeGreaterThanOrEqual(2);
    for (const p of same) process.kill(p.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await sandbox.run({ language: 'python', code: `print(${i})` });
      if (r.status === 'sandbox_error') outcomes.push('error');
      else {
        expect(r).toMatchObject({ status: 'ok', stdout: `${i}\n` });
        outcomes.push('ok');
      }
    }
    expect(outcomes.filter((o) => o === 'error').length).toBeLessThanOrEqual(1);
    expect(outcomes.slice(1)).toEqual(['ok', 'ok', 'ok']);
    // Judged runs too: a fresh judge was forked.
    for (let i = 0; i < 2; i++) {
      const add = { entry_point: 'add', test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n' };
      expect(await run(py('def add(a, b): return a + b'), add)).toMatchObject({ status: 'ok', score: 1 });
      expect(await run(py('def add(a, b): return 4'), add)).toMatchObject({ status: 'ok', score: 0 });
    }
  });
});

/**
 * Found by red-team reviews of the warm harness path: each attack runs several times on the one server,
 * so the same judge serves them one after another.
 */
describe('the judge, attacked from its workers', () => {
  const add = {
    prompt: 'def add(a, b):\n    """Add two numbers."""\n',
    entry_point: 'add',
    test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(5, 5) == 10\n',
  };
  const mbpp = { test_list: ['assert add(1, 2) == 3', 'assert add(5, 5) == 10'] };
  const apps = {
    input_output: JSON.stringify({
      fn_name: 'add',
      inputs: [
        [1, 2],
        [5, 5],
      ],
      outputs: [[3], [10]],
    }),
  };
  // A file in /work named like a module the judge imports later, which forges every report.
  const forger = (module: string) =>
    [
      `open("/work/${module}.py", "w").write(`,
      "    \"import sys, os\\nm = sys.modules['__main__']\\nfor i in range(8): m.report('pass', i)\\nos._exit(0)\\n\")",
    ].join('\n');

  it('the judge never imports from the /work the program writes (a module it exports, or one a test imports)', async () => {
    await sandbox.run({ language: 'python', code: 'pass' });
    const exported = py(
      [
        forger('colorsys'),
        'import types',
        "colorsys = types.ModuleType('colorsys')",
        'def add(a, b): return 7',
      ].join('\n'),
    );
    for (const ref of [add, mbpp, apps, add, mbpp, apps]) {
      const r = await run(exported, ref);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
    }
    const numpyTest = {
      ...add,
      test: 'def check(candidate):\n    import numpy as np\n    assert np.isclose(candidate(1, 2), 3)\n    assert candidate(5, 5) == 10\n',
    };
    const shadow = py([forger('numpy'), 'def add(a, b): return 7'].join('\n'));
    for (let i = 0; i < 3; i++) {
      const r = await run(shadow, numpyTest);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
    }
    expect(await run(py('def add(a, b): return a + b'), numpyTest)).toMatchObject({ status: 'ok', score: 1 });
  });

  it('no signal from a worker reaches the judge or the server: nothing but the worker is in its namespace', async () => {
    // A right program that signals every pid it can name (and kill(-1): every process it may signal).
    const probe = py(
      [
        'import os, signal',
        'def add(a, b):',
        '    reached = 0',
        '    for pid in range(2, 4000):',
        '        for sig in (signal.SIGINT, signal.SIGALRM, signal.SIGTERM, signal.SIGSTOP):',
        '            try:',
        '                os.kill(pid, sig)',
        '                reached += 1',
        '            except OSError:',
        '                pass',
        '    for sig in (signal.SIGINT, signal.SIGALRM):',
        '        try:',
        '            os.kill(-1, sig)',
        '        except OSError:',
        '            pass',
        '    return a + b if reached == 0 and os.getppid() == 0 else -1',
      ].join('\n'),
    );
    for (let i = 0; i < 3; i++) {
      const r = await run(probe, add);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 1 });
    }
    expect(await run(py('def add(a, b): return a + b'), mbpp)).toMatchObject({ status: 'ok', score: 1 });
  });

  it('a worker that lies, floods or hangs fails its own tests, and the same judge serves the next job right', async () => {
    const attacks = [
      // A frame of garbage where an answer belongs.
      'import os\ndef add(a, b):\n    os.write(3, b"999999\\n" + b"x" * 5000)\n    return a + b',
      // An answer that is not a plain value.
      'def add(a, b):\n    return lambda: a + b',
      // Closes its channel and keeps running.
      'import os, time\ndef add(a, b):\n    os.close(3)\n    while True: time.sleep(1)',
    ];
    for (const attack of attacks) {
      const r = await run(py(attack), add, { test_timeout_ms: 500 });
      expect(r, `${attack}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 0 });
      expect(await run(py('def add(a, b): return a + b'), add)).toMatchObject({ status: 'ok', score: 1 });
    }
  });

  it('a judge stopped at the deadline (tests that never end) is replaced: the next job is judged right', async () => {
    // The dataset's own check code spins in the judge, out of any test's timer: the run's deadline stops it.
    const stuck = {
      ...add,
      test: 'import signal\ndef check(candidate):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n    while True: pass\n',
    };
    const spec = parseSpec({
      reward: { use: 'code', args: { mode: 'fraction', cpu_ms: 1000, wall_ms: 1500 } },
      timeout_ms: 30_000,
    });
    const [r] = (await new Scorer(spec, runtime).score([
      { response: py('def add(a, b): return a + b'), reference: stuck },
    ])) as RewardResult[];
    expect(r!.score ?? 0, JSON.stringify(r)).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(await run(py('def add(a, b): return a + b'), add)).toMatchObject({ status: 'ok', score: 1 });
      expect(await run(py('def add(a, b): return 3'), add)).toMatchObject({ status: 'ok', score: 0.5 });
    }
  });

  it('a run stopped at its deadline keeps every result the judge had (report lines are batched, never held past a timer tick)', async () => {
    // Four quick tests pass, the fifth never returns; its own limit is longer than the run's, so the
    // run's deadline stops the judge with the four results still to be written but for the tick.
    const hangsLast = py(
      'import time\ndef add(a, b):\n    if a == 4:\n        time.sleep(100)\n    return a + b',
    );
    const five = {
      ...add,
      test: `def check(candidate):\n${[0, 1, 2, 3, 4].map((a) => `    assert candidate(${a}, 1) == ${a + 1}\n`).join('')}`,
    };
    for (let i = 0; i < 2; i++) {
      const r = await run(hangsLast, five, { wall_ms: 1500, cpu_ms: 1000, test_timeout_ms: 10_000 });
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0.8 });
    }
    expect(await run(py('def add(a, b): return a + b'), five)).toMatchObject({ status: 'ok', score: 1 });
  });

  it('a judge retires after 500 jobs and the next judges as right: 520 runs in a row, right and wrong alternating', async () => {
    const spec = parseSpec({ reward: { use: 'code', args: { mode: 'fraction' } }, timeout_ms: 60_000 });
    const samples = Array.from({ length: 520 }, (_, i) => ({
      response: py(i % 2 ? 'def add(a, b): return a + b' : 'def add(a, b): return 3'),
      reference: add,
    }));
    const results = (await new Scorer(spec, runtime).score(samples)) as RewardResult[];
    const wrong = results.filter((r, i) => r.status !== 'ok' || r.score !== (i % 2 ? 1 : 0.5));
    expect(wrong.map((r) => JSON.stringify(r).slice(0, 200))).toEqual([]);
  }, 120_000);

  it('tests that end the process they run in are judged in their own execution (as cold), never in the shared judge', async () => {
    // Impure dataset code (pure_code says no): the job runs as a plain program in its own execution,
    // whose harness judges itself there; ending that process ends nothing shared.
    const ends = {
      ...add,
      test: 'import os\ndef check(candidate):\n    assert candidate(1, 2) == 3\n    os._exit(1)\n',
    };
    const cold = new Runtime({ inThread: true });
    getSandbox(cold.env, { concurrency: 1, warm: false });
    try {
      const spec = parseSpec({ reward: { use: 'code', args: { mode: 'fraction' } }, timeout_ms: 30_000 });
      const [c] = (await new Scorer(spec, cold).score([
        { response: py('def add(a, b): return a + b'), reference: ends },
      ])) as RewardResult[];
      const r = await run(py('def add(a, b): return a + b'), ends);
      expect({ status: r.status, score: r.score }).toEqual({ status: c!.status, score: c!.score });
    } finally {
      await cold.close();
    }
    for (let i = 0; i < 2; i++) {
      expect(await run(py('def add(a, b): return a + b'), add)).toMatchObject({ status: 'ok', score: 1 });
      expect(await run(py('def add(a, b): return 3'), add)).toMatchObject({ status: 'ok', score: 0.5 });
    }
  });

  it('a plain program after judged runs sees the server as python3 would: its own sys.path, no report key in any frame', async () => {
    await run(py('def add(a, b): return a + b'), add);
    const show = [
      'import sys, re',
      'keys = set()',
      'f = sys._getframe()',
      'while f is not None:',
      '    for v in list(f.f_locals.values()):',
      '        for s in (v if isinstance(v, list) else [v]):',
      '            if isinstance(s, (str, bytes, bytearray)) and re.fullmatch(rb"[0-9a-f]{64}" if not isinstance(s, str) else r"[0-9a-f]{64}", s):',
      '                keys.add(str(s))',
      '    f = f.f_back',
      'print(sys.path)',
      'print(sorted(keys))',
    ].join('\n');
    const before = await sandbox.run({ language: 'python', code: show });
    await run(py('def add(a, b): return a + b'), add);
    await run(py('def add(a, b): return a + b'), add);
    const after = await sandbox.run({ language: 'python', code: show });
    expect(after.status, JSON.stringify(after)).toBe('ok');
    const [pathBefore, keysBefore] = before.stdout.trim().split('\n');
    const [pathAfter, keysAfter] = after.stdout.trim().split('\n');
    expect(pathAfter).toBe(pathBefore);
    expect(pathAfter!.startsWith("['/work',")).toBe(true);
    // Hex strings of 64 characters left in the server's frames: program hashes (the same every time),
    // never a job's report key (a new one every job).
    expect(keysAfter).toBe(keysBefore);
  });
});
