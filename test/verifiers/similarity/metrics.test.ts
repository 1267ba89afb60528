import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/types.js';
import { sentenceBleu } from '../../../src/verifiers/similarity/bleu.js';
import { sentenceChrf } from '../../../src/verifiers/similarity/chrf.js';
import { lcsLengthBits, levenshteinSimilarity, ratio } from '../../../src/verifiers/similarity/edit.js';
import { porterStem } from '../../../src/verifiers/similarity/porter.js';
import { rougeScore } from '../../../src/verifiers/similarity/rouge.js';
import { exactMatch, normalizeAnswer, tokenF1 } from '../../../src/verifiers/similarity/squad.js';
import { bleuTokens } from '../../../src/verifiers/similarity/tokenizers.js';
import { callCpuReward } from '../../helpers.js';

const BLEU = { tokenize: '13a', smooth: 'exp', lowercase: false, effectiveOrder: true, maxOrder: 4 } as const;
const CHRF = {
  charOrder: 6,
  wordOrder: 0,
  beta: 2,
  lowercase: false,
  whitespace: false,
  epsSmoothing: false,
};
const score = (o: Outcome) => ('score' in o ? o.score : o.status);

describe('BLEU (sacrebleu sentence_bleu semantics)', () => {
  it('13a tokenization splits punctuation but keeps decimals, apostrophes and hyphens', () => {
    expect(bleuTokens('Hello, world! It costs $3.50 (approx.) -- e-mail', '13a')).toEqual(
      'Hello , world ! It costs $ 3.50 ( approx . ) -- e-mail'.split(' '),
    );
    expect(bleuTokens("l'été", 'intl')).toEqual(['l', "'", 'été']);
    expect(bleuTokens('a,b', 'intl')).toEqual(['a', ',', 'b']);
    expect(bleuTokens('ab c', 'char')).toEqual(['a', 'b', 'c']);
  });
  it('identical sentences score 100', () => {
    expect(sentenceBleu('The cat is on the mat.', ['The cat is on the mat.'], BLEU).score).toBeCloseTo(
      100,
      10,
    );
  });
  it('exp smoothing of a zero 4-gram precision: (5/6 · 3/5 · 1/4 · 1/(2·3))^(1/4) by hand', () => {
    const s = sentenceBleu('the cat sat on the mat', ['the cat is on the mat'], BLEU);
    expect(s.precisions).toEqual([(100 * 5) / 6, 60, 25, 100 / 6]);
    expect(s.score).toBeCloseTo(100 * (15 / 720) ** 0.25, 10);
  });
  it('effective order and brevity penalty: 2 tokens against 6', () => {
    const s = sentenceBleu('the cat', ['the cat is on the mat'], BLEU);
    expect(s.score).toBeCloseTo(100 * Math.exp(1 - 6 / 2), 10);
    expect(
      sentenceBleu('the cat', ['the cat is on the mat'], { ...BLEU, effectiveOrder: false }).score,
    ).toBeLessThan(1e-6);
  });
  it('floor and add-k smoothing, and none', () => {
    const hyp = 'the cat sat on the mat';
    const ref = ['the cat is on the mat'];
    expect(sentenceBleu(hyp, ref, { ...BLEU, smooth: 'floor' }).precisions[3]).toBeCloseTo(
      (100 * 0.1) / 3,
      10,
    );
    const addk = sentenceBleu(hyp, ref, { ...BLEU, smooth: 'add-k' });
    expect(addk.precisions).toEqual([(100 * 5) / 6, (100 * 4) / 6, (100 * 2) / 5, 100 / 4]);
    expect(sentenceBleu(hyp, ref, { ...BLEU, smooth: 'none' }).score).toBeLessThan(1e-6);
  });
  it('several references: counts clipped by the max over references, closest length (ties: shorter)', () => {
    const s = sentenceBleu('a a a b', ['a b c d e', 'a a x'], BLEU);
    expect(s.refLen).toBe(3); // |4-5| = |4-3|: the shorter wins
    expect(s.precisions[0]).toBeCloseTo(75, 10); // a: min(3, 2) + b: 1 over 4
  });
});

describe('chrF (sacrebleu semantics)', () => {
  it('hand-computed: "abc" vs "abd" averages P and R over the orders both sides have', () => {
    expect(sentenceChrf('abc', ['abd'], CHRF)).toBeCloseTo((100 * (2 / 3 + 1 / 2 + 0)) / 3, 10);
  });
  it('whitespace is ignored unless asked; identical text is 100', () => {
    expect(sentenceChrf('a b', ['ab'], CHRF)).toBeCloseTo(100, 10);
    expect(sentenceChrf('a b', ['ab'], { ...CHRF, whitespace: true })).toBeLessThan(100);
  });
  it('chrF++ adds word unigrams and bigrams, punctuation split off words', () => {
    const plus = { ...CHRF, wordOrder: 2 };
    expect(sentenceChrf('the cat.', ['the cat .'], plus)).toBeCloseTo(100, 10);
    // char orders as for "thecat" vs "thedog"; word orders: unigrams 1/2, bigrams 0/1
    const chars = [3 / 6, 2 / 5, 1 / 4, 0, 0, 0];
    const words = [1 / 2, 0];
    const avg = [...chars, ...words].reduce((s, x) => s + x, 0) / 8;
    expect(sentenceChrf('the cat', ['the dog'], plus)).toBeCloseTo(100 * avg, 10);
  });
  it('the best reference counts', () => {
    expect(sentenceChrf('abc', ['xyz', 'abc'], CHRF)).toBeCloseTo(100, 10);
  });
});

describe('ROUGE (rouge-score semantics)', () => {
  const target = 'The quick brown fox jumps over the lazy dog';
  const pred = 'The quick brown dog jumps on the log.';
  it("rouge-score's README example with stemming", () => {
    const r1 = rougeScore('rouge1', target, pred, true);
    expect(r1.precision).toBeCloseTo(0.75, 12);
    expect(r1.recall).toBeCloseTo(6 / 9, 12);
    expect(r1.fmeasure).toBeCloseTo(0.7058823529411765, 12);
    const rl = rougeScore('rougeL', target, pred, true);
    expect(rl.precision).toBeCloseTo(0.625, 12);
    expect(rl.fmeasure).toBeCloseTo(0.5882352941176471, 12);
  });
  it('rouge2 by hand; non-ASCII letters are separators; empty text scores 0', () => {
    // bigrams: target 8, pred 7, common: "the quick", "quick brown" → 2
    const r2 = rougeScore('rouge2', target, pred, false);
    expect(r2.precision).toBeCloseTo(2 / 7, 12);
    expect(r2.recall).toBeCloseTo(2 / 8, 12);
    expect(rougeScore('rouge1', 'café', 'caf', false).fmeasure).toBe(1);
    expect(rougeScore('rougeL', '', 'x', false).fmeasure).toBe(0);
  });
  it('rougeLsum: union LCS over newline-separated sentences', () => {
    // ref sentence "a b c d"; candidate sentences "a b" and "c d": union covers all 4 tokens
    const s = rougeScore('rougeLsum', 'a b c d', 'a b\nc d', false);
    expect(s.recall).toBe(1);
    expect(s.precision).toBe(1);
    expect(rougeScore('rougeL', 'a b c d', 'c d a b', false).fmeasure).toBeCloseTo(0.5, 12);
  });
});

describe("NLTK's Porter stemmer (NLTK_EXTENSIONS mode, as rouge-score uses it)", () => {
  it.each([
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['ties', 'tie'],
    ['cats', 'cat'],
    ['agreed', 'agre'],
    ['running', 'run'],
    ['hopping', 'hop'],
    ['hoping', 'hope'],
    ['happy', 'happi'],
    ['enjoy', 'enjoy'],
    ['dying', 'die'],
    ['skies', 'sky'],
    ['connection', 'connect'],
    ['connections', 'connect'],
    ['connected', 'connect'],
    ['relational', 'relat'],
    ['generalizations', 'gener'],
    ['jumps', 'jump'],
    ['lazy', 'lazi'],
    ['died', 'die'],
    ['spied', 'spi'],
  ])('%s → %s', (word, stem) => expect(porterStem(word)).toBe(stem));
});

describe('SQuAD F1 / EM', () => {
  it('normalization: case, punctuation, articles, whitespace', () => {
    expect(normalizeAnswer('  The  Eiffel-Tower! ')).toBe('eiffeltower');
    expect(exactMatch('the Eiffel Tower', 'Eiffel Tower')).toBe(1);
  });
  it('token F1 by hand, and the empty cases of the v2.0 script', () => {
    expect(tokenF1('in Paris, France', 'Paris')).toBeCloseTo(0.5, 12);
    expect(tokenF1('a the', 'an')).toBe(1);
    expect(tokenF1('', 'Paris')).toBe(0);
  });
});

describe('edit similarity', () => {
  it("rapidfuzz's documented fuzz.ratio example and kitten/sitting", () => {
    expect(100 * ratio('this is a test', 'this is a test!')).toBeCloseTo(96.55172413793103, 10);
    expect(ratio('kitten', 'sitting')).toBeCloseTo(8 / 13, 12);
    expect(levenshteinSimilarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 12);
    expect(ratio('', '')).toBe(1);
  });
  it('bit-parallel LCS agrees with dynamic programming across word boundaries', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let t = 0; t < 50; t++) {
      const s = (n: number) => Array.from({ length: n }, () => 'abcd'[Math.floor(rnd() * 4)]).join('');
      const a = s(Math.floor(rnd() * 100));
      const b = s(Math.floor(rnd() * 100));
      const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++)
          dp[i]![j] =
            a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
      expect(lcsLengthBits(a, b)).toBe(dp[a.length]![b.length]);
    }
  });
  it('astral characters count once', () => {
    expect(levenshteinSimilarity('a😀', 'a😁')).toBeCloseTo(0.5, 12);
  });
});

describe('similarity rewards', () => {
  it('score in [0,1], best over references, think stripped, bad reference is an error', () => {
    const s = {
      response: '<think>draft</think>the cat sat on the mat',
      reference: ['xyz', 'the cat sat on the mat'],
    };
    for (const name of ['bleu', 'chrf', 'rouge', 'f1', 'edit'])
      expect(score(callCpuReward(name, {}, s))).toBeCloseTo(1, 10);
    const bad = callCpuReward('bleu', {}, { response: 'x', reference: { text: 'x' } });
    expect(bad.status).toBe('error');
    expect(
      score(
        callCpuReward('rouge', { type: 'rouge2', stem: true }, { response: 'the cat', reference: 'a dog' }),
      ),
    ).toBe(0);
  });
});

describe('chrF on astral characters', () => {
  it('an emoji is one character, and texts with and without one share n-grams', () => {
    // "ab😀" vs "ab": order 1: 2/3 and 2/2; order 2: 1/2 and 1/1; order 3: hyp 1, ref 0 → not effective
    const p = (2 / 3 + 1 / 2) / 2;
    expect(sentenceChrf('ab😀', ['ab'], CHRF)).toBeCloseTo((100 * 5 * p * 1) / (4 * p + 1), 10);
  });
});
