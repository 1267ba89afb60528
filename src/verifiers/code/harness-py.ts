/**
 * The Python test harness for function-style tests (HumanEval `check`, MBPP asserts, call-based APPS /
 * TACO / LiveCodeBench). It is the sandboxed program, and it is two kinds of process:
 *
 * - the **judge** (this process): it runs the dataset's test code, holds the expected values and the
 *   per-run nonce, compares, and reports. The candidate never runs in it.
 * - **workers**: each runs the candidate's module once and then serves calls.
 *
 * The stdin carries two length-prefixed JSON frames. The judge reads the first (program, preamble),
 * starts the first worker, and only then reads the second frame (nonce, tests, expected values), so no
 * process that runs the candidate ever holds the second. It runs in one of two ways:
 *
 * - **on its own** (the cold path): this file is the sandboxed program and the judge (assay_main). The
 *   first worker is forked from it before it reads the second frame and points its stdin at /dev/null
 *   before anything else; a later worker (after one died or hung) is forked from the judge, which by
 *   then holds the secrets, so it execs a fresh interpreter at once (this file in worker mode) and
 *   receives the program over its channel.
 * - **judge mode** (a warm server): each server forks one judge before any job (assay_judge), outside
 *   every execution's namespaces, and it judges job after job; the job's execution, a clone of the
 *   server, is the first worker (assay_worker), and the server clones a fresh execution, which execs
 *   this file in worker mode, for each later worker (see Judge in runner-py.ts). The judge cannot be
 *   seen, signalled or traced from any worker, and no worker is ever a copy of it.
 *
 * Either way no worker has the secrets in its memory, and none can reach the judge's: the judge is not
 * dumpable (no ptrace, /proc/<pid>/mem or /proc/<pid>/fd access for the same uid), and the workers'
 * stdin, stdout and stderr are /dev/null (the judge reports on a private duplicate of stdout that no
 * worker holds).
 *
 * The test code (HumanEval's `check`, MBPP asserts, setup) runs in the judge, with every name the
 * program defines bound to a **remote** stand-in: calling it sends the arguments to the worker, which
 * calls the real function and sends back the result as text (JSON when that is exact, else JSON whose
 * lists say the type of what they stand for: never eval, never pickle). A result reaches the test code
 * only as a plain value the judge parsed itself from that text (int, float, complex, str, bytes, bool,
 * None and list, tuple, dict, set, frozenset of them, by exact type): an object with its own `__eq__` (a
 * function, a `functools.partial`, a subclass of int) can never reach a comparison. A non-plain result
 * (an instance, a generator) comes back as a handle whose attributes, items and iteration are remote
 * too, and whose truth value and comparisons raise, so `assert candidate(x)` cannot pass on an opaque
 * object. Assert-style tests thus run next to the candidate's *values*, not next to its code: a worker
 * can lie about what its function returned, which only means it computed the value another way.
 *
 * A worker that dies, exits or hangs fails the test it was serving (the judge kills it at the per-test
 * limit) and a fresh worker serves the next test. Names the program defines never shadow builtins in
 * the tests (a program's own `abs` stays the program's), and names the dataset's HumanEval prompt
 * defines (helpers such as `poly`) are the prompt's own, run in the judge.
 *
 * Limits of this design, on purpose: arguments are copies, so a test that expects the candidate to
 * mutate its argument in place sees no change; a test may pass plain values and handles to the
 * program, not its own functions.
 */
export const HARNESS_PY = String.raw`
import os, sys, json, ast, math, signal, socket, time, traceback, types, builtins, ctypes, resource, _signal

# Looked up once (a warm server defines this module before any job): loading the C library and finding
# prctl in each worker cost 0.2 ms of its start, mostly copy-on-write faults.
_prctl = ctypes.CDLL(None).prctl

def not_dumpable():
    # No process of the same uid may ptrace this one nor read its memory or descriptors.
    _prctl(4, 0, 0, 0, 0)
def system_path():
    # The judge imports only from the system's libraries, never from the working directory the program
    # can write to; the standard scientific packages (numpy) are in Debian's dist-packages. Called at
    # the start and again by each entry point: whoever ran this module before (a warm server prepares
    # it ahead of the job) may have set sys.path since.
    sys.path[:] = [p for p in sys.path if p not in ('', '.', '/work', os.getcwd()) and not p.startswith('/work/')]
    if os.path.isdir('/usr/lib/python3/dist-packages') and '/usr/lib/python3/dist-packages' not in sys.path:
        sys.path.append('/usr/lib/python3/dist-packages')

system_path()
sys.dont_write_bytecode = True
# Test data and answers are integers of any size, as judges' Python (3.10 and before) read them.
if hasattr(sys, 'set_int_max_str_digits'):
    sys.set_int_max_str_digits(0)
BUILTIN_NAMES = frozenset(builtins.__dict__)
MAX_MESSAGE = 64 << 20

# The framing helpers repeat the supervisor's (runner-py.ts) on purpose: this file is a standalone
# program, run as main.py on both sandbox paths, and cannot import the supervisor.
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

def read_line(fd, limit=32):
    line = bytearray()
    while True:
        c = os.read(fd, 1)
        if not c:
            raise EOFError('channel closed')
        if c == b'\n':
            return bytes(line)
        line += c
        if len(line) > limit:
            raise ValueError('bad frame header')

def read_frame(fd):
    n = int(read_line(fd))
    if n < 0 or n > MAX_MESSAGE:
        raise ValueError('message too large')
    return read_exact(fd, n)

class Channel:
    """Frames from a socket, read a buffer at a time: a short frame is one system call, where reading
    its header a byte at a time took four. Only for the judge-worker channel: stdin is read a byte at a
    time on purpose, so that the judge never holds the second frame before the first worker is forked."""
    def __init__(self, fd):
        self.fd, self.buf = fd, bytearray()

    def read_frame(self):
        buf = self.buf
        while True:
            i = buf.find(b'\n', 0, 33)
            if i >= 0:
                break
            if len(buf) > 32:
                raise ValueError('bad frame header')
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise EOFError('channel closed')
            buf += chunk
        n = int(buf[:i])
        if n < 0 or n > MAX_MESSAGE:
            raise ValueError('message too large')
        end = i + 1 + n
        if len(buf) < end:
            buf += read_exact(self.fd, end - len(buf))
        msg = buf[i + 1:end]
        del buf[:end]
        return msg

def write_all(fd, data):
    view = memoryview(data)
    while len(view):
        view = view[os.write(fd, view):]

def send_msg(fd, text):
    data = text.encode('utf-8', 'surrogatepass')
    write_all(fd, b'%d\n' % len(data) + data)

# ---- plain values as text, both ways ----
class NotPlain(Exception):
    pass

SEP = '\x1e'  # escaped inside both JSON and Python literals, so it only ever separates parts

_JSON_SCALARS = (int, float, str, bool, type(None))

def jsonable(value):
    """Whether JSON gives the value back with the same exact types: lists, dicts with str keys and
    int, float, str, bool, None (no subclass, no tuple, set, bytes or complex), at most 100 deep."""
    stack = [(value, 0)]
    while stack:
        x, depth = stack.pop()
        t = type(x)
        if t in _JSON_SCALARS:
            continue
        if depth >= 100:
            return False
        if t is list:
            stack.extend((v, depth + 1) for v in x)
        elif t is dict:
            for k, v in x.items():
                if type(k) is not str:
                    return False
                stack.append((v, depth + 1))
        else:
            return False
    return True

# json.dumps(value, allow_nan=False) builds a new encoder on every call; this one is built once.
_JSON_EXACT = json.JSONEncoder(allow_nan=False).encode

def encode(value, handle=None):
    """Text of a value: JSON (tagged J) when it gives the value back exactly, else tagged JSON (T, see
    tagged()); both parsed in C, fast for big test data and answers."""
    if jsonable(value):
        try:
            return 'J' + _JSON_EXACT(value)
        except ValueError:
            pass  # nan or inf
    return 'T' + _JSON_EXACT(tagged(value, handle))

def encode_parts(parts, handle=None):
    """A message of several values, each encoded on its own (a big JSON argument beside a handle)."""
    return 'P' + SEP.join(encode(p, handle) for p in parts)

_SCALARS = (int, str, bool, type(None))

def tagged(value, handle=None, depth=0):
    """A plain value as JSON data, by exact type: int, str, bool, None and finite floats as themselves,
    everything else a list whose first item says what it is: ['l', ...] list, ['t', ...] tuple, ['s', ...]
    set, ['f', ...] frozenset, ['d', key, value, ...] dict, ['b', latin-1 text] bytes, ['c', re, im]
    complex, ['x', 'nan' | 'inf' | '-inf'] float; handle(x) gives ['h', n] or ['n', name] for anything
    else, or NotPlain is raised when there is no handle function. (Python literals read through a syntax
    tree cost the reader hundreds of bytes an element; JSON a few dozen.)"""
    t = type(value)
    if t in _SCALARS:
        return value
    if t is float:
        return value if value == value and value not in (math.inf, -math.inf) else ['x', repr(value)]
    if depth > 100:
        raise NotPlain('a value nested more than 100 levels deep')
    if t is list or t is tuple or t is set or t is frozenset:
        tag = 'l' if t is list else 't' if t is tuple else 's' if t is set else 'f'
        if all(type(v) in _SCALARS for v in value):
            return [tag, *value]
        return [tag] + [tagged(v, handle, depth + 1) for v in value]
    if t is dict:
        out = ['d']
        for k, v in value.items():
            out.append(tagged(k, handle, depth + 1))
            out.append(tagged(v, handle, depth + 1))
        return out
    if t is bytes:
        return ['b', value.decode('latin-1')]
    if t is complex:
        return ['c', tagged(value.real), tagged(value.imag)]
    if handle is not None:
        return handle(value)
    raise NotPlain('a %s' % t.__name__)

_BUILDERS = {'l': list, 't': tuple, 's': set, 'f': frozenset}

def untag(v, handle=None, depth=0):
    """The plain value tagged() data stands for (ValueError when it is not such data); ['h', n] and
    ['n', name] become handle('H', n) and handle('N', name) when a handle function is given."""
    t = type(v)
    if t in _SCALARS or t is float:
        return v
    if t is not list or not v or type(v[0]) is not str or depth > 100:
        raise ValueError('not a plain value')
    tag = v[0]
    build = _BUILDERS.get(tag)
    try:
        if build is not None:
            if not any(type(x) is list for x in v):
                return build(v[1:])
            return build(untag(x, handle, depth + 1) for x in v[1:])
        if tag == 'd' and len(v) % 2 == 1:
            return {untag(v[i], handle, depth + 1): untag(v[i + 1], handle, depth + 1) for i in range(1, len(v), 2)}
        if len(v) == 2 and tag == 'b' and type(v[1]) is str:
            return v[1].encode('latin-1')
        if len(v) == 3 and tag == 'c' and all(type(x) in (int, float) or type(x) is list for x in v[1:]):
            re, im = untag(v[1], None, depth + 1), untag(v[2], None, depth + 1)
            if type(re) is float and type(im) is float:
                return complex(re, im)
        if len(v) == 2 and tag == 'x' and v[1] in ('nan', 'inf', '-inf'):
            return float(v[1])
        if handle is not None and len(v) == 2 and tag == 'h' and type(v[1]) is int:
            return handle('H', v[1])
        if handle is not None and len(v) == 2 and tag == 'n' and type(v[1]) is str and v[1].isidentifier():
            return handle('N', v[1])
    except (TypeError, UnicodeError):
        pass  # an unhashable key or member
    raise ValueError('not a plain value')

def decode(text, handle=None):
    """The plain value a text of encode() stands for (never eval, never pickle, never a syntax tree);
    handles become handle(kind, arg) when a handle function is given."""
    if text[:1] == 'P':
        return tuple(decode(p, handle) for p in text[1:].split(SEP))
    if text[:1] == 'J':
        return json.loads(text[1:])  # only dict, list, str, int, float, bool and None come out
    if text[:1] == 'T':
        return untag(json.loads(text[1:]), handle)
    raise ValueError('not a plain value')

def failure_of(e, where=''):
    if isinstance(e, TestTimeout):
        return ('timeout', 'test took longer than its time limit')
    if isinstance(e, RunOverCPU):
        return ('timeout', 'CPU-time limit of the run reached')
    if isinstance(e, SystemExit):
        return ('exit', 'the program called exit(%s) %s' % (e.code, where))
    if isinstance(e, AssertionError):
        return ('wrong_answer', short(e) or 'assertion failed')
    if isinstance(e, MemoryError):
        return ('memory', 'MemoryError')
    if isinstance(e, ProgramFailed):
        return (e.kind, e.message)
    tb = traceback.format_exception_only(type(e), e)
    return ('runtime_error', short(''.join(tb).strip() + (' ' + where if where else '')))

def short(text, n=300):
    text = str(text).replace('\n', ' | ')
    return text if len(text) <= n else text[:n] + '...'

class TestTimeout(BaseException):
    pass

CLK_TCK = os.sysconf('SC_CLK_TCK')

def judge_line():
    """The judge and the processes above it (a cold sandbox's supervisor): every other process of the
    execution is the program's."""
    line, pid = set(), os.getpid()
    while pid > 0 and pid not in line:
        line.add(pid)
        try:
            with open('/proc/%d/stat' % pid, 'rb') as f:
                pid = int(f.read().rsplit(b')', 1)[1].split()[1])
        except (OSError, ValueError):
            break
    return frozenset(line)

JUDGE_LINE = frozenset()

class Clock:
    """The per-test limit is CPU time of the worker (deterministic under load), polled with a timer,
    with a wall-clock backstop of 3 x the limit + 1 s for a program that waits instead of computing."""
    limit = 0.0
    base = {}
    wall_end = 0.0

    @staticmethod
    def cpu_of(pid):
        # The process's CPU-time clock (clock_getcpuclockid(3): CPUCLOCK_SCHED of the whole process,
        # encoded as ~pid << 3 | 2): one system call where /proc/<pid>/stat took nine.
        try:
            return time.clock_gettime((~pid << 3) | 2)
        except (OSError, OverflowError):
            return 0.0

    @staticmethod
    def children_of(pid):
        """CPU seconds of the processes a worker started: those it reaped, and every other process of
        this execution but the judge and those above it (a child, a grandchild orphaned to PID 1 by a
        double fork, live or unreaped). Work moved out of the worker counts against the test like work
        done in it. One listing of /proc; a process's stat is read only when there is one."""
        try:
            if JUDGE_CHAN is not None:
                # Judge mode: the worker is PID 1 of its own namespace, so every process it started
                # (a grandchild orphaned by a double fork too) is its child or below one; a worker of
                # one thread lists its children in one file, and most have none. Both files stay open
                # while the worker lives (a read at offset 0 is a fresh one; after the worker is
                # gone, reads fail instead of reading another process that took its pid).
                fds = Clock.fds.get(pid)
                if fds is None:
                    fds = Clock.fds[pid] = (os.open('/proc/%d/stat' % pid, os.O_RDONLY | os.O_CLOEXEC),
                                            os.open('/proc/%d/task/%d/children' % (pid, pid), os.O_RDONLY | os.O_CLOEXEC))
                fields = os.pread(fds[0], 4096, 0).rsplit(b')', 1)[1].split()
                ticks = int(fields[13]) + int(fields[14])  # cutime, cstime
                if fields[17] == b'1' and not os.pread(fds[1], 4096, 0).strip():
                    return ticks / CLK_TCK
            else:
                with open('/proc/%d/stat' % pid, 'rb') as f:
                    ticks = sum(int(x) for x in f.read().rsplit(b')', 1)[1].split()[13:15])  # cutime, cstime
            names = os.listdir('/proc')
        except (OSError, IndexError, ValueError):
            return 0.0
        if JUDGE_CHAN is not None:
            # Every process descended from the worker, and nothing else.
            parent, times = {}, {}
            for name in names:
                if name.isdigit():
                    try:
                        with open('/proc/%s/stat' % name, 'rb') as f:
                            fields = f.read().rsplit(b')', 1)[1].split()
                    except OSError:
                        continue
                    parent[int(name)] = int(fields[1])
                    times[int(name)] = sum(int(x) for x in fields[11:15])
            for p in parent:
                q, hops = parent[p], 0
                while q in parent and q != pid and hops < 64:
                    q, hops = parent[q], hops + 1
                if q == pid:
                    ticks += times[p]
            return ticks / CLK_TCK
        for name in names:
            if name.isdigit() and int(name) not in JUDGE_LINE and int(name) != pid:
                try:
                    with open('/proc/%s/stat' % name, 'rb') as f:
                        ticks += sum(int(x) for x in f.read().rsplit(b')', 1)[1].split()[11:15])
                except OSError:
                    pass
        return ticks / CLK_TCK

    @classmethod
    def total(cls, pid):
        return cls.cpu_of(pid) + cls.children_of(pid)

    @classmethod
    def used(cls, end=False):
        """CPU seconds the worker used since the test started. end: the test's last reading, which
        the next test starts from when it is served by the same worker (the worker waits for its
        next call meanwhile, and anything a process it left behind computes then counts too)."""
        w = SESSION.worker
        if w is None or not w.alive:
            return 0.0
        total = cls.total(w.pid)
        if end:
            cls.last = (w.pid, total)
        return total - cls.base.get(w.pid, 0.0)

    active = False
    last = (0, 0.0)
    fds = {}  # judge mode: pid -> the worker's open /proc stat and children files

    @classmethod
    def forget(cls, pid):
        for fd in cls.fds.pop(pid, ()):
            os.close(fd)

    @classmethod
    def start(cls, limit):
        cls.active = True
        cls.limit = limit
        w = SESSION.worker
        last, cls.last = cls.last, (0, 0.0)
        if w is None or not w.alive:
            cls.base = {}
        elif last[0] == w.pid:
            cls.base = {w.pid: last[1]}
        else:
            cls.base = {w.pid: cls.total(w.pid)}
        cls.wall_end = time.monotonic() + 3 * limit + 1
        signal.setitimer(signal.ITIMER_REAL, min(limit, FLUSH_S) if BATCH[0] else limit)

def _alarm(signum, frame):
    # A SIGALRM a worker sends (the judge is PID 1 of the warm namespace, so only handled signals reach
    # it) must never end anything but a timed test: outside one it is ignored.
    if not Clock.active:
        return
    flush_reports()
    left = min(Clock.limit - Clock.used(), Clock.wall_end - time.monotonic())
    if left <= 0:
        raise TestTimeout()
    signal.setitimer(signal.ITIMER_REAL, max(0.01, left))

class ProgramFailed(BaseException):
    """A call into the program failed in a way no test may take for an ordinary exception: the process
    died or exited, or sent back something unreadable or opaque. A BaseException, so a test's
    \`except Exception\` (written for an exception the program should raise) does not swallow it."""
    def __init__(self, kind, message):
        BaseException.__init__(self, message)
        self.kind, self.message = kind, message

# The failure kinds a worker may report; anything else it says is a runtime error. Only the judge's own
# reading of the test code says 'vacuous' or 'not_run' (a worker that said them had its failures dropped).
WORKER_KINDS = frozenset(('wrong_answer', 'runtime_error', 'timeout', 'memory', 'exit'))

def worker_kind(kind):
    return kind if type(kind) is str and kind in WORKER_KINDS else 'runtime_error'

def raised(kind, message, name):
    """What the program raised, raised again here as the same builtin exception class (so a test that
    expects a ValueError sees one), or as ProgramFailed when it is not an ordinary builtin exception."""
    kind = worker_kind(kind)
    cls = builtins.__dict__.get(name) if type(name) is str else None
    if cls in (StopIteration, StopAsyncIteration):
        # Raised in the tests' own loop (all(map(...))), it would end that loop early: as PEP 479 does
        # for generators, it arrives as a RuntimeError.
        cls, message = RuntimeError, '%s raised by the program: %s' % (name, message)
    if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, AssertionError):
        if message.startswith(name + ': '):
            message = message[len(name) + 2:]
        try:
            return cls(message)
        except BaseException:
            pass
    return ProgramFailed(kind, message)

# ---- worker: the candidate's process ----
# The usual preamble, compiled once: a warm server defines this module before any job, so every worker
# it clones starts with it.
TYPING_PREAMBLE = 'from typing import *'
PREAMBLES = {}  # preamble text -> the globals it leaves (imports only: the same objects every time)

def preamble_globals(text, name):
    """Fresh globals named name holding what the preamble text binds: its imports run once per process
    (and the usual one in a warm server, before any worker is cloned from it), then are copied."""
    got = PREAMBLES.get(text)
    if got is None:
        got = {'__name__': '__preamble__', '__builtins__': builtins}
        exec(compile(text, '<preamble>', 'exec'), got)
        if len(PREAMBLES) < 64:
            PREAMBLES[text] = got
    g = dict(got)
    g['__name__'] = name
    return g

preamble_globals(TYPING_PREAMBLE, '__candidate__')

def worker(conn, wait=False):
    fd = conn.fileno()
    chan = Channel(fd)
    # The program's calls get the depth they would have from a module's top level in a fresh python3,
    # whatever frames (a warm server's, the judge's) lie below this one.
    sys.setrecursionlimit(1000 + stack_depth() - 1)
    as_python3_signals()
    g = {'__name__': '__candidate__', '__builtins__': builtins}
    # Compiling runs none of the program, so it is done while the judge reads its tests; the preamble
    # (the harness's own imports) runs now too. A syntax error is reported once the program may run.
    try:
        # The program's globals are a module's, registered as __candidate__ (the name its functions
        # carry): pickling a function or class by reference imports its module, as multiprocessing does
        # for a Pool's tasks, and in python3 a script's __main__ can be imported so.
        mod = types.ModuleType('__candidate__')
        mod.__dict__.update(preamble_globals(PROGRAM['preamble'], '__candidate__'))
        g = mod.__dict__
        sys.modules['__candidate__'] = mod
        before = dict(g)
        code = compile(PROGRAM['program'], '<candidate>', 'exec')
        early = None
    except BaseException as e:
        early = e
    if wait:
        # The first worker holds off until the judge has reported how many tests there are: a program
        # that kills the judge can then only fail its tests, never make the run look unloadable.
        chan.read_frame()
    objs = []
    def new_handle(x):
        if type(x).__module__ == 'numpy' and hasattr(x, 'tolist'):
            return tagged(x.tolist(), new_handle)
        objs.append(x)
        return ['h', len(objs) - 1]
    def resolve(kind, arg):
        if kind == 'H' and type(arg) is int and 0 <= arg < len(objs):
            return objs[arg]
        if kind == 'N' and type(arg) is str and arg in g:
            return g[arg]
        raise NameError('the program does not define %s' % arg)
    def as_plain(x):
        # numpy's scalars and arrays are answers too: their plain equivalents are sent.
        if type(x).__module__ == 'numpy' and hasattr(x, 'tolist'):
            return x.tolist()
        return x
    def reply(value):
        try:
            text = encode_parts(('ok', as_plain(value)), new_handle)
        except BaseException as e:
            text = encode_parts(('err', 'wrong_answer', 'the result cannot be sent back: %s' % short(e, 120)))
        send_msg(fd, text)
    try:
        if early is not None:
            raise early
        exec(code, g)
        exports = {}
        for name, v in list(g.items()):
            if name.startswith('__') or (name in before and before[name] is v):
                continue
            if isinstance(v, types.ModuleType):
                exports[name] = ('module', str(getattr(v, '__name__', '')))
                continue
            try:
                text = encode(v)
                exports[name] = ('value', text) if len(text) < (1 << 20) else ('obj',)
            except BaseException:
                exports[name] = ('obj',)
        send_msg(fd, encode_parts(('ready', exports)))
    except BaseException as e:
        send_msg(fd, encode_parts(('load_error',) + failure_of(e, 'while loading the program')))
        os._exit(0)
    while True:
        try:
            req = decode(chan.read_frame().decode('utf-8', 'surrogatepass'), resolve)
        except EOFError:
            os._exit(0)
        op = req[0]
        try:
            if op == 'call':
                r = req[1](*req[2], **req[3])
            elif op == 'getattr':
                r = getattr(req[1], req[2])
            elif op == 'list':
                r = list(req[1])
            elif op == 'len':
                r = len(req[1])
            elif op == 'getitem':
                r = req[1][req[2]]
            elif op == 'contains':
                r = req[2] in req[1]
            elif op == 'setattr':
                r = setattr(req[1], req[2], req[3])
            elif op == 'setitem':
                r = req[1].__setitem__(req[2], req[3])
            else:  # resolve: a function, or a method of a fresh Solution() (LeetCode style)
                r = g.get(req[1])
                if r is None and isinstance(g.get('Solution'), type):
                    r = getattr(g['Solution'](), req[1], None)
                if r is None:
                    raise NameError('the program does not define %s' % req[1])
        except BaseException as e:
            send_msg(fd, encode_parts(('err',) + failure_of(e) + (type(e).__name__,)))
            continue
        reply(r)

def to_devnull():
    # Before any of the program runs: stdin (where the judge's secrets are still queued), stdout (the
    # judge's report channel) and stderr are /dev/null in every process but the judge.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)

def stack_depth():
    depth, f = 0, sys._getframe(1)
    while f is not None:
        depth, f = depth + 1, f.f_back
    return depth

# Signals whose default action ends the process; a PID 1 (a warm worker is PID 1 of its own namespace)
# never gets the signals it sends itself with their default action.
ENDING_SIGNALS = tuple(int(getattr(signal, n)) for n in ('SIGHUP', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGALRM',
                                                           'SIGVTALRM', 'SIGPROF', 'SIGIO', 'SIGPWR', 'SIGSYS', 'SIGTRAP')
                       if hasattr(signal, n))

def _ended_by(signum, frame):
    os._exit(128 + signum)  # as a shell reports a process a signal ended

# SIGKILL has no handler: its usual senders, aimed at a PID-1 worker itself, end it themselves (a
# program that sends it some other way only spares itself). Made once, with the module.
_kill, _killpg, _raise_signal = os.kill, os.killpg, signal.raise_signal

def _own_kill(pid, sig):
    if sig == signal.SIGKILL and pid in (0, 1):
        _ended_by(sig, None)
    return _kill(pid, sig)

def _own_killpg(pgid, sig):
    if sig == signal.SIGKILL and pgid in (0, os.getpgrp()):
        _ended_by(sig, None)
    return _killpg(pgid, sig)

def _own_raise(sig):
    if sig == signal.SIGKILL:
        _ended_by(sig, None)
    return _raise_signal(sig)

# The stand-in handler (_ended_by) is the default action as the program sees it: setting SIG_DFL for a
# signal whose default ends the process installs it (or a PID 1 would survive that signal sent to
# itself, where python3 dies of it), and it reads back as SIG_DFL. Made once, with the module.
_set_handler, _get_handler, _DFL = signal.signal, signal.getsignal, signal.SIG_DFL
_DFL_ENDS = frozenset(ENDING_SIGNALS + (int(signal.SIGINT),))

def _own_signal(signalnum, handler):
    if type(handler) in (int, signal.Handlers) and handler == 0 and signalnum in _DFL_ENDS:
        handler = _ended_by
    old = _set_handler(signalnum, handler)
    return _DFL if old is _ended_by else old

def _own_getsignal(signalnum):
    old = _get_handler(signalnum)
    return _DFL if old is _ended_by else old

# Per job in a judge: plain numbers for _signal (see as_python3_signals).
SIGPROF, SIGALRM = int(signal.SIGPROF), int(signal.SIGALRM)

def as_python3_signals():
    """Signals as in a fresh python3: SIGINT raises KeyboardInterrupt (a cold judge ignores it, and its
    workers inherit that), and on a PID 1 a signal the program sends itself ends it as it would end any
    other process (with status 128 + the signal), where the kernel would drop it. Not SIGKILL or
    SIGSTOP, which no handler can stand in for."""
    # Through _signal, the C module under signal: signal.signal and getsignal convert every handler
    # they return to an enum member, which cost each worker 0.15 ms (mostly copy-on-write faults).
    _signal.signal(int(signal.SIGINT), signal.default_int_handler)
    if os.getpid() == 1:
        for sig in ENDING_SIGNALS:
            if _signal.getsignal(sig) == _signal.SIG_DFL:
                _signal.signal(sig, _ended_by)
        os.kill, os.killpg, signal.raise_signal = _own_kill, _own_killpg, _own_raise
        signal.signal, signal.getsignal = _own_signal, _own_getsignal
    else:
        try:
            os.setpgid(0, 0)  # its own group, which the judge kills whole when it kills it (cold path)
        except OSError:
            pass

def fork_worker():
    """(pid, the judge's end of the channel) of the first worker, forked before the judge holds secrets."""
    a, b = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            a.close()
            to_devnull()
            worker(b, wait=True)
        finally:
            os._exit(0)
    b.close()
    return pid, a

def adopt_worker(pid, fd):
    """(pid, the judge's end of the channel) of a worker the sandbox started (judge mode): it gets the
    program over its channel, and waits for the judge's go."""
    sock = socket.socket(fileno=fd)
    send_msg(fd, json.dumps(dict(PROGRAM, cwd='/work', wait=True)))
    return pid, sock

def exec_worker():
    """A later worker (after one died or hung). In judge mode the warm server starts it, a fresh
    execution that execs this file in worker mode. Else the judge now holds the secrets, so the child
    it forks replaces itself at once with a fresh interpreter running this file in worker mode. Either
    way nothing of a judge's or server's memory survives the exec, and the program arrives over the
    channel (fd 3)."""
    if JUDGE_CHAN is not None:
        words, fds = server_ask(b'W\n', fds=1)
        if len(words) != 2 or words[0] != b'P' or not fds or int(words[1]) <= 0:
            for fd in fds:
                os.close(fd)
            raise ProgramFailed('runtime_error', 'no fresh run of the program could be started')
        pid, sock = int(words[1]), socket.socket(fileno=fds[0])
        send_msg(sock.fileno(), json.dumps(dict(PROGRAM, cwd='/work')))
        return pid, sock
    a, b = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(b.fileno(), 3)
            os.set_inheritable(3, True)
            to_devnull()
            os.closerange(4, 65536)
            os.execv('/usr/bin/python3', ['python3', '-S', HARNESS_FILE, '--worker'])
        finally:
            os._exit(127)
    b.close()
    send_msg(a.fileno(), json.dumps(dict(PROGRAM, cwd=os.getcwd())))
    return pid, a

HARNESS_FILE = os.path.abspath(globals().get('__file__') or 'main.py')

def assay_worker(fd=3):
    """Worker mode: the program arrives on the channel at fd (with the directory to work in and whether
    to wait for the judge's go), then calls are served on it."""
    global PROGRAM
    not_dumpable()
    system_path()
    PROGRAM = json.loads(read_frame(fd))
    try:
        os.chdir(PROGRAM.get('cwd') or '/')
        worker(socket.socket(fileno=fd), wait=bool(PROGRAM.get('wait')))
    finally:
        os._exit(0)

def judge_job(first_worker, frames=None):
    """One run of the tests: the program frame from stdin, the first worker (which loads the program
    meanwhile), and only then the frame with the tests and the nonce, which no process that runs the
    candidate ever had in its memory. frames: both, already read (judge mode, whose workers are never
    copies of the judge)."""
    global PROGRAM, _first, payload, NONCE, OUT
    if frames is None:
        PROGRAM = json.loads(bytes(read_frame(0)).decode('utf-8', 'surrogatepass'))
        _first = first_worker()
        payload = json.loads(read_frame(0))
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
    else:
        PROGRAM, payload = frames
        _first = first_worker()
    NONCE = payload.pop('nonce')
    OUT = os.dup(1)
    BATCH[0] = JUDGE_CHAN is not None and payload.get('test_timeout_ms', 0) > 0
    try:
        main()
    finally:
        BATCH[0] = False
        try:
            flush_reports()
        finally:
            del REPORTS[:]
            os.close(OUT)

def assay_main():
    """The judge of one run (cold path, or a warm server without a judge): the first worker is forked
    from here before the judge reads the tests."""
    global JUDGE_LINE
    not_dumpable()
    system_path()
    JUDGE_LINE = judge_line()
    # Python turns SIGINT into KeyboardInterrupt wherever the judge happens to be; a worker could send
    # one to break into its bookkeeping (as PID 1 of a warm namespace, handled signals reach it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    judge_job(fork_worker)
    # The worker is not waited for (0.8 ms): the sandbox ends every process of this execution with the
    # judge, and a warm server stopping it at a limit counts its processes' CPU time itself.
    os._exit(0)

# Judge mode (a warm server's judge, serving job after job): its socket to the server, and the CPU-time
# limit of the current job's workers. None on the cold path.
JUDGE_CHAN = None
CPU_LIMIT = 0

def server_ask(line, fds=0):
    """One exchange with the warm server: (the words of its one-line answer, the descriptors that came
    with it). A test's timer (SIGALRM) is held off meanwhile, so it cannot cut the exchange in half."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        JUDGE_CHAN.sendall(line)
        got, got_fds = bytearray(), []
        while not got.endswith(b'\n'):
            msg, more, _, _ = socket.recv_fds(JUDGE_CHAN, 64, max(fds, 1))
            if not msg:
                os._exit(1)  # the server is gone: nothing left to judge for
            got += msg
            got_fds += more
            if len(got) > 64:
                os._exit(1)
        return bytes(got).split(), got_fds
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)

def server_status(pid):
    """(wait status, CPU seconds) of a worker whose channel ended (judge mode): the server, its parent,
    waits briefly for it to exit, kills it if it does not, and reaps it."""
    words, _ = server_ask(b'E %d\n' % pid)
    try:
        return int(words[1]), float(words[2])
    except (IndexError, ValueError):
        return -1, 0.0

def rss_mb():
    """This process's resident memory now, MB (what a judge holds from earlier jobs counts against the
    memory of every later program: it retires above 96 MB, and a fresh one is forked)."""
    try:
        with open('/proc/self/statm', 'rb') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / (1 << 20)
    except (OSError, ValueError, IndexError):
        return 0.0

def read_job(fd):
    """Judge mode: the job's two frames from its stdin file (program, tests), parsed, with the tests
    compiled into this judge's cache and whether their dataset code is pure (compiled_tests). Compiling
    runs none of it, and nothing is imported for it: pure code uses only modules the judge has."""
    frames = Channel(fd)
    program = json.loads(bytes(frames.read_frame()).decode('utf-8', 'surrogatepass'))
    tests = json.loads(frames.read_frame())
    try:
        pure = compiled_tests(tests)[4]
    except Exception:
        pure = False  # the job's own run compiles them again, and says what is wrong
    return (program, tests), pure

def run_job(pid, chan, frames):
    """The job's tests, judged by this process (judge_job), with their stdout and stderr on fds 1 and 2.
    Tests that cannot be run say why on stderr (the host reports them as not loaded, with it)."""
    try:
        if frames is None:
            raise ValueError('the job could not be read')
        judge_job(lambda: adopt_worker(pid, chan), frames)
    except BaseException:
        try:
            traceback.print_exc()
        except BaseException:
            pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        Clock.active = False
        for f in (sys.stdout, sys.stderr):
            try:
                f.flush()
            except BaseException:
                pass

PERSISTENT = [False]  # judging in the persistent judge itself (judge_here)
RUN_OVER = [False]  # the run's CPU time is spent (judge_here): its remaining tests time out

class RunOverCPU(BaseException):
    pass

def _run_over(signum, frame):
    RUN_OVER[0] = True
    raise RunOverCPU()

def vm_size():
    with open('/proc/self/statm', 'rb') as f:
        return int(f.read().split()[0]) * os.sysconf('SC_PAGE_SIZE')

def judge_here(pid, out_w, err_w, chan, frames):
    """A job whose dataset code is pure (pure_code), judged in this persistent judge: no fork, its state
    reset around it."""
    global SESSION, _first
    PERSISTENT[0] = True
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    os.close(out_w)
    os.close(err_w)
    SESSION, _first = Session(), None
    Clock.active, Clock.last = False, (0, 0.0)  # a pid of an earlier job may be reused
    # The limits a cold judge runs under, for this job's tests: the run's CPU time (a CPU-time timer; when
    # it fires the run's remaining tests time out) and address space (half the job's memory: a
    # MemoryError fails the test, where the cgroup's OOM killer would end the judge and make the run
    # an error).
    limits = [(resource.RLIMIT_AS, resource.getrlimit(resource.RLIMIT_AS))]
    RUN_OVER[0] = False
    _signal.signal(SIGPROF, _run_over)
    signal.setitimer(signal.ITIMER_PROF, max(0.01, CPU_LIMIT))
    try:
        if MEMORY_MB[0]:
            resource.setrlimit(resource.RLIMIT_AS, (vm_size() + (MEMORY_MB[0] << 20) // 2, limits[0][1][1]))
    except (ValueError, OSError):
        pass
    try:
        run_job(pid, chan, frames)
        return True
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _signal.signal(SIGPROF, _signal.SIG_IGN)
        for r, v in limits:
            try:
                resource.setrlimit(r, v)
            except (ValueError, OSError):
                pass
        w = SESSION.worker
        if w is not None:
            w.end()
        elif _first is not None:
            _first[1].close()
        else:
            try:
                os.close(chan)
            except OSError:
                pass
        for p in list(Clock.fds):
            Clock.forget(p)
        SESSION, _first = Session(), None
        PERSISTENT[0] = False
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)

def assay_judge(fd):
    """Judge mode: a warm server's judge, forked from it before any job (see Judge in runner-py.ts). Each
    job arrives on the socket fd as 'J <worker pid> <CPU limit s> <memory MB>' with four descriptors: the job's
    stdin (the two frames), its stdout and stderr, and the channel of its first worker, which is the
    job's execution. This process reads and compiles the job (read_job). A job whose dataset code is pure
    (pure_code: it cannot change the process it runs in) is judged here (judge_here); for any other
    it says 'R', and the server runs that job as a plain program in its own execution, where
    the harness judges it inside the execution's namespaces, so no job's tests ever run where they could
    change how a later job is judged or reach the server. After a judged job, 'D' (all its output
    written): 'r' added when this judge retires (a fresh one is forked for the next job), 'x' when it
    could not judge the job to its end."""
    global JUDGE_CHAN, CPU_LIMIT
    not_dumpable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    system_path()
    JUDGE_CHAN = socket.socket(fileno=fd)
    served = 0
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(JUDGE_CHAN, 64, 4)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)
        words = msg.split()
        if len(words) != 4 or words[0] != b'J' or len(fds) != 4:
            os._exit(1)  # not the server speaking: it kills and replaces us
        pid, CPU_LIMIT, MEMORY_MB[0] = int(words[1]), int(words[2]), int(words[3])
        tests_fd, out_w, err_w, chan = fds
        try:
            frames, pure = read_job(tests_fd)
        except BaseException:
            frames, pure = None, False
        os.close(tests_fd)
        if not pure:
            # Its dataset code could change the process it runs in: the server runs the job as a plain
            # program in its own execution instead, where the harness judges it as on the cold path.
            for f in (out_w, err_w, chan):
                os.close(f)
            frames = None
            JUDGE_CHAN.sendall(b'R\n')
            continue
        ok = judge_here(pid, out_w, err_w, chan, frames)
        frames = None  # nothing of the job stays here but its compiled tests
        served += 1
        retire = served >= 500 or rss_mb() > 96
        # Said once the job's judge has ended: the server reads what the pipes hold and stops.
        JUDGE_CHAN.sendall(b'D' + (b' r' if retire else b'') + (b'' if ok else b' x') + b'\n')
        if retire:
            os._exit(0)

def report(*parts):
    line = ('\n' + NONCE + ' ' + ' '.join(str(p) for p in parts) + '\n').encode('utf-8', 'replace')
    REPORTS.append(line)
    if not BATCH[0] or parts[0] == 'count' or time.monotonic() - FLUSHED[0] > FLUSH_S:
        flush_reports()

# Judge mode with a per-test limit: report lines are written together, one wakeup of the server per
# run instead of one per test. Never held for long: the count at once, the rest at the end, whenever
# FLUSH_S has passed since the last write, and by a test's timer, whose first tick comes FLUSH_S into
# the test; so a run stopped at its deadline loses at most the results of its last FLUSH_S.
BATCH = [False]
FLUSH_S = 0.05
REPORTS = []
FLUSHING = [False]
FLUSHED = [0.0]

def flush_reports():
    if REPORTS and not FLUSHING[0]:  # never from a timer that interrupted a flush
        FLUSHING[0] = True
        try:
            data = b''.join(REPORTS)
            del REPORTS[:]
            write_all(OUT, data)
            FLUSHED[0] = time.monotonic()
        finally:
            FLUSHING[0] = False

# Judge mode: the job's memory limit, MB (the judge shares the job's cgroup, and never holds the limit
# itself). On the cold path the judge's own address-space limit says it.
MEMORY_MB = [0]

def memory_budget():
    """Bytes the judge may spend reading one answer: half of the job's memory."""
    mb = MEMORY_MB[0]
    if not mb:
        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        mb = limit >> 20 if limit > 0 else 512
    return (mb << 20) // 2

def parse_cost(raw):
    """Bytes reading a reply frame would take, estimated from its text in a few linear scans (no parse),
    which a program could otherwise make the judge spend until the job's memory is gone (an error, not
    its 0): about 40 per element (and 100 per part of a several-part reply), plus the text itself two
    or three times over (the bytes, their decoded text, the strings in it), at 4 bytes a character when
    any is beyond ASCII."""
    width = 1 if raw.isascii() and b'\\u' not in raw else 4
    items = raw.count(b',') + raw.count(b'[') + raw.count(b'{') + 1
    return 40 * items + 100 * raw.count(b'\x1e') + (2 + width) * len(raw)

class Worker:
    def __init__(self, first=None):
        self.pid, self.sock = first if first is not None else exec_worker()
        self.fd = self.sock.fileno()
        self.chan = Channel(self.fd)
        self.alive = True

    def ask(self, text):
        try:
            send_msg(self.fd, text)
        except OSError:
            pass  # it ended: reading says how
        return self.read()

    def read(self):
        try:
            raw = self.chan.read_frame()
        except (OSError, EOFError, ValueError):
            self.end()
            raise ProgramFailed(*self.ended())
        if parse_cost(raw) > memory_budget():
            self.kill()
            raise ProgramFailed('wrong_answer', 'the program sent back a value too large for the judge to read')
        try:
            return decode(raw.decode('utf-8', 'surrogatepass'), remote_of)
        except BaseException:
            self.kill()
            raise ProgramFailed('wrong_answer', 'the program sent back something that is not a plain value')

    def ended(self):
        cpu = 0.0
        if JUDGE_CHAN is not None:
            status, cpu = server_status(self.pid)
            limit = CPU_LIMIT
        else:
            try:
                _, status, ru = os.wait4(self.pid, 0)
                cpu = ru.ru_utime + ru.ru_stime
            except ChildProcessError:
                status = -1
            limit = resource.getrlimit(resource.RLIMIT_CPU)[0]
        if status >= 0 and os.WIFEXITED(status):
            code = os.WEXITSTATUS(status)
            if code == 0:
                return ('exit', 'the program exited before this test finished')
            return ('runtime_error', 'the program exited with code %d' % code)
        if status >= 0 and os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            # SIGXCPU at RLIMIT_CPU; SIGKILL there when the limit's hard and soft values are one (the
            # program is PID 1 of a warm namespace, and its workers inherit that).
            if sig == signal.SIGXCPU or (sig == signal.SIGKILL and limit > 0 and cpu >= limit - 0.5):
                return ('timeout', 'CPU-time limit of the run reached')
            return ('runtime_error', 'the program was killed by signal %d' % sig)
        return ('runtime_error', 'the program ended')

    def end(self):
        if self.alive:
            self.alive = False
            self.sock.close()
            Clock.forget(self.pid)

    def kill(self):
        if self.alive:
            try:
                if JUDGE_CHAN is None:
                    try:
                        # Cold path: the processes it started go with it (a warm worker is PID 1 of its
                        # namespace, which takes them), or their CPU would count against the next test.
                        os.killpg(self.pid, signal.SIGKILL)
                    except OSError:
                        pass
                os.kill(self.pid, signal.SIGKILL)
                # Reaped: a zombie still counts against the process limit (judge mode: by the server).
                if JUDGE_CHAN is not None:
                    server_status(self.pid)
                else:
                    os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.end()

class Session:
    """The current worker; a new one (a fresh run of the program) after one ended."""
    def __init__(self):
        self.worker = None
        self.exports = None
        self.load_error = None

    def current(self):
        w = self.worker
        if w is None or not w.alive:
            global _first
            w = self.worker = Worker(_first)
            _first = None
            if Clock.active:
                # A worker started inside a timed test: its own CPU counts from its start, but not
                # processes that were there before it (on the cold path, what a killed worker left).
                Clock.base[w.pid] = Clock.children_of(w.pid)
            hello = w.read()  # the worker speaks first, once the program is loaded
            if type(hello) is not tuple or not hello or hello[0] not in ('ready', 'load_error'):
                w.kill()
                raise ProgramFailed('runtime_error', 'the program did not start')
            if hello[0] == 'load_error':
                w.kill()
                raise ProgramFailed(worker_kind(hello[1]), str(hello[2]) if len(hello) > 2 else '')
            if self.exports is None:
                self.exports = hello[1] if type(hello[1]) is dict else {}
        return w

    def rpc(self, *req):
        w = self.current()
        for x in req:
            if type(x) is Remote and x._gen is not None and x._gen is not w:
                raise ProgramFailed('runtime_error', 'an object from an earlier run of the program')
        try:
            text = encode_parts(req, remote_ref)
        except NotPlain as e:
            raise TypeError('cannot pass %s to the program' % e)
        r = w.ask(text)
        if type(r) is not tuple or len(r) < 2 or r[0] not in ('ok', 'err'):
            w.kill()
            raise ProgramFailed('runtime_error', 'the program answered out of turn')
        if r[0] == 'err':
            raise raised(str(r[1]), str(r[2]) if len(r) > 2 else '', r[3] if len(r) > 3 else None)
        return r[1]

    def kill(self):
        if self.worker is not None:
            self.worker.kill()

SESSION = Session()

def remote_ref(x):
    if type(x) is Remote:
        return list(x._ref)
    if type(x).__module__ == 'numpy' and hasattr(x, 'tolist'):
        return tagged(x.tolist())
    raise NotPlain('a %s' % type(x).__name__)

def remote_of(kind, arg):
    if kind != 'H' or type(arg) is not int:
        raise ValueError('bad handle')
    return Remote(('h', arg), SESSION.worker, 'an object')

def _opaque(self, *a):
    raise ProgramFailed('wrong_answer', 'the program returned %s, not a plain value' % self._what)

class Remote:
    """A function, class or object of the program, living in the worker; see the module docstring."""
    __slots__ = ('_ref', '_gen', '_what')

    def __init__(self, ref, gen, what):
        self._ref, self._gen, self._what = ref, gen, what

    def __call__(self, *args, **kwargs):
        return SESSION.rpc('call', self, list(args), kwargs)

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return SESSION.rpc('getattr', self, name)

    def __setattr__(self, name, value):
        if name in Remote.__slots__:
            object.__setattr__(self, name, value)
        else:
            SESSION.rpc('setattr', self, name, value)

    def __setitem__(self, key, value):
        SESSION.rpc('setitem', self, key, value)

    def __iter__(self):
        return iter(SESSION.rpc('list', self))

    def __len__(self):
        return SESSION.rpc('len', self)

    def __getitem__(self, key):
        return SESSION.rpc('getitem', self, key)

    def __contains__(self, item):
        # Compared here, by value, over what iterating it gives: the object's own __contains__ is the
        # program's (an always-true one would pass every 'x in candidate(...)').
        return item in SESSION.rpc('list', self)

    __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _opaque
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __abs__ = __float__ = __int__ = __index__ = _opaque

    def __repr__(self):
        return '<%s of the program>' % self._what


# Modules a program's import may bring into the tests' globals (as the judge's own import, by exact
# name): the ones tests use. Never any other name on the program's word: importing some standard
# modules runs code (unittest.__main__ discovers and imports test*.py from the working directory).
TEST_MODULES = frozenset((
    'math', 'cmath', 're', 'string', 'collections', 'itertools', 'functools', 'heapq', 'bisect', 'random',
    'statistics', 'fractions', 'decimal', 'datetime', 'copy', 'operator', 'json', 'typing', 'array',
    'hashlib', 'textwrap', 'unicodedata', 'time', 'sys', 'os', 'numpy', 'sympy', 'scipy', 'pandas',
))

def bind_exports(g, skip=()):
    """Bind what the program defines into the tests' globals: plain values as values, modules as the
    judge's own import of the same standard module (TEST_MODULES only), everything else as a remote
    stand-in. Never a dunder name (a program's own __builtins__ would be the tests' builtins) and never
    over a name the tests' globals already hold."""
    for name, spec in (SESSION.exports or {}).items():
        if (type(name) is not str or not name.isidentifier() or name.startswith('__') or name in BUILTIN_NAMES
                or name in skip or name in g or type(spec) is not tuple or not spec):
            continue
        if spec[0] == 'value':
            try:
                g[name] = decode(spec[1])
            except Exception:
                pass
        elif spec[0] == 'module':
            # In the persistent judge (judge_here) only a pure module under its own name: the tests'
            # allow-list reads attributes by name, and a program's 'import os as data' must not make
            # their 'data.remove(...)' the judge's os.remove.
            if PERSISTENT[0] and not (spec[1] == name and name in PURE_MODULES):
                continue
            if len(spec) > 1 and type(spec[1]) is str and spec[1] in TEST_MODULES:
                try:
                    g[name] = __import__(spec[1])
                except Exception:
                    pass
        else:
            g[name] = Remote(('n', name), None, name)

def bind_test_modules(g, used, keep):
    """Bind the judge's own import of each module the tests use (module_names_used), over whatever
    the program bound to that name, except names in keep (the tests' or the prompt's own)."""
    for name, module in used.items():
        if name not in keep:
            try:
                g[name] = __import__(module)
            except ImportError:
                g.pop(name, None)

# The names tests use for modules under another name.
MODULE_ALIASES = {'np': 'numpy', 'pd': 'pandas', 'sp': 'scipy', 'it': 'itertools', 'ft': 'functools'}

def code_names(code, names):
    """Every name a code object and those nested in it use: globals, attributes and local variables (a
    superset of the names an attribute is read from)."""
    names.update(code.co_names)
    names.update(code.co_varnames)
    names.update(code.co_cellvars)
    names.update(code.co_freevars)
    for c in code.co_consts:
        if type(c) is types.CodeType:
            code_names(c, names)
    return names

MODULE_NAMES = TEST_MODULES | frozenset(MODULE_ALIASES)

def module_names_used(trees, code=None):
    """{name: module} for the names the tests use as modules (math.isclose(...), np.allclose(...)):
    those are the judge's own imports, whatever the program binds to that name (a class named math with
    an always-true isclose, or numpy imported as math). code: the tests compiled, whose names say at once
    when no such name occurs (most tests), sparing the walk over their syntax trees."""
    used = {}
    if code is not None and not any(MODULE_NAMES.intersection(code_names(c, set())) for c in code):
        return used
    for tree in trees:
        for n in ast.walk(tree):
            if type(n) is ast.Attribute and type(n.value) is ast.Name:
                name = n.value.id
                module = name if name in TEST_MODULES else MODULE_ALIASES.get(name)
                if module is not None:
                    used[name] = module
    return used

def equal(got, want, tol):
    if isinstance(got, tuple):
        got = list(got)
    if isinstance(want, tuple):
        want = list(want)
    if isinstance(got, float) or isinstance(want, float):
        # Numbers only: the string '7' is not the float 7.0 (Python's == says so too).
        if not (isinstance(got, (int, float)) and isinstance(want, (int, float))):
            return False
        # An integer answer is exact: a float is equal to it only as Python's == says (2.0 ** 64 + 1 is
        # not 2 ** 64 + 1), and no tolerance applies, as in the stdin comparison.
        if not tol or (isinstance(want, int) and not isinstance(want, bool)):
            return got == want
        try:
            return math.isclose(float(got), float(want), rel_tol=tol, abs_tol=tol) if tol else float(got) == float(want)
        except (TypeError, ValueError, OverflowError):
            return False
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(equal(a, b, tol) for a, b in zip(got, want))
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(equal(got[k], want[k], tol) for k in got)
    return type(got) is type(want) and got == want or (isinstance(got, (int, float)) and isinstance(want, (int, float)) and not isinstance(got, bool) and got == want)

def has_assert(node):
    return any(isinstance(n, ast.Assert) for n in ast.walk(node))

def vacuous(node):
    """A test that checks nothing the program did: its asserts are built from constants only
    (HumanEval's \`assert True, "This prints if this assert fails"\`). It runs, but is not counted."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Name, ast.Call, ast.Attribute, ast.Subscript, ast.Starred)):
            return False
        for field, v in ast.iter_fields(n):
            if isinstance(n, ast.Assert) and field == 'msg':
                continue
            if isinstance(v, ast.AST):
                stack.append(v)
            elif isinstance(v, list):
                stack.extend(x for x in v if isinstance(x, ast.AST))
    return True

def humaneval_units(test_src):
    """Split check(candidate) into its top-level statements; each one holding an assert is a test."""
    tree = ast.parse(test_src)
    check = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'check'), None)
    module = ast.Module(tree.body, [])
    whole = [('test', ast.parse('check(candidate)').body[0])]
    if check is None or not check.args.args:
        return module, None, whole
    param = check.args.args[0].arg
    units = [('test' if has_assert(s) and not vacuous(s) else 'setup', s) for s in check.body]
    return module, param, units if any(k == 'test' for k, _ in units) else whole

def call_tests(spec):
    """(function name, arguments, expected) of each call test, parsed here from the dataset's own JSON
    text, so big integers and 2.0 versus 2 arrive exactly as written."""
    form = spec['form']
    if form == 'apps':
        io = json.loads(spec['io'])
        fn = spec['fn']
        # APPS and TACO store most expected values wrapped in a list, and their harness accepts the bare
        # value too (the last field says so); LiveCodeBench and explicit tests compare as written.
        return [(fn, a if isinstance(a, list) else [a], o, True) for a, o in zip(io['inputs'], io['outputs'])]
    if form == 'lines':
        return [(spec['fn'], [json.loads(l) for l in i.split('\n') if l.strip()], json.loads(o), False) for i, o in spec['cases']]
    return [(t['fn'], t['args'], t['expected'], False) for t in json.loads(spec['tests'])]

# A judge that serves job after job (judge mode) keeps the compiled form of the tests it has seen, by
# their source text: GRPO scores a group of responses to each prompt, so the same tests come again and
# again (measured: compiling them was a third of the judge's CPU time). Code objects are immutable, and
# each job runs them in fresh globals. Kept small, because the judge's memory is in the cgroup that
# bounds each program's (and the program is what the OOM killer takes first): 1 MB of source in all,
# 512 entries, none over 64 KB, the least recently used dropped first.
COMPILED = {}
COMPILED_BYTES = [0]

def cached(key, make):
    got = COMPILED.pop(key, None)
    if got is None:
        got = (make(), sum(len(k) for k in key if type(k) is str))
        if JUDGE_CHAN is None or got[1] > (64 << 10):
            return got[0]
        COMPILED_BYTES[0] += got[1]
        while COMPILED and (COMPILED_BYTES[0] > (1 << 20) or len(COMPILED) >= 512):
            COMPILED_BYTES[0] -= COMPILED.pop(next(iter(COMPILED)))[1]
    COMPILED[key] = got  # now the most recently used
    return got[0]

# ---- which dataset code may run in a persistent judge ----
# A judge that serves job after job (judge mode) runs a job's dataset code (HumanEval check and prompt,
# MBPP asserts, setup and imports) itself only when its syntax shows it cannot change the judge: plain
# expressions and statements over its own names, the program's functions (remote), pure builtins and a
# few pure modules, and only allow-listed attributes (so no path to a frame, a module's state or the
# judge's own globals). For anything else the judge refuses the job, which then runs as a plain program
# in its own execution (assay_judge). A check that is too strict only costs that plain run; one too
# loose would let one job's tests change another's verdict, so this is an allow-list, node by node.
PURE_BUILTINS = frozenset((
    'abs', 'all', 'any', 'bin', 'bool', 'chr', 'complex', 'dict', 'divmod', 'enumerate', 'filter', 'float',
    'frozenset', 'hex', 'int', 'isinstance', 'len', 'list', 'map', 'max', 'min', 'oct', 'ord', 'pow', 'range',
    'repr', 'reversed', 'round', 'set', 'slice', 'sorted', 'str', 'sum', 'tuple', 'zip', 'True', 'False', 'None',
    'Exception', 'ArithmeticError', 'AssertionError', 'AttributeError', 'IndexError', 'KeyError',
    'LookupError', 'NameError', 'NotImplementedError', 'OverflowError', 'RecursionError', 'RuntimeError',
    'StopIteration', 'TypeError', 'ValueError', 'ZeroDivisionError',
))
# Modules the tests may import and use, with the attributes they may read (functions without state).
PURE_MODULES = {
    'math': frozenset(('isclose', 'sqrt', 'pow', 'floor', 'ceil', 'fabs', 'log', 'log2', 'log10', 'exp', 'pi',
                       'e', 'inf', 'nan', 'isnan', 'isinf', 'gcd', 'factorial', 'comb', 'perm', 'prod', 'sin',
                       'cos', 'tan', 'atan', 'atan2', 'asin', 'acos', 'hypot', 'trunc', 'fsum', 'isqrt', 'lcm',
                       'degrees', 'radians', 'copysign', 'tau', 'dist')),
    'string': frozenset(('ascii_letters', 'ascii_lowercase', 'ascii_uppercase', 'digits', 'punctuation',
                         'whitespace', 'hexdigits', 'octdigits', 'printable')),
}
# Methods of str, bytes, list, tuple, dict, set, int and float that return values or change only the
# object they are called on (which the tests made, or the program's, remotely).
PURE_ATTRIBUTES = frozenset((
    'append', 'extend', 'insert', 'pop', 'remove', 'clear', 'copy', 'count', 'index', 'reverse', 'sort',
    'keys', 'values', 'items', 'get', 'update', 'setdefault', 'add', 'discard', 'union', 'intersection',
    'difference', 'symmetric_difference', 'issubset', 'issuperset', 'isdisjoint', 'join', 'split', 'rsplit',
    'splitlines', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'title', 'capitalize', 'swapcase', 'replace',
    'startswith', 'endswith', 'find', 'rfind', 'rindex', 'isdigit', 'isalpha', 'isalnum', 'isspace',
    'isupper', 'islower', 'isnumeric', 'isdecimal', 'zfill', 'center', 'ljust', 'rjust', 'partition',
    'rpartition', 'encode', 'decode', 'real', 'imag', 'conjugate', 'is_integer', 'bit_length', 'casefold',
))
_PURE_NODES = (
    ast.Module, ast.Expr, ast.Assert, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.FunctionDef, ast.Return,
    ast.If, ast.For, ast.While, ast.Break, ast.Continue, ast.Pass, ast.Try, ast.ExceptHandler, ast.Raise,
    ast.Constant, ast.Name, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.BinOp, ast.UnaryOp, ast.BoolOp,
    ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Starred, ast.Subscript, ast.Slice, ast.ListComp,
    ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension, ast.Lambda, ast.JoinedStr,
    ast.FormattedValue, ast.Attribute, ast.Import, ast.alias, ast.arguments, ast.arg, ast.Load, ast.Store,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context,
)

def pure_code(trees):
    """Whether dataset code (syntax trees) can run in a persistent judge (see above)."""
    for tree in trees:
        for n in ast.walk(tree):
            if not isinstance(n, _PURE_NODES):
                return False
            t = type(n)
            if t is ast.Name:
                name = n.id
                if name.startswith('__') or (name in BUILTIN_NAMES and name not in PURE_BUILTINS):
                    return False
                if (name in TEST_MODULES or name in MODULE_ALIASES) and name not in PURE_MODULES:
                    return False
            elif t is ast.Attribute:
                if type(n.ctx) is not ast.Load or n.attr.startswith('_'):
                    return False
                v = n.value
                if type(v) is ast.Name and v.id in PURE_MODULES:
                    if n.attr not in PURE_MODULES[v.id]:
                        return False
                elif n.attr not in PURE_ATTRIBUTES:
                    return False
            elif t is ast.Import:
                if any(a.name not in PURE_MODULES or (a.asname and a.asname != a.name) for a in n.names):
                    return False
            elif t is ast.FunctionDef:
                if n.decorator_list:  # annotations are expressions, checked as such
                    return False
            elif t is ast.ExceptHandler:
                if n.type is not None and not all(type(e) is ast.Name for e in (n.type.elts if type(n.type) is ast.Tuple else [n.type])):
                    return False
            elif t is ast.Call:
                f = n.func
                if type(f) not in (ast.Name, ast.Attribute):
                    return False
    return True

def parsed(src):
    return ast.parse(src) if type(src) is str else ast.parse('')

def compiled(src, name):
    return cached(('code', name, src), lambda: compile(src, name, 'exec'))

def humaneval_compiled(test_src):
    module, param, stmts = humaneval_units(test_src)
    units = [(k, compile(ast.Module([s], []), '<tests>', 'exec')) for k, s in stmts]
    code = compile(module, '<tests>', 'exec')
    return code, param, units, module_names_used([module], [code] + [c for _, c in units]), pure_code([module])

def asserts_compiled(setup_src, tests):
    setup_tree = ast.parse(setup_src)
    trees, units = [setup_tree], []
    for src in tests:
        tree = ast.parse(src)
        trees.append(tree)
        units.append(('vacuous' if has_assert(tree) and vacuous(tree) else 'test', compile(tree, '<tests>', 'exec')))
    code = compile(setup_tree, '<setup>', 'exec')
    return code, units, module_names_used(trees, [code] + [c for _, c in units]), pure_code(trees)

def compiled_tests(payload):
    """(setup [(kind, code)], units [(kind, code)], HumanEval check's parameter, {name: module} the
    tests use, whether all the job's dataset code may run in a persistent judge (pure_code)) of a
    payload, from the cache when the same tests came before. Call tests run no dataset code."""
    kind = payload.get('kind')
    if kind == 'humaneval':
        test_src = payload['test']
        code, param, units, used, pure = cached(('humaneval', test_src), lambda: humaneval_compiled(test_src))
        prompt = payload.get('prompt', '')
        try:
            compiled(prompt, '<prompt>')
            pure = pure and cached(('pure', prompt), lambda: pure_code([parsed(prompt)]))
        except Exception:
            pure = False  # a prompt that does not compile is the tests' business (main)
        return [('module', code)], units, param, used, pure
    if kind == 'asserts':
        setup_src, tests = payload.get('setup', ''), payload['tests']
        key = ('asserts', setup_src) + tuple(t if type(t) is str else '' for t in tests)
        code, units, used, pure = cached(key, lambda: asserts_compiled(setup_src, tests))
        preamble = payload.get('preamble', '')
        try:
            pure = pure and cached(('pure', preamble), lambda: pure_code([parsed(preamble)]))
        except Exception:
            pure = False
        return [('setup', code)], units, None, used, pure
    return [], [], None, {}, True

def main():
    # The tests' own code gets the same depth on both paths, whatever frames lie below this one.
    sys.setrecursionlimit(1000 + stack_depth() - 1)
    kind = payload['kind']
    tol = payload.get('tol', 0.0)
    g = {'__name__': '__tests__', '__builtins__': builtins}
    units = []
    setup = []
    used_modules = {}
    param = None
    if kind in ('humaneval', 'asserts'):
        setup, units, param, used_modules, _ = compiled_tests(payload)
    else:
        units = [('call', c) for c in call_tests(payload['calls'])]
    total = sum(1 for k, _ in units if k != 'setup')
    report('count', total)
    if _first is not None:
        try:
            send_msg(_first[1].fileno(), 'go')
        except OSError:
            pass  # it is gone already: reading its channel says so
    per_test = payload.get('test_timeout_ms', 0) / 1000.0
    _signal.signal(SIGALRM, _alarm)
    stop_first = payload.get('stop_first', False)
    load_error = None

    def timed(fn):
        try:
            if per_test:
                Clock.start(per_test)
            r = fn()
            if per_test and Clock.used(end=True) > per_test:
                raise TestTimeout()
            return r
        finally:
            Clock.active = False
            signal.setitimer(signal.ITIMER_REAL, 0)

    try:
        timed(SESSION.current)
        # Run for each job (compiled once): what it binds must be this job's own objects.
        exec(compiled(payload.get('preamble', ''), '<preamble>'), g)
        prompt_names = ()
        if kind == 'humaneval':
            entry = payload['entry_point']
            if entry not in (SESSION.exports or {}):
                raise ProgramFailed('runtime_error', 'the program does not define %s' % entry)
            # The prompt's helpers are the dataset's, run here; the entry point is the program's.
            pg = dict(g)
            try:
                exec(compiled(payload.get('prompt', ''), '<prompt>'), pg)
                prompt_names = {n for n in pg if n not in g and n != entry}
            except Exception:
                # The prompt itself does not run here (a missing module): the tests see the program's
                # names. Anything else (an interrupt) fails the tests below, never drops this guard.
                pg = {}
            bind_exports(g, prompt_names)
            for n in prompt_names:
                g[n] = pg[n]
            # Modules the tests use that neither they nor the prompt import are the judge's own too.
            bind_test_modules(g, used_modules, prompt_names)
            target = Remote(('n', entry), None, entry)
            g['candidate'] = target
            if param:
                g[param] = target
        else:
            # The tests' own imports (MBPP test_imports, already in g) stay theirs, and so does every
            # module the tests use as one: a program's class named math must not stand in for the math
            # module the asserts call, whether test_imports or only the program imported it.
            tests_own = set(g)  # test_imports: the tests' own names, kept as they bound them
            bind_exports(g)
            bind_test_modules(g, used_modules, tests_own)
        for _, code in setup:
            timed(lambda: exec(code, g))
    except BaseException as e:
        load_error = failure_of(e, 'while loading the program')
    index = 0
    failed = False
    resolved = {}
    for k, unit in units:
        if RUN_OVER[0] and not load_error:
            load_error = ('timeout', 'CPU-time limit of the run reached')  # as a cold judge dies of it
        if k == 'vacuous':
            report('fail', index, 'vacuous', 'an assert on constants only, not counted')
            index += 1
            continue
        if load_error or (failed and stop_first):
            if k != 'setup':
                report('fail', index, *(load_error or ('not_run', 'skipped after a failure')))
                index += 1
            continue
        try:
            if k == 'call':
                fn, args, expected, unwrap = unit
                def run_call():
                    w = SESSION.current()
                    if resolved.get(fn, (None,))[0] is not w:
                        resolved[fn] = (w, SESSION.rpc('resolve', fn))
                    return SESSION.rpc('call', resolved[fn][1], list(args), {})
                got = timed(run_call)
                want = expected
                ok = equal(got, want, tol) or (unwrap and isinstance(want, list) and len(want) == 1 and equal(got, want[0], tol))
                if not ok:
                    raise AssertionError('expected %s, got %s' % (short(repr(want), 120), short(repr(got), 120)))
            else:
                timed(lambda: exec(unit, g))
        except BaseException as e:
            why = failure_of(e)
            if isinstance(e, TestTimeout):
                SESSION.kill()  # it may be mid-call: a fresh run of the program serves the next test
            if k == 'setup':
                load_error = why
                continue
            report('fail', index, *why)
            index += 1
            failed = True
            continue
        if k != 'setup':
            report('pass', index)
            index += 1
    w = SESSION.worker
    if w is not None and w.alive:
        try:
            os.kill(w.pid, signal.SIGKILL)  # its exit overlaps ours: the sandbox waits for both
        except OSError:
            pass
    report('done', index)

# A warm server runs this file once, define-only (__assay_prepare__ set), then calls assay_judge in its
# judge and assay_worker in each execution itself; run as a plain program, it starts here.
if not globals().get('__assay_prepare__'):
    if sys.argv[1:2] == ['--worker']:
        assay_worker(int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    else:
        assay_main()
`;
