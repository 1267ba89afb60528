import { afterAll, describe, expect, it } from 'vitest';
import type { RewardContext, Sample } from '../../../src/core/types.js';
import { parseSpec, Runtime, Scorer } from '../../../src/index.js';
import { extractDetailed, math, mathEquivalent } from '../../../src/verifiers/math/index.js';

const ctx = (seed = 0): RewardContext => ({
  deadline: Date.now() + 60_000,
  signal: new AbortController().signal,
  seed,
});
const reward = (args: Record<string, unknown> = {}) => math.create(math.args.parse(args));

describe('extraction stage', () => {
  it('prefers the most explicit source', () => {
    const text = 'Answer: 3\n**4**\n$5$\n\\boxed{6}\n<answer>7</answer>';
    expect(extractDetailed(text)).toMatchObject({ answer: '7', from: 'answer_tag' });
    expect(extractDetailed(text.replace('<answer>7</answer>', ''))).toMatchObject({
      answer: '6',
      from: 'boxed',
    });
    expect(extractDetailed('Answer: 3\n**4**\n$5$')).toMatchObject({ answer: '3', from: 'phrase' });
    expect(extractDetailed('so $4$, then $5$')).toMatchObject({ answer: '5', from: 'latex' });
    expect(extractDetailed('so **4**, then $5$')).toMatchObject({ answer: '4', from: 'bold' });
    expect(extractDetailed('so **4** and 9')).toMatchObject({ answer: '4', from: 'bold' });
    expect(extractDetailed('so 4, then 9')).toMatchObject({ answer: '9', from: 'number' });
    expect(extractDetailed('so 4 and 9')).toMatchObject({ answer: '4, 9', from: 'number' });
  });

  it('follows a configured source order and reports every distinct boxed answer', () => {
    expect(extractDetailed('\\boxed{1}, then \\boxed{ 1 }, then \\boxed{2}')).toMatchObject({
      answer: '2',
      distinctBoxed: 2,
    });
    // among explicit markers the one that comes last in the response wins, whatever the order listed
    expect(extractDetailed('\\boxed{6}. Final answer: 3', ['phrase', 'boxed'])).toMatchObject({
      answer: '3',
      from: 'phrase',
    });
    expect(extractDetailed('Answer: 3 \\boxed{6}', ['phrase'])).toMatchObject({
      answer: '3 \\boxed{6}',
      from: 'phrase',
    });
    expect(extractDetailed('no marker 5', ['boxed'])).toBeUndefined();
  });

  it('nested and truncated boxes', () => {
    expect(extractDetailed('\\boxed{\\frac{1}{\\sqrt{2}}}')?.answer).toBe('\\frac{1}{\\sqrt{2}}');
    expect(extractDetailed('\\boxed{3} then \\boxed{\\frac{1}{2')?.answer).toBe('3');
    expect(extractDetailed('\\boxed{\\{1, 2\\}}')?.answer).toBe('\\{1, 2\\}');
  });
});

describe('the math reward', () => {
  it('scores 1 / 0 with the extracted answer, the gold and the rule in detail', () => {
    const r = reward()({ response: 'So $\\boxed{\\dfrac{1}{2}}$.', reference: '0.5' }, ctx());
    expect(r).toMatchObject({
      status: 'ok',
      score: 1,
      detail: { extracted: '\\dfrac{1}{2}', from: 'boxed', gold: '0.5' },
    });
    expect(r.reason).toMatch(/equivalent/);
    const w = reward()({ response: 'So $\\boxed{3}$.', reference: '$\\boxed{4}$' }, ctx());
    expect(w).toMatchObject({ status: 'ok', score: 0, detail: { extracted: '3', gold: '4' } });
    expect(reward()({ response: 'I give up.', reference: '4' }, ctx())).toMatchObject({
      score: 0,
      reason: 'no final answer found',
    });
  });

  it('accepts any of a list of references and numbers as references', () => {
    expect(reward()({ response: '\\boxed{0.5}', reference: ['1/3', '\\frac12'] }, ctx())).toMatchObject({
      score: 1,
    });
    expect(reward()({ response: '\\boxed{12}', reference: 12 }, ctx())).toMatchObject({ score: 1 });
  });

  it('an unusable reference is an error, not a zero', () => {
    for (const reference of [undefined, null, '', '   ', [], [1, {}], { a: 1 }, Number.NaN]) {
      const r = reward()({ response: '\\boxed{1}', reference } as Sample, ctx());
      expect(r.status).toBe('error');
      expect(r.reason).toMatch(/reference/);
    }
  });

  it('references as datasets ship them: only their answer is compared (issue 16, kind 2)', () => {
    const r = (response: string, reference: string) => {
      const out = reward()({ response, reference }, ctx());
      return 'score' in out ? out.score : out.status;
    };
    expect(r('\\boxed{-1, 4}', 'The roots are \\boxed{4} and \\boxed{-1}.')).toBe(1);
    expect(r('\\boxed{72}', 'She sold 48/2 = 24 clips.\nAltogether 48+24 = 72 clips.\n#### 72')).toBe(1);
    expect(r('\\boxed{24}', 'She sold 48/2 = 24 clips.\nAltogether 48+24 = 72 clips.\n#### 72')).toBe(0);
    expect(r('\\boxed{17}', 'The answer is 17.')).toBe(1);
    // a long text without a marker: no number of its working is taken for the answer
    const working = `${'We consider the cases one by one and count 12 of them in the first part. '.repeat(5)}So 7 remain.`;
    expect(r('\\boxed{7}', working)).toBe(0);
  });

  it('a reference past the parse cap is an error, unless the response states it verbatim (issue 14.11)', () => {
    const huge = '7'.repeat(1_000_000);
    const same = reward()({ response: `So the answer is $\\boxed{${huge}}$.`, reference: huge }, ctx());
    expect(same).toMatchObject({ status: 'ok', score: 1 });
    expect(reward()({ response: huge, reference: huge }, ctx())).toMatchObject({ status: 'ok', score: 1 });
    const other = reward()({ response: `\\boxed{${huge}8}`, reference: huge }, ctx());
    expect(other.status).toBe('error');
    expect(other.reason).toMatch(/reference is too long/);
    // with another usable reference in the list, that one decides
    expect(reward()({ response: '\\boxed{3}', reference: [huge, '3'] }, ctx())).toMatchObject({ score: 1 });
    expect(reward()({ response: '\\boxed{4}', reference: [huge, '3'] }, ctx())).toMatchObject({ score: 0 });
  });

  it('rounding, tolerance and variable naming are options', () => {
    const pi = { response: '\\boxed{3.14}', reference: '\\pi' };
    expect(reward()(pi, ctx())).toMatchObject({ score: 0 });
    expect(reward({ allow_rounded: true })(pi, ctx())).toMatchObject({ score: 1 });
    expect(
      reward({ allow_rounded: true })({ response: '\\boxed{3.15}', reference: '\\pi' }, ctx()),
    ).toMatchObject({ score: 0 });
    expect(
      reward({ allow_rounded: true })({ response: '\\boxed{3}', reference: '\\pi' }, ctx()),
    ).toMatchObject({ score: 0 });
    const third = { response: '\\boxed{0.33}', reference: '1/3' };
    expect(reward()(third, ctx())).toMatchObject({ score: 0 });
    expect(reward({ rel_tol: 0.02 })(third, ctx())).toMatchObject({ score: 1 });
    const names = { response: '\\boxed{2b+1}', reference: '2a+1' };
    expect(reward()(names, ctx())).toMatchObject({ score: 0 });
    expect(reward({ variables: 'rename' })(names, ctx())).toMatchObject({ score: 1 });
    expect(
      reward({ variables: 'rename' })({ response: '\\boxed{2b+1}', reference: '2a-1' }, ctx()),
    ).toMatchObject({ score: 0 });
  });

  it('lists of quoted numbers are read; lists are sets unless ordered: true (sorting tasks)', () => {
    const cases: [string, unknown, Record<string, unknown>, number][] = [
      ['<answer>["-1.5", "2"]</answer>', '-1.5, 2', {}, 1],
      ["<answer>['-1.5', '2']</answer>", '2, -1.5', {}, 1],
      ['<answer>["-1.5", "2"]</answer>', '1.5, 2', {}, 0], // the sign is part of the number
      ['\\boxed{3, 1, 2}', '["1", "2", "3"]', {}, 1],
      ['\\boxed{3, 1, 2}', '["1", "2", "3"]', { ordered: true }, 0],
      ["<answer>('1', '2', '3')</answer>", '1, 2, 3', { ordered: true }, 1],
      ['<answer>["1", "2"]</answer>', '1, 2, 3', {}, 0], // one missing
    ];
    for (const [response, reference, args, score] of cases)
      expect([response, args, reward(args)({ response, reference }, ctx())]).toMatchObject([
        response,
        args,
        { score },
      ]);
  });

  it('candidate listing: more than max_boxed different boxed answers scores 0', () => {
    const many = {
      response: 'Try \\boxed{1}. No: \\boxed{2}. No: \\boxed{3}. No: \\boxed{4}. So \\boxed{5}',
      reference: '5',
    };
    expect(reward()(many, ctx())).toMatchObject({ score: 0, reason: expect.stringMatching(/candidate/) });
    expect(reward({ max_boxed: 0 })(many, ctx())).toMatchObject({ score: 1 });
    // boxes listed together are one answer of several values, whatever max_boxed says
    const listed = { response: '\\boxed{1} \\boxed{2} \\boxed{3} \\boxed{4} \\boxed{5}', reference: '5' };
    expect(reward({ max_boxed: 0 })(listed, ctx())).toMatchObject({ score: 0 });
    expect(reward()({ response: '\\boxed{5} and again \\boxed{5}', reference: '5' }, ctx())).toMatchObject({
      score: 1,
    });
  });

  it('rejects bad args with the path', () => {
    expect(() => parseSpec({ reward: { use: 'math', args: { rel_tol: -1 } } })).toThrow(/args\.rel_tol/);
    expect(() => parseSpec({ reward: { use: 'math', args: { extract: ['boxed', 'psychic'] } } })).toThrow(
      /args\.extract/,
    );
    expect(() => parseSpec({ reward: { use: 'math', args: { bogus: 1 } } })).toThrow(/bogus/);
  });

  it('is deterministic for a seed and independent of it on ordinary answers', () => {
    const s = { response: '\\boxed{(x+1)^2}', reference: 'x^2+2x+1' };
    for (const seed of [0, 1, 99, 123456]) expect(reward()(s, ctx(seed))).toEqual(reward()(s, ctx(seed)));
    for (const seed of [0, 1, 99, 123456]) expect(reward()(s, ctx(seed))).toMatchObject({ score: 1 });
    expect(mathEquivalent('\\sin x', '\\cos x', { seed: 5 })).toBe(false);
  });
});

describe('through the worker pool', () => {
  const rt = new Runtime({ threads: 2 });
  afterAll(() => rt.close());

  it('scores a batch, pathological answers included, within the deadline', async () => {
    const scorer = new Scorer(parseSpec({ reward: { use: 'math' } }), rt);
    const samples: Sample[] = [
      { response: 'Thus $\\boxed{\\frac{\\sqrt{2}}{2}}$.', reference: '\\frac{1}{\\sqrt2}' },
      { response: '\\boxed{5^{5^{5^{5^5}}}}', reference: '5^{5^{5^{5^4}}}' },
      { response: `${'{'.repeat(100_000)}\\boxed{${'('.repeat(10_000)}`, reference: '1' },
      { response: '\\boxed{1}', reference: { wrong: true } },
    ];
    const out = await scorer.score(samples, { timeoutMs: 10_000 });
    expect(out.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'error']);
    expect(out.map((r) => r.score)).toEqual([1, 0, 0, null]);
  });
});

describe('require_simplified', () => {
  const strict = reward({ require_simplified: true });
  const cases: [string, string, number][] = [
    ['\\frac{3}{4}', '\\frac{6}{8}', 0],
    ['\\frac{3}{4}', '\\frac{3}{4}', 1],
    ['2', '\\frac{4}{2}', 0],
    ['5', '2+3', 0],
    ['2\\sqrt{2}', '\\sqrt{8}', 0],
    ['2\\sqrt{2}', '2\\sqrt{2}', 1],
    ['\\sqrt{2}', '\\sqrt{2}', 1],
    ['\\frac{8}{3}', '2\\frac{2}{3}', 1],
    ['120', '5!', 0],
    ['1024', '2^{10}', 1],
    ['x+1', 'x+1', 1],
    ['\\frac{\\sqrt{2}}{2}', '\\frac{\\sqrt{2}}{2}', 1],
  ];
  it.each(cases)('%s vs %s → %d', (gold, pred, expected) => {
    expect(strict({ response: `\\boxed{${pred}}`, reference: gold }, ctx())).toMatchObject({
      status: 'ok',
      score: expected,
    });
    expect(reward()({ response: `\\boxed{${pred}}`, reference: gold }, ctx())).toMatchObject({ score: 1 });
  });
});

describe('allow_rounded works from either side', () => {
  it('a rounded gold accepts the exact prediction only when allowed', () => {
    const s = { response: '\\boxed{\\frac{1}{3}}', reference: '0.33' };
    expect(reward()(s, ctx())).toMatchObject({ score: 0 });
    expect(reward({ allow_rounded: true })(s, ctx())).toMatchObject({ score: 1 });
    expect(
      reward({ allow_rounded: true })({ response: '\\boxed{\\frac{1}{2}}', reference: '0.33' }, ctx()),
    ).toMatchObject({ score: 0 });
  });
});
