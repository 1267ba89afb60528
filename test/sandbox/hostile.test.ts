import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BwrapSandbox, type RunRequest, type RunResult } from '../../src/sandbox/index.js';

/**
 * Hostile programs: each must be contained, reported with the right status, and leave the host and
 * the other executions untouched.
 */
const sandbox = new BwrapSandbox({ concurrency: 2 });
const TIGHT = {
  wallMs: 2000,
  cpuMs: 1500,
  memoryMb: 256,
  outputBytes: 64 << 10,
  fileBytes: 4 << 20,
  diskBytes: 16 << 20,
};
const run = (language: string, code: string, extra: Partial<RunRequest> = {}): Promise<RunResult> =>
  sandbox.run({ language, code, limits: TIGHT, ...extra });

const hostMarker = join(tmpdir(), `assay-hostile-${process.pid}`);
let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  server = createServer((s) => {
    connections++;
    s.end('secret-from-host\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.close();
  rmSync(hostMarker, { force: true });
  await sandbox.close();
});

/** Processes on the host whose command line contains a marker (a daemon that escaped would show). */
function hostProcesses(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

describe.concurrent('resource bombs are stopped with the right status', () => {
  it('python fork bomb', async () => {
    const r = await run(
      'python',
      'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass',
    );
    expect(['timeout', 'runtime_error']).toContain(r.status);
    expect(r.wallMs).toBeLessThan(10_000);
  });
  it('bash fork bomb', async () => {
    const r = await run('bash', ':(){ :|:& };:\nwait');
    expect(['timeout', 'runtime_error', 'ok']).toContain(r.status);
    expect(r.status).not.toBe('sandbox_error');
  });
  it('C fork bomb hits the process limit', async () => {
    const r = await run(
      'c',
      '#include <unistd.h>\n#include <stdio.h>\nint main(){int n=0; for(int i=0;i<10000;i++){ if(fork()<0){printf("limited after %d\\n", n); return 3;} n++; } return 0;}',
    );
    expect(r.status).toBe('runtime_error');
    expect(r.stdout).toMatch(/limited after \d+/);
    expect(Number(r.stdout.match(/\d+/)![0])).toBeLessThan(64);
  });
  it('python memory bomb', async () => {
    const r = await run('python', 'x = []\nwhile True:\n    x.append(bytearray(10**7))');
    expect(r.status).toBe('memory');
  });
  it('C memory bomb', async () => {
    const r = await run(
      'c',
      '#include <stdlib.h>\n#include <string.h>\nint main(){ for(;;){ char* p = malloc(1<<20); memset(p, 1, 1<<20); } }',
    );
    expect(r.status).toBe('memory');
  });
  it('javascript memory bomb', async () => {
    // Generous wall and CPU: V8 collects hard before it gives up, and the machine is shared.
    const r = await run('javascript', 'const a = []; for (;;) a.push(new Array(1e6).fill(1.5));', {
      limits: { ...TIGHT, memoryMb: 128, wallMs: 15_000, cpuMs: 15_000 },
    });
    expect(r.status).toBe('memory');
  });
  it('python infinite loop', async () => {
    const r = await run('python', 'while True: pass');
    expect(r.status).toBe('timeout');
  });
  it('C infinite loop (CPU limit)', async () => {
    const r = await run('c', 'int main(){ volatile unsigned long i = 0; for(;;) i++; }');
    expect(r.status).toBe('timeout');
  });
  it('typescript infinite loop', async () => {
    const r = await run('typescript', 'let i: number = 0; while (true) { i++; }');
    expect(r.status).toBe('timeout');
  });
  it('sleep forever', async () => {
    const r = await run('bash', 'sleep 100000');
    expect(r.status).toBe('timeout');
    expect(r.wallMs).toBeLessThan(6000);
  });
  it('huge output from python', async () => {
    const r = await run('python', 'while True: print("x" * 1000)');
    expect(r.status).toBe('output_limit');
    expect(r.stdout.length).toBeLessThanOrEqual(TIGHT.outputBytes);
  });
  it('huge output from C on stderr', async () => {
    const r = await run('c', '#include <stdio.h>\nint main(){ for(;;) fputs("yyyyyyyyyyyyyyyy", stderr); }');
    expect(r.status).toBe('output_limit');
  });
  it('one huge file hits the file-size cap', async () => {
    const r = await run('python', 'f = open("big", "wb")\nwhile True: f.write(b"0" * 2**20)');
    expect(r.status).toBe('output_limit');
    expect(r.message).toMatch(/file size/);
  });
  it('many files fill only the size-limited tmpfs', async () => {
    const r = await run(
      'python',
      'i = 0\nwhile True:\n    open(f"f{i}", "wb").write(b"0" * 2**20)\n    i += 1',
    );
    expect(r.status).toBe('runtime_error');
    expect(r.stderr).toMatch(/No space left on device/);
  });
});

describe.concurrent('the host is out of reach', () => {
  it('cannot write outside the working directory', async () => {
    const r = await run(
      'python',
      `import os\nfor p in ["/usr/evil", ${JSON.stringify(hostMarker)}, "/etc/evil"]:\n    try:\n        open(p, "w").write("x"); print("wrote", p)\n    except OSError as e:\n        print("denied", p, e.errno)`,
    );
    expect(r.stdout).not.toContain('wrote /usr/evil');
    expect(r.stdout).not.toContain('wrote /etc/evil');
    expect(existsSync(hostMarker)).toBe(false);
    expect(existsSync('/usr/evil')).toBe(false);
  });
  it('C cannot write to /usr', async () => {
    const r = await run(
      'c',
      '#include <stdio.h>\nint main(){ FILE* f = fopen("/usr/bin/evil", "w"); if (f) { puts("wrote"); return 0; } puts("denied"); return 1; }',
    );
    expect(r.stdout.trim()).toBe('denied');
    expect(existsSync('/usr/bin/evil')).toBe(false);
  });
  it('cannot read /etc/shadow, the home directory or the project source', async () => {
    const r = await run(
      'python',
      'import os\nfor p in ["/etc/shadow", "/etc/passwd", "/root/.bashrc", "/work/main/package.json", os.path.expanduser("~/.ssh/id_rsa")]:\n    try:\n        print("read", p, len(open(p).read()))\n    except OSError as e:\n        print("denied", p)\nprint(sorted(os.listdir("/")))',
    );
    expect(r.stdout).not.toMatch(/^read /m);
    // /etc holds only Debian's library alternatives (symlinks into /usr), which numpy's libblas needs.
    expect(r.stdout).toContain("['bin', 'dev', 'etc', 'lib', 'lib64', 'proc', 'sbin', 'tmp', 'usr', 'work']");
  });
  it('javascript cannot read host files either', async () => {
    const r = await run(
      'javascript',
      'const fs = require("fs"); for (const p of ["/etc/shadow", "/root", process.cwd() + "/../main"]) { try { fs.readdirSync(p); console.log("read", p) } catch (e) { console.log("denied", p) } }',
    );
    expect(r.stdout).not.toContain('read ');
  });
  it('symlinks do not escape', async () => {
    const r = await run(
      'bash',
      'ln -s /etc/passwd p; ln -s /proc/1/root/etc/shadow s; ln -s ../../root r; cat p s r/.bashrc 2>&1; echo done',
    );
    expect(r.stdout).toContain('done');
    expect(r.stdout).not.toMatch(/root:x:0/);
  });
  it('no network: not the internet', async () => {
    const r = await run(
      'python',
      'import socket\ntry:\n    socket.create_connection(("1.1.1.1", 53), timeout=1); print("connected")\nexcept OSError as e:\n    print("blocked", e)',
    );
    expect(r.stdout).toContain('blocked');
  });
  it("no network: not the host's loopback", async () => {
    const before = connections;
    const r = await run(
      'python',
      `import socket\ntry:\n    s = socket.create_connection(("127.0.0.1", ${port}), timeout=1); print("connected", s.recv(100))\nexcept OSError as e:\n    print("blocked", e)`,
    );
    expect(r.stdout).toContain('blocked');
    const sh = await run('bash', `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected || echo blocked`);
    expect(sh.stdout).toContain('blocked');
    expect(connections).toBe(before);
  });
  it('environment variables of the host do not leak', async () => {
    process.env.ASSAY_TEST_SECRET = 'hunter2-secret';
    const r = await run('python', 'import os\nprint(dict(os.environ))');
    const sh = await run('bash', 'env');
    expect(r.stdout + sh.stdout).not.toContain('hunter2-secret');
    expect(r.stdout).not.toContain('ASSAY_TEST_SECRET');
  });
  it('a warm python program holds no capability and cannot undo its mounts', async () => {
    const code = [
      'import ctypes, os',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'print("cap", open("/proc/self/status").read().split("CapEff:")[1].split()[0])',
      'for target in (b"/proc", b"/work"):',
      '    print("umount", target.decode(), libc.umount2(target, 2), ctypes.get_errno())',
      'print("userns", libc.unshare(0x10000000))',
    ].join('\n');
    const r = await run('python', code);
    expect(r.engine).toBe('warm');
    expect(r.stdout).toContain('cap 0000000000000000');
    expect(r.stdout).toContain('umount /proc -1 1');
    expect(r.stdout).toContain('umount /work -1 1');
  });
  it('runs as an unprivileged user with no capabilities', async () => {
    const r = await run('bash', 'id -u; grep CapEff /proc/self/status');
    expect(r.stdout).toMatch(/CapEff:\s*0+\n/);
  });
});

describe('processes are contained', () => {
  it('kill -9 -1 only kills the program itself, never the host or other executions', async () => {
    const neighbour = run('python', 'import time\ntime.sleep(1.2)\nprint("survived")', {
      limits: { ...TIGHT, wallMs: 5000 },
    });
    const neighbourCold = run('bash', 'sleep 1.2; echo survived', { limits: { ...TIGHT, wallMs: 5000 } });
    await new Promise((r) => setTimeout(r, 200));
    const [a, b] = await Promise.all([
      run('bash', 'kill -9 -1; echo after'),
      run('python', 'import os, signal\nos.kill(-1, signal.SIGKILL)\nprint("after")'),
    ]);
    expect(a.status).not.toBe('sandbox_error');
    expect(b.status).not.toBe('sandbox_error');
    expect((await neighbour).stdout).toContain('survived');
    expect((await neighbourCold).stdout).toContain('survived');
    expect(process.pid).toBeGreaterThan(0);
  });

  it('a daemon that outlives its parent is killed with the sandbox', async () => {
    const marker = String(31_000 + (process.pid % 997));
    const sh = await run(
      'bash',
      `(setsid sleep ${marker} &) ; nohup sleep ${marker}.5 >/dev/null 2>&1 & echo started`,
    );
    const py = await run(
      'python',
      `import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        os.execv("/bin/sleep", ["sleep", "${marker}.25"])\n    os._exit(0)\nprint("parent done")`,
    );
    expect(sh.stdout).toContain('started');
    expect(py.stdout).toContain('parent done');
    await new Promise((r) => setTimeout(r, 300));
    expect(hostProcesses(`sleep ${marker}`)).toEqual([]);
  });

  it('concurrent executions cannot see each other: files, processes, sockets', async () => {
    const secretHolder = run(
      'python',
      'import time, socket\nopen("secret.txt", "w").write("mine")\ns = socket.socket(socket.AF_UNIX)\ns.bind("\\0assay-secret")\ns.listen()\ntime.sleep(1.5)',
      { limits: { ...TIGHT, wallMs: 5000 } },
    );
    await new Promise((r) => setTimeout(r, 400));
    const spy = await run(
      'python',
      'import os, socket\nprint("files", os.listdir("."))\nprint("pids", sorted(p for p in os.listdir("/proc") if p.isdigit()))\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect("\\0assay-secret"); print("connected")\nexcept OSError:\n    print("no socket")',
    );
    expect(spy.stdout).toContain("files ['main.py']");
    expect(spy.stdout).toContain("pids ['1']"); // the program alone, as PID 1 of its namespace
    expect(spy.stdout).toContain('no socket');
    await secretHolder;
  });

  it('nothing written anywhere reaches the next execution on the same warm server', async () => {
    const one = new BwrapSandbox({ concurrency: 1 });
    try {
      const places = ['/leak', '/tmp/leak', '/dev/leak', '/dev/shm/leak', '/work/leak'];
      const write = await one.run({
        language: 'python',
        code: `import os\nfor p in ${JSON.stringify(places)}:\n    try:\n        open(p, "w").write("x"); print("wrote", p)\n    except OSError:\n        print("read-only", p)`,
      });
      expect(write.stdout).toContain('read-only /leak');
      expect(write.stdout).toContain('read-only /dev/leak');
      const read = await one.run({
        language: 'python',
        code: `import os\nprint([p for p in ${JSON.stringify(places)} if os.path.exists(p)])`,
      });
      expect(read.engine).toBe('warm');
      expect(read.stdout.trim()).toBe('[]');
      // Kernel keyrings would outlive an execution: the syscall filter denies them (EPERM).
      const add = await one.run({
        language: 'python',
        code: 'import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint(libc.syscall(248, b"user", b"assay-leak", b"secret", 6, -4), ctypes.get_errno())',
      });
      expect(add.stdout.trim()).toBe('-1 1');
    } finally {
      await one.close();
    }
  });

  it('a warm execution cannot find an earlier execution’s code, input or output in the memory it inherited', async () => {
    const secret = `SECRET_${Date.now()}_${process.pid}`;
    // The earlier execution's stdin and stdout carry secrets of their own (the output is the input
    // reversed, so neither program's source holds it).
    const input = `${secret}_STDIN`;
    const earlier = await run('python', `x = "${secret}"\nimport sys\nprint(sys.stdin.read()[::-1])`, {
      stdin: input,
    });
    expect(earlier.stdout.trim()).toBe([...input].reverse().join(''));
    // Search the whole inherited heap for the earlier secrets, without ever building them in this
    // program: look for their two halves side by side.
    const [head, rest] = [secret.slice(0, 7), secret.slice(7)];
    const reversed = [...input].reverse().join('');
    const [outHead, outRest] = [reversed.slice(0, 7), reversed.slice(7)];
    const code = [
      `head, rest = b"${head}", b"${rest}"`,
      'control = head + b"CONTROL"  # built at run time: proves the search finds what is there',
      'def count(tail, head=head):',
      '    found = 0',
      '    for line in open("/proc/self/maps"):',
      '        parts = line.split()',
      '        if "rw" not in parts[1]: continue',
      '        a, b = (int(x, 16) for x in parts[0].split("-"))',
      '        try:',
      '            with open("/proc/self/mem", "rb") as m:',
      '                m.seek(a); data = m.read(b - a)',
      '        except (OSError, OverflowError, ValueError):',
      '            continue',
      '        i = data.find(head)',
      '        while i >= 0:',
      '            if data[i + len(head):i + len(head) + len(tail)] == tail: found += 1',
      '            i = data.find(head, i + 1)',
      '    return found',
      `print(count(rest), count(rest + b"_STDIN"), count(b"${outRest}", b"${outHead}"), count(b"CONTROL") > 0)`,
    ].join('\n');
    const r = await run('python', code, { limits: { ...TIGHT, memoryMb: 512 } });
    expect(r.stdout.trim()).toBe('0 0 0 True');
  });

  it('a warm execution shares no writable memory with its server (a shared mapping would be the server’s live buffers)', async () => {
    // Every mapping a warm program inherited is private (copy-on-write): none is writable and shared.
    const r = await run(
      'python',
      'print([l.strip() for l in open("/proc/self/maps") if l.split()[1].startswith("rw") and l.split()[1][3] == "s"])',
    );
    expect(r.engine).toBe('warm');
    expect(r.stdout.trim()).toBe('[]');
  });
});

/**
 * Attacks on the sandbox itself (issue 14): on the supervisor that holds the host channel, on the
 * classifier, on the whole-program memory limit and on kernel surface. Each runs in every language it
 * can be written in; each has a witness on the host side.
 */
const DENIED = /^(Operation not permitted|Permission denied|Function not implemented|No such process)$/i;

/** `name result` lines, one per attack: the result is `ALLOWED` or the strerror of the failure. */
function attackResults(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .split('\n')
      .filter((l) => l.startsWith('@ '))
      .map((l) => {
        const [, name, ...rest] = l.split(' ');
        return [name!, rest.join(' ')];
      }),
  );
}

/** The syscall battery in C (also compiled as C++): other processes, kernel surface, namespaces. */
const SYSCALL_BATTERY_C = `
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
static void rep(const char* name, long r) { printf("@ %s %s\\n", name, r < 0 ? strerror(errno) : "ALLOWED"); fflush(stdout); }
int main(void) {
  pid_t kid = fork();
  if (kid == 0) { pause(); _exit(0); }
  pid_t targets[2] = {1, kid};
  const char* names[2] = {"supervisor", "child"};
  for (int i = 0; i < 2; i++) {
    char name[64];
    pid_t t = targets[i];
    snprintf(name, sizeof name, "ptrace-%s", names[i]);
    rep(name, ptrace((enum __ptrace_request)0x4206, t, 0, 0));
    long pidfd = syscall(SYS_pidfd_open, t, 0);
    snprintf(name, sizeof name, "pidfd_getfd-%s", names[i]);
    rep(name, pidfd < 0 ? pidfd : syscall(SYS_pidfd_getfd, pidfd, 0, 0));
    struct rlimit rl = {1, 1};
    snprintf(name, sizeof name, "prlimit-%s", names[i]);
    rep(name, prlimit(t, RLIMIT_NOFILE, &rl, NULL));
    char buf[16];
    struct iovec local = {buf, sizeof buf}, remote = {(void*)&rl, sizeof buf};
    snprintf(name, sizeof name, "process_vm_readv-%s", names[i]);
    rep(name, process_vm_readv(t, &local, 1, &remote, 1, 0));
  }
  rep("proc-fd-of-supervisor", open("/proc/1/fd/3", O_WRONLY));
  rep("proc-mem-of-supervisor", open("/proc/1/mem", O_RDONLY));
  static char params[256];
  rep("io_uring_setup", syscall(SYS_io_uring_setup, 4, params));
  static unsigned attr[64];
  attr[1] = 128; /* perf_event_attr.size; type 0 = PERF_TYPE_HARDWARE, config 0 = cycles */
  rep("perf_event_open", syscall(SYS_perf_event_open, attr, 0, -1, -1, 0));
  rep("bpf", syscall(SYS_bpf, 0, attr, 64));
  rep("userfaultfd", syscall(SYS_userfaultfd, 0));
  rep("unshare-user", unshare(CLONE_NEWUSER));
  long c = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (c == 0) _exit(0);
  rep("clone-newuser", c);
  static unsigned long long args[11];
  args[0] = CLONE_NEWUSER; args[4] = SIGCHLD;
  long c3 = syscall(SYS_clone3, args, 88);
  if (c3 == 0) _exit(0);
  rep("clone3", c3);
  kill(kid, SIGKILL);
  return 0;
}
`;

/** The same battery from Python through ctypes (warm path: the program is PID 1 of its namespace). */
const SYSCALL_BATTERY_PY = `
import ctypes, os, resource, signal
libc = ctypes.CDLL(None, use_errno=True)
def rep(name, r):
    print('@', name, 'ALLOWED' if r >= 0 else os.strerror(ctypes.get_errno()), flush=True)
kid = os.fork()
if kid == 0:
    signal.pause(); os._exit(0)
rep('ptrace-child', libc.ptrace(0x4206, kid, 0, 0))
fd = libc.syscall(434, kid, 0)
rep('pidfd_getfd-child', fd if fd < 0 else libc.syscall(438, fd, 0, 0))
try:
    resource.prlimit(kid, resource.RLIMIT_NOFILE, (1, 1)); print('@ prlimit-child ALLOWED')
except OSError as e:
    print('@ prlimit-child', os.strerror(e.errno))
rep('io_uring_setup', libc.syscall(425, 4, ctypes.create_string_buffer(256)))
rep('unshare-user', libc.unshare(0x10000000))
os.kill(kid, signal.SIGKILL)
`;

/** Go, through its syscall package (errors print in lower case). */
const SYSCALL_BATTERY_GO = `package main

import (
	"fmt"
	"syscall"
	"unsafe"
)

func rep(name string, e syscall.Errno) {
	if e == 0 {
		fmt.Println("@", name, "ALLOWED")
	} else {
		fmt.Println("@", name, e.Error())
	}
}

func main() {
	err := syscall.PtraceAttach(1)
	if err == nil {
		rep("ptrace-supervisor", 0)
	} else {
		rep("ptrace-supervisor", err.(syscall.Errno))
	}
	rl := syscall.Rlimit{}
	_, _, e := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 1, syscall.RLIMIT_NOFILE, uintptr(unsafe.Pointer(&rl)), 0, 0, 0)
	rep("prlimit-supervisor", e)
	fd, _, e := syscall.RawSyscall(434, 1, 0, 0)
	if e == 0 {
		_, _, e = syscall.RawSyscall(438, fd, 3, 0)
	}
	rep("pidfd_getfd-supervisor", e)
	buf := make([]byte, 256)
	_, _, e = syscall.RawSyscall(425, 4, uintptr(unsafe.Pointer(&buf[0])), 0)
	rep("io_uring_setup", e)
	attr := make([]uint32, 64)
	attr[1] = 128
	_, _, e = syscall.RawSyscall6(syscall.SYS_PERF_EVENT_OPEN, uintptr(unsafe.Pointer(&attr[0])), 0, ^uintptr(0), ^uintptr(0), 0, 0)
	rep("perf_event_open", e)
	if err := syscall.Unshare(syscall.CLONE_NEWUSER); err != nil {
		rep("unshare-user", err.(syscall.Errno))
	} else {
		rep("unshare-user", 0)
	}
}
`;

/** Rust, calling libc's syscall(2) directly (no crates in the sandbox). */
const SYSCALL_BATTERY_RUST = `
extern "C" {
    fn syscall(n: i64, ...) -> i64;
}
#[cfg(target_arch = "x86_64")]
const NR: [i64; 6] = [101, 302, 434, 438, 425, 272];
#[cfg(target_arch = "aarch64")]
const NR: [i64; 6] = [117, 261, 434, 438, 425, 97];
fn rep(name: &str, r: i64) {
    if r >= 0 {
        println!("@ {} ALLOWED", name);
    } else {
        let e = std::io::Error::last_os_error().to_string();
        println!("@ {} {}", name, e.split(" (os error").next().unwrap());
    }
}
fn main() {
    let rl = [0u64; 2];
    let buf = [0u8; 256];
    unsafe {
        rep("ptrace-supervisor", syscall(NR[0], 0x4206i64, 1i64, 0i64, 0i64));
        rep("prlimit-supervisor", syscall(NR[1], 1i64, 7i64, rl.as_ptr(), 0i64));
        let fd = syscall(NR[2], 1i64, 0i64);
        rep("pidfd_getfd-supervisor", if fd < 0 { fd } else { syscall(NR[3], fd, 3i64, 0i64) });
        rep("io_uring_setup", syscall(NR[4], 4i64, buf.as_ptr()));
        rep("unshare-user", syscall(NR[5], 0x10000000i64));
    }
}
`;

const MB = 1024 * 1024;

/**
 * Memory held by this test process's descendants (the sandboxes it started), in MB: the sum of their
 * proportional set sizes, read from the host's /proc (each shared page counted once across them).
 */
function descendantsPssMb(): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {} // gone meanwhile
  }
  let kb = 0;
  const todo = [...(children.get(process.pid) ?? [])];
  while (todo.length) {
    const pid = todo.pop()!;
    todo.push(...(children.get(pid) ?? []));
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {}
  }
  return kb / 1024;
}

/** The most memory the sandboxes of this process held at once while `work` ran (sampled every 25 ms). */
async function hostMemoryTaken<T>(work: Promise<T>): Promise<{ result: T; takenMb: number }> {
  let most = 0;
  const timer = setInterval(() => {
    most = Math.max(most, descendantsPssMb());
  }, 25);
  try {
    const result = await work;
    return { result, takenMb: most };
  } finally {
    clearInterval(timer);
  }
}

describe.concurrent('attacks on the sandbox itself fail, in every language', () => {
  const batteries: [string, string][] = [
    ['c', SYSCALL_BATTERY_C],
    ['cpp', SYSCALL_BATTERY_C],
    ['python', SYSCALL_BATTERY_PY],
    ['go', SYSCALL_BATTERY_GO],
    ['rust', SYSCALL_BATTERY_RUST],
  ];
  for (const [language, code] of batteries) {
    it(`${language}: other processes, io_uring, perf_event_open, user namespaces are all denied`, async () => {
      const r = await run(language, code, { limits: { ...TIGHT, wallMs: 8000 } });
      expect(r.status, r.stderr + (r.compile?.stderr ?? '')).not.toBe('sandbox_error');
      const results = attackResults(r.stdout);
      expect(results.size, r.stdout + r.stderr).toBeGreaterThanOrEqual(language.startsWith('c') ? 15 : 5);
      for (const [name, result] of results) expect(result, name).toMatch(DENIED);
    });
  }

  it('bash: nested user namespaces and the supervisor’s descriptors are out of reach', async () => {
    const r = await run(
      'bash',
      'unshare -U true 2>/dev/null && echo "@ unshare ALLOWED" || echo "@ unshare Operation not permitted"\n' +
        'if (echo x > /proc/1/fd/3) 2>/dev/null; then echo "@ proc-fd ALLOWED"; else echo "@ proc-fd Permission denied"; fi',
    );
    const results = attackResults(r.stdout);
    expect(results.size).toBe(2);
    for (const [name, result] of results) expect(result, name).toMatch(DENIED);
  });

  it('javascript and typescript: nested user namespaces, the supervisor’s descriptors and signals', async () => {
    const code = [
      "const { spawnSync } = require('child_process');",
      "const fs = require('fs');",
      "const u = spawnSync('/usr/bin/unshare', ['-U', 'true']);",
      "console.log('@ unshare', u.status === 0 ? 'ALLOWED' : 'Operation not permitted');",
      "try { fs.writeFileSync('/proc/1/fd/3', 'x'); console.log('@ proc-fd ALLOWED'); } catch (e) { console.log('@ proc-fd', e.code === 'EACCES' ? 'Permission denied' : e.code); }",
      "process.kill(1, 'SIGINT');",
    ].join('\n');
    for (const language of ['javascript', 'typescript']) {
      const r = await run(language, code, { limits: { ...TIGHT, wallMs: 8000, cpuMs: 4000 } });
      expect(r.status, r.message).toBe('ok');
      const results = attackResults(r.stdout);
      expect(results.size, r.stdout + r.stderr).toBe(2);
      for (const [name, result] of results) expect(result, `${language} ${name}`).toMatch(DENIED);
    }
  });

  it('bash: writing into the supervisor’s channel through /proc is refused; the host reads a normal report', async () => {
    const r = await run('bash', 'head -c 300000000 /dev/zero > /proc/1/fd/3 && echo flooded; exit 1');
    expect(r.status).toBe('runtime_error');
    expect(r.stdout).not.toContain('flooded');
  });

  // The host channel flood: 400 MB into the supervisor's fd 3, by pidfd_getfd and by /proc/1/fd/3.
  it('c: flooding the host channel is impossible and the host stays within its memory', async () => {
    const code = `#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
  int fd = -1;
  long pidfd = syscall(SYS_pidfd_open, 1, 0);
  if (pidfd >= 0) fd = (int)syscall(SYS_pidfd_getfd, pidfd, 3, 0);
  if (fd < 0) fd = open("/proc/1/fd/3", O_WRONLY);
  if (fd < 0) { puts("no channel"); return 1; }
  static char chunk[1 << 20];
  memset(chunk, 'A', sizeof chunk);
  for (int i = 0; i < 400; i++) write(fd, chunk, sizeof chunk);
  puts("flooded");
  return 0;
}`;
    const rssBefore = process.memoryUsage().rss;
    const r = await run('c', code, { limits: { ...TIGHT, wallMs: 8000, cpuMs: 8000 } });
    expect(r.stdout).toContain('no channel');
    expect(r.status).toBe('runtime_error');
    expect((process.memoryUsage().rss - rssBefore) / MB).toBeLessThan(200);
  });

  // A program that stops its supervisor and leaves a daemon: everything is gone after the deadline.
  it('c: stopping the supervisor leaves nothing running after the deadline', async () => {
    const marker = String(41_000 + (process.pid % 997));
    const code = `#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <unistd.h>
int main(void) {
  if (ptrace((enum __ptrace_request)0x4206, 1, 0, 0) == 0) ptrace((enum __ptrace_request)0x4207, 1, 0, 0);
  if (fork() == 0) { setsid(); execl("/bin/sleep", "sleep", "${marker}", (char*)0); }
  puts("started"); fflush(stdout);
  for (;;) pause();
}`;
    const r = await run('c', code, { limits: { ...TIGHT, wallMs: 1000 } });
    expect(r.stdout).toContain('started');
    expect(r.status).toBe('timeout');
    await new Promise((res) => setTimeout(res, 300));
    expect(hostProcesses(`sleep ${marker}`)).toEqual([]);
  });

  // prlimit on the supervisor (its open-file limit to 0): it must still report.
  it('c: the supervisor’s limits cannot be changed, and it still reports', async () => {
    const r = await run(
      'c',
      '#define _GNU_SOURCE\n#include <stdio.h>\n#include <sys/resource.h>\nint main(void){ struct rlimit z = {0, 0}; printf("%d\\n", prlimit(1, RLIMIT_NOFILE, &z, 0)); printf("%d\\n", prlimit(1, RLIMIT_AS, &z, 0)); return 0; }',
    );
    expect(r.status).toBe('ok');
    expect(r.stdout).toBe('-1\n-1\n');
  });

  // Claiming an infrastructure failure: a failed test must stay a failed test, never `sandbox_error`.
  const fakes: [string, string][] = [
    ['bash', 'echo "sandbox: cannot start the program: No such file" >&2; exit 1'],
    ['bash', 'kill -INT 1; kill -TERM 1; kill -HUP 1; sleep 0.2; exit 1'],
    ['javascript', 'process.stderr.write("sandbox: cannot start \'x\': boom\\n"); process.exit(1)'],
    ['javascript', 'try { process.kill(1, "SIGINT") } catch {} setTimeout(() => process.exit(1), 200)'],
    ['typescript', 'const m: string = "sandbox: cannot start"; console.error(m); process.exit(1);'],
    ['python', 'import sys\nsys.stderr.write("sandbox: cannot start the program: x\\n")\nsys.exit(1)'],
    [
      'go',
      'package main\nimport (\n"fmt"\n"os"\n"syscall"\n)\nfunc main() { syscall.Kill(1, syscall.SIGINT); fmt.Fprintln(os.Stderr, "sandbox: cannot start"); os.Exit(1) }',
    ],
    [
      'java',
      'public class Main { public static void main(String[] a) throws Exception { int u = new ProcessBuilder("/usr/bin/unshare", "-U", "true").start().waitFor(); System.err.println("sandbox: cannot start the program " + u); System.exit(u == 0 ? 0 : 1); } }',
    ],
    ['rust', 'fn main() { eprintln!("sandbox: cannot start \'./main\': x"); std::process::exit(1); }'],
    [
      'c',
      '#include <stdio.h>\n#include <signal.h>\nint main(void){ kill(1, SIGINT); fputs("sandbox: cannot start \'./main\': x\\n", stderr); return 1; }',
    ],
  ];
  for (const [language, code] of fakes) {
    it(`${language}: a fake infrastructure error is a runtime error (${code.slice(0, 30)}…)`, async () => {
      const r = await run(language, code);
      expect(r.status, r.message).toBe('runtime_error');
      expect(r.exitCode).toBe(1);
    });
  }
});

/** Memory attacks run one at a time: the witness is the host's MemAvailable, which all tests share. */
describe('memory limits hold for the whole program, in every language', () => {
  // Six processes of 400 MB each under a 512 MiB limit: the limit holds for the program as a whole.
  const hogs: [string, string][] = [
    [
      'python',
      'import os, time\nkids = []\nfor i in range(6):\n    pid = os.fork()\n    if pid == 0:\n        b = bytearray(400 * 1024 * 1024)\n        for j in range(0, len(b), 4096): b[j] = 1\n        time.sleep(3)\n        os._exit(0)\n    kids.append(pid)\nfor k in kids: os.waitpid(k, 0)\nprint("done")',
    ],
    [
      'c',
      // Written through a volatile pointer: gcc drops a malloc+memset whose memory is never read.
      '#include <stdlib.h>\n#include <unistd.h>\n#include <sys/wait.h>\nint main(void){ for (int i = 0; i < 6; i++) if (fork() == 0) { volatile char* p = malloc(400u << 20); if (p) for (size_t j = 0; j < (400u << 20); j += 4096) p[j] = 1; sleep(3); _exit(0); } while (wait(0) > 0); return 0; }',
    ],
    [
      'javascript',
      "const { spawn } = require('child_process');\nlet left = 6;\nfor (let i = 0; i < 6; i++) spawn(process.execPath, ['-e', 'const b = Buffer.alloc(400 * 1024 * 1024, 1); setTimeout(() => {}, 3000)']).on('exit', () => { if (--left === 0) console.log('done'); });",
    ],
  ];
  for (const [language, code] of hogs) {
    it(`${language}: six children of 400 MB stay within the program's memory limit`, async () => {
      // Room for six runtimes and their threads: what is tested here is memory, not the process limit.
      const limits = { ...TIGHT, memoryMb: 512, wallMs: 10_000, cpuMs: 8000, processes: 128 };
      const { result, takenMb } = await hostMemoryTaken(run(language, code, { limits }));
      expect(result.status).not.toBe('sandbox_error');
      // The limit and the supervisor's share (warm servers idle in this process add ~30 MB each).
      expect(takenMb).toBeGreaterThan(300); // the witness sees the memory that was really taken
      expect(takenMb).toBeLessThan(512 + 48 + 150);
    });
  }

  // One runtime's heap past the limit is `memory`, a failed test, whichever way the runtime says it.
  const bombs: [string, string][] = [
    [
      'java',
      'import java.util.*;\npublic class Main { public static void main(String[] a) { List<long[]> l = new ArrayList<>(); for (;;) l.add(new long[1 << 20]); } }',
    ],
    [
      'go',
      'package main\nfunc main() { var l [][]byte; for { b := make([]byte, 1<<20); for i := range b { b[i] = 1 }; l = append(l, b) } }',
    ],
    ['rust', 'fn main() { let mut l: Vec<Vec<u8>> = Vec::new(); loop { l.push(vec![1u8; 1 << 20]); } }'],
  ];
  for (const [language, code] of bombs) {
    it(`${language}: a memory bomb is stopped at the limit with status memory`, async () => {
      const { result, takenMb } = await hostMemoryTaken(
        run(language, code, { limits: { ...TIGHT, memoryMb: 256, wallMs: 15_000, cpuMs: 15_000 } }),
      );
      expect(result.status, result.stderr.slice(-300)).toBe('memory');
      expect(takenMb).toBeLessThan(256 + 48 + 150);
    });
  }
});
