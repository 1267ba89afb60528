import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const BWRAP = '/usr/bin/bwrap';
const SETPRIV = '/usr/bin/setpriv';
/** Where programs run; a fresh tmpfs per execution. */
export const WORKDIR = '/work';
/** The uid programs run as on the host: never root, so RLIMIT_NPROC applies and no capability leaks. */
const NOBODY = 65534;

export const INSTALL_HINT =
  'Assay runs code only inside bubblewrap: install it (Debian/Ubuntu: `apt-get install -y bubblewrap`; ' +
  'Fedora: `dnf install bubblewrap`) on a kernel that allows user namespaces ' +
  '(sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0). ' +
  'Running code without isolation is possible only with the sandbox option `UNSAFE_noIsolation: true`.';

/**
 * The command line of a sandbox: every namespace unshared (user, PID, network, IPC, UTS, cgroup), a
 * read-only /usr and nothing else of the host (no /etc, /home, /root, project files), a size-limited
 * tmpfs as the working directory, an empty environment, and death with the parent.
 */
export function bwrapCommand(opts: {
  diskBytes: number;
  asPid1: boolean;
  inner: string[];
  /** Host paths a runtime needs besides /usr (the JVM's /etc config), bound read-only where they are. */
  binds?: string[];
}): string[] {
  const bwrap = [
    BWRAP,
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    ...(opts.asPid1 ? ['--as-pid-1'] : []),
    '--hostname',
    'sandbox',
    '--ro-bind',
    '/usr',
    '/usr',
    // Debian's shared-library alternatives (libblas, liblapack, which numpy loads) are symlinks here.
    '--ro-bind-try',
    '/etc/alternatives',
    '/etc/alternatives',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/sbin',
    '/sbin',
    ...(opts.binds ?? []).flatMap((p) => ['--ro-bind-try', p, p]),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    // Every writable place is a size-limited tmpfs; the root and /dev are read-only (an unlimited
    // tmpfs would let a program fill the host's memory, and in a warm server outlive its execution).
    '--size',
    String(opts.diskBytes),
    '--tmpfs',
    '/dev/shm',
    '--size',
    String(opts.diskBytes),
    '--tmpfs',
    '/tmp',
    '--size',
    String(opts.diskBytes),
    '--tmpfs',
    WORKDIR,
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--chdir',
    WORKDIR,
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/bin:/bin',
    '--',
    ...opts.inner,
  ];
  // As root, bwrap would keep host uid 0 (exempt from RLIMIT_NPROC): drop to nobody first.
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return root ? [SETPRIV, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...bwrap] : bwrap;
}

export interface Availability {
  ok: boolean;
  message?: string;
}

let cached: Availability | undefined;

/** Whether bubblewrap exists and can create the namespaces we need; checked once per process. */
export function checkBwrap(): Availability {
  if (cached) return cached;
  if (!existsSync(BWRAP)) {
    cached = { ok: false, message: `bubblewrap not found at ${BWRAP}. ${INSTALL_HINT}` };
    return cached;
  }
  const [cmd, ...args] = bwrapCommand({ diskBytes: 1 << 20, asPid1: true, inner: ['/usr/bin/true'] });
  const res = spawnSync(cmd!, args, { encoding: 'utf8', timeout: 10_000 });
  cached =
    res.status === 0
      ? { ok: true }
      : {
          ok: false,
          message: `bubblewrap cannot create a sandbox here (${(res.stderr || res.error?.message || `exit ${res.status}`).trim()}). ${INSTALL_HINT}`,
        };
  return cached;
}
