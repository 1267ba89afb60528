import { describe, expect, it } from 'vitest';
import { seccompFilter } from '../../src/sandbox/seccomp.js';

/**
 * A classic-BPF interpreter for the instructions the filter uses (linux/filter.h semantics), run over
 * struct seccomp_data as the kernel builds it, so the filter's decisions are checked on every
 * architecture it supports, not only the one the tests run on.
 */
function decide(prog: Buffer, data: { nr: number; arch: number; args?: bigint[] }): number {
  const mem = Buffer.alloc(64);
  mem.writeInt32LE(data.nr, 0);
  mem.writeUInt32LE(data.arch, 4);
  for (const [i, a] of (data.args ?? []).entries()) mem.writeBigUInt64LE(a, 16 + 8 * i);
  let acc = 0;
  for (let pc = 0; pc < prog.length / 8; pc++) {
    const code = prog.readUInt16LE(pc * 8);
    const jt = prog.readUInt8(pc * 8 + 2);
    const jf = prog.readUInt8(pc * 8 + 3);
    const k = prog.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) acc = mem.readUInt32LE(k);
    else if (code === 0x06) return k;
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else if (code === 0x45) pc += (acc & k) !== 0 ? jt : jf;
    else throw new Error(`unexpected opcode ${code}`);
  }
  throw new Error('fell off the end');
}

const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;
const KILL = 0x80000000;
const ARCH = {
  x64: { audit: 0xc000003e, read: 0, ptrace: 101, clone: 56, prlimit64: 302, unshare: 272, mmap: 9 },
  arm64: { audit: 0xc00000b7, read: 63, ptrace: 117, clone: 220, prlimit64: 261, unshare: 97, mmap: 222 },
};
const NEWUSER = 0x10000000n;
const THREAD_FLAGS = 0x3d0f00n; // what glibc's pthread_create passes

describe('the seccomp filter decides as intended on each architecture', () => {
  for (const [arch, n] of Object.entries(ARCH)) {
    const prog = seccompFilter(arch);
    const at = (nr: number, args?: bigint[]) => decide(prog, { nr, arch: n.audit, args });
    it(`${arch}: ordinary calls pass, other processes and kernel surface do not`, () => {
      expect(at(n.read)).toBe(ALLOW);
      expect(at(n.mmap)).toBe(ALLOW);
      expect(at(n.ptrace)).toBe(EPERM);
      expect(at(n.unshare, [NEWUSER])).toBe(EPERM);
      for (const nr of [425, 426, 427, 438]) expect(at(nr)).toBe(EPERM); // io_uring_*, pidfd_getfd
      expect(at(435)).toBe(ENOSYS); // clone3: libcs fall back to clone
    });
    it(`${arch}: clone makes threads and processes, never namespaces`, () => {
      expect(at(n.clone, [THREAD_FLAGS])).toBe(ALLOW);
      expect(at(n.clone, [17n])).toBe(ALLOW); // fork: SIGCHLD
      expect(at(n.clone, [NEWUSER | 17n])).toBe(EPERM);
      expect(at(n.clone, [0x20000n | 17n])).toBe(EPERM); // CLONE_NEWNS
    });
    it(`${arch}: prlimit64 only on the caller itself`, () => {
      expect(at(n.prlimit64, [0n])).toBe(ALLOW);
      expect(at(n.prlimit64, [1n])).toBe(EPERM);
      expect(at(n.prlimit64, [1n << 32n])).toBe(EPERM);
    });
    it(`${arch}: a call under another ABI kills the process`, () => {
      expect(decide(prog, { nr: n.read, arch: 0x40000003 })).toBe(KILL); // i386
    });
  }
  it('x86_64: x32 system calls are refused', () => {
    expect(decide(seccompFilter('x64'), { nr: 0x40000000, arch: ARCH.x64.audit })).toBe(EPERM);
  });
  // A warm execution holds the rules in two stacked filters (FilterLayer). The kernel runs every filter
  // a process has and takes the strictest answer (kill > errno > allow); stacked, the two layers must
  // decide every call exactly as the whole filter does, and neither may be the whole filter alone.
  const strictest = (a: number, b: number) => {
    const rank = (v: number) => (v === KILL ? 2 : v === ALLOW ? 0 : 1);
    return rank(a) >= rank(b) ? a : b;
  };
  for (const [arch, n] of Object.entries(ARCH)) {
    it(`${arch}: the zygote and execution layers, stacked, decide every call as the whole filter`, () => {
      const all = seccompFilter(arch);
      const zygote = seccompFilter(arch, 'zygote');
      const execution = seccompFilter(arch, 'execution');
      const argSets: bigint[][] = [
        [],
        [0n],
        [1n],
        [1n << 32n],
        [17n],
        [THREAD_FLAGS],
        [NEWUSER | 17n],
        [0x20000n | 17n],
        [0x40000000n],
      ];
      const nrs = [...Array.from({ length: 512 }, (_, i) => i), 0x40000000, 0x40000001];
      let differences = 0;
      for (const nr of nrs)
        for (const args of argSets)
          for (const a of [n.audit, 0x40000003]) {
            const data = { nr, arch: a, args };
            const stacked = strictest(decide(zygote, data), decide(execution, data));
            if (stacked !== decide(all, data)) differences++;
          }
      expect(differences).toBe(0);
      // The layers split the rules: the zygote may clone into namespaces and mount, its clones may not.
      const at = (prog: Buffer, nr: number, args?: bigint[]) => decide(prog, { nr, arch: n.audit, args });
      expect(at(zygote, n.clone, [NEWUSER | 17n])).toBe(ALLOW);
      expect(at(execution, n.clone, [NEWUSER | 17n])).toBe(EPERM);
      expect(at(zygote, n.ptrace)).toBe(EPERM);
      expect(at(execution, n.ptrace)).toBe(ALLOW);
      expect(execution.length).toBeLessThan(all.length / 5);
    });
  }
  it('an architecture without a table is refused, so no program runs unfiltered', () => {
    expect(() => seccompFilter('riscv64')).toThrow(/no seccomp filter for the riscv64 architecture/);
  });
});
