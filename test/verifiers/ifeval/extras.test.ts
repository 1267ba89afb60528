import { describe, expect, it } from 'vitest';
import { IFEVALG_INSTRUCTIONS } from '../../../src/verifiers/ifeval/extras.js';
import { TULU_FUNCTIONS } from '../../../src/verifiers/ifeval/funcs.js';
import { IFBENCH_INSTRUCTIONS } from '../../../src/verifiers/ifeval/ifbench.js';
import { callCpuReward } from '../../helpers.js';

type Row = [id: string, kwargs: Record<string, unknown>, pass: string, fail: string];

/** IFEvalG constraints: one response that follows, one that does not, by the reference's rules. */
const IFEVALG: Row[] = [
  [
    'copy:repeat_phrase',
    { phrase: 'The quick brown fox', small_n: 2 },
    'The quick red fox and The slow brown fox',
    'The quick brown fox',
  ],
  ['copy:copy', { prompt_to_repeat: 'Say hi.' }, 'say HI.', 'Say hi. Hello'],
  [
    'new:copy_span_idx',
    { prompt_to_repeat: 'Hello wonderful world', n_start: 6, n_end: 15 },
    'Wonderful',
    'wonder',
  ],
  ['detectable_format:sentence_hyphens', {}, 'I like tea.-It is warm.', 'I like tea. - It is warm.'],
  ['keywords:no_adjacent_consecutive', {}, 'apple cherry', 'cat dog'],
  ['detectable_format:square_brackets', {}, '[hello] [world]', '[hello] world'],
  ['keywords:word_once', { keyword: 'tea' }, 'I like tea.', 'tea and steam'],
  [
    'keywords:word_count_different_numbers',
    { keyword: 'sun', frequency: 2, relation: 'at least' },
    'sun sun',
    'sun',
  ],
  ['keywords:exclude_word_harder', { keyword: 'very' }, 'Very good', 'It is very good'],
  ['paragraphs:paragraphs', {}, 'A\n***\nB', 'A'],
  ['paragraphs:paragraphs2', {}, 'A\n\nB', 'A\n\nB\n\nC'],
  ['first_word:first_word_sent', { first_word: 'we' }, 'We run. We jump.', 'We run. They jump.'],
  ['first_word:first_word_answer', { first_word: 'yes' }, 'Yes I can', 'Yes, I can.'],
  ['last_word:last_word_sent', { last_word: 'now' }, 'Go now. Stop now!', 'Go now. Stop.'],
  ['last_word:last_word_answer', { last_word: 'done' }, 'All done.', 'done already'],
  ['detectable_format:bigram_wrapping', {}, '<<I am>> <<at home>>', '<<I am>> at home'],
  ['copy:copying_simple', { prompt_to_repeat: 'Repeat me' }, ' repeat me ', 'Repeat me!'],
  ['copy:copying_multiple', { prompt_to_repeat: 'Hi there', N: 2 }, 'Hi there\n******\nHi there', 'Hi there'],
  ['punctuation:punctuation_dot', {}, 'No dots here', 'A dot.'],
  ['punctuation:punctuation_exclamation', {}, 'Calm', 'Wow!'],
  ['count:lowercase_counting', { N: 2 }, 'THE cat SAT on', 'the cat sat'],
  ['letters:letter_counting', { N: 5, relation: 'less than' }, 'abc', 'abcdef'],
  ['letters:letter_counting2', { letter: 'a', let_frequency: 2, let_relation: 'at least' }, 'banana', 'bun'],
  [
    'count:counting_composition',
    { n_sent: 1, n_words: 3 },
    'I am here\n***\nYou are there\n***\nWe go now',
    'I am here.\n***\nYou are there.\n***\nWe go now.',
  ],
  ['count:count_unique', {}, 'one two three', 'one two one'],
  ['count:count_increment_word', { keyword1: 'red', keyword2: 'blue' }, 'red blue blue', 'red blue'],
  ['keywords:palindrome', {}, 'wow that is cool', 'hello there'],
  [
    'keywords:keyword_specific_position',
    { keyword: 'cats', n: 2, m: 3 },
    'Dogs bark. I love cats.',
    'Dogs bark. Cats are nice.',
  ],
  ['keywords:start_end', {}, 'Hello world hello', 'Hello world.'],
];

/** IFBench constraints. */
const IFBENCH: Row[] = [
  ['count:word_count_range', { min_words: 3, max_words: 5 }, 'one two three four', 'one two'],
  ['count:unique_word_count', { N: 3 }, 'The cat, the dog.', 'the the the'],
  ['ratio:sentence_type', {}, 'It rains. It pours. Why?', 'It rains. Why?'],
  ['ratio:sentence_balance', {}, 'Yes. No? Wow!', 'Yes. No.'],
  ['count:conjunctions', { small_n: 2 }, 'tea and cake but no coffee', 'tea and cake and coffee'],
  ['count:person_names', { N: 2 }, 'Emma met Liam.', 'Emma met emma.'],
  [
    'ratio:overlap',
    { reference_text: 'the cat sat on the mat', percentage: 100 },
    'the cat sat on the mat',
    'a dog ran far away today',
  ],
  ['count:numbers', { N: 2 }, 'I have 3.5 apples and 2 pears', '1 2 3'],
  ['words:alphabet', {}, 'Apples bring cheer daily', 'Apples cheer'],
  ['words:consonants', {}, 'strong brick', 'a strong'],
  [
    'sentence:alliteration_increment',
    {},
    'Big bears. Silly snakes slide slowly.',
    'Silly snakes slide. Big bears.',
  ],
  ['words:palindrome', {}, 'level radar civic kayak refer rotor stats tenet madam racecar', 'level radar'],
  [
    'count:punctuation',
    {},
    'Really?! Is it? Yes, it is. Note: this; that!',
    'Wait?! Yes, really. Look: this; that!',
  ],
  ['format:parentheses', {}, '(a [b {c (d [e])}])', '(a [b])'],
  ['format:quotes', {}, `He said "she said 'they said "go"'"`, `"one 'two'"`],
];

const DE = 'Das Wetter war heute angenehm, also beschlossen wir, zum Markt zu laufen und Gemüse zu kaufen.';

/** Tülu 3 RLVR-IFeval functions (func_name rows). */
const TULU: Row[] = [
  ['verify_keywords', { keyword_list: ['Apple', 'pie'] }, 'apple pie', 'apple'],
  ['verify_keyword_frequency', { word: 'rain', N: 2 }, 'rain rain', 'rainy rain'],
  ['validate_forbidden_words', { forbidden_words: ['bad'] }, 'good', 'badge'],
  ['verify_letter_frequency', { letter: 'a', N: 2 }, 'aA a', 'A'],
  [
    'validate_response_language',
    { language: 'de' },
    DE,
    'The weather was nice today, so we walked to the market.',
  ],
  ['verify_paragraph_count', { N: 2 }, 'A\n* * *\nB', 'A\n* * *\n* * *\nB'],
  ['validate_word_constraint', { N: 3, quantifier: 'at most' }, 'a b c', 'a b c d'],
  ['verify_sentence_constraint', { N: 2, quantifier: 'at least' }, 'One. Two.', 'One two'],
  ['validate_paragraphs', { N: 2, first_word: 'Then', i: 2 }, 'A\n\nThen B', 'A\n\nNow B'],
  ['verify_postscript', { postscript_marker: 'P.S.' }, 'Hi\nP.S. bye', 'Hi P.S.'],
  ['validate_placeholders', { N: 1 }, '[x]', 'x'],
  ['verify_bullet_points', { N: 2 }, '* a\n- b', '* a'],
  ['validate_title', {}, '<<T>>', 'T'],
  ['validate_choice', { options: ['yes', 'no'] }, 'I say yes', 'maybe'],
  ['validate_highlighted_sections', { N: 2 }, '*a* *b*', '*a*'],
  ['validate_sections', { N: 2, section_splitter: 'Section' }, 'SECTION 1 a SECTION 2 b', 'Section 1 only'],
  ['validate_json_format', {}, '{"a": 1}', '```json\n{}\n```'],
  ['validate_repeat_prompt', { original_prompt: 'Hi.' }, 'Hi. Answer', 'hi. Answer'],
  ['validate_two_responses', {}, 'a******b', 'a******a'],
  ['validate_uppercase', {}, 'HELLO 1', 'Hello'],
  ['validate_lowercase', {}, 'hello', 'Hello'],
  ['validate_frequency_capital_words', { N: 2, quantifier: 'at least' }, 'NASA and ESA', 'NASA only'],
  ['validate_end', { end_phrase: 'Bye.' }, 'OK. Bye.', 'OK. Bye. '],
  ['validate_quotation', {}, '"x"', 'x'],
  ['validate_no_commas', {}, 'a b', 'a, b'],
];

const score = (reference: unknown, response: string) => {
  const o = callCpuReward('ifeval', { strip_think: false }, { response, reference });
  return 'score' in o ? o.score : `${o.status}: ${o.reason}`;
};

/** Every registered id has a row; each row's first response follows the constraint and the second does not. */
function family(
  title: string,
  rows: Row[],
  registered: object,
  reference: (id: string, kwargs: object) => unknown,
) {
  describe(title, () => {
    it('covers every registered id', () => {
      expect(rows.map((r) => r[0]).sort()).toEqual(Object.keys(registered).sort());
    });
    it.each(rows)('%s', (id, kwargs, pass, fail) => {
      expect(score(reference(id, kwargs), pass)).toBe(1);
      expect(score(reference(id, kwargs), fail)).toBe(0);
    });
  });
}

const idList = (id: string, kwargs: object) => ({ instruction_id_list: [id], kwargs: [kwargs] });
family('IFEvalG extra constraints', IFEVALG, IFEVALG_INSTRUCTIONS, idList);
family('IFBench constraints', IFBENCH, IFBENCH_INSTRUCTIONS, idList);
family('Tülu RLVR-IFeval functions (func_name rows)', TULU, TULU_FUNCTIONS, (name, kwargs) =>
  JSON.stringify({ func_name: name, ...kwargs }),
);
