/**
 * The seccomp filter every sandboxed program runs under: a classic-BPF program (seccomp(2),
 * SECCOMP_MODE_FILTER) that the supervisor installs, with no_new_privs, in the program's process just
 * before it becomes the program, so it and every process it starts inherit it.
 *
 * It is a deny list of kernel surface a test program never needs and an attacker wants: access to
 * other processes (ptrace, process_vm_*, pidfd_getfd, process_madvise, kcmp, prlimit64 on another pid),
 * large attack surface (io_uring, perf_event_open, bpf, userfaultfd, keyrings), new namespaces (unshare,
 * setns, clone with CLONE_NEW*; clone3 answers ENOSYS so libcs fall back to clone, whose flags a
 * classic filter can read), mounts, modules, kexec and clock or system settings. Everything else is
 * allowed: language runtimes (JVM, Go, V8) use a wide and changing set of ordinary calls.
 *
 * Written here rather than through libseccomp: the program is ~130 instructions built once, and doing
 * it in TypeScript keeps the sandbox free of a native dependency (libseccomp is not on every host).
 * Layout of struct seccomp_data and the opcodes: linux/seccomp.h, linux/filter.h, linux/audit.h.
 */

/** The syscalls denied with EPERM, by name; numbers per architecture below. */
const DENIED = [
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'process_madvise',
  'pidfd_getfd',
  'kcmp',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'perf_event_open',
  'bpf',
  'userfaultfd',
  'keyctl',
  'add_key',
  'request_key',
  'unshare',
  'setns',
  'mount',
  'umount2',
  'pivot_root',
  'move_mount',
  'open_tree',
  'fsopen',
  'fsconfig',
  'fsmount',
  'fspick',
  'mount_setattr',
  'kexec_load',
  'kexec_file_load',
  'init_module',
  'finit_module',
  'delete_module',
  'reboot',
  'swapon',
  'swapoff',
  'acct',
  'syslog',
  'quotactl',
  'name_to_handle_at',
  'open_by_handle_at',
  'lookup_dcookie',
  'fanotify_init',
  'vhangup',
  'settimeofday',
  'clock_settime',
  'adjtimex',
  'clock_adjtime',
  'move_pages',
  'migrate_pages',
  'iopl',
  'ioperm',
] as const;

type Name = (typeof DENIED)[number] | 'clone' | 'clone3' | 'prlimit64';

/**
 * Syscalls added since Linux 5.1 have one number on every architecture (asm-generic/unistd.h and
 * asm/unistd_64.h agree from 424 on).
 */
const UNIFIED = {
  process_madvise: 440,
  pidfd_getfd: 438,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  move_mount: 429,
  open_tree: 428,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  mount_setattr: 442,
  clone3: 435,
} as const;

/** Older syscall numbers: x86_64 from asm/unistd_64.h, aarch64 from asm-generic/unistd.h. */
const X86_64: Record<Name, number> = {
  ...UNIFIED,
  ptrace: 101,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  perf_event_open: 298,
  bpf: 321,
  userfaultfd: 323,
  keyctl: 250,
  add_key: 248,
  request_key: 249,
  unshare: 272,
  setns: 308,
  mount: 165,
  umount2: 166,
  pivot_root: 155,
  kexec_load: 246,
  kexec_file_load: 320,
  init_module: 175,
  finit_module: 313,
  delete_module: 176,
  reboot: 169,
  swapon: 167,
  swapoff: 168,
  acct: 163,
  syslog: 103,
  quotactl: 179,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  lookup_dcookie: 212,
  fanotify_init: 300,
  vhangup: 153,
  settimeofday: 164,
  clock_settime: 227,
  adjtimex: 159,
  clock_adjtime: 305,
  move_pages: 279,
  migrate_pages: 256,
  iopl: 172,
  ioperm: 173,
  clone: 56,
  prlimit64: 302,
};

const AARCH64: Partial<Record<Name, number>> = {
  ...UNIFIED,
  ptrace: 117,
  process_vm_readv: 270,
  process_vm_writev: 271,
  kcmp: 272,
  perf_event_open: 241,
  bpf: 280,
  userfaultfd: 282,
  keyctl: 219,
  add_key: 217,
  request_key: 218,
  unshare: 97,
  setns: 268,
  mount: 40,
  umount2: 39,
  pivot_root: 41,
  kexec_load: 104,
  kexec_file_load: 294,
  init_module: 105,
  finit_module: 273,
  delete_module: 106,
  reboot: 142,
  swapon: 224,
  swapoff: 225,
  acct: 89,
  syslog: 116,
  quotactl: 60,
  name_to_handle_at: 264,
  open_by_handle_at: 265,
  lookup_dcookie: 18,
  fanotify_init: 262,
  vhangup: 58,
  settimeofday: 170,
  clock_settime: 112,
  adjtimex: 171,
  clock_adjtime: 266,
  move_pages: 239,
  migrate_pages: 238,
  clone: 220,
  prlimit64: 261,
};

/** AUDIT_ARCH_* (linux/audit.h): the filter kills a process that calls in with another ABI. */
const ARCHES: Record<string, { audit: number; table: Partial<Record<Name, number>>; x32?: boolean }> = {
  x64: { audit: 0xc000003e, table: X86_64, x32: true },
  arm64: { audit: 0xc00000b7, table: AARCH64 },
};

const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_KILL_PROCESS = 0x80000000;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
const CLONE_NEW_ANY =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
/** struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]. */
const NR = 0;
const ARCH = 4;
const arg = (i: number, high = false) => 16 + 8 * i + (high ? 4 : 0);

type Insn = [code: number, jt: number, jf: number, k: number];

/**
 * Which rules a filter holds. `all`: every rule, for a process that installs one filter (a cold
 * sandbox's program, a warm judge). A warm execution gets the same rules in two filters, stacked (the
 * kernel runs every filter a process has and takes the strictest answer, so the two decide exactly as
 * `all`; the seccomp tests check this for every syscall number): `zygote`, all but the two rules its
 * clones still need to break while they set themselves up (`mount`, and `clone` into new namespaces),
 * installed once in the zygote, which every execution inherits; and `execution`, those two rules only,
 * which each execution installs before the program runs. Installing a filter costs in proportion to its
 * length (the kernel converts it and precomputes which calls it always allows: about 80 us for the whole
 * filter, 14 us for the small one, per execution, on this project's VM).
 */
export type FilterLayer = 'all' | 'zygote' | 'execution';

/** The rules only a warm execution's own filter holds (see FilterLayer). */
const LATE = new Set<Name>(['mount', 'clone']);

/**
 * The filter for this machine's architecture as struct sock_filter[] bytes (8 bytes per instruction,
 * native little-endian); throws on an architecture without a syscall table here (the sandbox then
 * refuses to run code rather than run it unfiltered). layer: which of its rules (FilterLayer).
 */
export function seccompFilter(arch: string = process.arch, layer: FilterLayer = 'all'): Buffer {
  const spec = ARCHES[arch];
  if (!spec) throw new Error(`no seccomp filter for the ${arch} architecture (known: x64, arm64)`);
  const t = spec.table;
  const has = (name: Name) => layer === 'all' || (layer === 'execution') === LATE.has(name);
  const eperm: Insn = [RET_K, 0, 0, RET_ERRNO | EPERM];
  const p: Insn[] = [
    [LD_W_ABS, 0, 0, ARCH],
    [JEQ_K, 1, 0, spec.audit],
    [RET_K, 0, 0, RET_KILL_PROCESS],
    [LD_W_ABS, 0, 0, NR],
  ];
  // x86_64 also accepts x32 syscalls (nr | 0x40000000) under the same audit arch: refuse them all.
  if (spec.x32 && layer !== 'execution') p.push([JGE_K, 0, 1, 0x40000000], eperm);
  for (const name of DENIED) {
    const nr = t[name];
    if (nr !== undefined && has(name)) p.push([JEQ_K, 0, 1, nr], eperm);
  }
  if (has('clone3')) p.push([JEQ_K, 0, 1, t.clone3!], [RET_K, 0, 0, RET_ERRNO | ENOSYS]);
  // clone: threads and forks pass, a new namespace does not (flags are the first argument on both).
  if (has('clone'))
    p.push([JEQ_K, 0, 3, t.clone!], [LD_W_ABS, 0, 0, arg(0)], [JSET_K, 0, 1, CLONE_NEW_ANY], eperm, [
      LD_W_ABS,
      0,
      0,
      NR,
    ]);
  // prlimit64 only on the caller itself (pid 0): never reads or changes another process's limits.
  if (has('prlimit64'))
    p.push(
      [JEQ_K, 0, 5, t.prlimit64!],
      [LD_W_ABS, 0, 0, arg(0)],
      [JEQ_K, 0, 2, 0],
      [LD_W_ABS, 0, 0, arg(0, true)],
      [JEQ_K, 1, 0, 0],
      eperm,
    );
  p.push([RET_K, 0, 0, RET_ALLOW]);
  const out = Buffer.alloc(p.length * 8);
  p.forEach(([code, jt, jf, k], i) => {
    out.writeUInt16LE(code, i * 8);
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
    out.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return out;
}

const encoded = new Map<FilterLayer, string>();

/** The filter for this machine, base64 (how the supervisor receives it); built once. Throws like seccompFilter. */
export function seccompBase64(layer: FilterLayer = 'all'): string {
  let got = encoded.get(layer);
  if (got === undefined) {
    got = seccompFilter(process.arch, layer).toString('base64');
    encoded.set(layer, got);
  }
  return got;
}
