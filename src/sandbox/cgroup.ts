import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * One control group per sandbox, so that limits hold for the whole process tree rather than per
 * process: memory (v2 `memory.max`, v1 `memory.limit_in_bytes` and `memory.memsw.limit_in_bytes`),
 * processes (`pids.max`), and a kill of every member at the end that no process inside can dodge (the
 * sandbox has no /sys, so nothing inside can leave its group).
 *
 * Detected once per process: a v2 hierarchy with the memory and pids controllers available to us, or
 * the v1 `memory` and `pids` hierarchies mounted read-write (root on most container hosts). Where
 * neither can be had, `cgroupSupport()` says so and the sandbox falls back to per-process rlimits,
 * which `/health` and the startup warning state plainly.
 */
export interface CgroupSupport {
  /** `v2`, `v1`, or `none` (limits are per process: RLIMIT_AS and RLIMIT_NPROC). */
  kind: 'v2' | 'v1' | 'none';
  /** Why none, or where the groups are made. */
  detail: string;
}

const ROOT = '/sys/fs/cgroup';

interface Layout {
  kind: 'v2' | 'v1';
  /** Parent directories for our groups: [unified] on v2, [memory, pids] on v1. */
  parents: string[];
}

let layout: Layout | undefined;
let support: CgroupSupport | undefined;
let seq = 0;
// Names are unique per copy of this module, not only per process: two copies loaded in one process
// (a bundle that duplicates it, or a benchmark comparing checkouts) share the process's parent group.
const instance = randomBytes(3).toString('hex');
/** Groups not yet removed: emptied and removed when this process exits, whatever state they are in. */
const live = new Set<JobCgroup>();

/** Blocks briefly (process exit cannot wait for a timer). */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** rmdir, retried while the group's last tasks finish exiting. */
function removeDirSync(dir: string, drain?: () => void): void {
  for (let i = 0; i < 50; i++) {
    drain?.();
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EBUSY') return;
      pause(2);
    }
  }
}

/** Parents left by processes of ours that died without cleaning up (their pid no longer runs). */
function sweepStale(parent: string): void {
  let siblings: string[];
  try {
    siblings = readdirSync(dirname(parent)).filter((n) => /^assay-\d+$/.test(n));
  } catch {
    return;
  }
  for (const name of siblings) {
    const pid = Number(name.slice(6));
    try {
      process.kill(pid, 0);
      continue;
    } catch {}
    const dir = join(dirname(parent), name);
    try {
      for (const child of readdirSync(dir, { withFileTypes: true }))
        if (child.isDirectory()) removeDirSync(join(dir, child.name));
    } catch {}
    removeDirSync(dir);
  }
}

/** Own cgroup path per controller (v1) or '' for the unified hierarchy, from /proc/self/cgroup. */
function ownPaths(): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined) continue;
    for (const c of controllers!.split(',')) paths.set(c, path);
  }
  return paths;
}

function tryLayout(kind: 'v2' | 'v1', parents: string[]): Layout {
  for (const p of parents) {
    sweepStale(p);
    mkdirSync(p, { recursive: true });
  }
  // Prove it works end to end: a group we can make, limit and remove.
  const probe = new JobCgroup({ kind, parents }, `probe${Date.now()}`);
  probe.limit(64 << 20, 8);
  for (const d of probe.dirs) rmdirSync(d);
  live.delete(probe);
  return { kind, parents };
}

function detect(): Layout | CgroupSupport {
  const problems: string[] = [];
  let own: Map<string, string>;
  try {
    own = ownPaths();
  } catch (err) {
    return { kind: 'none', detail: `cannot read /proc/self/cgroup (${(err as Error).message})` };
  }
  const name = `assay-${process.pid}`;
  try {
    const controllers = readFileSync(join(ROOT, 'cgroup.controllers'), 'utf8');
    if (!/\bmemory\b/.test(controllers) || !/\bpids\b/.test(controllers))
      throw new Error(`controllers are "${controllers.trim()}"`);
    const base = join(ROOT, own.get('') ?? '/');
    // v2 forbids processes in a group that hands controllers down, so we cannot enable them on our own
    // group; they must already be delegated to its children (systemd Delegate=yes, a container root).
    const sub = readFileSync(join(base, 'cgroup.subtree_control'), 'utf8');
    if (!/\bmemory\b/.test(sub) || !/\bpids\b/.test(sub))
      throw new Error(`memory and pids are not enabled for children of ${base}`);
    const parent = join(base, name);
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(parent, 'cgroup.subtree_control'), '+memory +pids');
    return tryLayout('v2', [parent]);
  } catch (err) {
    problems.push(`v2: ${(err as Error).message}`);
  }
  try {
    const parents = ['memory', 'pids'].map((c) => {
      const path = own.get(c);
      if (path === undefined) throw new Error(`no ${c} hierarchy in /proc/self/cgroup`);
      return join(ROOT, c, path, name);
    });
    return tryLayout('v1', parents);
  } catch (err) {
    problems.push(`v1: ${(err as Error).message}`);
  }
  return { kind: 'none', detail: problems.join('; ') };
}

/** Whether (and how) each sandbox gets a cgroup on this machine; detected once. */
export function cgroupSupport(): CgroupSupport {
  if (support) return support;
  const found = detect();
  if ('parents' in found) {
    layout = found;
    support = { kind: found.kind, detail: found.parents.join(', ') };
    process.once('exit', () => {
      for (const g of live) for (const d of g.dirs) removeDirSync(d, () => g.killAll());
      for (const p of found.parents) removeDirSync(p);
    });
  } else {
    support = found;
  }
  return support;
}

/** A new group for one sandbox, or undefined where cgroups are not available. */
export function newCgroup(): JobCgroup | undefined {
  cgroupSupport();
  return layout ? new JobCgroup(layout, `s${seq++}-${instance}`) : undefined;
}

/** The `oom_kill N` count of a memory.events or memory.oom_control text (0 when absent). */
const oomCount = (text: string): number => Number(/oom_kill (\d+)/.exec(text)?.[1] ?? 0);

const readText = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** One sandbox's group (one directory per hierarchy on v1). All methods are synchronous and small. */
export class JobCgroup {
  readonly dirs: string[];
  private readonly kind: 'v2' | 'v1';
  private memoryBytes = -1;
  private pidsMax = -1;

  constructor(l: Layout, name: string) {
    this.kind = l.kind;
    this.dirs = l.parents.map((p) => join(p, name));
    for (const d of this.dirs) mkdirSync(d);
    live.add(this);
  }

  /** Memory for the whole tree (RAM and, where accounted, swap) and at most `pids` tasks. */
  limit(memoryBytes: number, pids: number): void {
    if (memoryBytes !== this.memoryBytes) {
      const mem = this.dirs[0]!;
      if (this.kind === 'v2') {
        writeFileSync(join(mem, 'memory.max'), String(memoryBytes));
        try {
          writeFileSync(join(mem, 'memory.swap.max'), '0');
        } catch {}
      } else {
        // memsw (RAM + swap) must never be below the RAM limit: order the two writes accordingly.
        const files = ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes'];
        if (memoryBytes > this.memoryBytes) files.reverse();
        for (const f of files) {
          try {
            writeFileSync(join(mem, f), String(memoryBytes));
          } catch (err) {
            if (f === 'memory.limit_in_bytes') throw err; // memsw is absent without swap accounting
          }
        }
      }
      this.memoryBytes = memoryBytes;
    }
    if (pids !== this.pidsMax) {
      writeFileSync(join(this.dirs.at(-1)!, 'pids.max'), String(pids));
      this.pidsMax = pids;
    }
  }

  /** The command prefix that moves itself into this group, then execs `argv` (run as root or owner). */
  enter(argv: string[]): string[] {
    const script =
      'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1/cgroup.procs" || exit 97; shift; n=$((n-1)); done; exec "$@"';
    return ['/bin/sh', '-c', script, 'sh', String(this.dirs.length), ...this.dirs, ...argv];
  }

  /** Tasks in the group now. */
  pids(): number[] {
    return readText(join(this.dirs.at(-1)!, 'cgroup.procs'))
      .split('\n')
      .filter(Boolean)
      .map(Number);
  }

  /** SIGKILL every member, again while any remain (a fork in between joins the group, so it is seen). */
  killAll(): void {
    for (let round = 0; round < 50; round++) {
      const pids = this.pids();
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
  }

  /** The OOM killer acted in this group since it was made. */
  oomKills(): number {
    return oomCount(readText(this.oomFile()));
  }

  /** The file that counts the group's OOM kills (v2 memory.events, v1 memory.oom_control). */
  private oomFile(): string {
    return join(this.dirs[0]!, this.kind === 'v2' ? 'memory.events' : 'memory.oom_control');
  }

  private oomFd: number | undefined;
  private oomSeen = 0;
  /** remove() was called: a read of the OOM count after it (a killed job's) keeps no descriptor. */
  private removing = false;

  /**
   * Whether the OOM killer acted in this group since the last call (at the first: since the group was
   * made). Asked after every warm job, so its file is read through a descriptor kept open (a read at
   * offset 0 is a fresh one) rather than opened each time.
   */
  oomKilledSinceLast(): boolean {
    let n = 0;
    try {
      this.oomFd ??= openSync(this.oomFile(), 'r');
      const buf = Buffer.alloc(512);
      n = oomCount(buf.toString('latin1', 0, readSync(this.oomFd, buf, 0, buf.length, 0)));
    } catch {
      return false;
    } finally {
      // A job the host killed is resolved after its group's remove(): nothing would close it again.
      if (this.removing) this.closeOomCounter();
    }
    const rose = n > this.oomSeen;
    this.oomSeen = n;
    return rose;
  }

  /** Highest memory use of the group, bytes (v1 max_usage_in_bytes, v2 memory.peak where present). */
  peakBytes(): number {
    const file = this.kind === 'v2' ? 'memory.peak' : 'memory.max_usage_in_bytes';
    return Number(readText(join(this.dirs[0]!, file)).trim()) || 0;
  }

  private closeOomCounter(): void {
    if (this.oomFd !== undefined) {
      try {
        closeSync(this.oomFd);
      } catch {}
      this.oomFd = undefined;
    }
  }

  /** Kill what is left and remove the group (retried: exiting tasks leave it asynchronously). */
  async remove(): Promise<void> {
    this.removing = true;
    this.closeOomCounter();
    for (const d of this.dirs) {
      for (let i = 0; i < 100; i++) {
        this.killAll();
        try {
          rmdirSync(d);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EBUSY') break;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    }
    live.delete(this);
  }
}
