/**
 * IFEval conformance cases: realistic responses written for Assay, each with the verdict the reference
 * implementation (google-research instruction_following_eval) gives, reasoned from its rules
 * (cited per case where the rule is subtle). `loose` defaults to `strict` when strict passes, and to
 * false otherwise unless given.
 */
export interface Case {
  id: string;
  kwargs: Record<string, unknown>;
  response: string;
  strict: boolean;
  loose?: boolean;
  why?: string;
}

const DE =
  'Das Wetter war heute angenehm, also beschlossen wir, zum Markt zu laufen und frisches Gemüse zu kaufen.';
const JA = '今日は天気が良かったので、市場まで歩いて夕食用の新鮮な野菜を買うことにしました。';
const HI = 'आज मौसम सुहावना था, इसलिए हमने बाजार तक पैदल जाने और रात के खाने के लिए ताज़ी सब्जियाँ खरीदने का फैसला किया।';
const EN =
  'The weather was pleasant today, so we decided to walk to the market and buy some fresh vegetables.';
const SIXTY = Array.from(
  { length: 6 },
  () => 'Regular exercise improves mood, sleep, focus and long term health outcomes.',
).join(' ');

export const CASES: Case[] = [
  // keywords:existence — re.search(keyword, value, IGNORECASE): substring, any case
  {
    id: 'keywords:existence',
    kwargs: { keywords: ['sunlight', 'photosynthesis'] },
    response: 'Plants use SUNLIGHT to drive Photosynthesis in their leaves.',
    strict: true,
  },
  {
    id: 'keywords:existence',
    kwargs: { keywords: ['sunlight', 'photosynthesis'] },
    response: 'Plants need light and water.',
    strict: false,
  },
  {
    id: 'keywords:existence',
    kwargs: { keywords: ['photosynthesis'] },
    response: 'Sunlight-powered photosynthetic reactions.',
    strict: false,
    why: 'photosynthetic is not photosynthesis',
  },
  {
    id: 'keywords:existence',
    kwargs: { keywords: ['ai'] },
    response: 'Said the rain.',
    strict: true,
    why: 'no word boundary in the reference',
  },
  // keywords:frequency — len(re.findall(keyword, value, IGNORECASE))
  {
    id: 'keywords:frequency',
    kwargs: { keyword: 'river', frequency: 3, relation: 'at least' },
    response: 'The river bends. Rivers flood. A riverbank erodes.',
    strict: true,
  },
  {
    id: 'keywords:frequency',
    kwargs: { keyword: 'river', frequency: 3, relation: 'less than' },
    response: 'The river is calm.',
    strict: true,
  },
  {
    id: 'keywords:frequency',
    kwargs: { keyword: 'river', frequency: 2, relation: 'at least' },
    response: 'A stream flows into the sea.',
    strict: false,
  },
  {
    id: 'keywords:frequency',
    kwargs: { keyword: 'data', frequency: 2, relation: 'less than' },
    response: 'Data drives decisions; good data wins.',
    strict: false,
  },
  // keywords:forbidden_words — \bword\b, IGNORECASE
  {
    id: 'keywords:forbidden_words',
    kwargs: { forbidden_words: ['cheap', 'bad'] },
    response: 'This product is affordable and reliable.',
    strict: true,
  },
  {
    id: 'keywords:forbidden_words',
    kwargs: { forbidden_words: ['cheap', 'bad'] },
    response: 'It is not a BAD choice.',
    strict: false,
  },
  {
    id: 'keywords:forbidden_words',
    kwargs: { forbidden_words: ['cheap', 'bad'] },
    response: 'The badge was cheaply made.',
    strict: true,
    why: 'badge and cheaply are other words',
  },
  { id: 'keywords:forbidden_words', kwargs: { forbidden_words: ['bad'] }, response: 'Bad.', strict: false },
  // keywords:letter_frequency — Counter(value.lower())[letter]
  {
    id: 'keywords:letter_frequency',
    kwargs: { letter: 'z', let_frequency: 2, let_relation: 'at least' },
    response: 'Zebras graze in the hazy zone.',
    strict: true,
  },
  {
    id: 'keywords:letter_frequency',
    kwargs: { letter: 'z', let_frequency: 2, let_relation: 'at least' },
    response: 'Quiet horses rest.',
    strict: false,
  },
  {
    id: 'keywords:letter_frequency',
    kwargs: { letter: 'e', let_frequency: 5, let_relation: 'less than' },
    response: 'Go to bed.',
    strict: true,
  },
  {
    id: 'keywords:letter_frequency',
    kwargs: { letter: 'a', let_frequency: 3, let_relation: 'less than' },
    response: 'A cat sat.',
    strict: false,
    why: '3 is not < 3',
  },
  // language:response_language — langdetect.detect(value) == language; no features: followed
  { id: 'language:response_language', kwargs: { language: 'de' }, response: DE, strict: true },
  { id: 'language:response_language', kwargs: { language: 'es' }, response: EN, strict: false },
  { id: 'language:response_language', kwargs: { language: 'ja' }, response: JA, strict: true },
  { id: 'language:response_language', kwargs: { language: 'hi' }, response: HI, strict: true },
  {
    id: 'language:response_language',
    kwargs: { language: 'fr' },
    response: '12345 678',
    strict: true,
    why: 'LangDetectException counts as followed',
  },
  // length_constraints:number_sentences — nltk Punkt sentence count
  {
    id: 'length_constraints:number_sentences',
    kwargs: { num_sentences: 3, relation: 'less than' },
    response: 'I like tea. It is warm.',
    strict: true,
  },
  {
    id: 'length_constraints:number_sentences',
    kwargs: { num_sentences: 2, relation: 'at least' },
    response: 'Dr. Smith arrived late.',
    strict: false,
    why: 'Dr. is an abbreviation',
  },
  {
    id: 'length_constraints:number_sentences',
    kwargs: { num_sentences: 3, relation: 'at least' },
    response: 'First point.\nSecond point.\nThird point.',
    strict: true,
  },
  {
    id: 'length_constraints:number_sentences',
    kwargs: { num_sentences: 2, relation: 'less than' },
    response: 'Title line\nAnother line without a period',
    strict: true,
    why: 'Punkt does not split at line breaks',
  },
  {
    id: 'length_constraints:number_sentences',
    kwargs: { num_sentences: 4, relation: 'at least' },
    response: 'Is it done? Yes! We shipped it. Thanks.',
    strict: true,
  },
  {
    id: 'length_constraints:number_sentences',
    kwargs: { num_sentences: 2, relation: 'less than' },
    response: 'The U.S. economy grew. Inflation fell.',
    strict: false,
  },
  // length_constraints:number_paragraphs — re.split(r"\s?\*\*\*\s?")
  {
    id: 'length_constraints:number_paragraphs',
    kwargs: { num_paragraphs: 3 },
    response: 'Para one.\n***\nPara two.\n***\nPara three.',
    strict: true,
  },
  {
    id: 'length_constraints:number_paragraphs',
    kwargs: { num_paragraphs: 3 },
    response: 'Para one.\n\nPara two.\n\nPara three.',
    strict: false,
  },
  {
    id: 'length_constraints:number_paragraphs',
    kwargs: { num_paragraphs: 2 },
    response: 'Intro\n***\n***\nEnd',
    strict: false,
    why: 'a blank paragraph in the middle',
  },
  {
    id: 'length_constraints:number_paragraphs',
    kwargs: { num_paragraphs: 3 },
    response: '***\nOne\n***\nTwo\n***\nThree\n***',
    strict: true,
  },
  {
    id: 'length_constraints:number_paragraphs',
    kwargs: { num_paragraphs: 2 },
    response: 'Sure, here you go:\n***\nFirst\n***\nSecond',
    strict: false,
    loose: true,
    why: 'loose drops the first line',
  },
  // length_constraints:number_words — RegexpTokenizer(r"\w+")
  {
    id: 'length_constraints:number_words',
    kwargs: { num_words: 5, relation: 'less than' },
    response: 'Short and sweet answer.',
    strict: true,
  },
  {
    id: 'length_constraints:number_words',
    kwargs: { num_words: 8, relation: 'at least' },
    response: "Don't stop—it's well-known.",
    strict: false,
    why: '7 runs of \\w',
  },
  {
    id: 'length_constraints:number_words',
    kwargs: { num_words: 3, relation: 'at least' },
    response: 'Café au lait',
    strict: true,
  },
  {
    id: 'length_constraints:number_words',
    kwargs: { num_words: 60, relation: 'at least' },
    response: SIXTY,
    strict: true,
  },
  // length_constraints:nth_paragraph_first_word — split on \n\n, first word up to punctuation
  {
    id: 'length_constraints:nth_paragraph_first_word',
    kwargs: { num_paragraphs: 2, nth_paragraph: 2, first_word: 'however' },
    response: 'The plan is simple.\n\nHowever, costs rise.',
    strict: true,
  },
  {
    id: 'length_constraints:nth_paragraph_first_word',
    kwargs: { num_paragraphs: 2, nth_paragraph: 2, first_word: 'however' },
    response: 'The plan is simple.\n\n"However" we try.',
    strict: true,
  },
  {
    id: 'length_constraints:nth_paragraph_first_word',
    kwargs: { num_paragraphs: 3, nth_paragraph: 1, first_word: 'first' },
    response: 'First paragraph.\n\nSecond.\n\n',
    strict: false,
  },
  {
    id: 'length_constraints:nth_paragraph_first_word',
    kwargs: { num_paragraphs: 2, nth_paragraph: 2, first_word: 'then' },
    response: 'A.\n\nNext we go.',
    strict: false,
  },
  // detectable_content:number_placeholders — re.findall(r"\[.*?\]")
  {
    id: 'detectable_content:number_placeholders',
    kwargs: { num_placeholders: 2 },
    response: 'Dear [name], your order ships to [address].',
    strict: true,
  },
  {
    id: 'detectable_content:number_placeholders',
    kwargs: { num_placeholders: 2 },
    response: 'Dear [name], see you soon.',
    strict: false,
  },
  {
    id: 'detectable_content:number_placeholders',
    kwargs: { num_placeholders: 2 },
    response: '[a\nb] and [c]',
    strict: false,
    why: '. does not cross a newline',
  },
  // detectable_content:postscript
  {
    id: 'detectable_content:postscript',
    kwargs: { postscript_marker: 'P.S.' },
    response: 'Thanks!\n\nP.S. Bring snacks.',
    strict: true,
  },
  {
    id: 'detectable_content:postscript',
    kwargs: { postscript_marker: 'P.P.S' },
    response: 'Bye.\nP.P.S. See you',
    strict: true,
  },
  {
    id: 'detectable_content:postscript',
    kwargs: { postscript_marker: 'P.S.' },
    response: 'Thanks, no postscript here.',
    strict: false,
  },
  {
    id: 'detectable_content:postscript',
    kwargs: { postscript_marker: 'P.S.' },
    response: 'Ps: remember the keys',
    strict: false,
  },
  // detectable_format:number_bullet_lists — ^\s*\*[^\*].*$ plus ^\s*-.*$
  {
    id: 'detectable_format:number_bullet_lists',
    kwargs: { num_bullets: 3 },
    response: '* one\n* two\n* three',
    strict: true,
  },
  {
    id: 'detectable_format:number_bullet_lists',
    kwargs: { num_bullets: 3 },
    response: '- one\n- two\n- three\n- four',
    strict: false,
    loose: true,
    why: 'loose drops a line: 3 bullets',
  },
  {
    id: 'detectable_format:number_bullet_lists',
    kwargs: { num_bullets: 3 },
    response: 'Intro:\n* a\n* b\n- c\n\n**Bold** line',
    strict: true,
    why: '**Bold** is not a bullet',
  },
  {
    id: 'detectable_format:number_bullet_lists',
    kwargs: { num_bullets: 3 },
    response: '1. one\n2. two\n3. three',
    strict: false,
  },
  // detectable_format:constrained_response
  {
    id: 'detectable_format:constrained_response',
    kwargs: {},
    response: 'After thinking, My answer is yes.',
    strict: true,
  },
  { id: 'detectable_format:constrained_response', kwargs: {}, response: 'my answer is yes.', strict: false },
  { id: 'detectable_format:constrained_response', kwargs: {}, response: 'My answer is maybe', strict: false },
  // detectable_format:number_highlighted_sections
  {
    id: 'detectable_format:number_highlighted_sections',
    kwargs: { num_highlights: 2 },
    response: '*Intro* text and **Key point** here.',
    strict: true,
  },
  {
    id: 'detectable_format:number_highlighted_sections',
    kwargs: { num_highlights: 2 },
    response: '*one* only',
    strict: false,
  },
  {
    id: 'detectable_format:number_highlighted_sections',
    kwargs: { num_highlights: 1 },
    response: '** ** and * *',
    strict: false,
    why: 'blank highlights do not count',
  },
  // detectable_format:multiple_sections — \s?Spliter\s?\d+\s?, case-sensitive
  {
    id: 'detectable_format:multiple_sections',
    kwargs: { section_spliter: 'Section', num_sections: 3 },
    response: 'Section 1\nIntro\nSection 2\nBody\nSection 3\nEnd',
    strict: true,
  },
  {
    id: 'detectable_format:multiple_sections',
    kwargs: { section_spliter: 'Section', num_sections: 2 },
    response: 'SECTION 1\nA\nSECTION 2\nB',
    strict: false,
  },
  {
    id: 'detectable_format:multiple_sections',
    kwargs: { section_spliter: 'PARAGRAPH', num_sections: 2 },
    response: 'PARAGRAPH 1\nText\nPARAGRAPH 2\nMore',
    strict: true,
  },
  // detectable_format:json_format
  { id: 'detectable_format:json_format', kwargs: {}, response: '```json\n{"a": 1}\n```', strict: true },
  { id: 'detectable_format:json_format', kwargs: {}, response: 'Here is JSON: {"a": 1}', strict: false },
  {
    id: 'detectable_format:json_format',
    kwargs: {},
    response: '{"score": NaN}',
    strict: true,
    why: 'json.loads accepts NaN',
  },
  { id: 'detectable_format:json_format', kwargs: {}, response: '```\n[1, 2, 3]\n```', strict: true },
  {
    id: 'detectable_format:json_format',
    kwargs: {},
    response: 'Sure!\n{"a": 1}',
    strict: false,
    loose: true,
  },
  // detectable_format:title
  {
    id: 'detectable_format:title',
    kwargs: {},
    response: '<<The Quiet Sea>>\nWaves fold into foam.',
    strict: true,
  },
  { id: 'detectable_format:title', kwargs: {}, response: '<< >>\nNo title', strict: false },
  { id: 'detectable_format:title', kwargs: {}, response: '<<Title\n>>', strict: false },
  // combination:two_responses
  { id: 'combination:two_responses', kwargs: {}, response: 'Answer A\n******\nAnswer B', strict: true },
  { id: 'combination:two_responses', kwargs: {}, response: 'Same\n******\nSame', strict: false },
  { id: 'combination:two_responses', kwargs: {}, response: 'A\n******\n******\nB', strict: false },
  // combination:repeat_prompt
  {
    id: 'combination:repeat_prompt',
    kwargs: { prompt_to_repeat: 'Write a haiku about rain.' },
    response: 'Write a haiku about rain. Soft rain on the roof',
    strict: true,
  },
  {
    id: 'combination:repeat_prompt',
    kwargs: { prompt_to_repeat: 'Write a haiku about rain.' },
    response: 'Sure!\nWrite a haiku about rain.\nSoft rain falls',
    strict: false,
    loose: true,
  },
  {
    id: 'combination:repeat_prompt',
    kwargs: { prompt_to_repeat: 'Write a haiku about rain.' },
    response: 'write A HAIKU about rain. drip drop',
    strict: true,
  },
  // startend:end_checker
  {
    id: 'startend:end_checker',
    kwargs: { end_phrase: 'Is there anything else I can help with?' },
    response: 'Here it is. Is there anything else I can help with?',
    strict: true,
  },
  {
    id: 'startend:end_checker',
    kwargs: { end_phrase: 'Is there anything else I can help with?' },
    response: '"Here it is. Is there anything else I can help with?"',
    strict: true,
  },
  {
    id: 'startend:end_checker',
    kwargs: { end_phrase: 'Is there anything else I can help with?' },
    response: 'Is there anything else I can help with? Bye.',
    strict: false,
  },
  {
    id: 'startend:end_checker',
    kwargs: { end_phrase: 'Is there anything else I can help with?' },
    response: 'Done. Is there anything else I can help with?\n(Generated)',
    strict: false,
    loose: true,
  },
  // change_case:capital_word_frequency — nltk.word_tokenize tokens with isupper()
  {
    id: 'change_case:capital_word_frequency',
    kwargs: { capital_frequency: 3, capital_relation: 'at least' },
    response: 'This is VERY IMPORTANT and URGENT.',
    strict: true,
  },
  {
    id: 'change_case:capital_word_frequency',
    kwargs: { capital_frequency: 3, capital_relation: 'at least' },
    response: 'I think NASA is great.',
    strict: false,
    why: 'I and NASA: 2',
  },
  {
    id: 'change_case:capital_word_frequency',
    kwargs: { capital_frequency: 3, capital_relation: 'at least' },
    response: "DON'T STOP",
    strict: true,
    why: "DO, N'T, STOP",
  },
  {
    id: 'change_case:capital_word_frequency',
    kwargs: { capital_frequency: 2, capital_relation: 'less than' },
    response: 'We use AI-POWERED tools.',
    strict: true,
    why: 'a hyphenated word is one token',
  },
  // change_case:english_capital
  {
    id: 'change_case:english_capital',
    kwargs: {},
    response: 'THE WEATHER WAS PLEASANT TODAY, SO WE WALKED TO THE MARKET.',
    strict: true,
  },
  { id: 'change_case:english_capital', kwargs: {}, response: 'THE WEATHER was pleasant', strict: false },
  {
    id: 'change_case:english_capital',
    kwargs: {},
    response: 'DAS WETTER WAR HEUTE ANGENEHM, ALSO GINGEN WIR ZUM MARKT UND KAUFTEN GEMÜSE.',
    strict: false,
  },
  // change_case:english_lowercase
  {
    id: 'change_case:english_lowercase',
    kwargs: {},
    response: 'the weather was pleasant today, so we walked to the market.',
    strict: true,
  },
  {
    id: 'change_case:english_lowercase',
    kwargs: {},
    response: 'the weather was pleasant, I think.',
    strict: false,
  },
  {
    id: 'change_case:english_lowercase',
    kwargs: {},
    response: 'el tiempo estuvo agradable hoy, así que caminamos al mercado.',
    strict: false,
  },
  // punctuation:no_comma
  { id: 'punctuation:no_comma', kwargs: {}, response: 'No commas here at all.', strict: true },
  { id: 'punctuation:no_comma', kwargs: {}, response: 'Well, yes.', strict: false },
  {
    id: 'punctuation:no_comma',
    kwargs: {},
    response: 'A list: 1，2',
    strict: true,
    why: 'a fullwidth comma is not ","',
  },
  // startend:quotation
  { id: 'startend:quotation', kwargs: {}, response: '"Hello world"', strict: true },
  { id: 'startend:quotation', kwargs: {}, response: '  "Padded"  \n', strict: true },
  { id: 'startend:quotation', kwargs: {}, response: '"Unclosed', strict: false },
  { id: 'startend:quotation', kwargs: {}, response: '\u201cCurly\u201d', strict: false },
  {
    id: 'startend:quotation',
    kwargs: {},
    response: 'Here you go:\n"Wrapped answer"',
    strict: false,
    loose: true,
  },
];

/** A prompt with several instructions, and the reference's verdict on each (strict, and loose when it differs). */
export interface PromptCase {
  response: string;
  instructions: { id: string; kwargs: Record<string, unknown>; strict: boolean; loose?: boolean }[];
}

const i = (id: string, kwargs: Record<string, unknown>, strict: boolean, loose?: boolean) => ({
  id,
  kwargs,
  strict,
  ...(loose !== undefined && { loose }),
});

export const PROMPTS: PromptCase[] = [
  {
    response:
      '<<Four Habits for Better Sleep>>\n\n* Keep a regular schedule even on weekends\n* Avoid screens for an hour before bed\n* Keep the bedroom cool and dark\n* Limit caffeine after noon',
    instructions: [
      i('detectable_format:title', {}, true),
      i('detectable_format:number_bullet_lists', { num_bullets: 4 }, true),
      i('punctuation:no_comma', {}, true),
    ],
  },
  {
    response:
      'sure! here is a short note for your neighbor.\n\nhi sam, thanks for watering the plants while we were away. the garden looks great and the tomatoes survived the heat.\n\nP.S. we brought you some coffee from lisbon.',
    instructions: [
      i('length_constraints:number_words', { num_words: 50, relation: 'less than' }, true),
      i('change_case:english_lowercase', {}, false, true),
      i('detectable_content:postscript', { postscript_marker: 'P.S.' }, true),
    ],
  },
  {
    response: '```json\n{\n  "city": "Oslo",\n  "temperature": -3,\n  "conditions": "snow"\n}\n```',
    instructions: [
      i('detectable_format:json_format', {}, true),
      i('keywords:existence', { keywords: ['temperature'] }, true),
    ],
  },
  {
    response: 'Paris is the capital of France.\n******\nThe capital of France is Paris.',
    instructions: [
      i('combination:two_responses', {}, true),
      i('length_constraints:number_sentences', { num_sentences: 3, relation: 'less than' }, true),
    ],
  },
  {
    response: '"Our new espresso machine is really fast and remarkably quiet."',
    instructions: [
      i('startend:quotation', {}, true),
      i('keywords:forbidden_words', { forbidden_words: ['very', 'really'] }, false),
    ],
  },
  {
    response:
      '**Why it matters:** Sleep restores *memory* and *mood*.\n***\nTry to keep a steady routine, even on weekends.',
    instructions: [
      i('detectable_format:number_highlighted_sections', { num_highlights: 3 }, true),
      i('length_constraints:number_paragraphs', { num_paragraphs: 2 }, true),
    ],
  },
  {
    response: 'Use the API key from the dashboard, then call the /v1/score endpoint. Any other questions?',
    instructions: [
      i('change_case:capital_word_frequency', { capital_frequency: 2, capital_relation: 'at least' }, false),
      i('startend:end_checker', { end_phrase: 'Any other questions?' }, true),
    ],
  },
  {
    response:
      'SECTION 1\nShip the package to [address] before [date].\n\nSECTION 2\nConfirm delivery by email.',
    instructions: [
      i('detectable_format:multiple_sections', { section_spliter: 'SECTION', num_sections: 2 }, true),
      i('detectable_content:number_placeholders', { num_placeholders: 2 }, true),
    ],
  },
  {
    response:
      'La fotosíntesis convierte la luz del sol en energía química. Las plantas la usan para crecer y producir oxígeno.',
    instructions: [
      i('language:response_language', { language: 'es' }, true),
      i('punctuation:no_comma', {}, true),
    ],
  },
  {
    response:
      'First, gather your ingredients.\n\nNext, preheat the oven to 200 degrees.\n\nFinally, bake the bread for forty minutes.',
    instructions: [
      i(
        'length_constraints:nth_paragraph_first_word',
        { num_paragraphs: 3, nth_paragraph: 3, first_word: 'finally' },
        true,
      ),
      i('keywords:letter_frequency', { letter: 'z', let_frequency: 1, let_relation: 'less than' }, true),
    ],
  },
  {
    response: 'What is the boiling point of water?\nAt sea level, water boils at 100 degrees Celsius.',
    instructions: [
      i('combination:repeat_prompt', { prompt_to_repeat: 'What is the boiling point of water?' }, true),
      i('length_constraints:number_words', { num_words: 10, relation: 'at least' }, true),
    ],
  },
  {
    response: '"My answer is no."',
    instructions: [i('detectable_format:constrained_response', {}, true), i('startend:quotation', {}, true)],
  },
  {
    response: '<<A SHORT POEM>>\nTHE NIGHT IS DEEP AND THE STARS ARE BRIGHT ABOVE THE QUIET TOWN.',
    instructions: [i('change_case:english_capital', {}, true), i('detectable_format:title', {}, true)],
  },
  {
    response:
      'Data cleaning matters. Bad data leads to bad models. Always validate your data before training.',
    instructions: [
      i('keywords:frequency', { keyword: 'data', frequency: 3, relation: 'at least' }, true),
      i('length_constraints:number_sentences', { num_sentences: 3, relation: 'at least' }, true),
    ],
  },
  {
    response: 'Here are two tips:\n- Drink water\n- Stretch daily\n\nP.S. Stay well.\nP.P.S. See you soon.',
    instructions: [
      i('detectable_format:number_bullet_lists', { num_bullets: 2 }, true),
      i('detectable_content:postscript', { postscript_marker: 'P.P.S' }, true),
    ],
  },
  {
    response:
      'Plan your trip early.\n\n***\n\nSet a daily budget and stick to it.\n\n***\n\nBook flights midweek for lower fares.',
    instructions: [
      i('length_constraints:number_paragraphs', { num_paragraphs: 3 }, true),
      i('punctuation:no_comma', {}, true),
      i('keywords:existence', { keywords: ['budget'] }, true),
    ],
  },
  {
    response: 'Here is the data you asked for:\n{"name": "Ada", "born": 1815}',
    instructions: [
      i('detectable_format:json_format', {}, false, true),
      i('keywords:forbidden_words', { forbidden_words: ['sorry'] }, true),
    ],
  },
  {
    response:
      'sure, here is the recipe: mix flour, eggs and milk, then fry thin layers. is there anything else i can help with?',
    instructions: [
      i('startend:end_checker', { end_phrase: 'Is there anything else I can help with?' }, true),
      i('change_case:english_lowercase', {}, true),
    ],
  },
  {
    response: 'Yes.\n******\nNo, not today.',
    instructions: [
      i('length_constraints:number_words', { num_words: 20, relation: 'less than' }, true),
      i('combination:two_responses', {}, true),
    ],
  },
  {
    response: '<<Seven Seas>>\nThe seven seas were explored by seasoned sailors.',
    instructions: [
      i('keywords:letter_frequency', { letter: 'e', let_frequency: 10, let_relation: 'at least' }, true),
      i('detectable_format:title', {}, true),
    ],
  },
];
