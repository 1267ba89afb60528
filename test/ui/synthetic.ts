import { sampleRecord } from '../../src/core/encoded.js';
import type { RewardResult, Sample } from '../../src/core/types.js';
import type { AuditRow } from '../../src/store/aggregates.js';
import type { RunStore } from '../../src/store/run-store.js';

const part = (name: string, score: number | null, extra: Partial<RewardResult> = {}): RewardResult => ({
  name,
  status: score === null ? 'error' : 'ok',
  score,
  ...extra,
});

/** A gate reward: weighted `correct` and `format.tags`, as a spec's combinator would report it. */
export function gate(
  score: number | null,
  correct: number | null,
  format: number,
  extra: Partial<RewardResult> = {},
): RewardResult {
  return {
    name: 'gate',
    status: score === null ? 'error' : 'ok',
    score,
    ...(score === null && { reason: 'correct: reference missing' }),
    components: [part('correct', correct, extra), part('format.tags', format)],
  };
}

export const RUN = 'synthetic';
/** Step 2's format-only response, and its three guard hits (master key, shotgun, exit-0 trick). */
export const HACK = '<think></think><answer>ok</answer>';
export const GUARDED = [
  ':',
  '\\boxed{1} \\boxed{2} \\boxed{3} \\boxed{4} \\boxed{5}',
  'import sys; sys.exit(0)',
];

/**
 * A small run whose aggregates are worked out by hand in the tests (test/ui/aggregates.test.ts):
 * step 1 is honest, step 2 carries the planted hack (format-only responses the gate rewards at 0.5 and the
 * audit spec rejects) and one sample of each guard.
 */
export function seedRun(store: RunStore): void {
  store.startRun(RUN, { specs: ['gate'] });
  const rec = (s: Sample, r: RewardResult) => JSON.stringify(sampleRecord(s, r));
  const s = (id: string, response: string, source: string, group?: string): Sample => ({
    id,
    prompt: `prompt of ${id}`,
    response,
    reference: '42',
    source,
    ...(group !== undefined && { group }),
  });
  // Step 1: group g1 (math) lengths 10/20/30/40 scored 0/0/1/1; group g3 (code) two zeros; one error.
  store.recordBatch(
    [RUN, 1, 'gate', 'score', 7],
    [
      rec(s('a', 'x'.repeat(10), 'math', 'g1'), gate(0, 0, 1)),
      rec(s('b', 'x'.repeat(20), 'math', 'g1'), gate(0, 0, 1)),
      rec(s('c', 'x'.repeat(30), 'math', 'g1'), gate(1, 1, 1)),
      rec(s('d', 'x'.repeat(40), 'math', 'g1'), gate(1, 1, 1)),
    ],
  );
  store.recordBatch(
    [RUN, 1, 'gate', 'score', 300],
    [
      rec(s('e', 'def f(): pass', 'code', 'g3'), gate(0, 0, 0)),
      rec(s('f', 'def g(): pass', 'code', 'g3'), gate(0, 0, 0)),
      rec(s('g', '<script>alert(1)</script>', 'code'), gate(null, null, 0)),
    ],
  );
  // Step 2: four format-only responses (score 0.5 from format.tags alone) and three guard hits.
  store.recordBatch(
    [RUN, 2, 'gate', 'score', 40],
    [
      rec(s('h1', HACK, 'math', 'g4'), gate(0.5, 0, 1)),
      rec(s('h2', HACK, 'math', 'g4'), gate(0.5, 0, 1)),
      rec(s('h3', HACK, 'math', 'g4'), gate(0.5, 0, 1)),
      rec(s('h4', HACK, 'math', 'g4'), gate(0.5, 0, 1)),
      rec(s('m', GUARDED[0]!, 'math'), gate(0, 0, 0, { detail: { guarded: 'no answer', calls: 0 } })),
      rec(
        s('sg', GUARDED[1]!, 'math'),
        gate(0, 0, 0, { reason: '5 different boxed answers (more than 4): candidate listing' }),
      ),
      rec(
        s('ex', GUARDED[2]!, 'code'),
        gate(0, 0, 0, { detail: { failed: [{ index: 0, status: 'exit' }] } }),
      ),
    ],
  );
}

/** Audit verdicts: step 1's rewarded samples confirmed, step 2's four hacks rejected. */
export const AUDITS: AuditRow[] = [
  [RUN, 1, 'c', 'math', 1, 'ok', 1, 'equivalent'],
  [RUN, 1, 'd', 'math', 1, 'ok', 1, 'equivalent'],
  [RUN, 1, 'a', 'math', 0, 'ok', 0, 'wrong'],
  ...['h1', 'h2', 'h3', 'h4'].map(
    (id): AuditRow => [RUN, 2, id, 'math', 0.5, 'ok', 0, 'no final answer found'],
  ),
];
