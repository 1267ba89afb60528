import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/types.js';
import { extractChoice } from '../../../src/verifiers/text/choice.js';
import {
  extractAnswer,
  lastBoxed,
  lastTagContent,
  stripThinking,
} from '../../../src/verifiers/text/extract.js';
import { normalizeText } from '../../../src/verifiers/text/normalize.js';
import { callCpuReward as call } from '../../helpers.js';

const score = (o: Outcome) => (o.status === undefined || o.status === 'ok' ? o.score : o.status);

describe('answer extraction', () => {
  it('last \\boxed with nested braces, \\fbox, and `\\boxed 5`', () => {
    expect(lastBoxed('first \\boxed{1} then \\boxed{\\frac{1}{2}} end')).toBe('\\frac{1}{2}');
    expect(lastBoxed('\\fbox{x^{2}}')).toBe('x^{2}');
    expect(lastBoxed('so \\boxed 5$')).toBe('5');
    expect(lastBoxed('\\boxed{unclosed')).toBeUndefined();
    expect(lastBoxed('no box')).toBeUndefined();
  });
  it('the last complete <answer> block; a boxed answer inside it wins', () => {
    expect(lastTagContent('<answer>1</answer> <answer> 2 </answer>', 'answer')).toBe('2');
    expect(extractAnswer('<answer>so \\boxed{7}</answer>')).toEqual({ answer: '7', from: 'answer_tag' });
    expect(extractAnswer('x \\boxed{7}')).toEqual({ answer: '7', from: 'boxed' });
    expect(extractAnswer(' plain ')).toEqual({ answer: 'plain', from: 'whole' });
    expect(extractAnswer('plain', ['answer_tag'])).toBeUndefined();
  });
  it('strips thinking, also an unclosed trailing block', () => {
    expect(stripThinking('<think>a</think>b<think>c</think>d')).toBe('bd');
    expect(stripThinking('x<think>never closed')).toBe('x');
  });
  it('normalization steps are independent', () => {
    expect(normalizeText('  The  Cat! ', { ignore_case: true, ignore_whitespace: true })).toBe('the cat!');
    expect(
      normalizeText('The Cat!', {
        ignore_case: true,
        ignore_whitespace: true,
        ignore_punctuation: true,
        ignore_articles: true,
      }),
    ).toBe('cat');
  });
  it('no catastrophic backtracking on a megabyte of braces', () => {
    const huge = `\\boxed{${'{'.repeat(500_000)}`;
    const t = performance.now();
    expect(lastBoxed(huge)).toBeUndefined();
    expect(performance.now() - t).toBeLessThan(5_000); // generous: linear scan, typically a few ms
  });
});

describe('exact_match', () => {
  it('matches after normalization, against any of several references', () => {
    expect(
      score(call('exact_match', {}, { response: '<answer> PARIS </answer>', reference: ['Lyon', 'paris'] })),
    ).toBe(1);
    expect(
      score(
        call(
          'exact_match',
          { ignore_case: false },
          { response: '<answer>PARIS</answer>', reference: 'paris' },
        ),
      ),
    ).toBe(0);
    expect(
      score(call('exact_match', { ignore_punctuation: true }, { response: 'Paris.', reference: 'paris' })),
    ).toBe(1);
    expect(score(call('exact_match', {}, { response: 'x \\boxed{42}', reference: 42 }))).toBe(1);
  });
  it('ignore_punctuation keeps signs and decimal points that belong to numbers', () => {
    const p = { ignore_punctuation: true };
    const cases: [string, string, number][] = [
      ['<answer>-5</answer>', '5', 0],
      ['<answer>-5</answer>', '-5', 1],
      ['<answer>−5.</answer>', '-5', 1], // a Unicode minus is a minus; the full stop goes
      ['<answer>+3</answer>', '3', 0],
      ['<answer>1.0</answer>', '10', 0],
      ['<answer>1.0</answer>', '1.0', 1],
      ['<answer>3.14!</answer>', '3.14', 1],
      ['<answer>well-known</answer>', 'well known', 1], // a hyphen between words is punctuation
      ['<answer>x-5</answer>', 'x 5', 1], // and so is one after a letter
      ['<answer>(-2)</answer>', '-2', 1],
    ];
    for (const [response, reference, expected] of cases)
      expect([response, reference, score(call('exact_match', p, { response, reference }))]).toEqual([
        response,
        reference,
        expected,
      ]);
  });
  it('a required extraction that finds nothing is a wrong answer, with a reason', () => {
    const o = call('exact_match', { extract: 'answer_tag' }, { response: '42', reference: '42' });
    expect(o).toMatchObject({ score: 0, reason: 'no answer_tag answer found' });
  });
  it('an invalid reference is an error, not a zero', () => {
    expect(call('exact_match', {}, { response: 'a', reference: { a: 1 } })).toMatchObject({
      status: 'error',
    });
    expect(call('exact_match', {}, { response: 'a' })).toMatchObject({ status: 'error' });
    expect(call('exact_match', {}, { response: 'a', reference: [] })).toMatchObject({ status: 'error' });
  });
  it('scores the last assistant message of a conversation', () => {
    const response = [
      { role: 'assistant' as const, content: 'wrong' },
      { role: 'user' as const, content: 'try again' },
      { role: 'assistant' as const, content: '<answer>4</answer>' },
    ];
    expect(score(call('exact_match', {}, { response, reference: '4' }))).toBe(1);
  });
});

describe('choice', () => {
  const gold = (response: string, reference = 'B', args = {}) =>
    score(call('choice', args, { response, reference }));
  it.each([
    'The answer is (B).',
    'So the correct option is B',
    'Answer: **B**',
    'after some thought... **B**',
    'Analysis ...\nB)\n',
    '<answer>(B)</answer>',
    'thus \\boxed{B}',
    'The answer is A. Wait, no. The answer is B.',
  ])('finds B in %j', (response) => {
    expect(gold(response)).toBe(1);
  });
  it('wrong or missing choices score 0 with the reason', () => {
    expect(gold('The answer is (C).')).toBe(0);
    expect(call('choice', {}, { response: 'I think so.', reference: 'B' })).toMatchObject({
      score: 0,
      reason: 'no choice found',
    });
  });
  it('listing several options is ambiguous, not a hit', () => {
    expect(extractChoice('**A** **B** **C** **D**', 'ABCD')).toEqual({ ambiguous: ['A', 'B', 'C', 'D'] });
    expect(gold('A\nB\nC\nD')).toBe(0);
  });
  it('articles and pronouns are not choices', () => {
    expect(gold('A cat is an animal. I agree.', 'A')).toBe(0);
    expect(gold('the answer is a dog', 'A')).toBe(0);
  });
  it('letters outside the allowed set are ignored; a bad reference is an error', () => {
    expect(gold('The answer is E', 'A', { letters: 'ABCD' })).toBe(0);
    expect(call('choice', { letters: 'ABCD' }, { response: 'A', reference: 'F' })).toMatchObject({
      status: 'error',
    });
    expect(gold('**b**', '(b)')).toBe(0); // lower-case bold is not a choice; the reference "(b)" normalizes to B
  });
});
