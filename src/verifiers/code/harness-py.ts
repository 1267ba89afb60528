/**
 * The Python test harness for function-style tests (HumanEval `check`, MBPP asserts, call-based APPS /
 * LiveCodeBench). It is the sandboxed program; the candidate and its tests arrive on stdin, so nothing
 * secret is ever on disk, and the harness reads all of stdin before the candidate runs.
 *
 * A test passes only when the harness itself reaches the line after it and reports it, with a
 * per-run random nonce, on a private duplicate of stdout: exiting early, `sys.exit` inside a test,
 * printing fake results after a failure, or crashing the process all leave tests unreported, which
 * the host counts as failed. Builtins are restored before every test, values returned by candidate
 * functions must not carry a comparison the candidate defined (the "always equal" object), and the
 * harness keeps its own references to what it uses. The sandbox, not this file, is the security
 * boundary: a program that walks the interpreter's frames to find the nonce could forge reports, so
 * treat the harness as a guard against reward hacking seen in practice, not against a determined
 * attacker with arbitrary introspection.
 */
export const HARNESS_PY = String.raw`
import sys, os, ast, json, builtins, signal, math, traceback, types
_write, _dup, _exit, _str, _len, _isinstance, _type = os.write, os.dup, os._exit, str, len, isinstance, type
payload = json.loads(sys.stdin.read())
sys.stdin = open(os.devnull)
NONCE = payload.pop('nonce')
OUT = _dup(1)

def report(*parts):
    line = '\n' + NONCE + ' ' + ' '.join(_str(p) for p in parts) + '\n'
    data = line.encode('utf-8', 'replace')
    while data:
        data = data[_write(OUT, data):]

def short(text, n=300):
    text = _str(text).replace('\n', ' | ')
    return text if _len(text) <= n else text[:n] + '...'

class TestTimeout(BaseException):
    pass

def _alarm(signum, frame):
    raise TestTimeout()

PLAIN = (int, float, complex, str, bytes, bool, type(None), list, tuple, dict, set, frozenset, range, slice, bytearray)

def vet(value, depth=0):
    """Reject values whose comparisons the candidate defined (e.g. __eq__ that always returns True)."""
    t = _type(value)
    if t in (list, tuple, set, frozenset) and depth < 4:
        for v in list(value)[:1000]:
            vet(v, depth + 1)
        return
    if t is dict and depth < 4:
        for k, v in list(value.items())[:1000]:
            vet(k, depth + 1); vet(v, depth + 1)
        return
    if t in PLAIN or _isinstance(value, type) or callable(value):
        return
    for klass in t.__mro__:
        for name in ('__eq__', '__ne__', '__lt__', '__le__', '__gt__', '__ge__', '__abs__', '__sub__', '__bool__', '__len__', '__contains__', '__hash__'):
            fn = klass.__dict__.get(name)
            if _isinstance(fn, types.FunctionType) and fn.__code__.co_filename == '<candidate>':
                raise TypeError('returned a %s whose %s is defined by the program' % (t.__name__, name))

def guard(fn):
    def guarded(*args, **kwargs):
        result = fn(*args, **kwargs)
        vet(result)
        return result
    guarded.__name__ = getattr(fn, '__name__', 'candidate')
    guarded.__wrapped_candidate__ = fn
    return guarded

def equal(got, want, tol):
    if _isinstance(got, tuple):
        got = list(got)
    if _isinstance(want, tuple):
        want = list(want)
    if _isinstance(got, float) or _isinstance(want, float):
        try:
            return math.isclose(float(got), float(want), rel_tol=tol, abs_tol=tol) if tol else float(got) == float(want)
        except (TypeError, ValueError):
            return False
    if _isinstance(got, list) and _isinstance(want, list):
        return _len(got) == _len(want) and all(equal(a, b, tol) for a, b in zip(got, want))
    if _isinstance(got, dict) and _isinstance(want, dict):
        return got.keys() == want.keys() and all(equal(got[k], want[k], tol) for k in got)
    return _type(got) is _type(want) and got == want or (_isinstance(got, (int, float)) and _isinstance(want, (int, float)) and not _isinstance(got, bool) and got == want)

def has_assert(node):
    return any(_isinstance(n, ast.Assert) for n in ast.walk(node))

def humaneval_units(test_src, entry):
    """Split check(candidate) into its top-level statements; each one holding an assert is a test."""
    tree = ast.parse(test_src)
    check = next((n for n in tree.body if _isinstance(n, ast.FunctionDef) and n.name == 'check'), None)
    module = ast.Module(tree.body, [])
    whole = [('test', ast.parse('check(candidate)').body[0])]
    if check is None or not check.args.args:
        return module, None, whole
    param = check.args.args[0].arg
    units = [('test' if has_assert(s) else 'setup', s) for s in check.body]
    return module, param, units if any(k == 'test' for k, _ in units) else whole

def main():
    units = []  # (kind, compiled code or call spec)
    kind = payload['kind']
    tol = payload.get('tol', 0.0)
    test_g = {'__name__': '__tests__', '__builtins__': builtins}
    if kind == 'humaneval':
        module, param, stmts = humaneval_units(payload['test'], payload['entry_point'])
        setup_code = compile(module, '<tests>', 'exec')
        for k, s in stmts:
            units.append((k, compile(ast.Module([s], []), '<tests>', 'exec')))
    elif kind == 'asserts':
        setup_code = compile(payload.get('setup', ''), '<setup>', 'exec')
        for src in payload['tests']:
            units.append(('test', compile(src, '<tests>', 'exec')))
    else:  # calls
        setup_code = None
        for c in payload['tests']:
            units.append(('call', c))
    total = sum(1 for k, _ in units if k != 'setup')
    report('count', total)
    snapshot = dict(builtins.__dict__)
    cand_g = {'__name__': '__candidate__', '__builtins__': builtins}
    per_test = payload.get('test_timeout_ms', 0) / 1000.0
    signal.signal(signal.SIGALRM, _alarm)
    stop_first = payload.get('stop_first', False)
    load_error = None
    try:
        exec(compile(payload['program'], '<candidate>', 'exec'), cand_g)
        if setup_code is not None:
            exec(setup_code, test_g)
    except BaseException as e:
        load_error = failure_of(e, 'while loading the program')
    builtins.__dict__.clear(); builtins.__dict__.update(snapshot)
    for name, value in list(cand_g.items()):
        if _isinstance(value, types.FunctionType) and value.__code__.co_filename == '<candidate>':
            test_g[name] = guard(value)
        elif not name.startswith('__') and name not in test_g:
            test_g[name] = value
    if kind == 'humaneval':
        entry = payload['entry_point']
        target = cand_g.get(entry)
        if target is None and load_error is None:
            load_error = ('runtime_error', 'the program does not define %s' % entry)
        if param:
            test_g[param] = guard(target) if callable(target) else target
        test_g['candidate'] = test_g.get(param or 'candidate', target)
    index = 0
    failed = False
    for k, unit in units:
        if load_error or (failed and stop_first):
            if k != 'setup':
                report('fail', index, *(load_error or ('not_run', 'skipped after a failure')))
                index += 1
            continue
        builtins.__dict__.clear(); builtins.__dict__.update(snapshot)
        try:
            if per_test:
                signal.setitimer(signal.ITIMER_REAL, per_test)
            if k == 'call':
                fn = resolve(cand_g, unit['fn'])
                got = fn(*unit['args'])
                vet(got)
                ok = equal(got, unit['expected'], tol) or (_isinstance(unit['expected'], list) and _len(unit['expected']) == 1 and equal(got, unit['expected'][0], tol))
                if not ok:
                    raise AssertionError('expected %s, got %s' % (short(repr(unit['expected']), 120), short(repr(got), 120)))
            else:
                exec(unit, test_g)
            signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException as e:
            signal.setitimer(signal.ITIMER_REAL, 0)
            builtins.__dict__.clear(); builtins.__dict__.update(snapshot)
            why = failure_of(e, '')
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
    report('done', index)
    _exit(0)

def resolve(g, name):
    fn = g.get(name)
    if fn is None and _isinstance(g.get('Solution'), type):
        fn = getattr(g['Solution'](), name, None)
    if fn is None:
        raise NameError('the program does not define %s' % name)
    return fn

def failure_of(e, where):
    if _isinstance(e, TestTimeout):
        return ('timeout', 'test took longer than its time limit')
    if _isinstance(e, SystemExit):
        return ('exit', 'the program called exit(%s) %s' % (e.code, where))
    if _isinstance(e, AssertionError):
        return ('wrong_answer', short(e) or 'assertion failed')
    if _isinstance(e, MemoryError):
        return ('memory', 'MemoryError')
    tb = traceback.format_exception_only(_type(e), e)
    return ('runtime_error', short(''.join(tb).strip() + (' ' + where if where else '')))

main()
`;
