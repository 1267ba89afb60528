import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/builtins.js';
import { Runtime, Scorer } from '../../src/core/scorer.js';
import { parseSpec } from '../../src/core/spec/load.js';
import type { RewardResult, Sample } from '../../src/core/types.js';
import { compileFormula } from '../../src/graders/expression.js';
import { jsonLines, runCli } from '../cli/run-cli.js';
import { type Body, type FakeOpenAIServer, startFakeServer } from '../judges/fake-openai-server.js';

async function grade(node: unknown, samples: Sample[]): Promise<RewardResult[]> {
  const runtime = new Runtime({ inThread: true });
  try {
    return await new Scorer(parseSpec({ reward: node }), runtime).score(samples);
  } finally {
    await runtime.close();
  }
}

const check = (operation: string, reference = '{{item.answer}}') => ({
  grader: { type: 'string_check', name: 'match', input: '{{sample.output_text}}', reference, operation },
});

describe('string_check', () => {
  it('eq, ne, like, ilike on templates from the response and the row', async () => {
    const s = [{ response: 'The answer is Paris', reference: { answer: 'paris' } }];
    const scores = async (op: string) => (await grade(check(op), s))[0]!.score;
    expect(await scores('eq')).toBe(0);
    expect(await scores('ne')).toBe(1);
    expect(await scores('like')).toBe(0);
    expect(await scores('ilike')).toBe(1);
    const [exact] = await grade(check('eq', '{{item.reference}}'), [
      { response: '<think>hm</think>42', reference: '42' },
    ]);
    expect(exact!.score).toBe(1);
  });
  it('a template naming a missing row field is an error, not a 0; a missing output_json field scores 0', async () => {
    const [r] = await grade(check('eq', '{{item.gold}}'), [{ response: 'x', reference: { answer: 'x' } }]);
    expect(r).toMatchObject({ status: 'error', score: null });
    expect(r!.reason).toContain('{{item.gold}}: no field "gold"');
    const json = {
      grader: {
        type: 'string_check',
        input: '{{sample.output_json.city}}',
        reference: '{{item.city}}',
        operation: 'eq',
      },
    };
    const [ok, missing, notJson] = await grade(json, [
      { response: '{"city": "Oslo"}', meta: { city: 'Oslo' } },
      { response: '{"town": "Oslo"}', meta: { city: 'Oslo' } },
      { response: 'Oslo', meta: { city: 'Oslo' } },
    ]);
    expect(ok!.score).toBe(1);
    expect(missing).toMatchObject({ status: 'ok', score: 0 });
    expect(notJson!.reason).toContain('not valid JSON');
  });
  it('bad templates and operations fail when the spec loads', () => {
    expect(() => parseSpec({ reward: check('eq', '{{reference}}') })).toThrow(/expected sample.output_text/);
    expect(() => parseSpec({ reward: check('contains') })).toThrow(/operation/);
  });
});

describe('text_similarity', () => {
  const sim = (metric: string, extra = {}) => ({
    grader: {
      type: 'text_similarity',
      input: '{{sample.output_text}}',
      reference: '{{item.reference}}',
      evaluation_metric: metric,
      ...extra,
    },
  });
  it('maps onto the similarity metrics, with pass_threshold in the detail', async () => {
    const s = [{ response: 'this is a test', reference: 'this is a test!' }];
    expect((await grade(sim('fuzzy_match', { pass_threshold: 0.9 }), s))[0]).toMatchObject({
      score: expect.closeTo(0.9655172413793103, 12),
      detail: { passed: true },
    });
    expect((await grade(sim('rouge_l'), s))[0]!.score).toBe(1);
    expect((await grade(sim('bleu'), [{ response: 'the cat', reference: 'the cat' }]))[0]!.score).toBeCloseTo(
      1,
      12,
    );
    // GLEU: n-grams 1..4 of "a b c" (6) vs "a b d" (6), matches a, b, "a b" → 3/6
    expect((await grade(sim('gleu'), [{ response: 'a b c', reference: 'a b d' }]))[0]!.score).toBeCloseTo(
      0.5,
      12,
    );
  });
  it('meteor is refused when the spec loads, saying why', () => {
    expect(() => parseSpec({ reward: sim('meteor') })).toThrow(/WordNet/);
  });
});

describe('multi and calculate_output', () => {
  const multi = (formula: string) => ({
    grader: {
      type: 'multi',
      name: 'combined',
      graders: {
        exact: check('eq').grader,
        fuzzy: {
          type: 'text_similarity',
          input: '{{sample.output_text}}',
          reference: '{{item.answer}}',
          evaluation_metric: 'fuzzy_match',
        },
      },
      calculate_output: formula,
      pass_threshold: 0.5,
    },
  });
  it('combines named grader scores with a safe formula; each grader is a component', async () => {
    const [r] = await grade(multi('0.5 * exact + 0.5 * fuzzy ^ 2'), [
      { response: 'kitten', reference: { answer: 'sitting' } },
    ]);
    expect(r!.score).toBeCloseTo(0.5 * (8 / 13) ** 2, 12);
    expect(r!.components!.map((c) => c.name)).toEqual(['exact', 'fuzzy']);
    expect(r!.detail).toEqual({ passed: false });
  });
  it('formulas: precedence, functions, and no names but the graders', () => {
    expect(compileFormula('-2 ^ 2 + max(1, 3) * 2 - abs(-1)', [])({})).toBe(1);
    expect(compileFormula('2 ^ -1 + 2 ^ 3 ^ 2 / 512', [])({})).toBe(1.5);
    expect(compileFormula('min(a, b) / 2', ['a', 'b'])({ a: 1, b: 3 })).toBe(0.5);
    expect(() => compileFormula('constructor', ['a'])).toThrow(/unknown name "constructor"/);
    expect(() => compileFormula('a.b', ['a'])).toThrow(/bad number|unexpected/);
    expect(() => compileFormula('a[0]', ['a'])).toThrow(/unexpected "\["/);
    expect(() => compileFormula('process(1)', [])).toThrow(/unknown function/);
    expect(() => parseSpec({ reward: multi('exact + nope') })).toThrow(/unknown name "nope"/);
  });
  it('a failed part makes the multi grader fail', async () => {
    const [r] = await grade(multi('exact + fuzzy'), [{ response: 'x', reference: { other: 1 } }]);
    expect(r).toMatchObject({ status: 'error', score: null });
  });
});

describe('model graders through an OpenAI-compatible server', () => {
  let server: FakeOpenAIServer;
  beforeAll(async () => {
    server = await startFakeServer({
      other: (path: string, body: Body) =>
        path.endsWith('/embeddings')
          ? { data: (body.input as string[]).map((t, index) => ({ index, embedding: [t.length, 1] })) }
          : undefined,
    });
  });
  afterAll(() => server.close());
  const endpoint = () => ({ base_url: server.baseURL, cache_size: 0, max_retries: 0 });

  it('score_model: templated messages, structured output, the grade within range', async () => {
    server.opts.chat = (req) => ({ json: { result: req.user.includes('Paris') ? 7 : 2 } });
    const node = {
      grader: {
        type: 'score_model',
        name: 'judge',
        model: 'grader-model',
        input: [
          { role: 'system', content: 'Grade 0-10.' },
          {
            role: 'user',
            content: [{ type: 'input_text', text: 'Answer: {{sample.output_text}}\nGold: {{item.answer}}' }],
          },
        ],
        range: [0, 10],
        pass_threshold: 5,
      },
      endpoint: endpoint(),
    };
    const [r] = await grade(node, [{ response: 'Paris', reference: { answer: 'Paris' } }]);
    expect(r).toMatchObject({ status: 'ok', score: 7, detail: { passed: true } });
    const req = server.chatRequests.at(-1)!;
    expect(req.body.model).toBe('grader-model');
    expect(req.body.messages[1].content).toBe('Answer: Paris\nGold: Paris');
    expect(req.body.response_format.type).toBe('json_schema');
    server.opts.chat = () => ({ json: { result: 11 } });
    const [out] = await grade(node, [{ response: 'x', reference: { answer: 'y' } }]);
    expect(out).toMatchObject({ status: 'error', score: null });
  });
  it('label_model: 1 for a passing label, 0 for another, error for none', async () => {
    const node = {
      grader: {
        type: 'label_model',
        model: 'm',
        input: [{ role: 'user', content: 'Is "{{sample.output_text}}" polite?' }],
        labels: ['polite', 'rude'],
        passing_labels: ['polite'],
      },
      endpoint: endpoint(),
    };
    server.opts.chat = () => ({ json: { result: 'polite' } });
    expect((await grade(node, [{ response: 'Thank you' }]))[0]).toMatchObject({
      score: 1,
      detail: { label: 'polite' },
    });
    server.opts.chat = () => 'I would say:\nrude';
    expect((await grade(node, [{ response: 'Go away' }]))[0]!.score).toBe(0);
    server.opts.chat = () => 'maybe';
    expect((await grade(node, [{ response: '?' }]))[0]!.status).toBe('error');
  });
  it('text_similarity cosine through /embeddings', async () => {
    const node = {
      grader: {
        type: 'text_similarity',
        input: '{{sample.output_text}}',
        reference: '{{item.reference}}',
        evaluation_metric: 'cosine',
      },
      endpoint: { ...endpoint(), embedding_model: 'emb' },
    };
    const [r] = await grade(node, [{ response: 'abc', reference: 'abc' }]);
    expect(r!.score).toBeCloseTo(1, 12);
    expect(server.log.at(-1)!.body).toMatchObject({ model: 'emb', input: ['abc', 'abc'] });
  });
});

describe('python grader in the sandbox', () => {
  it('runs grade(sample, item) with output_text, output_json and the row', async () => {
    const node = {
      grader: {
        type: 'python',
        source:
          'def grade(sample, item):\n    data = sample["output_json"] or {}\n    return 1.0 if data.get("n") == item["n"] else 0.25\n',
        pass_threshold: 1,
      },
    };
    const [a, b] = await grade(node, [
      { response: '{"n": 3}', reference: { n: 3 } },
      { response: 'not json', reference: { n: 3 } },
    ]);
    expect(a).toMatchObject({ status: 'ok', score: 1, detail: { passed: true } });
    expect(b!.score).toBe(0.25);
  });
  it('an exception in grade() is an error with its message', async () => {
    const node = {
      grader: { type: 'python', source: 'def grade(sample, item):\n    raise KeyError("gold")\n' },
    };
    const [r] = await grade(node, [{ response: 'x' }]);
    expect(r).toMatchObject({ status: 'error', score: null });
    expect(r!.reason).toContain("KeyError: 'gold'");
  });
});

describe('a bare grader object is a whole spec', () => {
  it('assay score --spec grader.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-grader-'));
    const spec = join(dir, 'grader.json');
    writeFileSync(
      spec,
      JSON.stringify({
        type: 'string_check',
        name: 'exact',
        input: '{{sample.output_text}}',
        reference: '{{item.reference}}',
        operation: 'eq',
      }),
    );
    const input = '{"id":"a","response":"4","reference":"4"}\n{"id":"b","response":"5","reference":"4"}\n';
    const { code, stdout } = runCli(['score', '--spec', spec, '--input', '-'], input);
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((l) => [l.id, l.name, l.score])).toEqual([
      ['a', 'exact', 1],
      ['b', 'exact', 0],
    ]);
  });
});
