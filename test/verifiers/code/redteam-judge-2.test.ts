import { describe, expect, it } from 'vitest';
import { Runtime } from '../../../src/core/scorer.js';
import { getSandbox } from '../../../src/sandbox/index.js';
import '../../../src/verifiers/code/index.js';
import { findChannel, py, warmAndCold } from './warm-and-cold.js';

/**
 * Second red-team review of the warm path's persistent judge (harness-py.ts assay_judge, judge_here, and the per-job child
 * since replaced by a plain run in the job's own execution, pure_code). Each test is an attack through the real sandbox; each one broke a promise
 * when written. Concurrency 1: every warm run hits the same server and the same judge, so cross-job
 * effects show.
 */
const { score } = warmAndCold();

const right = 'def add(a, b):\n    return a + b';
const wrong = 'def add(a, b):\n    return 7';

describe('red team 2: pure dataset code that keeps state across jobs', () => {
  // Attack: MBPP test_imports is the tests' preamble; preamble_globals runs it once per process and
  // caches its globals (PREAMBLES), handing each job a SHALLOW copy (dict(got)). A preamble that binds
  // a mutable object (`memo = {}`) is pure (Assign of a Dict), and so are tests that change it through
  // PURE_ATTRIBUTES (setdefault, append, update...). In the persistent judge (judge_here) the object
  // is the same for every later job with the same test_imports (every response of a GRPO group): the
  // first right answer's value stays in memo, and every later wrong answer then passes. On the cold
  // path (and on judge_apart) each job has its own copy. Promise broken: no job's tests change how a
  // later job is judged; the same program gets the same verdict on both paths (high: a wrong program
  // scores 1; benign datasets with a memo/`seen` list in their imports misjudge too).
  it('a wrong program fails even after a right one ran tests that wrote to an object of test_imports', async () => {
    const ref = {
      test_imports: ['import math', 'memo = {}'],
      test_list: ['assert memo.setdefault("x", add(1, 2)) == 3'],
    };
    for (const path of ['cold', 'warm'] as const) {
      const got = await score(path, [
        { response: py(right), reference: ref },
        { response: py(wrong), reference: ref },
      ]);
      expect(
        got.map((r) => r.score),
        `${path}: ${JSON.stringify(got)}`,
      ).toEqual([1, 0]);
    }
  }, 120_000);

  // The same shared preamble object the other way: a right program fails after another right one.
  it('a right program passes whatever the previous job appended to a list of test_imports', async () => {
    const ref = {
      test_imports: ['seen = []'],
      test_list: ['seen.append(add(1, 2))\nassert seen == [3]'],
    };
    for (const path of ['cold', 'warm'] as const) {
      const got = await score(path, [
        { response: py(right), reference: ref },
        { response: py(right), reference: ref },
      ]);
      expect(
        got.map((r) => r.score),
        `${path}: ${JSON.stringify(got)}`,
      ).toEqual([1, 1]);
    }
  }, 120_000);
});

/**
 * Python source of `_judge_every_job(s)`: on the judge's socket s, take each job the server hands to
 * the judge ('J' and its four descriptors), read its secret frame (nonce, tests) and report a pass for
 * every test, then 'D'. Run by a process that should never hold that socket.
 */
const judgeEveryJob = [
  'import os, socket, json, signal',
  'def _judge_every_job(s):',
  '    signal.signal(signal.SIGALRM, signal.SIG_IGN)',
  '    signal.setitimer(signal.ITIMER_REAL, 0)',
  '    while True:',
  '        msg, fds, _, _ = socket.recv_fds(s, 64, 4)',
  '        if not msg: os._exit(0)',
  '        data = os.pread(fds[0], 1 << 22, 0)',
  '        n1, rest = data.split(b"\\n", 1)',
  '        n2, rest = rest[int(n1):].split(b"\\n", 1)',
  '        secret = json.loads(rest[:int(n2)])',
  '        nonce, k = secret["nonce"], len(secret.get("tests", [])) or 1',
  '        out = "\\n%s count %d\\n" % (nonce, k)',
  '        out += "".join("\\n%s pass %d\\n" % (nonce, i) for i in range(k))',
  '        os.write(fds[1], (out + "\\n%s done %d\\n" % (nonce, k)).encode())',
  '        for f in fds: os.close(f)',
  '        s.sendall(b"D\\n")',
].join('\n');

/** Runs the attacker's reference, then a wrong program on an honest one: what the victim scores. */
async function afterAttack(setup: string) {
  const runtime = new Runtime({ inThread: true });
  getSandbox(runtime.env, { concurrency: 1 });
  try {
    const attacker = { test_setup_code: `${judgeEveryJob}\n${setup}`, test_list: ['assert add(1, 2) == 3'] };
    const victim = { test_list: ['assert add(1, 2) == 3', 'assert add(2, 2) == 4'] };
    await score('warm', [{ response: py(right), reference: attacker }], {}, runtime);
    const [r] = await score('warm', [{ response: py(wrong), reference: victim }], {}, runtime);
    return r;
  } finally {
    await runtime.close();
  }
}

describe("red team 2: a job's own judge (judge_apart) holds the server's channel", () => {
  // Attack: impure dataset code (here MBPP test_setup_code) runs in a child the persistent judge forks
  // for the job (judge_apart). The fork keeps the judge's socket to the server (JUDGE_CHAN, fd 3, not
  // closed in the child). The child sends the server a forged 'D' (job done): the server ends this job
  // and hands the NEXT job ('J' with its four descriptors: the tests' memfd, stdout, stderr, the
  // worker's channel) to that socket, where the child, not the parent (blocked in waitpid on the
  // child), receives it. The child now judges every later job of the server: it reads the secret
  // frame (nonce, tests, expected values; the program frame too) and writes a pass for every test.
  // Here the next sample, a wrong program from another caller, scores 1. Promise broken: no job's
  // tests change how a later job is judged, nor read its data (critical: the judge_apart isolation is
  // bypassed; any reference with impure test code takes over the server's judge).
  it('a job whose tests run in a forked judge cannot judge later jobs', async () => {
    const r = await afterAttack('s = socket.socket(fileno=3)\ns.sendall(b"D\\n")\n_judge_every_job(s)');
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
  }, 60_000);

  // Attack: the same inherited socket without any forged message. The setup code double-forks: the
  // grandchild has no PR_SET_PDEATHSIG (fork does not inherit it) and is in no execution, so it
  // outlives the job, which ends normally. It waits on fd 3 beside the judge: the next job's 'J' and
  // its descriptors go to whichever waits first, the grandchild, which passes every test of that job.
  // Promise broken: as above (critical: a fix that only checks the order of 'D' is not enough; fd 3
  // must not reach a job's own judge, nor anything it starts).
  it("a process started by a job's tests does not outlive the job and judge later ones", async () => {
    const r = await afterAttack(
      [
        'import time',
        'if os.fork() == 0:',
        '    if os.fork() != 0: os._exit(0)',
        '    _judge_every_job(socket.socket(fileno=3))',
        'time.sleep(0.3)',
      ].join('\n'),
    );
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 0 });
  }, 60_000);
});

/** Raw frame written by the candidate straight onto its channel to the judge. */
const rawChannel = [
  findChannel,
  'def _send(fd, head, chunk, times, tail):',
  '    os.write(fd, b"%d\\n" % (len(head) + len(chunk) * times + len(tail)))',
  '    for p in [head] + [chunk] * times + [tail]:',
  '        v = memoryview(p)',
  '        while len(v): v = v[os.write(fd, v):]',
].join('\n');

const humaneval = {
  prompt: 'def add(a, b):\n    """Add two numbers."""\n',
  entry_point: 'add',
  test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n',
};

describe('red team 2: replies whose reading costs more than parse_cost says', () => {
  // Attack: parse_cost estimates a reply's reading cost from its text (64 bytes per ',' '[' '{' and
  // one per byte of text). One JSON string of 60 MB of ASCII ending in the escape \ud83d\ude00 is
  // costed at 60 MB, under a quarter of a 256 MB job; but json.loads builds it as a UCS-4 str (4 bytes
  // a character: 240 MB) beside the frame (60 MB) and its decoded text (60 MB). The program streams
  // the frame in 1 MB writes, so it holds almost nothing itself. On the cold path the judge's
  // RLIMIT_AS gives a MemoryError: wrong answer, 0. On the warm path the judge (judge_here) shares the
  // job's cgroup and has no RLIMIT_AS: the cgroup's OOM killer takes it, and the sample comes back as
  // an error (sandbox error) instead of its 0. Promise broken: a program cannot turn its failure into
  // an `error`; warm and cold give the same verdict (high: a trainer dropping error samples lets a
  // policy learn to dodge negative reward).
  it('a string reply that is four times its text in memory fails the test on both paths', async () => {
    const prog = [
      rawChannel,
      'def add(a, b):',
      '    _send(_chan(), b"PJ\\"ok\\"\\x1eJ\\"", b"a" * (1 << 20), 60, b"\\\\ud83d\\\\ude00\\"")',
      '    import time; time.sleep(30)',
    ].join('\n');
    for (const path of ['cold', 'warm'] as const) {
      const [r] = await score(path, [{ response: py(prog), reference: humaneval }], { memory_mb: 256 });
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 0 });
    }
    const [after] = await score('warm', [{ response: py(right), reference: humaneval }]);
    expect(after).toMatchObject({ status: 'ok', score: 1 });
  }, 120_000);
});

describe('red team 2: replies split into many parts', () => {
  // Attack: decode() splits a 'P' reply on SEP ('\x1e') into one str per part before reading any, and
  // parse_cost counts only ',' '[' '{' and bytes: 'J1' parts cost 3 bytes of text each in its estimate,
  // but each becomes a str object (about 52 bytes) and a list slot (8) in the judge. 18 MB of
  // "\x1eJ1" (6 M parts, estimated 18 MB, under a quarter of 256 MB) makes the judge build some
  // 400 MB. Cold: MemoryError, wrong answer (0). Warm: the judge (no RLIMIT_AS, the job's cgroup) is
  // OOM-killed: error. Promise broken: a program cannot turn its 0 into an `error`; warm = cold (high).
  it('a reply of millions of tiny parts fails the test on both paths', async () => {
    const prog = [
      rawChannel,
      'def add(a, b):',
      '    _send(_chan(), b"PJ\\"ok\\"", b"\\x1eJ1" * (1 << 18), 24, b"")',
      '    import time; time.sleep(30)',
    ].join('\n');
    for (const path of ['cold', 'warm'] as const) {
      const [r] = await score(path, [{ response: py(prog), reference: humaneval }], { memory_mb: 256 });
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 0 });
    }
  }, 120_000);
});

describe("red team 2: a job's own judge (judge_apart) is a copy of the persistent judge", () => {
  // Attack: judge_apart forks the persistent judge, so impure dataset code runs in a copy of its whole
  // memory: the compile cache (COMPILED) keyed by the source text of every recent job's tests (the
  // secret HumanEval checks and MBPP asserts, with their expected values, of other rows and other
  // callers). Here a later reference's setup code finds an earlier job's secret test text there (and
  // could read the rest of it); on the cold path its harness is a fresh process. Promise broken: no
  // job reads another job's data (medium: test text of other jobs; exfiltration by the verdict, or by
  // anything the tests can reach).
  it("a job's tests cannot read an earlier job's tests from the judge's memory", async () => {
    const secret = { ...humaneval, test: `${humaneval.test}    assert candidate(4711, 1) == 4712\n` };
    const snoop = {
      test_setup_code: [
        'import sys',
        'm = sys.modules["__main__"]',
        'leak = [k for k in getattr(m, "COMPILED", {}) if "4711" in str(k) and "snoop" not in str(k)]',
      ].join('\n'),
      test_list: ['assert add(1, 2) == 3 and leak  # snoop'],
    };
    for (const path of ['cold', 'warm'] as const) {
      await score(path, [{ response: py(right), reference: secret }]);
      const [r] = await score(path, [{ response: py(right), reference: snoop }]);
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 0 });
    }
  }, 120_000);
});
