import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { RewardResult } from '../../src/core/types.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { py, warmAndCold } from '../verifiers/code/warm-and-cold.js';

/**
 * Red team of the warm path's two-layer seccomp filter (FilterLayer in seccomp.ts: the zygote installs
 * every rule but mount and clone-into-namespaces once, each execution adds those two). The promise:
 * every program the warm path runs is denied exactly what a cold program is, whichever way it was
 * started (a plain program, a judged run's first worker, a fresh worker after one died, the plain rerun
 * of a refused suite, a child it forks, a program it execs, an execution cloned by a fresh zygote after
 * the last was killed). The witness is the kernel's answer to each call, asked from inside.
 */

/** Python: `_probe()` gives 'name=errno ...' for each call (0: allowed), in a fixed order. */
const PROBE = `
import ctypes as _ct, os as _os
_libc = _ct.CDLL(None, use_errno=True)
_NEW = {'user': 0x10000000, 'ns': 0x20000, 'pid': 0x20000000, 'net': 0x40000000, 'ipc': 0x08000000,
        'uts': 0x04000000, 'cgroup': 0x02000000}
_X32 = 0x40000000
_CALLS = [('mount', 165, ()), ('umount2', 166, ()), ('pivot_root', 155, ()), ('unshare_zero', 272, (0,)),
    ('setns', 308, (-1, 0)), ('clone3', 435, (0, 0)), ('ptrace_traceme', 101, ()),
    ('process_vm_readv', 310, (1,)), ('process_vm_writev', 311, (1,)), ('process_madvise', 440, (-1,)),
    ('pidfd_getfd', 438, (-1, 0, 0)), ('kcmp', 312, (1, 1)), ('io_uring_setup', 425, (1, 0)),
    ('io_uring_enter', 426, (-1,)), ('io_uring_register', 427, (-1,)), ('perf_event_open', 298, (0, 0, -1, -1, 0)),
    ('bpf', 321, ()), ('userfaultfd', 323, ()), ('keyctl', 250, ()), ('add_key', 248, ()), ('request_key', 249, ()),
    ('move_mount', 429, (-1, 0, -1, 0, 0)), ('open_tree', 428, (-1, 0, 0)), ('fsopen', 430, ()),
    ('fsconfig', 431, (-1,)), ('fsmount', 432, (-1,)), ('fspick', 433, (-1, 0, 0)), ('mount_setattr', 442, (-1,)),
    ('kexec_load', 246, ()), ('kexec_file_load', 320, (-1, -1)), ('init_module', 175, ()),
    ('finit_module', 313, (-1, 0, 0)), ('delete_module', 176, ()), ('reboot', 169, ()), ('swapon', 167, ()),
    ('swapoff', 168, ()), ('acct', 163, ()), ('syslog', 103, (3, 0, 0)), ('quotactl', 179, ()),
    ('name_to_handle_at', 303, (-1,)), ('open_by_handle_at', 304, (-1, 0, 0)), ('lookup_dcookie', 212, ()),
    ('fanotify_init', 300, ()), ('settimeofday', 164, ()), ('clock_settime', 227, ()), ('adjtimex', 159, ()),
    ('clock_adjtime', 305, ()), ('move_pages', 279, ()), ('migrate_pages', 256, ()), ('iopl', 172, (3,)),
    ('ioperm', 173, (0, 1, 1)), ('prlimit_pid1', 302, (1, 7, 0, 0)),
    ('prlimit_high', 302, (1 << 32, 7, 0, 0)), ('prlimit_self', 302, (0, 7, 0, 0)),
    ('x32_getpid', _X32 | 39, ()), ('x32_mount', _X32 | 165, ()), ('x32_unshare', _X32 | 272, (0x10000000,)),
    ('x32_clone', _X32 | 56, (0x10000000 | 17, 0, 0, 0, 0)), ('getpid', 39, ())]
for _k, _f in sorted(_NEW.items()):
    _CALLS.append(('unshare_' + _k, 272, (_f,)))
    _CALLS.append(('clone_' + _k, 56, (_f | 17, 0, 0, 0, 0)))
    _CALLS.append(('clone_hi_' + _k, 56, ((1 << 32) | _f | 17, 0, 0, 0, 0)))

def _call(nr, args):
    args = [a if a >= 0 else a & 0xffffffffffffffff for a in args]
    _ct.set_errno(0)
    r = _libc.syscall(_ct.c_long(nr), *[_ct.c_ulong(a) for a in (list(args) + [0] * 6)[:6]])
    if r == 0 and nr & ~_X32 == 56:
        _os._exit(0)  # a clone the filter let through: its child leaves at once
    if r > 0 and nr & ~_X32 == 56:
        _os.waitpid(r, 0)
    return 0 if r >= 0 else _ct.get_errno()

def _probe():
    return ' '.join('%s=%d' % (n, _call(nr, a)) for n, nr, a in _CALLS)

def _filters():
    for l in open('/proc/self/status'):
        if l.startswith('Seccomp_filters:'):
            return l.split()[1]
    return '?'
`;

const EPERM = 1;
const ENOSYS = 38;
/** What the whole filter answers (getpid and prlimit64 on oneself pass; clone3 says ENOSYS). */
function expected(): string {
  const names = [
    ...'mount umount2 pivot_root unshare_zero setns clone3 ptrace_traceme process_vm_readv process_vm_writev process_madvise pidfd_getfd kcmp io_uring_setup io_uring_enter io_uring_register perf_event_open bpf userfaultfd keyctl add_key request_key move_mount open_tree fsopen fsconfig fsmount fspick mount_setattr kexec_load kexec_file_load init_module finit_module delete_module reboot swapon swapoff acct syslog quotactl name_to_handle_at open_by_handle_at lookup_dcookie fanotify_init settimeofday clock_settime adjtimex clock_adjtime move_pages migrate_pages iopl ioperm prlimit_pid1 prlimit_high prlimit_self x32_getpid x32_mount x32_unshare x32_clone getpid'.split(
      ' ',
    ),
  ];
  for (const k of ['cgroup', 'ipc', 'net', 'ns', 'pid', 'user', 'uts'])
    names.push(`unshare_${k}`, `clone_${k}`, `clone_hi_${k}`);
  return names
    .map((n) => `${n}=${n === 'clone3' ? ENOSYS : n === 'getpid' || n === 'prlimit_self' ? 0 : EPERM}`)
    .join(' ');
}
const EXPECTED = expected();

/** A plain program: the probe in itself, in a child it forks, and in a fresh python3 it execs. */
const PLAIN = String.raw`${PROBE}
import subprocess, sys
print('self', _filters(), _probe(), flush=True)
r, w = _os.pipe()
pid = _os.fork()
if pid == 0:
    _os.close(r)
    _os.write(w, ('fork %s %s' % (_filters(), _probe())).encode())
    _os._exit(0)
_os.close(w)
got = b''
while True:
    b = _os.read(r, 65536)
    if not b:
        break
    got += b
_os.waitpid(pid, 0)
print(got.decode())
src = ${JSON.stringify(PROBE)} + "\nprint('exec', _filters(), _probe())\n"
sys.stdout.flush()
print(subprocess.run([sys.executable, '-S', '-c', src], capture_output=True, text=True).stdout.strip())
`;

function lines(stdout: string): Record<string, { filters: string; calls: string }> {
  const out: Record<string, { filters: string; calls: string }> = {};
  for (const l of stdout.trim().split('\n')) {
    const [who, filters, ...calls] = l.split(' ');
    out[who as string] = { filters: filters as string, calls: calls.join(' ') };
  }
  return out;
}

describe.skipIf(process.arch !== 'x64')(
  'red team: the layered filter on every warm path (plain runs)',
  () => {
    const warm = new BwrapSandbox({ concurrency: 1 });
    const cold = new BwrapSandbox({ concurrency: 1, warm: false });
    afterAll(() => Promise.all([warm.close(), cold.close()]));

    it('a plain program, its forked child and a program it execs are denied what a cold one is', async () => {
      const [w, c] = await Promise.all([
        warm.run({ language: 'python', code: PLAIN }),
        cold.run({ language: 'python', code: PLAIN }),
      ]);
      expect(w.engine).toBe('warm');
      expect(c.engine).toBe('cold');
      const wl = lines(w.stdout);
      const cl = lines(c.stdout);
      for (const who of ['self', 'fork', 'exec']) {
        expect(wl[who]?.calls, `warm ${who}: ${w.stdout}${w.stderr}`).toBe(EXPECTED);
        expect(cl[who]?.calls, `cold ${who}: ${c.stdout}${c.stderr}`).toBe(EXPECTED);
        expect(wl[who]?.filters).toBe('2');
        expect(cl[who]?.filters).toBe('1');
      }
    }, 60_000);
  },
);

/**
 * A judged run: the candidate's `probe_w()` answers from the first worker, `probe_x()` kills the first
 * worker (so the judge asks the server for a fresh one, mode 'x', exec'd) and answers from there.
 */
const CANDIDATE = `${PROBE}
import sys as _sys
def _first():
    # A fresh worker (after one died) is an exec'd 'python3 -S <harness> --worker', on both paths.
    with open('/proc/self/cmdline', 'rb') as f:
        return b'--worker' not in f.read().split(b'\\0')
def where():
    return 'pid1' if _os.getpid() == 1 else 'forked'
def probe_w():
    return _probe()
def probe_x():
    if _first():
        _os._exit(3)
    return _probe()
`;

describe.skipIf(process.arch !== 'x64')(
  'red team: the layered filter on every warm path (judged runs)',
  () => {
    const { score } = warmAndCold();
    const suite = (imports: string[], extra: string[] = []) => ({
      test_list: [
        ...extra,
        `assert probe_w() == ${JSON.stringify(EXPECTED)}`,
        `assert probe_x() == ${JSON.stringify(EXPECTED)}`,
        `assert probe_x() == ${JSON.stringify(EXPECTED)}`,
      ],
      test_imports: imports,
    });

    // First worker (w) and a fresh worker after it died (x), pure tests: judged by the persistent judge.
    // The worker that runs the second test dies on the warm path (first worker); the third test runs in
    // a fresh one. Cold: the harness forks its first worker, execs the later ones.
    it('the first worker and a fresh worker after it died are denied what a cold program is', async () => {
      const got: Record<string, RewardResult> = {};
      for (const path of ['warm', 'cold'] as const) {
        const [r] = await score(path, [{ response: py(CANDIDATE), reference: suite([]) }]);
        got[path] = r as RewardResult;
      }
      // warm: test 1 in the first worker, test 2 kills it, test 3 in a fresh (exec'd) worker.
      expect(got.warm, JSON.stringify(got)).toMatchObject({ status: 'ok' });
      expect(got.warm?.score, JSON.stringify(got)).toBeCloseTo(2 / 3);
      expect(got.cold?.score, JSON.stringify(got)).toBe(got.warm?.score);
    }, 120_000);

    // A suite whose dataset code is not pure (imports random): the judge refuses it, the job reruns as a
    // plain program in a fresh execution whose harness judges itself (its own forked and exec'd workers).
    it('the refused-suite rerun and its workers are denied what a cold program is', async () => {
      const got: Record<string, RewardResult> = {};
      for (const path of ['warm', 'cold'] as const) {
        const [r] = await score(path, [
          { response: py(CANDIDATE), reference: suite(['import random'], ["assert where() == 'forked'"]) },
        ]);
        got[path] = r as RewardResult;
      }
      expect(got.warm, JSON.stringify(got)).toMatchObject({ status: 'ok' });
      // 3 of 4: the worker that runs them is forked by the harness (never PID 1): the rerun happened.
      expect(got.warm?.score, JSON.stringify(got)).toBeCloseTo(3 / 4);
      expect(got.cold?.score, JSON.stringify(got)).toBe(got.warm?.score);
    }, 120_000);
  },
);

/** pid -> its children, for every process below root (this test's own processes only). */
function descendants(root: number): number[] {
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop() as number;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      let kids = '';
      try {
        kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
      } catch {}
      for (const k of kids.split(' ').filter(Boolean)) {
        out.push(Number(k));
        todo.push(Number(k));
      }
    }
  }
  return out;
}

/** A warm server's zygote: filtered once (one filter), in its server's session and PID namespace. */
function zygotes(): number[] {
  const status = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return '';
    }
  };
  const field = (s: string, name: string) => s.match(new RegExp(`^${name}:\\s*(.*)$`, 'm'))?.[1] ?? '';
  const session = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
    } catch {
      return -1;
    }
  };
  return descendants(process.pid).filter((pid) => {
    const s = status(pid);
    const ppid = Number(field(s, 'PPid'));
    const parent = status(ppid);
    return (
      field(s, 'Name') === 'python3' &&
      field(s, 'Seccomp_filters') === '1' &&
      field(parent, 'Seccomp_filters') === '0' &&
      field(s, 'NSpid').split(/\s+/).length === field(parent, 'NSpid').split(/\s+/).length &&
      session(pid) === session(ppid) &&
      session(pid) !== pid
    );
  });
}

describe.skipIf(process.arch !== 'x64')('red team: the layered filter after the zygote is replaced', () => {
  const warm = new BwrapSandbox({ concurrency: 1 });
  afterAll(() => warm.close());

  // The host kills the zygote between jobs (no program can reach it): the server forks a fresh one,
  // which installs its layer again; what it clones must be denied exactly as before.
  it("a fresh zygote's executions are denied what a cold program is", async () => {
    const first = await warm.run({ language: 'python', code: PLAIN });
    expect(lines(first.stdout).self?.calls).toBe(EXPECTED);
    const before = zygotes(); // every one is this file's own (a descendant of this process)
    expect(before.length, 'a zygote').toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300)); // its clone for the next job is handed over
    for (const pid of before) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 2; i++) {
      const r = await warm.run({ language: 'python', code: PLAIN });
      expect(r.status, r.stderr).toBe('ok');
      const l = lines(r.stdout);
      for (const who of ['self', 'fork', 'exec']) {
        expect(l[who]?.calls, `${i} ${who}: ${r.stdout}`).toBe(EXPECTED);
        expect(l[who]?.filters).toBe('2');
      }
    }
    const after = zygotes();
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
  }, 60_000);
});

describe('red team: the first execution status pipe, read after the run', () => {
  const { score } = warmAndCold();
  // The status pipe is read once the judged run's executions are reaped (judged() in runner-py.ts).
  // Attack: a worker that says what a setup failure says, on every channel it holds, and exits as the
  // execution does when its setup fails (127), in the first worker and again in the fresh one; a
  // worker that leaves a child holding everything it inherited. Each is the program's failure (ok,
  // 0), never a sandbox error, and the server answers the next job at once.
  it('a worker that exits as a failed setup does is a failed program, not a sandbox error', async () => {
    const prog = [
      'import os',
      'def add(a, b):',
      '    for fd in range(0, 64):',
      '        try: os.write(fd, b"cannot start the program: OSError: [Errno 12] sandbox: cannot start\\n")',
      '        except OSError: pass',
      '    if os.fork() == 0:',
      '        import time; time.sleep(60)',
      '    os._exit(127)',
    ].join('\n');
    const ref = { test_list: ['assert add(1, 2) == 3', 'assert add(2, 2) == 4', 'assert add(3, 3) == 6'] };
    for (const path of ['warm', 'cold'] as const) {
      const t0 = Date.now();
      const [r] = await score(path, [{ response: py(prog), reference: ref }]);
      expect(r, `${path}: ${JSON.stringify(r)}`).toMatchObject({ status: 'ok', score: 0 });
      expect(Date.now() - t0, path).toBeLessThan(20_000);
    }
    const [after] = await score('warm', [
      { response: py('def add(a, b):\n    return a + b'), reference: ref },
    ]);
    expect(after).toMatchObject({ status: 'ok', score: 1 });
  }, 120_000);
});

describe.skipIf(process.arch !== 'x64')('red team: the zygote dies during a judged run', () => {
  const { score } = warmAndCold();
  // The host kills the zygote while the first worker runs (no program can reach it); the worker then
  // dies, and the judge asks for a fresh one: the zygote cannot clone it, the server clones the later
  // ones itself (whole filter, exec'd). The run is a sandbox error, never a score (whatever its
  // workers answered), and the next job is judged in executions of a fresh zygote, layered.
  it('the run is an error, and the next one is judged under the layered filter', async () => {
    const slow = `${CANDIDATE}\ndef wait():\n    import time\n    time.sleep(1.5)\n    return 1\n`;
    const ref = {
      test_list: [
        'assert wait() == 1',
        `assert probe_x() == ${JSON.stringify(EXPECTED)}`,
        `assert probe_x() == ${JSON.stringify(EXPECTED)}`,
      ],
    };
    await score('warm', [{ response: py(CANDIDATE), reference: { test_list: ['assert 1 == 1'] } }]);
    const running = score('warm', [{ response: py(slow), reference: ref }]);
    await new Promise((r) => setTimeout(r, 600));
    const killed = zygotes();
    expect(killed.length).toBeGreaterThan(0);
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    const [r] = await running;
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'error', score: null });
    expect(r?.reason).toMatch(/cannot clone a fresh execution/);
    const [next] = await score('warm', [
      {
        response: py(CANDIDATE),
        reference: {
          test_list: [
            `assert probe_w() == ${JSON.stringify(EXPECTED)}`,
            `assert probe_x() == ${JSON.stringify(EXPECTED)}`,
            `assert probe_x() == ${JSON.stringify(EXPECTED)}`,
          ],
        },
      },
    ]);
    expect(next, JSON.stringify(next)).toMatchObject({ status: 'ok' });
    expect(next?.score).toBeCloseTo(2 / 3);
    expect(zygotes().filter((pid) => killed.includes(pid))).toEqual([]);
  }, 120_000);
});
