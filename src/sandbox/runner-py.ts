/**
 * The supervisor that runs inside the bubblewrap sandbox, in Python because python3 is on every machine
 * that runs code rewards and its os module reaches fork, setrlimit, wait4 and unshare (via ctypes).
 *
 * `launch` (cold path): bwrap runs it as PID 1 of the sandbox; it reads one job from fd 3, writes the files
 * into the tmpfs working directory, forks the program with its limits, pumps stdin/stdout/stderr with
 * caps and the wall deadline, and writes one JSON report to fd 3. As PID 1 it cannot be killed from
 * inside (`kill -9 -1` spares it), and when it exits the kernel kills every process left in the sandbox.
 *
 * `serve` (warm path, Python only): a pre-started interpreter with common modules imported. For each
 * job it forks an executor that unshares fresh user, mount, PID and IPC namespaces (the network
 * namespace is the server's own, and a server runs one execution at a time),
 * mounts a fresh size-limited tmpfs as /work and a fresh /proc, then forks the program as PID 1 of its
 * own PID namespace, with every capability dropped, so one execution never sees another's files, processes,
 * sockets or memory. The server reads each job into a buffer it zeroes right after the fork, so a
 * later execution cannot find an earlier one's code in memory it inherited.
 */
export const RUNNER_PY = String.raw`
import os, sys, json, time, signal, select, resource, base64, ctypes, fcntl, errno

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_DUMPABLE = 4
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 0x4000, 1 << 18
ENV = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': '/work', 'LANG': 'C.UTF-8', 'TMPDIR': '/work', 'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONHASHSEED': '0'}

def die_with_parent():
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

def set_limits(lim, pid1=False):
    cpu = max(1, -(-lim['cpuMs'] // 1000))
    # PID 1 of a namespace ignores SIGXCPU (default action), so it gets SIGKILL at the limit instead.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu if pid1 else cpu + 1))
    mem = lim['asBytes']
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_FSIZE, (lim['fileBytes'], lim['fileBytes']))
    resource.setrlimit(resource.RLIMIT_NPROC, (lim['processes'], lim['processes']))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

class _CapHeader(ctypes.Structure):
    _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]

class _CapData(ctypes.Structure):
    _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]

# Built once: creating ctypes classes costs about a millisecond, paid per execution otherwise.
_CAP_HEADER, _CAP_EMPTY = _CapHeader(0x20080522, 0), (_CapData * 2)()

def drop_caps():
    # capset(2) with empty sets: the program keeps no capability in the namespaces its executor made.
    if libc.capset(ctypes.byref(_CAP_HEADER), ctypes.byref(_CAP_EMPTY)) != 0:
        raise OSError(ctypes.get_errno(), 'capset')
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)

def write_files(root, files):
    for rel, f in files.items():
        path = os.path.join(root, rel)
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        data = base64.b64decode(f['data']) if f.get('b64') else f['data'].encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, f.get('mode', 0o644))
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

def child_stdio(inr, outw, errw):
    os.dup2(inr, 0)
    os.dup2(outw, 1)
    os.dup2(errw, 2)
    os.closerange(3, 65536)

def pump(pid, inw, outr, errr, stdin_data, lim, started, status_r=None):
    """Feed stdin, collect output up to the cap, stop at the wall deadline; returns raw facts."""
    deadline = started + lim['wallMs'] / 1000.0
    cap = lim['outputBytes']
    out, err = bytearray(), bytearray()
    total = 0
    over = timed_out = False
    status = None
    readers = {outr: out, errr: err}
    status_buf = bytearray()
    if status_r is not None:
        readers[status_r] = status_buf
    pending = memoryview(stdin_data)
    if len(pending) == 0:
        os.close(inw); inw = None
    else:
        os.set_blocking(inw, False)
    while readers or inw is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ws = [inw] if inw is not None else []
        try:
            r, w, _ = select.select(list(readers), ws, [], left)
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
            chunk = os.read(fd, 65536)
            if not chunk:
                del readers[fd]
                if fd != status_r:
                    os.close(fd)
                continue
            if fd == status_r:
                readers[fd] += chunk
                continue
            total += len(chunk)
            if total > cap:
                over = True
                keep = cap - (total - len(chunk))
                readers[fd] += chunk[:max(0, keep)]
                break
            readers[fd] += chunk
        if over:
            break
    if timed_out or over:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if status_r is not None:
        status = bytes(status_buf)
    _, st, ru = os.wait4(pid, 0)
    if inw is not None:
        os.close(inw)
    wall = (time.monotonic() - started) * 1000.0
    rep = {'stdout': out.decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace'),
           'timedOut': timed_out, 'outputExceeded': over, 'wallMs': wall}
    if os.WIFEXITED(st):
        rep['exitCode'], rep['signal'] = os.WEXITSTATUS(st), None
    else:
        rep['exitCode'], rep['signal'] = None, os.WTERMSIG(st)
    return rep, status

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
    n = int(read_line(3))
    job = json.loads(read_exact(3, n))
    root = job.get('root', '/work')
    os.chdir(root)
    write_files(root, job['files'])
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER, in case PID 1 is not us
    pipes = [os.pipe() for _ in range(3)]
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            child_stdio(pipes[0][0], pipes[1][1], pipes[2][1])
            set_limits(job['limits'])
            os.execve(job['cmd'][0], job['cmd'], dict(ENV, HOME=root, TMPDIR=root))
        except BaseException as e:
            os.write(2, ('sandbox: cannot start %r: %s\n' % (job['cmd'][0], e)).encode())
        os._exit(127)
    os.close(pipes[0][0]); os.close(pipes[1][1]); os.close(pipes[2][1])
    rep, _ = pump(pid, pipes[0][1], pipes[1][0], pipes[2][0], job.get('stdin', '').encode(), job['limits'], started)
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
    emit = job.get('emit')
    if emit and rep['exitCode'] == 0 and not rep['timedOut']:
        try:
            with open(os.path.join(root, emit), 'rb') as f:
                rep['artifact'] = base64.b64encode(f.read()).decode()
        except OSError as e:
            rep['artifactError'] = str(e)
    data = json.dumps(rep).encode()
    os.write(3, b'%d\n' % len(data))
    view = memoryview(data)
    while len(view):
        view = view[os.write(3, view):]

# ---- warm path: fork server for Python ----
PRECOMPILED = {}  # sha256 of a well-known program's source -> its code object, compiled once per server
PRELOAD = ['ast', 'json', 'types', 'traceback', 'signal', 'collections', 'itertools', 'functools', 'math', 're', 'heapq', 'bisect', 'typing', 'string',
           'random', 'fractions', 'decimal', 'datetime', 'copy', 'operator', 'statistics', 'hashlib',
           'traceback', 'io', 'array', 'dataclasses', 'enum', 'numbers', 'cmath', 'abc', 'contextlib']

def run_python_inprocess(job):
    """In the program process (PID 2 of a fresh namespace): become a fresh 'python3 main.py'."""
    import builtins, types, io, random
    os.chdir('/work')
    os.environ.clear()
    os.environ.update(ENV)
    main = job['main']
    sys.argv = [main] + job.get('args', [])
    sys.path[0] = '/work'
    # sys.stdin/stdout/stderr already wrap fds 0-2, now the program's pipes; the server never used
    # their buffers (it speaks to the host with os.read/os.write), so they start empty.
    random.seed()
    mod = types.ModuleType('__main__')
    mod.__file__ = '/work/' + main
    mod.__builtins__ = builtins
    sys.modules['__main__'] = mod
    code = 0
    try:
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

def isolate(disk_bytes):
    # A user namespace per execution, not one per server: keyrings and other per-user kernel state then
    # die with the execution. No CLONE_NEWNET: the server's sandbox has its own network namespace and
    # runs one execution at a time (a network namespace per run costs more than the rest together).
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) != 0:
        raise OSError(ctypes.get_errno(), 'unshare')
    with open('/proc/self/uid_map', 'w') as f:
        f.write('%d %d 1\n' % (uid, uid))
    with open('/proc/self/setgroups', 'w') as f:
        f.write('deny')
    with open('/proc/self/gid_map', 'w') as f:
        f.write('%d %d 1\n' % (gid, gid))
    if libc.mount(b'none', b'/', None, MS_REC | MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), 'mount --make-rprivate /')
    # Fresh, size-limited: the working directory and the only other writable places (the root and
    # /dev are read-only), so nothing written here is seen by the server's next execution.
    for where, mode in ((b'/work', 0o755), (b'/tmp', 0o1777), (b'/dev/shm', 0o1777)):
        opts = ('size=%d,mode=%o' % (disk_bytes, mode)).encode()
        if libc.mount(b'tmpfs', where, b'tmpfs', MS_NOSUID | MS_NODEV, opts) != 0:
            raise OSError(ctypes.get_errno(), 'mount tmpfs ' + where.decode())

def executor(job_id, buf, lockfd):
    """Forked per job: isolate, run the program as PID 1 of its namespace, write the report frame."""
    die_with_parent()
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # its own /proc files must be its own to write its uid_map
    try:
        job = json.loads(buf)
        isolate(job['limits']['diskBytes'])
        write_files('/work', job['files'])
        pipes = [os.pipe() for _ in range(3)]
        started = time.monotonic()
        init = os.fork()
        if init == 0:
            program(job, pipes)
        os.close(pipes[0][0]); os.close(pipes[1][1]); os.close(pipes[2][1])
        rep, _ = pump(init, pipes[0][1], pipes[1][0], pipes[2][0], job.get('stdin', '').encode(), job['limits'], started)
        finish_usage(rep)
    except BaseException as e:
        rep = {'sandboxError': '%s: %s' % (type(e).__name__, e)}
    data = json.dumps(rep).encode()
    fcntl.flock(lockfd, fcntl.LOCK_EX)
    try:
        view = memoryview(b'D %s %d\n' % (job_id, len(data)) + data)
        while len(view):
            view = view[os.write(1, view):]
    finally:
        fcntl.flock(lockfd, fcntl.LOCK_UN)
    os._exit(0)

def program(job, pipes):
    """PID 1 of the execution's fresh PID namespace: a fresh /proc, then the program itself, in this
    process (no extra fork: a third process layer cost more than a fifth of an execution). As PID 1
    it cannot be killed by itself or its children, and when it exits the kernel kills whatever it
    left behind. The one visible difference from a plain process: signals it sends itself with a
    default action (os.kill(os.getpid(), SIGTERM), SIGALRM without a handler) are ignored."""
    try:
        die_with_parent()
        # Own session and process group: kill(0) from the program must not reach the fork server,
        # whose process group spans the PID namespaces.
        os.setsid()
        if libc.mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV, None) != 0:
            # Never leave the outer /proc (the server's processes) in view.
            if libc.mount(b'tmpfs', b'/proc', b'tmpfs', MS_NOSUID | MS_NODEV, b'size=4k,mode=0555') != 0:
                raise OSError(ctypes.get_errno(), 'hide /proc')
        libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # an ordinary process again (its memory is its own)
        child_stdio(pipes[0][0], pipes[1][1], pipes[2][1])
        drop_caps()
        set_limits(job['limits'], pid1=True)
    except BaseException as e:
        os.write(2, ('sandbox: cannot start the program: %s\n' % e).encode())
        os._exit(127)
    run_python_inprocess(job)

def serve():
    """One execution at a time: the next job is read only after the previous executor, and with it
    every process of that execution, is gone. Concurrency comes from several servers, each in its
    own bwrap sandbox (so each has its own network namespace, which is costly to create per run)."""
    for m in PRELOAD:
        try:
            __import__(m)
        except ImportError:
            pass
    # Not dumpable: no process of the same uid may ptrace the server or read its memory.
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    n = int(read_line(0))
    for sha, src in json.loads(read_exact(0, n)).items():
        PRECOMPILED[sha] = compile(src, '/work/main.py', 'exec')
    import gc
    gc.collect()
    gc.freeze()  # keep the collector from touching (and copying) the server's objects in every fork
    lockfd = os.open('/tmp/.assay-lock', os.O_CREAT | os.O_RDWR, 0o600)
    os.write(1, b'READY\n')
    while True:
        line = read_line(0).split()
        job_id, n = line[1].encode(), int(line[2])
        buf = read_exact(0, n)
        pid = os.fork()
        if pid == 0:
            executor(job_id, buf, lockfd)
        buf[:] = bytes(n)
        del buf
        os.waitpid(pid, 0)

if __name__ == '__main__':
    try:
        launch() if sys.argv[1] == 'launch' else serve()
    except EOFError:
        pass
`;
