/**
 * bench:text — instruction-following (`ifeval`, strict and loose) and reference-similarity rewards (`bleu`,
 * `chrf`, `rouge`, `f1`, `edit`) on realistic 1–4 KB responses: prose paragraphs with markdown (titles,
 * bullets, highlights, dividers), each IFEval sample carrying 1–3 instructions drawn from all 25 types,
 * each similarity sample a reference and a paraphrase-like perturbation of it. Generated from a seed.
 * Measured in this run: each pure reward function in this thread, and the same samples through the worker
 * pool (`Runtime({ threads: 2 })` + `Scorer`). Baseline, measured in the same run through the same pool:
 * `exact_match` (the cheapest CPU reward): the pool's own cost per sample, which a text reward adds to.
 * Usage: npm run bench:text [-- --samples 4000 --seconds 2]
 */
import { availableParallelism, loadavg } from 'node:os';
import { seededRandom } from '../src/core/random.js';
import type { CpuReward } from '../src/core/reward.js';
import type { RewardContext, Sample } from '../src/core/types.js';
import { getReward, parseSpec, Runtime, Scorer } from '../src/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('samples', 4000);
const SECONDS = arg('seconds', 2);
const rnd = seededRandom(18);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const WORDS = (
  'the model data training reward policy gradient sample response answer question river mountain city ' +
  'science history energy water market price growth system network value result method approach study ' +
  'quickly carefully often rarely always clearly simply however therefore moreover because although while'
).split(' ');
const sentence = () => {
  const n = 8 + Math.floor(rnd() * 14);
  const ws = Array.from({ length: n }, () => pick(WORDS));
  ws[0] = ws[0]![0]!.toUpperCase() + ws[0]!.slice(1);
  if (rnd() < 0.3) ws[Math.floor(n / 2)] += ',';
  return `${ws.join(' ')}${pick(['.', '.', '.', '?', '!'])}`;
};
const paragraph = () => Array.from({ length: 3 + Math.floor(rnd() * 5) }, sentence).join(' ');

/** A 1–4 KB markdown-ish response. */
function response(): string {
  const target = 1024 + Math.floor(rnd() * 3072);
  const parts: string[] = [];
  if (rnd() < 0.5) parts.push(`<<${sentence().slice(0, 30)}>>`);
  let size = 0;
  while (size < target) {
    const kind = rnd();
    const block =
      kind < 0.6
        ? paragraph()
        : kind < 0.8
          ? Array.from({ length: 3 }, () => `* ${sentence()}`).join('\n')
          : kind < 0.9
            ? `*${sentence()}* ${paragraph()}`
            : '***';
    parts.push(block);
    size += block.length;
  }
  if (rnd() < 0.3) parts.push('P.S. Thanks for reading.');
  return parts.join('\n\n');
}

const INSTRUCTIONS: [string, Record<string, unknown>][] = [
  ['keywords:existence', { keywords: ['reward', 'policy'] }],
  ['keywords:frequency', { keyword: 'model', frequency: 3, relation: 'at least' }],
  ['keywords:forbidden_words', { forbidden_words: ['bad', 'cheap'] }],
  ['keywords:letter_frequency', { letter: 'q', let_frequency: 5, let_relation: 'less than' }],
  ['language:response_language', { language: 'en' }],
  ['length_constraints:number_sentences', { num_sentences: 10, relation: 'at least' }],
  ['length_constraints:number_paragraphs', { num_paragraphs: 3 }],
  ['length_constraints:number_words', { num_words: 300, relation: 'at least' }],
  ['length_constraints:nth_paragraph_first_word', { num_paragraphs: 4, nth_paragraph: 2, first_word: 'the' }],
  ['detectable_content:number_placeholders', { num_placeholders: 1 }],
  ['detectable_content:postscript', { postscript_marker: 'P.S.' }],
  ['detectable_format:number_bullet_lists', { num_bullets: 3 }],
  ['detectable_format:constrained_response', {}],
  ['detectable_format:number_highlighted_sections', { num_highlights: 2 }],
  ['detectable_format:multiple_sections', { section_spliter: 'Section', num_sections: 2 }],
  ['detectable_format:json_format', {}],
  ['detectable_format:title', {}],
  ['combination:two_responses', {}],
  ['combination:repeat_prompt', { prompt_to_repeat: 'Write about the river.' }],
  ['startend:end_checker', { end_phrase: 'Thanks for reading.' }],
  ['change_case:capital_word_frequency', { capital_frequency: 2, capital_relation: 'less than' }],
  ['change_case:english_capital', {}],
  ['change_case:english_lowercase', {}],
  ['punctuation:no_comma', {}],
  ['startend:quotation', {}],
];

function ifevalSample(i: number): Sample {
  const k = 1 + Math.floor(rnd() * 3);
  const chosen = Array.from({ length: k }, (_, j) => INSTRUCTIONS[(i * 3 + j) % INSTRUCTIONS.length]!);
  return {
    response: response(),
    reference: { instruction_id_list: chosen.map((c) => c[0]), kwargs: chosen.map((c) => c[1]) },
  };
}

function similaritySample(): Sample {
  const reference = response();
  const words = reference.split(' ');
  const perturbed = words.map((w) => (rnd() < 0.15 ? pick(WORDS) : w)).filter(() => rnd() > 0.05);
  return { response: perturbed.join(' '), reference };
}

const ifevalSamples = Array.from({ length: N }, (_, i) => ifevalSample(i));
const simSamples = Array.from({ length: N }, similaritySample);
const kb = (xs: Sample[]) => xs.reduce((s, x) => s + (x.response as string).length, 0) / xs.length / 1024;
const ctx: RewardContext = {
  deadline: Number.MAX_SAFE_INTEGER,
  signal: new AbortController().signal,
  seed: 0,
};

console.log(
  `bench:text: ${N} IFEval samples (mean ${kb(ifevalSamples).toFixed(1)} KB, 1–3 of the 25 instruction types each) and ${N} similarity samples (mean ${kb(simSamples).toFixed(1)} KB response against a ${kb(simSamples.map((s) => ({ response: s.reference as string }))).toFixed(1)} KB reference)`,
);
console.log(
  `machine: ${availableParallelism()} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}\n`,
);

const rows: [string, Record<string, unknown>, Sample[]][] = [
  ['exact_match (baseline)', {}, simSamples],
  ['ifeval strict', {}, ifevalSamples],
  ['ifeval loose', { mode: 'loose' }, ifevalSamples],
  ['bleu', {}, simSamples],
  ['chrf', {}, simSamples],
  ['chrf++', { word_order: 2 }, simSamples],
  ['rouge rougeL', {}, simSamples],
  ['rouge rougeLsum stem', { type: 'rougeLsum', stem: true }, simSamples],
  ['f1', {}, simSamples],
  ['edit ratio', {}, simSamples],
];
const useOf = (label: string) => label.split(' ')[0]!.replace('chrf++', 'chrf');

console.log('single thread (the pure reward function):');
for (const [label, args, samples] of rows) {
  const def = getReward(useOf(label)) as CpuReward;
  const fn = def.create(def.args.parse(args));
  for (let i = 0; i < 50; i++) fn(samples[i]!, ctx);
  const start = performance.now();
  let k = 0;
  while (performance.now() - start < SECONDS * 1000) fn(samples[k++ % samples.length]!, ctx);
  const rate = k / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(24)} ${rate.toFixed(0).padStart(8)} samples/s`);
}

console.log('\nthrough the worker pool (2 threads, batches of 512):');
const rt = new Runtime({ threads: 2 });
let baseline = 0;
for (const [label, args, samples] of rows) {
  const scorer = new Scorer(parseSpec({ reward: { use: useOf(label), args } }), rt);
  await scorer.score(samples.slice(0, 512));
  const start = performance.now();
  let errors = 0;
  for (let at = 0; at < samples.length; at += 512) {
    for (const r of await scorer.score(samples.slice(at, at + 512))) if (r.status !== 'ok') errors++;
  }
  const rate = samples.length / ((performance.now() - start) / 1000);
  if (baseline === 0) baseline = rate;
  console.log(
    `  ${label.padEnd(24)} ${rate.toFixed(0).padStart(8)} samples/s   ${(rate / baseline).toFixed(2)}× baseline${errors ? `   ${errors} not ok` : ''}`,
  );
}
await rt.close();
console.log(
  `\nload average now ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (a shared machine: rates include waiting for a core)`,
);
