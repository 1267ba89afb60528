import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RewardContext } from '../../../src/core/types.js';
import { extractMathAnswer, math, mathEquivalent, parseMath } from '../../../src/verifiers/math/index.js';
import { PATHOLOGICAL } from './pathological.js';

const ctx: RewardContext = {
  deadline: Date.now() + 3_600_000,
  signal: new AbortController().signal,
  seed: 7,
};
const score = math.create(math.args.parse({}));
const outcome = (response: string, reference: unknown) => score({ response, reference }, ctx);

describe('math never hangs, never throws', () => {
  for (const [a, b] of PATHOLOGICAL) {
    it(`answers ${JSON.stringify(a.slice(0, 40))}${a.length > 40 ? '…' : ''}`, () => {
      expect(typeof mathEquivalent(a, b)).toBe('boolean');
      expect(typeof mathEquivalent(b, a)).toBe('boolean');
      const r = outcome(`The answer is $\\boxed{${a}}$.`, b);
      expect(r.status ?? 'ok').toBe('ok');
    });
  }

  it('keeps power towers and huge factorials apart instead of calling two infinities equal', () => {
    expect(mathEquivalent('5^{5^{5^{5^5}}}', '5^{5^{5^{5^4}}}')).toBe(false);
    expect(mathEquivalent('5^{5^{5^{5^5}}}', '5^{5^{5^{5^5}}}')).toBe(true);
    expect(mathEquivalent('10^{400}', '10^{401}')).toBe(false);
    expect(mathEquivalent('10^{400}\\sqrt{2}', '10^{401}\\sqrt{2}')).toBe(false);
    expect(mathEquivalent('\\infty', '10^{400}\\sqrt{2}')).toBe(false);
  });

  it('handles megabyte responses', () => {
    const filler = 'Consider the sum $1 + 2 + 3$ and keep going. '.repeat(25_000); // ~1.1 MB
    expect(outcome(`${filler}\nThe answer is $\\boxed{6}$.`, '6')).toMatchObject({ score: 1 });
    expect(outcome(`${'\\boxed{'.repeat(150_000)}7`, '7')).toMatchObject({ status: 'ok' });
    expect(outcome('{'.repeat(1_000_000), '7')).toMatchObject({ status: 'ok', score: 0 });
    expect(outcome('$'.repeat(1_000_000), '7')).toMatchObject({ status: 'ok', score: 0 });
    expect(outcome('**'.repeat(500_000), '7')).toMatchObject({ status: 'ok', score: 0 });
    expect(outcome('9'.repeat(1_000_000), '7')).toMatchObject({ status: 'ok', score: 0 });
    expect(outcome(`${'answer: '.repeat(100_000)}7`, '7')).toMatchObject({ status: 'ok', score: 1 });
    expect(outcome(`<think>${'x'.repeat(1_000_000)}`, '7')).toMatchObject({ status: 'ok', score: 0 });
    // the extractor's newer scans: sentences, prices, copulas, the word "answer", fractions, backslashes
    for (const response of [
      'is '.repeat(300_000),
      '$1 for '.repeat(150_000),
      'answer '.repeat(150_000),
      '\\frac{1}{'.repeat(110_000),
      '\\'.repeat(1_000_000),
      '1,'.repeat(500_000),
      '. 7'.repeat(300_000),
      '(7 '.repeat(300_000),
      'x = \\sqrt{'.repeat(100_000),
    ]) {
      expect(outcome(response, '7').status).toBe('ok');
    }
  });

  it('never throws on random LaTeX-ish input (property)', () => {
    const token = fc.constantFrom(
      '1',
      '23',
      '.5',
      'x',
      'y',
      'e',
      'i',
      '\\pi',
      '+',
      '-',
      '*',
      '/',
      '^',
      '_',
      '!',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '\\{',
      '\\}',
      ',',
      '=',
      '<',
      '\\le',
      '|',
      '\\frac',
      '\\sqrt',
      '\\sin',
      '\\log',
      '\\text{cm}',
      '\\pm',
      '\\cup',
      '\\infty',
      '\\begin{pmatrix}',
      '\\end{pmatrix}',
      '&',
      '\\\\',
      ' ',
      '%',
      '\\$',
      '^\\circ',
      '\\binom',
      '\\left(',
      '\\right)',
      '\\boxed{',
      '$',
      'or',
      '\\cdot',
      '0',
      '2,000',
      '\\',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), fc.array(token, { maxLength: 40 }), (a, b) => {
        const x = a.join('');
        const y = b.join('');
        expect(typeof mathEquivalent(x, y)).toBe('boolean');
        // reflexive, except an answer that cleans to nothing or expands past 64 alternatives (\pm chains)
        if (parseMath(x).text.trim() !== '' && x.split('\\pm').length < 6)
          expect(mathEquivalent(x, x)).toBe(true);
        const r = outcome(`so \\boxed{${x}}`, y.trim() === '' ? '1' : y);
        expect(r.status ?? 'ok').toBe('ok');
        extractMathAnswer(x);
      }),
      { numRuns: 1500, seed: 42 },
    );
  });

  it('is reflexive on every well-formed answer of the property run', () => {
    const atom = fc.constantFrom('1', '2', 'x', '\\pi', '\\frac{1}{3}', '\\sqrt{2}', 'y', '0.5', 'e');
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom,
        fc
          .tuple(tie('e'), fc.constantFrom('+', '-', '\\cdot ', '/'), tie('e'))
          .map(([l, o, r]) => `(${l})${o}(${r})`),
        tie('e').map((x) => `\\sqrt{${x}}`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, (x) => {
        expect(mathEquivalent(x, x)).toBe(true);
      }),
      { numRuns: 500, seed: 1 },
    );
  });
});

describe('no false positives on near misses (property)', () => {
  const atom = fc.constantFrom(
    'x',
    'y',
    '\\pi',
    '\\frac{1}{3}',
    '\\sqrt{2}',
    '2',
    'e',
    'x^2',
    '\\sin x',
    '\\ln 3',
  );
  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small' },
      atom,
      fc
        .tuple(tie('e'), fc.constantFrom('+', '-', '\\cdot '), tie('e'))
        .map(([l, o, r]) => `(${l})${o}(${r})`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `\\frac{${l}}{1+(${r})^2}`),
    ),
  })).e;

  it('E is never equivalent to E + c or E · 2 (for E not identically 0)', () => {
    fc.assert(
      fc.property(expr, fc.constantFrom('1', '10^{-6}', '\\frac{1}{1000}', '2'), (e, c) => {
        expect(mathEquivalent(e, `(${e}) + ${c}`)).toBe(false);
        if (!mathEquivalent(e, '0')) expect(mathEquivalent(e, `2(${e})`)).toBe(false);
      }),
      { numRuns: 400, seed: 3 },
    );
  });

  it('E is equivalent to its rewritten forms', () => {
    fc.assert(
      fc.property(expr, expr, (a, b) => {
        expect(mathEquivalent(`(${a}) + (${b})`, `(${b}) + (${a})`)).toBe(true);
        expect(mathEquivalent(`(${a}) \\cdot (${b})`, `(${b})(${a})`)).toBe(true);
        expect(mathEquivalent(`(${a})^2`, `(${a})(${a})`)).toBe(true);
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});
