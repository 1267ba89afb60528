/**
 * Python source shared by the two programs that run inside sandboxes (the supervisor, runner-py.ts, and
 * the test harness, verifiers/code/harness-py.ts): each is one standalone script, so the function is
 * spliced into both rather than imported.
 */
export const DESCENDANT_TICKS_PY = String.raw`
def descendant_ticks(root):
    """Clock ticks (user, system, and of the children they reaped) of every live or unreaped process
    descended from root, read from /proc: the CPU time of work a program moved into other processes."""
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
`;
