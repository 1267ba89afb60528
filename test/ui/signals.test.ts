import { afterAll, describe, expect, it } from 'vitest';
import '../../src/builtins.js';
import { recordExtra, SIGNAL } from '../../src/core/record-extra.js';
import { Runtime, Scorer } from '../../src/core/scorer.js';
import { parseSpec } from '../../src/core/spec/load.js';
import type { Sample } from '../../src/core/types.js';
import { guardedOutcome } from '../../src/judges/ask.js';
import { checkSubstance } from '../../src/judges/guard.js';

// The signal bits are read from what the real rewards report (reason and detail), so these cases run the
// real rewards: a change of their wording or detail shape must fail here, not silently zero a gauge.
const runtime = new Runtime({ inThread: true });
afterAll(() => runtime.close());
const scoreWith = async (reward: unknown, sample: Sample) => {
  const [r] = await new Scorer(parseSpec({ reward, timeout_ms: 30_000 }), runtime).score([sample]);
  return r!;
};

describe('guard hits and format-only reward, from the real rewards', () => {
  it('shotgun: math refuses a candidate listing', async () => {
    const sample = { response: '\\boxed{1} \\boxed{2} \\boxed{3} \\boxed{4} \\boxed{5}', reference: '5' };
    const r = await scoreWith({ weighted: [{ use: 'math' }, { use: 'format.tags' }] }, sample);
    expect(recordExtra(sample, r)[1] & SIGNAL.shotgun).toBe(SIGNAL.shotgun);
    const fair = { response: '\\boxed{5}', reference: '5' };
    expect(recordExtra(fair, await scoreWith({ use: 'math' }, fair))[1]).toBe(0);
  });

  it('master key: the judge guard answers for a response with no substance', () => {
    const verdict = checkSubstance('Thought process:');
    expect(verdict.substantive).toBe(false);
    const outcome = guardedOutcome(verdict.reason!, 0);
    const r = { name: 'judge', status: 'ok' as const, score: 0, ...outcome };
    expect(recordExtra({ response: 'Thought process:' }, r)[1]).toBe(SIGNAL.masterKey);
  });

  it('exit-0 trick: code that exits inside a test', async () => {
    const reference = {
      prompt: 'def add(a, b):\n    """Add two numbers."""\n',
      entry_point: 'add',
      test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n',
    };
    const sample = { response: '```python\nimport sys\ndef add(a, b):\n    sys.exit(0)\n```', reference };
    const r = await scoreWith({ use: 'code', args: { mode: 'fraction' } }, sample);
    expect(r.score).toBe(0);
    expect(recordExtra(sample, r)[1] & SIGNAL.exitTrick, JSON.stringify(r.detail)).toBe(SIGNAL.exitTrick);
  }, 60_000);

  it('format-only: rewarded while only format parts paid; not when the answer paid too', async () => {
    const spec = { weighted: [{ use: 'exact_match' }, { use: 'format.tags' }] };
    const hack = { response: '<think>x</think><answer>7</answer>', reference: '42' };
    const honest = { response: '<think>x</think><answer>42</answer>', reference: '42' };
    expect(recordExtra(hack, await scoreWith(spec, hack))[1]).toBe(SIGNAL.formatOnly);
    expect(recordExtra(honest, await scoreWith(spec, honest))[1]).toBe(0);
  });
});
