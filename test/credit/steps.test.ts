import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PassRateHistory } from '../../src/credit/history.js';
import { computeStepCredit, stepReturns, transformSteps } from '../../src/credit/steps.js';

const near = (a: readonly number[] | null | undefined, b: number[]) => {
  expect(a).not.toBeNull();
  expect(a!.length).toBe(b.length);
  a!.forEach((x, i) => {
    expect(x).toBeCloseTo(b[i]!, 6);
  });
};

describe('step returns and transforms: hand-computed values', () => {
  it('sum-form returns, discounted', () => {
    near(stepReturns([1, 0.5, 0.2]), [1.7, 0.7, 0.2]);
    near(stepReturns([1, 0.5, 0.2], 'sum', 0.5), [1.3, 0.6, 0.2]);
    expect(stepReturns([])).toEqual([]);
  });
  it('PURE min-form returns G_t = min_{k≥t} r_k', () => {
    near(stepReturns([0.9, 0.3, 0.8], 'min'), [0.3, 0.3, 0.8]);
  });
  it('clip r − η capped at 0, and delta r_t − r_{t+1}', () => {
    near(transformSteps([0.9, 0.3, 0.8], 'clip', 0.5), [0, -0.2, 0]);
    near(transformSteps([0.9, 0.3, 0.8], 'delta'), [0.6, -0.5, 0.8]);
    near(transformSteps([0.9, 0.3, 0.8], 'none'), [0.9, 0.3, 0.8]);
  });
  it('gated accumulation zeroes the step rewards of a failed outcome', () => {
    const [g] = computeStepCredit(
      [{ id: 'g', steps: [[0.5, 0.5], [0.9, 0.9], [0.4]], outcomes: [1, 0, null] }],
      { gate: 1 },
    );
    near(g!.stepAdvantages[0], [1, 0.5]);
    near(g!.stepAdvantages[1], [0, 0]);
    expect(g!.stepAdvantages[2]).toBeNull(); // outcome failed: no credit can be computed
  });
  it('group normalization over every step reward of the group (DeepSeekMath process supervision)', () => {
    // all rewards [1, 0, 1]: mean 2/3, sample std sqrt(1/3) → 1 ↦ 0.57735, 0 ↦ −1.1547
    const [g] = computeStepCredit([{ id: 'g', steps: [[1, 0], [1], null] }], {
      normalize: true,
      outcomeOptions: { epsilon: 0 },
    });
    near(g!.stepAdvantages[0], [-0.57735, -1.154701]);
    near(g!.stepAdvantages[1], [0.57735]);
    expect(g!.stepAdvantages[2]).toBeNull();
  });
  it('adds an outcome advantage to every step', () => {
    const [g] = computeStepCredit([{ id: 'g', steps: [[0.5, 0.25], [0.5]], outcomes: [1, 0] }], {
      returns: 'min',
      outcomeMethod: 'rloo',
    });
    near(g!.stepAdvantages[0], [1.25, 1.25]);
    near(g!.stepAdvantages[1], [-0.5]);
    expect(g!.outcomeAdvantages).toEqual([1, -1]);
  });
  it('reports mismatched outcome counts', () => {
    expect(() => computeStepCredit([{ id: 'x', steps: [[1]], outcomes: [] }], { gate: 1 })).toThrow(
      /group "x"/,
    );
  });
});

const rewards = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 });

describe('step credit: properties', () => {
  it('min-form returns never decrease along the steps and start at the overall minimum', () => {
    // G_t is a min over a set that shrinks as t grows, so it can only rise.
    fc.assert(
      fc.property(rewards, (r) => {
        const G = stepReturns(r, 'min');
        for (let t = 1; t < G.length; t++) expect(G[t]!).toBeGreaterThanOrEqual(G[t - 1]!);
        expect(G[0]).toBe(Math.min(...r));
        G.forEach((g, t) => {
          expect(g).toBeLessThanOrEqual(r[t]!);
        });
      }),
    );
  });
  it('delta then undiscounted sum gives back each step reward (the sum telescopes)', () => {
    fc.assert(
      fc.property(rewards, (r) => {
        near(stepReturns(transformSteps(r, 'delta')), r);
      }),
    );
  });
  it('after clip every return is ≤ 0, so repeating steps cannot farm reward', () => {
    fc.assert(
      fc.property(rewards, fc.double({ min: -1, max: 1, noNaN: true }), (r, eta) => {
        const G = stepReturns(transformSteps(r, 'clip', eta));
        for (const g of G) expect(g).toBeLessThanOrEqual(0);
        const doubled = stepReturns(transformSteps([...r, ...r], 'clip', eta));
        expect(doubled[0]!).toBeLessThanOrEqual(G[0]! + 1e-12);
      }),
    );
  });
});

describe('pass-rate history', () => {
  it('keeps a window per prompt and gives a verdict once enough rollouts are seen', () => {
    const h = new PassRateHistory({ window: 2, minSamples: 8 });
    expect(h.record('p', 4, 4)).toMatchObject({ calls: 1, passRate: 1, verdict: 'unknown' });
    expect(h.record('p', 4, 4)).toMatchObject({ calls: 2, passRate: 1, verdict: 'too_easy' });
    expect(h.record('p', 2, 4)).toMatchObject({
      calls: 3,
      passes: 6,
      samples: 8,
      passRate: 0.75,
      lastPassRate: 0.5,
      verdict: 'learning',
    });
    h.record('q', 0, 8);
    expect(h.get('q').verdict).toBe('too_hard');
    expect(h.get('nope')).toMatchObject({ calls: 0, passRate: null, verdict: 'unknown' });
    h.record('r', 0, 0); // nothing scored: not an observation
    expect(h.get('r').calls).toBe(0);
    expect(h.all().map((x) => x.prompt)).toEqual(['p', 'q']);
  });
  it('survives a JSON round trip and rejects a bad snapshot with the field at fault', () => {
    const h = new PassRateHistory({ window: 2, minSamples: 1 });
    h.record('p', 1, 4);
    h.record('p', 3, 4);
    h.record('p', 4, 4);
    const back = PassRateHistory.fromJSON(JSON.parse(JSON.stringify(h)), { window: 2, minSamples: 1 });
    expect(back.get('p')).toEqual(h.get('p'));
    expect(back.get('p')).toMatchObject({ calls: 3, passes: 7, samples: 8 });
    expect(() =>
      PassRateHistory.fromJSON({ version: 1, prompts: { p: { calls: 1, obs: [[5, 4]] } } }),
    ).toThrow(/pass-rate history: prompts\.p\.obs\.0: passes > samples/);
    expect(() => PassRateHistory.fromJSON([])).toThrow(/pass-rate history/);
  });
});
