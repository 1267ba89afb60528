/** The plumbing of `assay eval` around the metrics: chunks, seeded subsamples, which specs are pairwise. */
import { describe, expect, it } from 'vitest';
import '../../src/builtins.js';
import type { Sample } from '../../src/core/types.js';
import type { EvalCase } from '../../src/eval/cases.js';
import { contiguousChunks, sampleCases, usesGroupReward } from '../../src/eval/evaluate.js';

describe('evaluation plumbing', () => {
  it('chunks never split a group, and cut near the size otherwise', () => {
    const s = (group?: string): Sample => ({ response: 'x', ...(group !== undefined && { group }) });
    const samples = [s('a'), s('a'), s('b'), s('b'), s('b'), s(), s(), s('c'), s('c')];
    const chunks = contiguousChunks(samples, 2);
    expect(chunks.map((c) => c.length)).toEqual([2, 3, 2, 2]);
    expect(chunks.flat()).toEqual(samples);
    expect(contiguousChunks([], 4)).toEqual([]);
  });

  it('--limit draws the same cases for the same seed, in file order', () => {
    const cases: EvalCase[] = Array.from({ length: 50 }, (_, i) => ({
      kind: 'pair',
      id: String(i),
      subset: 'all',
      row: i + 1,
      chosen: 'c',
      rejected: 'r',
    }));
    const a = sampleCases(cases, 10, 4).map((c) => c.row);
    expect(sampleCases(cases, 10, 4).map((c) => c.row)).toEqual(a);
    expect(sampleCases(cases, 10, 5).map((c) => c.row)).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect(sampleCases(cases, 80, 4)).toBe(cases);
  });

  it('a spec is pairwise when any node uses a group reward', () => {
    expect(usesGroupReward({ use: 'judge.pairwise', args: {} })).toBe(true);
    expect(usesGroupReward({ weighted: [{ use: 'math' }, { metric: { use: 'judge.pairwise' } }] })).toBe(
      true,
    );
    expect(usesGroupReward({ weighted: [{ use: 'math' }, { use: 'judge' }] })).toBe(false);
  });
});
