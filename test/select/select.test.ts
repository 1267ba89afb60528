import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestOfN,
  bordaWeights,
  certaintyVote,
  clusterAnswers,
  evaluateGroup,
  majAtK,
  majorityVote,
  passAtK,
  selfCertainty,
  summarize,
  weightedVote,
} from '../../src/select/index.js';

/** C(n, k) by the multiplicative formula, exact for small n: the reference for pass@k. */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe('pass@k', () => {
  it('matches hand-computed values', () => {
    expect(passAtK(4, 2, 1)).toBeCloseTo(0.5, 12);
    expect(passAtK(4, 2, 2)).toBeCloseTo(5 / 6, 12); // 1 − C(2,2)/C(4,2)
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12); // 1 − C(7,5)/C(10,5)
    expect(passAtK(4, 0, 2)).toBe(0);
    expect(passAtK(4, 4, 1)).toBe(1);
    expect(passAtK(4, 3, 2)).toBe(1); // n − c < k: every k-subset holds a correct one
  });
  it('is undefined for k > n or k < 1', () => {
    expect(passAtK(3, 1, 4)).toBeNull();
    expect(passAtK(3, 1, 0)).toBeNull();
    expect(() => passAtK(3, 4, 1)).toThrow(/impossible/);
  });
  it('equals the binomial formula, is c/n at k = 1, and is monotone in k', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        ([n, c]) => {
          expect(passAtK(n, c, 1)!).toBeCloseTo(c / n, 10);
          let prev = -1;
          for (let k = 1; k <= n; k++) {
            const p = passAtK(n, c, k)!;
            expect(p).toBeCloseTo(1 - choose(n - c, k) / choose(n, k), 9);
            expect(p).toBeGreaterThanOrEqual(prev - 1e-12);
            prev = p;
          }
        },
      ),
    );
  });
});

describe('voting', () => {
  const numeric = (a: string, b: string) => {
    const v = (s: string) =>
      s.includes('/') ? Number(s.split('/')[0]) / Number(s.split('/')[1]) : Number(s);
    return Math.abs(v(a) - v(b)) < 1e-9;
  };
  it('majority vote clusters by the given equivalence', () => {
    const answers = ['1/2', '0.5', '1/3', '0.5'];
    const plain = majorityVote(answers);
    expect(plain.clusters.map((c) => [c.answer, c.votes])).toEqual([
      ['1/2', 1],
      ['0.5', 2],
      ['1/3', 1],
    ]);
    expect(plain.chosen).toBe(1);
    const math = majorityVote(answers, numeric);
    expect(math.clusters[0]).toEqual({ answer: '1/2', members: [0, 1, 3], votes: 3 });
    expect(math.chosen).toBe(0);
  });
  it('normalized equality ignores case, spacing and a final period; null answers abstain', () => {
    const v = majorityVote(['Paris.', null, ' paris', 'Lyon']);
    expect(v.clusters.map((c) => c.members)).toEqual([[0, 2], [3]]);
    expect(majorityVote([null, null]).chosen).toBeNull();
  });
  it('ties go to the cluster that appeared first', () => {
    expect(majorityVote(['b', 'a', 'a', 'b']).chosen).toBe(0);
  });
  it('reward-weighted vote, returning the best-scored member of the winner', () => {
    expect(weightedVote(['a', 'b', 'b'], [0.9, 0.4, 0.4]).chosen).toBe(0);
    const v = weightedVote(['a', 'b', 'b'], [0.9, 0.3, 0.7]);
    expect(v.clusters[1]!.votes).toBeCloseTo(1, 12);
    expect(v.chosen).toBe(2);
    expect(weightedVote(['a', 'b'], [null, 0.1]).chosen).toBe(1); // a failed sample does not vote
  });
  it('best-of-N picks the highest score, first on ties, skipping failures', () => {
    expect(bestOfN([0.2, null, 0.9, 0.9])).toBe(2);
    expect(bestOfN([null, null])).toBeNull();
  });
  it('cluster votes add up to the number of answers given', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'A')), { maxLength: 30 }), (answers) => {
        const clusters = clusterAnswers(answers);
        expect(clusters.reduce((s, c) => s + c.votes, 0)).toBe(answers.filter((a) => a !== null).length);
      }),
    );
  });
});

const pos = (...probs: number[]) => ({
  token: 'x',
  logprob: Math.log(probs[0]!),
  top_logprobs: probs.map((p, i) => ({ token: `${i}`, logprob: Math.log(p) })),
});

describe('self-certainty', () => {
  it('is KL from uniform over the renormalized top-k', () => {
    expect(selfCertainty([pos(0.5, 0.5)])).toBeCloseTo(0, 12);
    // −log 2 − ½(log .9 + log .1) = 0.510826
    expect(selfCertainty([pos(0.9, 0.1)])).toBeCloseTo(0.510826, 6);
    // renormalization: (.45, .05) is (.9, .1) after dividing by .5
    expect(selfCertainty([pos(0.45, 0.05)])).toBeCloseTo(0.510826, 6);
    // mean over positions; a position without top-k does not count
    expect(selfCertainty([pos(0.9, 0.1), pos(0.5, 0.5), { token: 'y', logprob: -1 }])).toBeCloseTo(
      0.255413,
      6,
    );
    expect(selfCertainty(undefined)).toBeNull();
    expect(selfCertainty([{ token: 'y', logprob: -1 }])).toBeNull();
  });
  it('is never negative (KL divergence)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -30, max: 0, noNaN: true }), { minLength: 2, maxLength: 10 }),
        (lps) => {
          const c = selfCertainty([
            {
              token: 't',
              logprob: lps[0]!,
              top_logprobs: lps.map((logprob, i) => ({ token: `${i}`, logprob })),
            },
          ]);
          expect(c!).toBeGreaterThanOrEqual(-1e-9);
        },
      ),
    );
  });
  it('Borda weights (N − r + 1)^p, ties sharing the better rank', () => {
    expect(bordaWeights([0.1, 0.5, null, 0.3], 1)).toEqual([1, 3, null, 2]);
    expect(bordaWeights([0.5, 0.5, 0.1], 1)).toEqual([3, 3, 1]);
    expect(bordaWeights([0.2, 0.1], 0.5)).toEqual([Math.SQRT2, 1]);
  });
  it('votes with Borda weights and returns the most certain member of the winner', () => {
    expect(certaintyVote(['x', 'y', 'y'], [0.9, 0.1, 0.2], { p: 1 }).chosen).toBe(0); // 3 vs 1 + 2: tie, x first
    const v = certaintyVote(['x', 'y', 'y'], [0.9, 0.1, 0.2], { p: 0.5 }); // √3 vs 1 + √2
    expect(v.chosen).toBe(2);
    expect(v.clusters[1]!.votes).toBeCloseTo(1 + Math.SQRT2, 12);
  });
});

describe('maj@k and group evaluation', () => {
  const s = (score: number | null, answer: string | null) => ({ score, answer });
  it('maj@n is the single vote over all rollouts', () => {
    expect(majAtK([s(1, 'a'), s(1, 'a'), s(0, 'b')], [true, true, false], 3)).toBe(1);
    expect(majAtK([s(1, 'a'), s(0, 'b'), s(0, 'b')], [true, false, false], 3)).toBe(0);
    expect(majAtK([s(0, null), s(0, null)], [false, false], 2)).toBe(0);
    expect(majAtK([s(1, 'a')], [true], 2)).toBeNull();
  });
  it('maj@k for k < n sums over every k-subset (hand count)', () => {
    // clusters a (2, correct), b (2), c (1); of the C(5,3) = 10 subsets, a wins 3 with both a's and 4 with
    // one a plus {b, c} (a tie that a, appearing first, wins): 7/10
    const samples = [s(1, 'a'), s(0, 'b'), s(1, 'a'), s(0, 'c'), s(0, 'b')];
    const passed = samples.map((x) => x.score === 1);
    expect(majAtK(samples, passed, 3)).toBeCloseTo(0.7, 12);
    expect(majAtK(samples, passed, 1)).toBeCloseTo(0.4, 12);
  });
  it('matches brute-force enumeration of subsets', () => {
    const subsets = (n: number, k: number): number[][] =>
      k === 0
        ? [[]]
        : n < k
          ? []
          : [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((x) => [...x, n - 1])];
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { freq: 4 }), { minLength: 1, maxLength: 9 }),
        fc.constantFrom('a', 'b', 'c', 'd'),
        fc.integer({ min: 1, max: 9 }),
        (answers, right, k) => {
          fc.pre(k <= answers.length);
          const samples = answers.map((a) => s(a === right ? 1 : 0, a));
          const passed = answers.map((a) => a === right);
          const order = [...new Set(answers.filter((a) => a !== null))];
          const all = subsets(answers.length, k);
          let wins = 0;
          for (const sub of all) {
            const counts = order.map((o) => sub.filter((i) => answers[i] === o).length);
            const best = counts.reduce((b, c, i) => (c > 0 && (b < 0 || c > counts[b]!) ? i : b), -1);
            if (best >= 0 && order[best] === right) wins++;
          }
          expect(majAtK(samples, passed, k)!).toBeCloseTo(wins / all.length, 10);
        },
      ),
    );
  });
  it('evaluates a group and summarizes per source', () => {
    const g1 = evaluateGroup('p1', 'math', [s(1, '2'), s(0, '3'), s(1, '2'), s(null, null)], [1, 2, 4]);
    expect(g1).toMatchObject({ n: 4, scored: 3, correct: 2, zeroVariance: false });
    expect(g1.meanScore).toBeCloseTo(2 / 3, 12);
    expect(g1.passAtK).toEqual({ 1: 2 / 3, 2: 1, 4: null });
    expect(g1.majAtK[4]).toBeNull();
    const g2 = evaluateGroup('p2', 'math', [s(0, '1'), s(0, '1')], [1, 2]);
    const g3 = evaluateGroup('p3', 'code', [s(1, null)], [1]);
    const [math, code, all] = summarize([g1, g2, g3], [1, 2]);
    expect(math).toMatchObject({ source: 'math', groups: 2, samples: 6, scored: 5, zeroVarianceGroups: 1 });
    expect(math!.passAtK[1]).toBeCloseTo(1 / 3, 12);
    expect(math!.meanScore).toBeCloseTo(2 / 5, 12);
    expect(code).toMatchObject({
      source: 'code',
      groups: 1,
      zeroVarianceGroups: 1,
      groupsForK: { 1: 1, 2: 0 },
    });
    expect(code!.passAtK[2]).toBeNull();
    expect(all!.source).toBe('all');
    expect(all!.groups).toBe(3);
  });
});

describe('maj@k on large groups', () => {
  it('stays exact and finite where binomials exceed 2^53, and falls back to seeded sampling past the cost bound', () => {
    // 600 rollouts, two clusters: 400 correct "a", 200 wrong "b"; C(600, 30) ≈ 1e52
    const samples = Array.from({ length: 600 }, (_, i) => ({
      score: i % 3 === 2 ? 0 : 1,
      answer: i % 3 === 2 ? 'b' : 'a',
    }));
    const passed = samples.map((s) => s.score === 1);
    const exact = majAtK(samples, passed, 30)!;
    expect(exact).toBeGreaterThan(0.95);
    expect(exact).toBeLessThanOrEqual(1);
    const sampled = majAtK(samples, passed, 400, { seed: 3 })!; // 400³ · 4 > 5e7: sampled
    expect(sampled).toBe(majAtK(samples, passed, 400, { seed: 3 }));
    expect(sampled).toBe(1); // 2:1 majority over 400 of 600 never loses
  });
});
