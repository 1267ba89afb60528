import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeAdvantages,
  diagnose,
  groupRecords,
  type OutcomeMethod,
} from '../../src/credit/advantages.js';

const adv = (method: OutcomeMethod, scores: (number | null)[], options = {}, lengths?: number[]) =>
  computeAdvantages([{ id: 'g', scores, ...(lengths && { lengths }) }], method, options).groups[0]!
    .advantages;

function close(actual: (number | null)[], expected: (number | null)[], digits = 5) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (expected[i] === null) expect(a).toBeNull();
    else expect(a).toBeCloseTo(expected[i]!, digits);
  });
}

describe('outcome advantages: hand-computed values', () => {
  it('GRPO divides by the sample std (n − 1) plus epsilon', () => {
    // mean 0.5, sample std sqrt(1/3) = 0.57735 → ±0.5/0.57735 = ±0.866025
    close(adv('grpo', [1, 0, 0, 1]), [0.866025, -0.866025, -0.866025, 0.866025]);
    // population std 0.5 → ±1
    close(adv('grpo', [1, 0, 0, 1], { std: 'population' }), [1, -1, -1, 1]);
    // a large epsilon shrinks: 0.5/(0.5 + 0.5)
    close(adv('grpo', [1, 0], { std: 'population', epsilon: 0.5 }), [0.5, -0.5]);
  });
  it('Dr. GRPO subtracts the mean only', () => {
    close(adv('drgrpo', [1, 0, 0, 0]), [0.75, -0.25, -0.25, -0.25]);
  });
  it('RLOO subtracts the mean of the others', () => {
    close(adv('rloo', [1, 0, 0, 0]), [1, -1 / 3, -1 / 3, -1 / 3]);
    close(adv('rloo', [0.2, 0.4, 0.9]), [0.2 - 0.65, 0.4 - 0.55, 0.9 - 0.3]);
  });
  it('REINFORCE uses the raw score; REINFORCE++ normalizes group-baselined scores across the batch', () => {
    close(adv('reinforce', [1, -1, 0.5]), [1, -1, 0.5]);
    const r = computeAdvantages(
      [
        { id: 'a', scores: [1, 0] },
        { id: 'b', scores: [1, 1] },
      ],
      'reinforce++',
    );
    // residuals [0.5, -0.5, 0, 0]: batch mean 0, sample std sqrt(0.5/3) = 0.408248
    close(r.groups[0]!.advantages, [1.224745, -1.224745]);
    close(r.groups[1]!.advantages, [0, 0]);
    expect(r.batch!.std).toBeCloseTo(0.408248, 5);
  });
  it('asymmetric scaling (A-GRAE) and PSR/NSR weighting', () => {
    close(adv('grpo', [1, 0], { positiveScale: 0.5 }), [0.353553, -Math.SQRT1_2]);
    close(adv('grpo', [1, 0], { negativeScale: 2 }), [Math.SQRT1_2, -Math.SQRT2]);
    // W-REINFORCE: +1/−1 rewards, positive samples weighted 0.1
    close(adv('reinforce', [1, -1], { positiveWeight: 0.1 }), [0.1, -1]);
    close(adv('drgrpo', [1, 0], { negativeWeight: 0 }), [0.5, 0]);
  });
  it('DRPO normalizes the length term within the correct rollouts only', () => {
    // GRPO: mean .75, sample std .5 → [.5, .5, .5, -1.5]; −lengths of correct [-10,-20,-30] → z [1, 0, -1]
    close(adv('drpo', [1, 1, 1, 0], {}, [10, 20, 30, 5]), [0.6, 0.5, 0.4, -1.5]);
    // the wrong rollout's length does not matter
    close(adv('drpo', [1, 1, 1, 0], {}, [10, 20, 30, 5000]), [0.6, 0.5, 0.4, -1.5]);
    expect(() => adv('drpo', [1, 0])).toThrow(/drpo needs a length/);
  });
});

describe('outcome advantages: edge cases', () => {
  it('a group of one gets 0 from every baselined method', () => {
    for (const m of ['grpo', 'drgrpo', 'rloo', 'reinforce++'] as const) close(adv(m, [0.7]), [0]);
  });
  it('all-equal rewards give 0 and are flagged zero-variance', () => {
    const g = computeAdvantages([{ id: 'g', scores: [1, 1, 1] }], 'grpo').groups[0]!;
    close(g.advantages, [0, 0, 0]);
    expect(g.zeroVariance).toBe(true);
    expect(g.passRate).toBe(1);
  });
  it('failed samples are left out of the baseline and get null', () => {
    // scored [1, 0]: mean .5, sample std .7071
    close(adv('grpo', [1, null, 0]), [Math.SQRT1_2, null, -Math.SQRT1_2]);
    close(adv('rloo', [1, null, 0, 0]), [1, null, -0.5, -0.5]);
    const g = computeAdvantages([{ id: 'g', scores: [null, null] }], 'grpo').groups[0]!;
    expect(g.advantages).toEqual([null, null]);
    expect(g).toMatchObject({ n: 2, scored: 0, mean: null, passRate: null, zeroVariance: true });
  });
  it('an unknown method is a clear error', () => {
    expect(() => computeAdvantages([], 'ppo' as OutcomeMethod)).toThrow(/unknown advantage method "ppo"/);
  });
  it('diagnose reports pass rate under a threshold', () => {
    expect(diagnose({ id: 'g', scores: [0.5, 0.9, 0.2, null] }, { passThreshold: 0.5 })).toMatchObject({
      n: 4,
      scored: 3,
      passRate: 2 / 3,
      zeroVariance: false,
    });
  });
  it('groupRecords keeps first-appearance order; a record without group is its own group', () => {
    const g = groupRecords([{ g: 'a' }, { g: 'b' }, {}, { g: 'a' }], (r: { g?: string }) => r.g);
    expect(g).toEqual([
      { id: 'a', members: [0, 3] },
      { id: 'b', members: [1] },
      { id: '#2', members: [2] },
    ]);
  });
});

const score = fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constant(null));
const scores = fc.array(score, { minLength: 1, maxLength: 20 });
const sum = (xs: (number | null)[]) => xs.reduce<number>((s, x) => s + (x ?? 0), 0);

describe('outcome advantages: properties', () => {
  it('GRPO, Dr. GRPO and RLOO advantages have zero mean per group', () => {
    fc.assert(
      fc.property(scores, fc.constantFrom('grpo', 'drgrpo', 'rloo'), (s, m) => {
        const a = adv(m as OutcomeMethod, s);
        expect(Math.abs(sum(a))).toBeLessThan(
          1e-6 * Math.max(1, ...s.map((x) => Math.abs(x ?? 0))) * s.length,
        );
      }),
    );
  });
  it('an advantage is null exactly when the score is null', () => {
    fc.assert(
      fc.property(scores, fc.constantFrom('grpo', 'drgrpo', 'rloo', 'reinforce', 'reinforce++'), (s, m) => {
        const a = adv(m as OutcomeMethod, s);
        a.forEach((x, i) => {
          expect(x === null).toBe(s[i] === null);
        });
      }),
    );
  });
  it('GRPO advantages have unit sample std when the group has spread', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 20 }), (s) => {
        fc.pre(new Set(s).size > 1);
        const a = adv('grpo', s, { epsilon: 0 }) as number[];
        const m = a.reduce((x, y) => x + y, 0) / a.length;
        const sd = Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / (a.length - 1));
        expect(sd).toBeCloseTo(1, 9);
      }),
    );
  });
  it('Dr. GRPO is invariant to a shift of every reward; GRPO also to a positive scale', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (s, shift, scale) => {
          close(
            adv(
              'drgrpo',
              s.map((x) => x + shift),
            ),
            adv('drgrpo', s),
            9,
          );
          close(
            adv(
              'grpo',
              s.map((x) => scale * x + shift),
              { epsilon: 0 },
            ),
            adv('grpo', s, { epsilon: 0 }),
            9,
          );
        },
      ),
    );
  });
  it('permuting a group permutes its advantages', () => {
    fc.assert(
      fc.property(scores, fc.constantFrom('grpo', 'rloo', 'drgrpo'), (s, m) => {
        const a = adv(m as OutcomeMethod, s);
        const r = adv(m as OutcomeMethod, [...s].reverse());
        close(r, [...a].reverse(), 9);
      }),
    );
  });
});
