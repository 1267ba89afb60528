import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../../../src/core/types.js';
import '../../../src/verifiers/code/index.js';
import { py, warmAndCold } from './warm-and-cold.js';

/**
 * Fourth red-team review of the warm path: CPU pinning (pin_job: each job's server, judge, zygote and
 * worker share the CPU the server was woken on), SERVER_BOOT, the fixed-width headers and the harness's
 * module-level signal wrappers. Each test is an attack through the real sandbox. Concurrency 1: every
 * warm run hits the same server and judge, so cross-job effects show.
 */
const { score } = warmAndCold();

const ref = {
  task_id: 'x/0',
  prompt: 'def add(a, b):\n    """add"""\n',
  entry_point: 'add',
  test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n    assert candidate(0, 5) == 5\n',
};

// A program that, as it loads, fills the CPU it shares with its judge and server (the one it starts
// on) with busy threads, so the judge and the server get a small share of it while tests run.
const starve = (body: string) =>
  py(
    [
      'import os, threading',
      'cpu = sorted(os.sched_getaffinity(0))[0]',
      'def spin():',
      '    os.sched_setaffinity(0, {cpu})',
      '    while True: pass',
      'for _ in range(8):',
      '    threading.Thread(target=spin, daemon=True).start()',
      body,
    ].join('\n'),
  );

describe('red team 4: pinning, headers and signals', () => {
  // Attack: starve the judge that shares the program's CPU (8 busy threads pinned to it), hoping the
  // judge overruns its job (an error, which a trainer drops) or misses its deadline, for a wrong program;
  // and that the next sample (a right program) is judged by a judge left behind. Held if the wrong
  // program scores 0 (ok) on both paths and the right one after it 1.
  it('a program that starves its judge of CPU scores 0 on both paths, and the next sample is unaffected', async () => {
    for (const path of ['warm', 'cold'] as const) {
      const [bad, good] = await score(
        path,
        [
          { response: starve('def add(a, b):\n    return a - b'), reference: ref },
          { response: py('def add(a, b):\n    return a + b'), reference: ref },
        ],
        { cpu_ms: 1000, test_timeout_ms: 1000 },
      );
      expect({ status: bad?.status, score: bad?.score }, `${path} ${JSON.stringify(bad)}`).toEqual({
        status: 'ok',
        score: 0,
      });
      expect({ status: good?.status, score: good?.score }, `${path} ${JSON.stringify(good)}`).toEqual({
        status: 'ok',
        score: 1,
      });
    }
  }, 120_000);

  // Held: a right program with busy threads on its CPU passes on both paths (3/3 when written).
  it('a right program that starves its judge gets the same verdict on both paths', async () => {
    const got: Record<string, RewardResult> = {};
    for (const path of ['warm', 'cold'] as const) {
      const [r] = await score(
        path,
        [{ response: starve('def add(a, b):\n    return a + b'), reference: ref }],
        {
          cpu_ms: 1000,
          test_timeout_ms: 1000,
        },
      );
      got[path] = r as RewardResult;
    }
    expect(got.warm?.status, JSON.stringify(got)).toBe('ok');
    expect(got.warm?.score, JSON.stringify(got)).toBe(got.cold?.score);
  }, 120_000);

  // Attack: a warm worker is PID 1 of its namespace, where the kernel drops a signal the process sends
  // itself while its action is the default; the harness stands in for that default with a handler
  // (as_python3_signals). A program that puts the default back (signal.signal(sig, SIG_DFL)) and then
  // signals itself survives warm, where python3 (and the cold path) dies of it; and signal.getsignal
  // shows the stand-in, not SIG_DFL. Promise broken: the same program gets the same verdict on both
  // paths (warm 1, cold 0.5 for the first three; warm 0.5, cold 1 for the last, when written). Older
  // than this session's changes (the stand-in was installed the same way before).
  it('a program that restores SIG_DFL and signals itself, or reads its handler, gets one verdict on both paths', async () => {
    const sigRef = {
      task_id: 'x/1',
      prompt: 'def add(a, b):\n    """add"""\n',
      entry_point: 'add',
      test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n',
    };
    const programs = {
      'SIGTERM after SIG_DFL': [
        'import os, signal',
        'def add(a, b):',
        '    if a == 0:',
        '        signal.signal(signal.SIGTERM, signal.SIG_DFL)',
        '        os.kill(os.getpid(), signal.SIGTERM)',
        '    return a + b',
      ],
      'raise_signal(SIGUSR1) after SIG_DFL': [
        'import signal',
        'def add(a, b):',
        '    if a == 0:',
        '        signal.signal(signal.SIGUSR1, signal.SIG_DFL)',
        '        signal.raise_signal(signal.SIGUSR1)',
        '    return a + b',
      ],
      'SIGINT after SIG_DFL': [
        'import os, signal',
        'def add(a, b):',
        '    if a == 0:',
        '        signal.signal(signal.SIGINT, signal.SIG_DFL)',
        '        os.kill(os.getpid(), signal.SIGINT)',
        '    return a + b',
      ],
      'getsignal(SIGTERM) is SIG_DFL': [
        'import signal',
        'def add(a, b):',
        '    if a == 0 and signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL: return -1',
        '    if a == 0 and signal.signal(signal.SIGHUP, signal.SIG_IGN) is not signal.SIG_DFL: return -2',
        '    return a + b',
      ],
    };
    const got: Record<string, unknown> = {};
    for (const [name, lines] of Object.entries(programs)) {
      const sample = { response: py(lines.join('\n')), reference: sigRef };
      const [[w], [c]] = await Promise.all([score('warm', [sample]), score('cold', [sample])]);
      got[name] = { warm: w?.score, cold: c?.score };
    }
    expect(got).toEqual({
      'SIGTERM after SIG_DFL': { warm: 0.5, cold: 0.5 },
      'raise_signal(SIGUSR1) after SIG_DFL': { warm: 0.5, cold: 0.5 },
      'SIGINT after SIG_DFL': { warm: 0.5, cold: 0.5 },
      'getsignal(SIGTERM) is SIG_DFL': { warm: 1, cold: 1 },
    });
  }, 120_000);
});
