import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../src/sandbox/index.js';

// A warm execution inherits the zygote's filter and adds its own small one (FilterLayer in
// seccomp.ts); a cold program installs the whole filter. The witness is the program itself: how many
// filters the kernel says it runs under, and what the calls the filter denies answer it, the same on
// both paths.
const PROBE = String.raw`
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def errno_of(nr, *args):
    r = libc.syscall(nr, *[ctypes.c_long(a) for a in args])
    return 0 if r >= 0 else ctypes.get_errno()
filters = [l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp_filters:')]
calls = {
    'mount': errno_of(165, 0, 0, 0, 0, 0),
    'unshare_user': errno_of(272, 0x10000000),
    'clone_newuser': errno_of(56, 0x10000000 | 17, 0, 0, 0, 0),
    'clone3': errno_of(435, 0, 0),
    'ptrace_traceme': errno_of(101, 0, 0, 0, 0),
    'prlimit_other': errno_of(302, 1, 7, 0, 0),
    'getpid': errno_of(39),
}
print(filters[0] if filters else '?', ' '.join('%s=%d' % kv for kv in sorted(calls.items())))
`;
const EPERM = 1;
const ENOSYS = 38;

describe.skipIf(process.arch !== 'x64')(
  'a warm program runs under the layered filter, which denies as the whole one',
  () => {
    const sandbox = new BwrapSandbox({ concurrency: 1 });
    const cold = new BwrapSandbox({ concurrency: 1, warm: false });
    afterAll(async () => {
      await Promise.all([sandbox.close(), cold.close()]);
    });

    it('two filters warm, one cold, and the same answers from the kernel', async () => {
      const [w, c] = await Promise.all([
        sandbox.run({ language: 'python', code: PROBE }),
        cold.run({ language: 'python', code: PROBE }),
      ]);
      expect(w.engine).toBe('warm');
      expect(c.engine).toBe('cold');
      const [wFilters, ...wCalls] = w.stdout.trim().split(' ');
      const [cFilters, ...cCalls] = c.stdout.trim().split(' ');
      expect(wFilters).toBe('2');
      expect(cFilters).toBe('1');
      expect(wCalls).toEqual(cCalls);
      const got = Object.fromEntries(wCalls.map((kv) => kv.split('=').map((x, i) => (i ? Number(x) : x))));
      expect(got).toEqual({
        clone3: ENOSYS,
        clone_newuser: EPERM,
        getpid: 0,
        mount: EPERM,
        prlimit_other: EPERM,
        ptrace_traceme: EPERM,
        unshare_user: EPERM,
      });
    });
  },
);
