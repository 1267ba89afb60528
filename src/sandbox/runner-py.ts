/**
 * The supervisor that runs inside the bubblewrap sandbox, in Python because python3 is on every machine
 * that runs code rewards and its os module reaches fork, setrlimit, wait4 and unshare (via ctypes).
 *
 * `launch` (cold path): bwrap runs it as PID 1 of the sandbox; it reads one job from fd 3, writes the files
 * into the tmpfs working directory, forks the program with its limits, pumps stdin/stdout/stderr with
 * caps and the wall deadline, and writes one JSON report to fd 3. As PID 1 it cannot be killed from
 * inside (`kill -9 -1` spares it), and when it exits the kernel kills every process left in the sandbox.
 *
 * `serve` (warm path, Python only): a pre-started interpreter with common modules imported (started by
 * SERVER_BOOT, which compiles this file in a child, so the server holds no compiler garbage). While it
 * waits for a job it clones (one fork, see fork_isolated) the execution that will run it, in fresh user,
 * mount, PID and IPC namespaces (the network namespace is the server's own, and a server runs one
 * execution at a time); that child, PID 1 of its namespace, maps its uid and mounts a fresh /proc. Then
 * it reads its job from the server, mounts a fresh size-limited tmpfs as /work, /tmp and /dev/shm, drops
 * every capability and becomes the program, so one execution never sees another's files, processes,
 * sockets or memory, and none ever holds its own job's report key. A program with a worker mode (a test
 * harness) is judged by a judge process the server forked before any job, outside every execution's
 * namespaces, and the execution becomes its worker (see Judge). The server keeps each job, its input
 * and its output only in buffers it zeroes before the next clone, so a later execution cannot find them
 * in memory it inherited; its reports carry an HMAC under the job's key. For each job the server keeps
 * itself, its judge, its zygote and the job's executions on one CPU (pin_job).
 */
export const RUNNER_PY = String.raw`
# The address space of a fresh interpreter, pages, before this file imports anything (FRESH_VM); a warm
# server's loader (SERVER_BOOT) measured it before loading this file.
if '_FRESH_PAGES' not in globals():
    _FRESH_PAGES = int(open('/proc/self/statm').read().split()[0])
import os, sys, json, time, signal, select, resource, base64, ctypes, builtins, types, hmac, errno, socket, mmap

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_DUMPABLE = 4
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
CLONE_PARENT = 0x00008000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 0x4000, 1 << 18
# PYTHONINTMAXSTRDIGITS=0: integers of any size convert to and from text, as on judges whose Python
# predates the limit (3.10 and before): datasets hold accepted solutions that print such numbers.
ENV = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': '/work', 'LANG': 'C.UTF-8', 'TMPDIR': '/work', 'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONHASHSEED': '0', 'PYTHONINTMAXSTRDIGITS': '0'}

def die_with_parent():
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

def set_limits(lim, pid1=False, extra_as=0):
    """The job's limits on this process. extra_as: address space it already holds beyond what a fresh
    interpreter would (a warm execution inherits the server's preloaded modules), added to the limit so
    a program has the room it would have in python3."""
    cpu = max(1, -(-lim['cpuMs'] // 1000))
    mem = lim['asBytes']
    # PID 1 of a namespace ignores SIGXCPU (default action), so it gets SIGKILL at the limit instead.
    limits = [(resource.RLIMIT_CPU, (cpu, cpu if pid1 else cpu + 1)),
              (resource.RLIMIT_FSIZE, (lim['fileBytes'], lim['fileBytes'])),
              (resource.RLIMIT_NPROC, (lim['processes'], lim['processes'])),
              (resource.RLIMIT_CORE, (0, 0)), (resource.RLIMIT_NOFILE, (256, 256))]
    if mem > 0:  # 0: no address-space limit (the cgroup limits memory; runtimes reserve far more than they use)
        limits.append((resource.RLIMIT_AS, (mem + extra_as, mem + extra_as)))
    for r, v in limits:
        resource.setrlimit(r, v)

class _CapHeader(ctypes.Structure):
    _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]

class _CapData(ctypes.Structure):
    _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]

# Built once: creating ctypes classes costs about a millisecond, paid per execution otherwise.
_CAP_HEADER, _CAP_EMPTY = _CapHeader(0x20080522, 0), (_CapData * 2)()

def drop_caps():
    # capset(2) with empty sets: the program keeps no capability in the namespaces it was cloned into.
    if libc.capset(ctypes.byref(_CAP_HEADER), ctypes.byref(_CAP_EMPTY)) != 0:
        raise OSError(ctypes.get_errno(), 'capset')
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)

def write_files(root, files, sha=None):
    for rel, f in files.items():
        path = os.path.join(root, rel)
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        if f.get('warm'):
            data = SOURCES[sha]  # the warm program's source, from the server's copy (warm.ts)
        else:
            data = base64.b64decode(f['data']) if f.get('b64') else f['data'].encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, f.get('mode', 0o644))
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

def stdin_file(data):
    """(read end, write end) like os.pipe(), but the program's stdin is a regular file (a memfd), as
    judges give it: os.fstat(0).st_size is its length and it can be read twice or mapped. The write end
    is /dev/null, so pump() has nothing left to feed."""
    fd = os.memfd_create('stdin', os.MFD_CLOEXEC)
    view = memoryview(data)
    while len(view):
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd, os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)

def child_stdio(inr, outw, errw, keep=()):
    """The program's stdio; every other descriptor is closed except those in 'keep' (the status pipe,
    close-on-exec so the program never holds it once it runs; a worker's channel to its judge)."""
    os.dup2(inr, 0)
    os.dup2(outw, 1)
    os.dup2(errw, 2)
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 65536)

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2

class _SockFprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]

# The host's filters by layer (seccomp.ts, FilterLayer): layer -> (sock_fprog, its instruction buffer),
# built once. 'all' for a cold program and a warm judge; a warm zygote installs 'zygote' and each of
# its clones adds 'execution', which together decide as 'all'.
_SECCOMP = {}
LAYERED = [False]  # this process has the 'zygote' layer (set in the zygote, inherited by its clones)

def load_seccomp(b64, layer='all'):
    code = base64.b64decode(b64)
    buf = ctypes.create_string_buffer(code, len(code))
    _SECCOMP[layer] = (_SockFprog(len(code) // 8, ctypes.addressof(buf)), buf)

# seccomp(2) by architecture, for SECCOMP_FILTER_FLAG_SPEC_ALLOW: without it, kernels that mitigate
# Spectre v4 'for seccomp tasks' make every sandboxed program pay for speculative-store-bypass
# disabling (and IBPB on context switches), which guards a process against itself, not others.
_SECCOMP_NR = {'x86_64': 317, 'aarch64': 277}
SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW = 1, 4

def enter_seccomp(layer='all'):
    """no_new_privs, then the host's syscall filter (seccomp.ts): from here on this process and all it
    starts cannot ptrace, read other processes' memory, take their descriptors, make namespaces...
    layer: which of its filters (see _SECCOMP); a warm execution cloned from a filtered zygote adds
    'execution' to the 'zygote' layer it inherited, any other process installs 'all'."""
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'no_new_privs')
    nr = _SECCOMP_NR.get(os.uname().machine)
    prog = ctypes.byref(_SECCOMP[layer][0])
    if nr is not None and libc.syscall(nr, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, prog) == 0:
        return
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'seccomp')

def doomed_first():
    # The cgroup's OOM killer takes the program before its supervisor (raising one's own score is allowed).
    try:
        fd = os.open('/proc/self/oom_score_adj', os.O_WRONLY)
        try:
            os.write(fd, b'1000')
        finally:
            os.close(fd)
    except OSError:
        pass

def has_children(pid):
    """Whether pid has a live or unreaped child (any of its threads'), from /proc; True when unsure."""
    try:
        for tid in os.listdir('/proc/%d/task' % pid):
            with open('/proc/%d/task/%s/children' % (pid, tid), 'rb') as f:
                if f.read().strip():
                    return True
        return False
    except OSError:
        return True

def descendant_ticks(root):
    """Clock ticks (user, system, and of the children they reaped) of every live or unreaped process
    descended from root, read from /proc: the CPU time of work a program moved into other processes.
    A root that is PID 1 of its namespace (an execution) adopts every orphan below it, so when it has
    no child there is nothing below it (most programs: one file read instead of a /proc walk)."""
    if not has_children(root):
        return 0
    parent, times = {}, {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name, 'rb') as f:
                fields = f.read().rsplit(b')', 1)[1].split()
        except OSError:
            continue
        parent[int(name)] = int(fields[1])
        times[int(name)] = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    total = 0
    for p in parent:
        q, hops = parent[p], 0
        while q in parent and q != root and hops < 64:
            q, hops = parent[q], hops + 1
        if q == root:
            total += times[p]
    return total
def descendants_cpu_ms(root):
    return descendant_ticks(root) * 1000.0 / os.sysconf('SC_CLK_TCK')

def pump(pid, inw, outr, errr, stdin_view, lim, started, out, err, status_r=None, descendants=False, requests=None):
    """Feed stdin, collect output up to the cap, stop at the wall deadline; returns raw facts, the
    lengths read into out/err (each at least cap + 1 long) and what arrived on status_r. Output is read
    straight into out/err (never into temporary bytes objects), so a warm server that zeroes those
    buffers afterwards keeps no copy of a program's output. requests: (fd, handler) of a judge's
    requests, served as they come (handler() is False once that channel is done, 'stop' when the run
    is: what the output pipes hold then is read, without waiting for their end); pid None: the caller
    stops and reaps the processes itself (a judged run has several)."""
    deadline = started + lim['wallMs'] / 1000.0
    cap = lim['outputBytes']
    used = {outr: 0, errr: 0}
    bufs = {outr: memoryview(out), errr: memoryview(err)}
    total = 0
    over = timed_out = False
    readers = [outr, errr]
    status = bytearray()
    if status_r is not None:
        readers.append(status_r)
    if requests is not None:
        readers.append(requests[0])
    pending = stdin_view
    if len(pending) == 0:
        os.close(inw); inw = None
    else:
        os.set_blocking(inw, False)
    stop = False

    def take(fd):
        """Read what fd has into its buffer: False at its end (or at the cap: over is set)."""
        nonlocal total, over
        room = cap - total
        at = used[fd]
        # One byte past the cap: reading it is how we learn the cap was exceeded.
        n = os.readv(fd, [bufs[fd][at:at + room + 1]])
        if n == 0:
            readers.remove(fd)
            os.close(fd)
            return False
        if n > room:
            over = True
            used[fd] = at + room
            return False
        used[fd] = at + n
        total += n
        return True

    while (readers or inw is not None) and not stop:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ws = [inw] if inw is not None else []
        try:
            r, w, _ = select.select(readers, ws, [], left)
        except InterruptedError:
            continue
        for fd in w:
            try:
                n = os.write(fd, pending[:65536])
                pending = pending[n:]
            except (BrokenPipeError, BlockingIOError) as e:
                if isinstance(e, BlockingIOError):
                    continue
                pending = pending[:0]
            if len(pending) == 0:
                os.close(inw); inw = None
        for fd in r:
            if requests is not None and fd == requests[0]:
                continue  # after the output that came with it
            if fd == status_r:
                chunk = os.read(fd, 4096)
                if chunk:
                    if len(status) < 4096:
                        status += chunk
                else:
                    readers.remove(fd)
                continue
            if not take(fd) and over:
                break
        if over:
            break
        if requests is not None and requests[0] in r:
            said = requests[1]()
            if said == 'stop':
                stop = True
                # Everything the judge wrote came before its word: read it, without waiting for an end.
                for fd in (outr, errr):
                    if fd in readers:
                        os.set_blocking(fd, False)
                        try:
                            while take(fd):
                                pass
                        except BlockingIOError:
                            pass
                        if over:
                            break
            elif not said:
                readers.remove(requests[0])
    if pid is None:
        if inw is not None:
            os.close(inw)
        for fd in (outr, errr):
            if fd in readers:
                os.close(fd)
        rep = {'timedOut': timed_out, 'outputExceeded': over, 'wallMs': (time.monotonic() - started) * 1000.0}
        return rep, used[outr], used[errr], bytes(status)
    extra_cpu = 0.0
    if timed_out or over:
        if descendants:
            # Its children die unreaped with it (PID 1 of their namespace): their CPU time is taken now,
            # or a program that computed in them would read as one that idled.
            extra_cpu = descendants_cpu_ms(pid)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, st, ru = os.wait4(pid, 0)
    if inw is not None:
        os.close(inw)
    for fd in (outr, errr):
        if fd in readers:
            os.close(fd)
    wall = (time.monotonic() - started) * 1000.0
    rep = {'timedOut': timed_out, 'outputExceeded': over, 'wallMs': wall,
           'cpuMs': (ru.ru_utime + ru.ru_stime) * 1000.0 + extra_cpu, 'maxRssKb': ru.ru_maxrss}
    if os.WIFEXITED(st):
        rep['exitCode'], rep['signal'] = os.WEXITSTATUS(st), None
    else:
        rep['exitCode'], rep['signal'] = None, os.WTERMSIG(st)
    return rep, used[outr], used[errr], bytes(status)

def finish_usage(rep):
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    rep['cpuMs'] = (ru.ru_utime + ru.ru_stime) * 1000.0
    rep['maxRssKb'] = ru.ru_maxrss
    return rep

def read_exact(fd, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = os.readv(fd, [view[got:]])
        if k == 0:
            raise EOFError('short read')
        got += k
    return buf

# An execution's job header: '<job length> <stdin length> <mode>', fixed width, so it takes one read
# (read_line reads a byte at a time, not to take anything past the line).
JOB_HEAD = 28

def job_head(n, n_stdin, mode):
    return b'%012d %012d %s\n' % (n, n_stdin, mode)

def hand_job(job_w, buf, stdin, mode):
    """Write an execution its job (header, job JSON, stdin) and close the pipe. An execution that failed
    before reading it says why on its status pipe."""
    try:
        write_all(job_w, job_head(len(buf), len(stdin), mode))
        write_all(job_w, buf)
        if stdin:
            write_all(job_w, stdin)
    except OSError:
        pass
    os.close(job_w)

def read_header(fd):
    """The host's header of a job: its length (4 digits), then the line, in two reads."""
    return read_exact(fd, int(read_exact(fd, 4))).decode()

def read_line(fd):
    line = bytearray()
    while True:
        c = os.read(fd, 1)
        if not c:
            raise EOFError('control channel closed')
        if c == b'\n':
            return line.decode()
        line += c

# ---- cold path: one job, exec a command ----
def launch():
    # Out of the program's reach: not dumpable, so a process of the same uid can neither ptrace us nor
    # open our /proc files (fd/3, mem) nor read the job, its stdin included, from our memory; as PID 1
    # only signals we handle reach us from inside, and we handle none (Python's SIGINT handler is removed).
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    n = int(read_line(3))
    if n > (1 << 30):
        raise ValueError('job too large')
    job = json.loads(read_exact(3, n))
    key = bytes.fromhex(job.pop('key', ''))  # authenticates our report; the program never sees it
    root = job.get('root', '/work')
    os.chdir(root)
    write_files(root, job['files'])
    if job.get('seccomp'):
        load_seccomp(job['seccomp'])
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER, in case PID 1 is not us
    pipes = [stdin_file(job.get('stdin', '').encode()), os.pipe(), os.pipe()]
    status_r, status_w = os.pipe()  # close-on-exec: empty at exec, or why the program could not start
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(status_r)
            os.setsid()
            # Python ignores these; a program started by exec must get the default actions back.
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            child_stdio(pipes[0][0], pipes[1][1], pipes[2][1], keep=(status_w,))
            doomed_first()
            set_limits(job['limits'])
            if _SECCOMP:
                enter_seccomp()
            del key
            try:
                os.execve(job['cmd'][0], job['cmd'], dict(ENV, HOME=root, TMPDIR=root))
            except OSError as e:
                if e.errno != errno.ENOEXEC:
                    raise
                # Not an executable: what the program compiled to (a Rust library crate), never an
                # interpreter or tool of ours. The program's failure, said where its errors go.
                os.write(2, ('cannot execute %s: %s\n' % (job['cmd'][0], e.strerror)).encode())
                os._exit(126)
        except BaseException as e:
            os.write(status_w, ('cannot start %r: %s' % (job['cmd'][0], e)).encode()[:4000])
        os._exit(127)
    os.close(status_w)
    os.close(pipes[0][0]); os.close(pipes[1][1]); os.close(pipes[2][1])
    cap = job['limits']['outputBytes']
    out, err = bytearray(cap + 1), bytearray(cap + 1)
    rep, n_out, n_err, status = pump(pid, pipes[0][1], pipes[1][0], pipes[2][0], memoryview(b''),
                                     job['limits'], started, out, err, status_r)
    os.close(status_r)
    init = os.getpid() == 1
    try:
        # Daemons left behind: everything in the sandbox when we are its PID 1, else the program's group.
        os.kill(-1, signal.SIGKILL) if init else os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    while True:
        try:
            if os.wait4(-1, 0 if init else os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    finish_usage(rep)
    art = b''
    if status:
        rep = {'sandboxError': status.decode('utf-8', 'replace')}
        n_out = n_err = 0
    else:
        emit = job.get('emit')
        if emit and rep['exitCode'] == 0 and not rep['timedOut']:
            try:
                with open(os.path.join(root, emit), 'rb') as f:
                    art = f.read(job['limits']['fileBytes'] + 1)
            except OSError as e:
                rep['artifactError'] = str(e)
        fetched = {}
        for path in job.get('fetch') or []:
            try:
                with open(os.path.join(root, path), 'rb') as f:
                    fetched[path] = base64.b64encode(f.read(job['limits']['fileBytes'] + 1)).decode()
            except OSError:
                pass  # a file the program did not write is simply absent, as in SandboxFusion
        if fetched:
            rep['fetched'] = fetched
    # '<header> <stdout> <stderr> <artifact> lengths', the header JSON, the raw bytes, then an
    # HMAC-SHA256 of all of it under the job's key: the host accepts nothing else.
    head = json.dumps(rep).encode()
    mac = hmac.new(key, digestmod='sha256')
    for part in (b'%d %d %d %d\n' % (len(head), n_out, n_err, len(art)), head, memoryview(out)[:n_out],
                 memoryview(err)[:n_err], art):
        mac.update(part)
        view = memoryview(part)
        while len(view):
            view = view[os.write(3, view):]
    os.write(3, mac.digest())

# ---- warm path: fork server for Python ----
SERVER_PATH = []  # the server's sys.path; every plain program starts from it
SOURCES = {}  # sha256 -> the source of the same programs, written as their main.py
PRECOMPILED = {}  # sha256 of a well-known program's source -> its code object, compiled once per server
JUDGES = {}  # sha of a PRECOMPILED program with a worker mode (a test harness) -> its Judge (start_judge)
PREPARED = {}  # sha -> the module of each of them, defined once by the server (define_workers)
PRELOAD = ['ast', 'json', 'types', 'traceback', 'signal', 'collections', 'itertools', 'functools', 'math', 're', 'heapq', 'bisect', 'typing', 'string',
           'random', 'fractions', 'decimal', 'datetime', 'copy', 'operator', 'statistics', 'hashlib',
           'traceback', 'io', 'array', 'dataclasses', 'enum', 'numbers', 'cmath', 'abc', 'contextlib', 'socket']

def main_module():
    mod = types.ModuleType('__main__')
    mod.__file__ = '/work/main.py'
    mod.__builtins__ = builtins
    return mod

def run_python_inprocess(job):
    """In the program process: become a fresh 'python3 main.py'."""
    os.chdir('/work')
    main = job['main']
    sys.argv = [main] + job.get('args', [])
    sys.path[:] = ['/work'] + SERVER_PATH[1:]  # as 'python3 main.py' would have it
    # sys.stdin/stdout/stderr already wrap fds 0-2, now the program's pipes; the server never used
    # their buffers (it speaks to the host with os.read/os.write), so they start empty. The environment
    # is the server's, set once (ENV); the random module reseeds itself after every fork.
    code = 0
    try:
        mod = main_module()
        sys.modules['__main__'] = mod
        compiled = PRECOMPILED.get(job.get('sha'))
        if compiled is None:
            with open(main, 'rb') as f:
                compiled = compile(f.read(), '/work/' + main, 'exec')
        exec(compiled, mod.__dict__)
    except SystemExit as e:
        c = e.code
        if c is None:
            code = 0
        elif isinstance(c, int):
            code = c & 0xff
        else:
            try:
                sys.stderr.write(str(c) + '\n')
            except BaseException:
                pass
            code = 1
    except BaseException as e:
        try:
            import traceback
            # Skip our own frame: the traceback reads as if python3 had run main.py.
            traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        except BaseException:
            pass
        code = 1
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except BaseException:
            pass
    os._exit(code)

def _clone_syscall():
    """(syscall number, flags-first?) of clone(2) on this machine; None where we do not know it."""
    import platform
    m = platform.machine()
    if m in ('x86_64', 'amd64'):
        return 56, True
    if m in ('aarch64', 'arm64', 'riscv64', 'loongarch64'):
        return 220, True
    if m.startswith('ppc64') or m.startswith('armv') or m in ('i386', 'i686'):
        return 120, True
    if m == 's390x':
        return 120, False  # clone(stack, flags, ...) there
    return None

def fork_isolated(flags):
    """os.fork(), but the child starts in the new namespaces of 'flags' (so with CLONE_NEWPID it is PID 1
    of its own PID namespace). Python has no clone(2), and forking twice (once to unshare, once more to
    enter the new PID namespace) costs a copy-on-write copy of the interpreter each time, a third of an
    execution; so this is clone(2) with no new stack, which returns twice exactly like fork(2), wrapped
    in the interpreter's own before/after-fork hooks as os.fork() does. Called with the GIL held (PyDLL)."""
    nr, flags_first = CLONE
    args = (ctypes.c_long(flags | signal.SIGCHLD), ctypes.c_long(0))
    if not flags_first:
        args = args[::-1]
    PYAPI.PyOS_BeforeFork()
    pid = PYLIBC.syscall(ctypes.c_long(nr), *args, ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0))
    if pid == 0:
        PYAPI.PyOS_AfterFork_Child()
        return 0
    PYAPI.PyOS_AfterFork_Parent()
    if pid < 0:
        raise OSError(ctypes.get_errno(), 'clone')
    return pid

def enter_namespaces(uid, gid):
    """In the fresh namespaces (we are PID 1), before the job is known: map our uid, make every mount
    private and mount a /proc that shows only this PID namespace."""
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # our /proc files must be ours to write our uid_map
    for path, text in (('/proc/self/uid_map', b'%d %d 1' % (uid, uid)), ('/proc/self/setgroups', b'deny'),
                       ('/proc/self/gid_map', b'%d %d 1' % (gid, gid))):
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, text)
        finally:
            os.close(fd)
    if libc.mount(b'none', b'/', None, MS_REC | MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), 'mount --make-rprivate /')
    if libc.mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV, None) != 0:
        # Never leave the outer /proc (the server's processes) in view.
        if libc.mount(b'tmpfs', b'/proc', b'tmpfs', MS_NOSUID | MS_NODEV, b'size=4k,mode=0555') != 0:
            raise OSError(ctypes.get_errno(), 'hide /proc')

def mount_scratch(disk_bytes):
    """The execution's own size-limited /work, /tmp and /dev/shm (the root and /dev are read-only, so
    nothing written is seen by the server's next execution)."""
    for where, mode in ((b'/work', 0o755), (b'/tmp', 0o1777), (b'/dev/shm', 0o1777)):
        opts = ('size=%d,mode=%o' % (disk_bytes, mode)).encode()
        if libc.mount(b'tmpfs', where, b'tmpfs', MS_NOSUID | MS_NODEV, opts) != 0:
            raise OSError(ctypes.get_errno(), 'mount tmpfs ' + where.decode())

def compile_apart(programs):
    """{sha: code object} of the warm programs, compiled in a child process and sent back marshalled:
    compiling leaves megabytes of freed syntax-tree memory in the process that compiles (measured: 3.8 MB
    of heap for the 35 KB harness, against 0.3 MB for the code objects alone), and the server's every
    page is copied into each execution's page tables."""
    import marshal
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            write_all(w, marshal.dumps({sha: compile(src, '/work/main.py', 'exec') for sha, src in programs.items()}))
        finally:
            os._exit(0)
    os.close(w)
    data = bytearray()
    while True:
        chunk = os.read(r, 1 << 20)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    try:
        code = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        code = {}
    # Anything the child could not compile is compiled here (and fails here, as it always did).
    return {sha: code.get(sha) or compile(src, '/work/main.py', 'exec') for sha, src in programs.items()}

def define_workers(shas):
    """Run each worker-mode program's module once, define-only, in the server: its judge (Judge) and
    every worker an execution becomes start with it defined (a copy-on-write copy, so what one process
    does to it no other sees) instead of defining it again (measured: 0.45 ms and ~180 copy-on-write
    faults per execution). The module holds no job's data; it must not leave the server's own sys.path
    changed."""
    path = list(sys.path)
    for sha in shas:
        if sha not in PRECOMPILED:
            continue
        mod = main_module()
        mod.__assay_prepare__ = True
        try:
            exec(PRECOMPILED[sha], mod.__dict__)
        except BaseException as e:
            sys.stderr.write('warm program %s: %s\n' % (sha[:12], e))
            continue
        PREPARED[sha] = mod
    sys.path[:] = path

def run_worker_inprocess(job, chan):
    """In the execution: become the first worker of a judged run (see Judge): the harness module the
    server defined (define_workers) serves the program on chan, the judge's channel."""
    os.chdir('/work')
    mod = PREPARED[job['sha']]
    sys.argv = ['main.py', '--worker']
    sys.modules['__main__'] = mod
    try:
        mod.assay_worker(chan)
    finally:
        os._exit(0)

def program(job_r, out_w, err_w, status_w, chan, ids):
    """The execution: PID 1 of fresh user, mount, PID and IPC namespaces (the network namespace is the
    server's own, and a server runs one job at a time). It is cloned while the server waits for its
    next job (so the clone and most of the isolation are not paid while a job waits), enters its
    namespaces, then reads its job from job_r ('<length> <stdin length> <mode>', the job JSON, stdin),
    takes its scratch mounts and becomes, in this very process:
    - mode p: the program ('python3 main.py');
    - mode w: the first worker of a judged run, serving the judge on chan (run_worker_inprocess);
    - mode x: a later worker of a judged run (after one died or hung), by exec of a fresh interpreter,
      so nothing of the server's memory at that moment (the job's report key) survives into it.
    As PID 1 it cannot be killed by itself or its children, and when it exits the kernel kills whatever
    it left behind. The one visible difference from a plain process: signals it sends itself with a
    default action (os.kill(os.getpid(), SIGTERM), SIGALRM without a handler) are ignored. Failures
    before the program starts go to status_w, as sandbox errors."""
    try:
        die_with_parent()
        enter_namespaces(ids[0], ids[1])
        head = read_exact(job_r, JOB_HEAD).split()
        n, n_stdin, mode = int(head[0]), int(head[1]), head[2].decode()
        buf = read_exact(job_r, n)
        stdin = read_exact(job_r, n_stdin)
        os.close(job_r)
        job = json.loads(buf)
        zero(buf, n)
        if mode == 'p':
            # The program reads its stdin from its file, never from our memory.
            inr = stdin_file(stdin)[0]
        else:
            # A worker's stdio is /dev/null: it speaks only to the judge, on chan.
            inr = out_w = err_w = os.open(os.devnull, os.O_RDWR)
        zero(stdin, n_stdin)
        mount_scratch(job['limits']['diskBytes'])
        # Own session and process group: kill(0) from the program must not reach the fork server.
        os.setsid()
        files = job['files']
        if mode == 'w':
            files = {k: f for k, f in files.items() if not f.get('warm')}  # the harness runs from memory
        write_files('/work', files, job.get('sha'))
    except BaseException as e:
        os.write(status_w, ('%s: %s' % (type(e).__name__, e)).encode())
        os._exit(127)
    try:
        child_stdio(inr, out_w, err_w, keep=(status_w,) if mode == 'p' else (status_w, chan))
        doomed_first()
        drop_caps()
        set_limits(job['limits'], pid1=True, extra_as=0 if mode == 'x' else max(0, vm_bytes() - FRESH_VM[0]))
        enter_seccomp('execution' if LAYERED[0] else 'all')
        if mode == 'p' and CPUS[0] is not None and job.get('sha') not in PREPARED:
            # A plain program may use every CPU of the server, as on the cold path: pin_job kept it on
            # the job's CPU only until now (it stays there unless the scheduler moves it). Confined, a
            # program's processes would take turns on one CPU and miss a wall limit equal to its CPU
            # limit (run_code's run_timeout) that the same program meets cold. A judged worker, and a
            # harness judging itself, stay: they take turns with their judge, under CPU-time limits.
            try:
                os.sched_setaffinity(0, CPUS[0])
            except OSError:
                pass  # the machine's set shrank since the server started: the program runs where it is
        if mode == 'x':
            os.set_inheritable(chan, True)
            os.chdir('/work')
            os.execv('/usr/bin/python3', ['python3', '-S', '/work/' + job['main'], '--worker', str(chan)])
    except BaseException as e:
        # Said on the status pipe, which the program never holds: stderr is the program's to write.
        os.write(status_w, ('cannot start the program: %s' % e).encode()[:4000])
        os._exit(127)
    os.close(status_w)
    if mode == 'w':
        run_worker_inprocess(job, chan)
    run_python_inprocess(job)

FRESH_VM = [0]  # the server's address space as a fresh interpreter, before it imported anything

def vm_bytes():
    try:
        with open('/proc/self/statm', 'rb') as f:
            return int(f.read().split()[0]) * os.sysconf('SC_PAGE_SIZE')
    except (OSError, ValueError, IndexError):
        return 0

def zero(buf, n):
    if n:
        buf[:n] = bytes(n)

def clone_next(ids, sibling=False):
    """The next execution's process, cloned and in its namespaces before its job exists: (pid, job
    writer, stdout reader, stderr reader, status reader, the judge's end of its channel). sibling: the
    clone is our parent's child, not ours (the zygote clones the server's executions)."""
    fds = [os.pipe(), os.pipe(), os.pipe(), os.pipe()]  # job, stdout, stderr, status
    a, b = socket.socketpair()
    chan = (a.detach(), b.detach())
    try:
        pid = fork_isolated(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | (CLONE_PARENT if sibling else 0))
    except BaseException:
        for fd in (fd for pair in fds + [chan] for fd in pair):
            os.close(fd)
        raise
    if pid == 0:
        os.close(fds[0][1]); os.close(fds[1][0]); os.close(fds[2][0]); os.close(fds[3][0]); os.close(chan[0])
        program(fds[0][0], fds[1][1], fds[2][1], fds[3][1], chan[1], ids)
    os.close(fds[0][0]); os.close(fds[1][1]); os.close(fds[2][1]); os.close(fds[3][1]); os.close(chan[1])
    return pid, fds[0][1], fds[1][0], fds[2][0], fds[3][0], chan[0]

class Zygote:
    """The process every execution is cloned from: forked from the server once, before any job, it only
    clones (clone_next) and hands the server the new execution's pid and descriptors, and clones with
    CLONE_PARENT, so each execution is the server's own child (the server waits for it, kills it and
    reads its usage). Why apart from the server: a clone shares every page of the process it was cloned
    from, so each page that process writes afterwards is copied (a copy-on-write fault); the server
    writes hundreds of pages per job (measured: 180 to 260 faults a run), the zygote a few dozen. And no
    execution starts as a copy of a process that ever held a job (the server zeroes what it held all the
    same). Protocol on its socket: the server writes 'C'; the zygote answers '<pid>' with the five
    descriptors, or '0 <why>' with none."""
    def __init__(self, ids):
        a, b = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                a.close()
                zygote_process(b, ids)
            finally:
                os._exit(0)
        b.close()
        self.pid, self.sock = pid, a
        self.asked = False
        self.cpu = None  # the CPU it is kept on (pin_job); None: the server's whole set

    def ask(self):
        """Start the clone of the next execution (its answer is taken by take)."""
        self.sock.sendall(b'C')
        self.asked = True

    def take(self):
        """(pid, job writer, stdout reader, stderr reader, status reader, channel) of the clone asked for."""
        if not self.asked:
            self.ask()
        self.asked = False
        msg, fds, _, _ = socket.recv_fds(self.sock, 256, 5)
        words = msg.split(None, 1)
        if len(fds) == 5 and len(words) == 1 and msg.endswith(b'\n') and int(words[0]) > 0:
            return (int(words[0]),) + tuple(fds)
        for fd in fds:
            os.close(fd)
        raise OSError(errno.EAGAIN, 'cannot clone an execution: %s' % (msg.decode('utf-8', 'replace').strip() or 'the zygote is gone'))

    def stop(self):
        end_helper(self.pid, self.sock)

def end_helper(pid, sock):
    """Kill and reap a helper process of the server (its zygote, a judge) and close its socket."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    sock.close()

def zygote_process(sock, ids):
    die_with_parent()
    fd = sock.fileno()
    # Nothing of the server's: not its channels to the host, not its judges' sockets.
    os.closerange(3, fd)
    os.closerange(fd + 1, 65536)
    null = os.open(os.devnull, os.O_RDWR)
    for i in (0, 1):
        os.dup2(null, i)
    os.close(null)
    # Every rule of the filter but the two its clones break while they set themselves up, once, here:
    # each clone inherits it and adds only those two (seccomp.ts, FilterLayer), a fraction of the cost.
    if 'zygote' in _SECCOMP and 'execution' in _SECCOMP:
        try:
            enter_seccomp('zygote')
            LAYERED[0] = True
        except OSError:
            pass  # its clones install the whole filter themselves
    while True:
        try:
            if os.read(fd, 1) != b'C':
                os._exit(0)
        except OSError:
            os._exit(0)
        try:
            got = clone_next(ids, sibling=True)
        except BaseException as e:
            sock.sendall(('0 %s: %s\n' % (type(e).__name__, e)).encode()[:250])
            continue
        try:
            socket.send_fds(sock, [b'%d\n' % got[0]], list(got[1:]))
        finally:
            for f in got[1:]:
                os.close(f)

ZYGOTE = [None]

def zygote_ready(ids):
    """Before a job is read: the zygote, a fresh one where the last is gone. None where none can start
    (the server then clones its executions itself)."""
    z = ZYGOTE[0]
    if z is not None:
        try:
            if os.waitpid(z.pid, os.WNOHANG)[0] == 0:
                return z
        except ChildProcessError:
            pass
        z.stop()
        ZYGOTE[0] = None
    try:
        ZYGOTE[0] = Zygote(ids)
    except BaseException as e:
        sys.stderr.write('cannot start the zygote: %s\n' % e)
    return ZYGOTE[0]

def clone_execution(ids, from_server=True):
    """A fresh execution (see clone_next), from the zygote when there is one. from_server=False: never
    a clone of this process, which, in the middle of a job, holds the job (its tests, expected values and
    key): a program run in-process there could read them from the memory it inherited."""
    z = ZYGOTE[0]
    if z is None:
        if not from_server:
            raise OSError(errno.EAGAIN, 'no zygote to clone from in the middle of a job')
        return clone_next(ids)
    try:
        return z.take()
    except BaseException:
        # Gone mid-job: this clone fails (a sandbox error for its job); the next job gets a fresh zygote.
        z.stop()
        ZYGOTE[0] = None
        raise

class Judge:
    """The judge of a program with a worker mode (a test harness; see registerWarmProgram in warm.ts):
    one process per warm server, forked from it before any job, that runs the tests of every job of
    that program (assay_judge in the harness) while each job's execution is the worker that runs the
    candidate. So a judged run costs one process, not two, and the judge stays hot. The judge lives
    outside every execution's namespaces: no worker can see, signal or trace it (and it is not
    dumpable), and no worker is ever cloned from it, so none holds what it knows (the tests, the
    expected values, the nonce). It only ever speaks to the server, on a socket:
    - server: 'J <worker pid> <cpu limit s> <memory MB>' with the descriptors of the tests (a memfd of the job's
      stdin), the report's stdout and stderr, and the first worker's channel;
    - judge: 'R' (before anything else), the job's dataset code is not pure (pure_code in the harness:
      it could change the process it runs in): the server drops the execution and runs the job as a
      plain program in a fresh one, whose harness judges itself there, as on the cold path;
    - judge: 'W' (a fresh worker, after one died or hung): server 'P <pid>' with its channel, or
      'P 0' when none could be started;
    - judge: 'E <pid>' (this worker's channel ended): the server waits briefly for it to exit, kills it
      if it has not, reaps it, and says 'S <wait status> <CPU seconds>';
    - judge: 'D' (the job is done: all its output is in the pipes), with 'r' when this judge retires
      (a fresh one is forked for the next job) and 'x' when it could not judge the job to its end.
    A judge that dies, or does not finish by the job's deadline, is killed; the next job gets a fresh one."""
    def __init__(self, sha):
        a, b = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                a.close()
                judge_process(sha, b)
            finally:
                os._exit(0)
        b.close()
        self.pid, self.sock, self.sha = pid, a, sha
        self.dead = self.retire = False
        self.cpu = None  # the CPU it is kept on (pin_job); None: the server's whole set

    def stop(self):
        end_helper(self.pid, self.sock)
        self.dead = True

def judge_process(sha, sock):
    die_with_parent()
    os.setsid()
    fd = sock.fileno()
    if fd != 3:
        os.dup2(fd, 3)
    null = os.open(os.devnull, os.O_RDWR)
    for i in (0, 1, 2):
        os.dup2(null, i)
    os.closerange(4, 65536)
    os.chdir('/')
    drop_caps()
    enter_seccomp()
    mod = PREPARED[sha]
    sys.argv = ['main.py']
    sys.modules['__main__'] = mod
    mod.assay_judge(3)

# ---- one CPU per job ----
# A warm job is a chain of processes that take turns and never run at once: the host hands the job to
# the server, the server to the execution and the judge, the judge calls the program and waits for
# its answer (once per test), the server waits for the judge. Each wakeup that crosses to another CPU
# costs an interprocessor interrupt and the wakeup of an idle CPU (measured on this project's 2-core
# VM: a round trip between two processes took 49 us of CPU across CPUs, 13 us on one). So for each
# job the server keeps itself, its judges, its zygote and the job's executions on the CPU it was woken
# on; between jobs the server may run on any CPU of its set (the scheduler places the next job where
# the machine has room), and its helpers follow it at the next job. Nothing is enforced by it: a
# program may widen its own affinity, which gains it only parallelism, and its CPU time is counted
# the same. A plain program (not a harness) gets the server's whole set back as it starts (program()):
# only the start of its job is pinned. SandboxOptions.pinCpu = false turns it off.
CPUS = [None]  # the server's CPU set at start (restored between jobs); None: not pinning

def pin_job(nxt):
    """Keep the server, its helpers and the job's first execution (nxt, when cloned) on the CPU the
    server runs on now, for this job."""
    if CPUS[0] is None:
        return
    cpu = libc.sched_getcpu()
    if cpu not in CPUS[0]:
        return
    one = {cpu}
    try:
        os.sched_setaffinity(0, one)
    except OSError:
        return
    z = ZYGOTE[0]
    # The execution was cloned with the zygote's affinity as it was then (or the server's whole set).
    moved = [nxt[0]] if type(nxt) is tuple and (z is None or z.cpu != cpu) else []
    for h in list(JUDGES.values()) + ([z] if z is not None else []):
        if h.cpu != cpu:
            moved.append(h.pid)
            h.cpu = cpu
    for pid in moved:
        try:
            os.sched_setaffinity(pid, one)
        except OSError:
            pass  # gone: its job or the next one says how

def unpin():
    if CPUS[0] is not None:
        try:
            os.sched_setaffinity(0, CPUS[0])
        except OSError:
            pass

def judges_ready():
    """Before a job is read (nothing of one in memory): a judge for every program with a worker mode,
    a fresh one where the last died, overran its job or retired."""
    for sha in PREPARED:
        j = JUDGES.get(sha)
        if j is not None and not j.dead and not j.retire:
            try:
                if os.waitpid(j.pid, os.WNOHANG)[0] == 0:
                    continue
            except ChildProcessError:
                pass
        if j is not None:
            j.stop()
        try:
            JUDGES[sha] = Judge(sha)
        except BaseException as e:
            JUDGES.pop(sha, None)  # its jobs run as plain programs (the harness judges itself)
            sys.stderr.write('cannot start the judge of %s: %s\n' % (sha[:12], e))

def wait_exit(pid, seconds):
    """Whether pid (our child) exited within seconds, without reaping it."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
            time.sleep(0.002)
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    try:
        return bool(select.select([fd], [], [], max(0.0, seconds))[0])
    finally:
        os.close(fd)

def judged(judge, buf, stdin, lim, cpu_ms, memory_mb, nxt, started, out, err, ids):
    """A run of a worker-mode program by its judge: the execution nxt is the first worker, the judge
    gets the tests and reports into pipes read here, and asks for fresh workers and for how workers
    ended (see Judge). Returns the report and the stdout and stderr lengths, like pump."""
    pid, job_w, out_r, err_r, status_r, chan = nxt
    tests = os.memfd_create('tests', os.MFD_CLOEXEC)
    write_all(tests, stdin)
    os.lseek(tests, 0, os.SEEK_SET)
    r_out, w_out = os.pipe()
    r_err, w_err = os.pipe()
    cpu_s = max(1, -(-cpu_ms // 1000))
    try:
        socket.send_fds(judge.sock, [b'J %d %d %d\n' % (pid, cpu_s, memory_mb)], [tests, w_out, w_err, chan])
        sent = True
    except OSError:
        sent = False
    for fd in (tests, w_out, w_err, chan):
        os.close(fd)
    # The execution starts as the worker at once, while the judge reads the tests. If their dataset
    # code is not pure (pure_code in the harness: it could change the process it runs in), the judge
    # says 'R' and the job runs as a plain program in a fresh execution instead (the harness judging
    # itself inside that execution's namespaces, as on the cold path); see rerun below.
    os.close(out_r)
    os.close(err_r)
    hand_job(job_w, buf, b'', b'w')
    # Every execution of the run -> its status reader (None: the first, whose pipe is read once reaped).
    execs = {pid: None}
    reaped = set()
    usage = {'cpu': 0.0, 'rss': 0}
    state = {'done': False, 'line': bytearray(), 'failed': None, 'rerun': False}

    def reap(p, killed):
        extra = 0.0
        if killed:
            extra = descendants_cpu_ms(p)
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, st, ru = os.wait4(p, 0)
        reaped.add(p)
        cpu = ru.ru_utime + ru.ru_stime
        usage['cpu'] += cpu * 1000.0 + extra
        usage['rss'] = max(usage['rss'], ru.ru_maxrss)
        s_r = execs[p]
        if s_r is not None:
            why = os.read(s_r, 4096)
            os.close(s_r)
            execs[p] = None
            if why:
                state['failed'] = 'a fresh execution could not start: ' + why.decode('utf-8', 'replace')
        return st, cpu

    def respawn():
        try:
            # From the server too where the zygote is gone: a fresh worker execs at once (mode x), so
            # nothing of this process's memory, the job included, survives into it.
            p, jw, o_r, e_r, s_r, c = clone_execution(ids)
        except BaseException as e:
            state['failed'] = 'cannot clone a fresh execution: %s' % e
            judge.sock.sendall(b'P 0\n')
            return
        os.close(o_r)
        os.close(e_r)
        hand_job(jw, buf, b'', b'x')
        execs[p] = s_r
        try:
            socket.send_fds(judge.sock, [b'P %d\n' % p], [c])
        finally:
            os.close(c)

    def request():
        try:
            chunk = judge.sock.recv(4096)
        except OSError:
            chunk = b''
        if not chunk:
            return False  # the judge is gone
        line = state['line']
        line += chunk
        while True:
            i = line.find(b'\n')
            if i < 0:
                if len(line) > 64:
                    return False
                return True
            words = bytes(line[:i]).split()
            del line[:i + 1]
            try:
                if words[0] == b'W':
                    respawn()
                elif words[0] == b'E':
                    p = int(words[1])
                    if p in execs and p not in reaped:
                        left = started + lim['wallMs'] / 1000.0 - time.monotonic()
                        st, cpu = reap(p, not wait_exit(p, min(0.2, max(0.0, left))))
                    else:
                        st, cpu = -1, 0.0
                    judge.sock.sendall(b'S %d %.6f\n' % (st, cpu))
                elif words[0] == b'R' and len(execs) == 1:
                    state['rerun'] = state['done'] = True
                    return 'stop'
                elif words[0] == b'D':
                    state['done'] = True
                    judge.retire = b'r' in words[1:]
                    if b'x' in words[1:]:
                        state['failed'] = 'the judge ended before the tests did'
                    return 'stop'
                else:
                    return False
            except (IndexError, ValueError, OSError):
                return False

    if sent:
        # The status pipe is read once the execution is gone (below), not watched: the worker closes it
        # as it starts, and that end would be one more wakeup of this process per job.
        rep, n_out, n_err, _ = pump(None, os.open(os.devnull, os.O_WRONLY), r_out, r_err, memoryview(b''),
                                    lim, started, out, err, None, requests=(judge.sock.fileno(), request))
    else:
        os.close(r_out)
        os.close(r_err)
        rep, n_out, n_err = {'timedOut': False, 'outputExceeded': False, 'wallMs': 0.0}, 0, 0
    if not state['done']:
        judge.stop()  # overran the deadline, or died: the next job gets a fresh one
    for p in list(execs):
        if p not in reaped:
            reap(p, True)
    # Reaped, the first execution holds its status pipe no more: what it said before starting is here.
    os.set_blocking(status_r, False)
    try:
        status = os.read(status_r, 4096)
    except BlockingIOError:
        status = b''
    os.close(status_r)
    if state['rerun'] and not rep['timedOut']:
        # Not judged here: the job, as a plain program, in a fresh execution, in what is left of its time.
        try:
            fresh = clone_execution(ids, from_server=False)
        except BaseException as e:
            return {'sandboxError': 'cannot clone an execution: %s' % e}, 0, 0
        os.close(fresh[5])
        rep, n_out, n_err = run_plain(*fresh[:5], buf, stdin, lim, started, out, err)
        rep['refused'] = True  # the host sends runs of these tests as plain programs from now on
        return rep, n_out, n_err
    rep['cpuMs'], rep['maxRssKb'] = usage['cpu'], usage['rss']
    rep['exitCode'], rep['signal'] = 0, None
    if status:
        return {'sandboxError': status.decode('utf-8', 'replace')}, 0, 0
    if state['failed']:
        return {'sandboxError': state['failed']}, 0, 0
    if not state['done'] and not rep['timedOut'] and not rep['outputExceeded']:
        return {'sandboxError': 'the judge process ended before the tests did' if sent else 'the judge process is gone'}, 0, 0
    return rep, n_out, n_err

def run_plain(pid, job_w, out_r, err_r, status_r, buf, stdin, lim, started, out, err):
    """The job as a plain program in the execution pid: (report, stdout length, stderr length)."""
    hand_job(job_w, buf, stdin, b'p')
    zero(buf, len(buf))
    zero(stdin, len(stdin))
    rep, n_out, n_err, status = pump(pid, os.open(os.devnull, os.O_WRONLY), out_r, err_r, memoryview(b''),
                                     lim, started, out, err, status_r, descendants=True)
    os.close(status_r)
    if status:
        return {'sandboxError': status.decode('utf-8', 'replace')}, 0, 0
    return rep, n_out, n_err

def execute(job_id, key, buf, stdin, lim, cpu_ms, memory_mb, nxt, out, err, judge, ids):
    """One execution by the process nxt (clone_next), judged (see Judge) when judge is given; writes 'D
    <id> <header length> <stdout length> <stderr length>' and the header JSON, then the raw stdout and
    stderr, then an HMAC-SHA256 of all of it under the job's key (given in its header, after the
    execution was cloned). The job, its stdin and its output exist in this process only in buffers that
    are zeroed before the next execution is cloned, so no later execution, which starts as a copy of
    this process, finds an earlier one's code, input or output in memory it inherited."""
    n_out = n_err = 0
    try:
        if isinstance(nxt, BaseException):
            raise nxt  # the clone failed
        pid, job_w, out_r, err_r, status_r, chan = nxt
        ended = os.waitpid(pid, os.WNOHANG)
        if ended[0] != 0:
            # Killed while it waited (nothing of the job ran): never the program's failure.
            for fd in (job_w, out_r, err_r, status_r, chan):
                os.close(fd)
            raise RuntimeError('the execution ended before its job came (wait status %d)' % ended[1])
        started = time.monotonic()
        if judge is not None:
            rep, n_out, n_err = judged(judge, buf, stdin, lim, cpu_ms, memory_mb, nxt, started, out, err, ids)
        else:
            os.close(chan)
            rep, n_out, n_err = run_plain(pid, job_w, out_r, err_r, status_r, buf, stdin, lim, started, out, err)
    except BaseException as e:
        rep = {'sandboxError': '%s: %s' % (type(e).__name__, e)}
    zero(buf, len(buf))
    zero(stdin, len(stdin))
    head = json.dumps(rep).encode()
    frame = b'D %s %d %d %d\n' % (job_id, len(head), n_out, n_err)
    mac = hmac.new(key, digestmod='sha256')
    for part in (frame + head, memoryview(out)[:n_out], memoryview(err)[:n_err]):
        mac.update(part)
        write_all(1, part)
    write_all(1, mac.digest())
    release(out, n_out + 1)
    release(err, n_err + 1)

def output_buffer(n):
    """A zero-filled buffer of n bytes for a job's output, whose pages exist only once written (an
    anonymous mapping): every execution is cloned from this process, and each page it holds is one
    more to copy and tear down per clone (a bytearray of the 1 MiB cap is 256 written pages)."""
    # Private (copy-on-write in every clone, zero-filled again after MADV_DONTNEED), never the default
    # MAP_SHARED, which every execution cloned from here would share, live, with the server.
    return mmap.mmap(-1, max(n, 1), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)

def release(buf, n):
    """Zero the first n bytes of an output_buffer by giving their pages back: what a program wrote is
    gone from this process (and from every execution cloned from it later), and holds no memory."""
    if n > 0:
        buf.madvise(mmap.MADV_DONTNEED, 0, min(len(buf), -(-n // mmap.PAGESIZE) * mmap.PAGESIZE))

def write_all(fd, data):
    view = memoryview(data)
    while len(view):
        view = view[os.write(fd, view):]

def serve():
    """One execution at a time: the next job is read only after the previous one, and with it every
    process of that execution, is gone. Concurrency comes from several servers, each in its own bwrap
    sandbox (so each has its own network namespace, which is costly to create per run)."""
    global CLONE, PYAPI, PYLIBC
    CLONE = _clone_syscall()
    if CLONE is None:
        import platform
        sys.stderr.write('no clone(2) syscall number known for %s; use the sandbox option warm: false\n' % platform.machine())
        sys.exit(2)
    FRESH_VM[0] = _FRESH_PAGES * os.sysconf('SC_PAGE_SIZE')
    PYAPI, PYLIBC = ctypes.pythonapi, ctypes.PyDLL(None, use_errno=True)
    os.environ.clear()
    os.environ.update(ENV)  # the programs' environment, inherited by every execution
    if hasattr(sys, 'set_int_max_str_digits'):
        sys.set_int_max_str_digits(0)  # what PYTHONINTMAXSTRDIGITS=0 sets in a fresh interpreter
    # What python3 without -S also has: exit() and quit(), and Debian's dist-packages (numpy and the
    # scientific stack the datasets' tests import), read-only under /usr.
    import site
    site.setquit()
    for d in ('/usr/local/lib/python3/dist-packages', '/usr/lib/python3/dist-packages',
              '/usr/lib/python3.%d/dist-packages' % sys.version_info[1]):
        if os.path.isdir(d) and d not in sys.path:
            sys.path.append(d)
    SERVER_PATH[:] = sys.path
    for m in PRELOAD:
        try:
            __import__(m)
        except ImportError:
            pass
    # Not dumpable: no process of the same uid may ptrace the server or read its memory.
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    ids = (os.getuid(), os.getgid())
    n = int(read_line(0))
    init = json.loads(read_exact(0, n))
    load_seccomp(init['seccomp'])
    for layer in ('zygote', 'execution'):
        if init.get('seccomp_' + layer):
            load_seccomp(init['seccomp_' + layer], layer)
    PRECOMPILED.update(compile_apart(init['programs']))
    for sha, src in init['programs'].items():
        SOURCES[sha] = src.encode()
    define_workers(init.get('workers') or ())
    if init.get('pinCpu', True) and hasattr(libc, 'sched_getcpu'):
        try:
            CPUS[0] = os.sched_getaffinity(0)
        except OSError:
            pass
    del init
    out = err = output_buffer(0)
    import gc
    gc.collect()
    # Every execution is a copy of this process: the fewer pages it holds, the less each clone copies
    # (page tables) and tears down. Freed heap memory (what compiling and importing left) goes back.
    libc.malloc_trim(0)
    gc.freeze()  # keep the collector from touching (and copying) the server's objects in every fork
    judges_ready()
    zygote_ready(ids)
    os.write(1, b'READY\n')
    while True:
        judges_ready()
        # The next job's execution: cloned while we wait for that job.
        z = zygote_ready(ids)
        nxt = None
        if z is not None:
            try:
                z.ask()
            except OSError:
                z.stop()
                ZYGOTE[0] = z = None
        if z is None:
            try:
                nxt = clone_next(ids)
            except BaseException as e:
                nxt = e  # said as the next job's sandbox error
        # (its length, 4 digits) R <id> <job length> <stdin length> <wall ms> <output cap> <sha of its worker-mode program or ->
        # <CPU ms> <memory MB>, then the report key (32 raw bytes, read into a buffer zeroed after the report: never
        # text, which no later execution could be kept from finding), then the job JSON, then stdin.
        line = read_header(0).split()
        job_id = line[1].encode()
        n, n_stdin, wall_ms, cap, cpu_ms, memory_mb = (int(x) for x in line[2:6] + line[7:9])
        judge = JUDGES.get(line[6])
        del line
        key = read_exact(0, 32)
        buf = read_exact(0, n)
        stdin = read_exact(0, n_stdin) if n_stdin else bytearray()
        if nxt is None:
            try:
                nxt = clone_execution(ids, from_server=False)  # the job is in memory now
            except BaseException as e:
                nxt = e
        pin_job(nxt)
        # Output buffers of this job's cap: grown when it is larger, and unmapped when it is much
        # smaller. Their pages are given back after every report (release), so they hold none now.
        if len(out) < cap + 1 or len(out) > max(4 * (cap + 1), 8 << 20):
            out.close()
            err.close()
            out, err = output_buffer(cap + 1), output_buffer(cap + 1)
        execute(job_id, key, buf, stdin, {'wallMs': wall_ms, 'outputBytes': cap}, cpu_ms, memory_mb, nxt, out, err,
                judge if judge is not None and not judge.dead else None, ids)
        zero(key, len(key))  # before the next execution is cloned
        unpin()
        nxt = None
        del buf, stdin, key

if __name__ == '__main__':
    try:
        launch() if sys.argv[1] == 'launch' else serve()
    except EOFError:
        pass
`;

/**
 * How a warm server starts: \`python3 -S -c SERVER_BOOT serve <RUNNER_PY>\`. It compiles the runner in a
 * child process and runs the code object the child sends back marshalled, as compile_apart does for
 * the harness: compiling leaves megabytes of freed syntax-tree memory in the process that compiles
 * (measured: 9.6 MB of anonymous memory after \`-c RUNNER_PY\`, 5.6 MB after loading the same code
 * marshalled), and every execution is a clone of the server, so each page it holds is copied into every
 * clone's page tables and torn down with it. Measures the fresh interpreter's address space first.
 */
export const SERVER_BOOT = String.raw`
_FRESH_PAGES = int(open('/proc/self/statm').read().split()[0])
import os, sys, marshal
src = sys.argv.pop()
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        os.close(r)
        view = memoryview(marshal.dumps(compile(src, '<runner>', 'exec')))
        while view:
            view = view[os.write(w, view):]
    finally:
        os._exit(0)
os.close(w)
del src
parts = []
while True:
    part = os.read(r, 1 << 20)
    if not part:
        break
    parts.append(part)
os.close(r)
os.waitpid(pid, 0)
code = marshal.loads(b''.join(parts))
del parts
exec(code, {'__name__': '__main__', '__builtins__': __builtins__, '_FRESH_PAGES': _FRESH_PAGES})
`;
