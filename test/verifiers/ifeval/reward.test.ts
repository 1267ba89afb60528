import { describe, expect, it } from 'vitest';
import type { Outcome, RewardResult } from '../../../src/core/types.js';
import { countBullets, countHighlights } from '../../../src/verifiers/ifeval/scan.js';
import { punktSentences, splitIntoSentences } from '../../../src/verifiers/ifeval/sentences.js';
import { countWords, wordTokenize } from '../../../src/verifiers/ifeval/words.js';
import { callCpuReward } from '../../helpers.js';

/** The reward's outcome, with `score` null when it failed. */
function run(
  reference: unknown,
  response: string,
  args: Record<string, unknown> = {},
  meta?: Record<string, unknown>,
): Outcome & { score: number | null } {
  const o = callCpuReward('ifeval', args, { response, reference, ...(meta && { meta }) });
  return { ...o, score: 'score' in o ? o.score : null } as Outcome & { score: number | null };
}
const parts = (o: Outcome) => (o.components ?? []).map((c: RewardResult) => [c.name, c.status, c.score]);

describe('ifeval: text rules restated from the reference', () => {
  it('nltk.word_tokenize on the NLTK documentation example', () => {
    expect(
      wordTokenize('Good muffins cost $3.88\nin New York.  Please buy me\ntwo of them.\nThanks.'),
    ).toEqual([
      'Good',
      'muffins',
      'cost',
      '$',
      '3.88',
      'in',
      'New',
      'York',
      '.',
      'Please',
      'buy',
      'me',
      'two',
      'of',
      'them',
      '.',
      'Thanks',
      '.',
    ]);
    expect(wordTokenize("They'll say I cannot go, won't they?")).toEqual([
      'They',
      "'ll",
      'say',
      'I',
      'can',
      'not',
      'go',
      ',',
      'wo',
      "n't",
      'they',
      '?',
    ]);
  });
  it('split_into_sentences keeps titles, decimals and initialisms inside sentences', () => {
    expect(splitIntoSentences('Mr. Smith went to Washington. He arrived at 3.30 p.m. on Monday.')).toEqual([
      'Mr. Smith went to Washington.',
      'He arrived at 3.30 p.m. on Monday.',
    ]);
  });
  it('Punkt-style sentences: abbreviations, numbers, line breaks', () => {
    expect(punktSentences('See e.g. the notes. Then stop.')).toHaveLength(2);
    expect(punktSentences('Steps:\n1. Mix flour.\n2. Add eggs.')).toHaveLength(4);
    expect(punktSentences('Heading\nbody text without a stop')).toHaveLength(1);
    expect(punktSentences('')).toHaveLength(0);
    // Punkt's decisions on common abbreviations, numbers and ellipses (reasoned from its rules)
    expect(punktSentences('We need tools, e.g. hammers and saws. Then we build.')).toHaveLength(2);
    expect(punktSentences('Bring pens, paper, etc. The rest is provided.')).toHaveLength(2);
    expect(punktSentences('He said "Stop." Then he left.')).toHaveLength(2);
    expect(punktSentences('The meeting is at 3 p.m. tomorrow. Be on time.')).toHaveLength(2);
    expect(punktSentences('See Fig. 2 for details.')).toHaveLength(1);
    expect(punktSentences('The U.S. Army is big.')).toHaveLength(1);
    expect(punktSentences('Wait... what happened?')).toHaveLength(1);
    expect(punktSentences('I waited... Nothing happened.')).toHaveLength(2);
    expect(punktSentences('He was born in Jan. 1990. He died in 2020.')).toHaveLength(2);
    expect(punktSentences("Dr. Smith and Mrs. Jones met at St. Paul's.")).toHaveLength(1);
  });
  it('word count is \\w+ runs with Unicode letters', () => {
    expect(countWords("naïve café, l'été 2024_x")).toBe(5);
  });
  it('linear scanners give findall counts, even on hostile input', () => {
    expect(countBullets('*\nnext line\n  - dash\n---\n**bold**')).toBe(3);
    expect(countHighlights('*a* **b** * *')).toBe(2);
    const hostile = `${'\n'.repeat(200_000)}x${'['.repeat(200_000)}${'*'.repeat(200_000)}`;
    const t = performance.now();
    countBullets(hostile);
    countHighlights(hostile);
    expect(
      run(
        {
          instruction_id_list: ['detectable_content:number_placeholders'],
          kwargs: [{ num_placeholders: 1 }],
        },
        hostile,
      ).score,
    ).toBe(0);
    expect(performance.now() - t).toBeLessThan(5_000); // quadratic would be minutes
  });
});

describe('ifeval: data shapes accepted unchanged', () => {
  const response = 'Section 1\nhello there\nSection 2\nmore text';
  it('IFEval input_data row with null kwargs (Hugging Face google/IFEval)', () => {
    const o = run(
      {
        key: 1000,
        prompt: 'Write two sections.',
        instruction_id_list: [
          'detectable_format:multiple_sections',
          'punctuation:no_comma',
          'change_case:english_capital',
        ],
        kwargs: [
          { section_spliter: 'Section', num_sections: 2, num_words: null, relation: null },
          { section_spliter: null, num_sections: null },
          {},
        ],
      },
      response,
    );
    expect(o.score).toBeCloseTo(2 / 3);
    expect(parts(o)).toEqual([
      ['detectable_format:multiple_sections', 'ok', 1],
      ['punctuation:no_comma', 'ok', 1],
      ['change_case:english_capital', 'ok', 0],
    ]);
  });
  it('IFEvalG ground_truth JSON string, in reference or in meta', () => {
    const gt = JSON.stringify([
      {
        instruction_id: ['punctuation:no_comma', 'keywords:word_once'],
        kwargs: [null, { keyword: 'hello' }],
      },
    ]);
    expect(run(gt, response).score).toBe(1);
    expect(run(undefined, response, {}, { ground_truth: gt }).score).toBe(1);
    expect(run({ ground_truth: gt }, 'hello, hello').score).toBe(0);
  });
  it('Tülu RLVR-IFeval func_name rows', () => {
    const gt = JSON.stringify({
      func_name: 'verify_keyword_frequency',
      word: 'rain',
      N: 2,
      quantifier: null,
    });
    expect(run(gt, 'Rain, rain, go away.').score).toBe(1);
    expect(run(gt, 'rain once').score).toBe(0);
    const words = { func_name: 'validate_word_constraint', N: 25, quantifier: 'around' };
    expect(run(words, Array(27).fill('w').join(' ')).score).toBe(1); // round(2.5) == 2 in Python
    expect(run(words, Array(28).fill('w').join(' ')).score).toBe(0);
  });
  it('bad references are errors naming the instruction, never a 0', () => {
    const missing = run(
      { instruction_id_list: ['length_constraints:number_words'], kwargs: [{ num_words: 5 }] },
      'x',
    );
    expect(missing.status).toBe('error');
    expect(missing.reason).toMatch(/instruction 0 \(length_constraints:number_words\): missing relation/);
    expect(run({ instruction_id_list: ['nope:nothing'], kwargs: [{}] }, 'x').reason).toMatch(
      /unknown instruction id "nope:nothing"/,
    );
    expect(run('{"instruction_id_list": [', 'x').reason).toMatch(/not valid JSON/);
    expect(run('just a string', 'x').reason).toMatch(/no instructions/);
    expect(run({ instruction_id_list: ['a', 'b'], kwargs: [{}] }, 'x').reason).toMatch(
      /2 instruction ids but 1 kwargs/,
    );
  });
});

describe('ifeval: modes, aggregation, reasoning', () => {
  const ref = {
    instruction_id_list: ['detectable_format:title', 'punctuation:no_comma', 'startend:quotation'],
    kwargs: [{}, {}, {}],
  };
  it('aggregate fraction vs all; components in instruction order', () => {
    const r = '<<Poem>>\nroses are red';
    expect(run(ref, r).score).toBeCloseTo(2 / 3);
    expect(run(ref, r, { aggregate: 'all' }).score).toBe(0);
    expect(run(ref, '"<<Poem>> roses"', { aggregate: 'all' }).score).toBe(1);
  });
  it('loose passes what strict misses when a preamble line or * markup is the only problem', () => {
    const q = { instruction_id_list: ['startend:quotation'], kwargs: [{}] };
    expect(run(q, 'Sure:\n"quoted"').score).toBe(0);
    expect(run(q, 'Sure:\n"quoted"', { mode: 'loose' }).score).toBe(1);
    const t = { instruction_id_list: ['detectable_format:title'], kwargs: [{}] };
    expect(run(t, '*<<Title>>*', { mode: 'loose' }).score).toBe(1);
  });
  it('an empty answer follows nothing; <think> is stripped unless asked not to', () => {
    const c = { instruction_id_list: ['punctuation:no_comma'], kwargs: [{}] };
    expect(run(c, '   ').score).toBe(0);
    expect(run(c, '<think>hmm, well, ok</think>\nNo commas here').score).toBe(1);
    expect(run(c, '<think>hmm, well, ok</think>\nNo commas here', { strip_think: false }).score).toBe(0);
    expect(run(c, '<think>never closed, so no answer').score).toBe(0);
  });
});
