/**
 * tool_call, by kind: the formats models emit, BFCL's checking rules (restated from its AST checker's
 * semantics in our own cases), parallel calls matched by assignment, ToolRL partial credit, and calls
 * made or withheld when they should not be.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/core/types.js';
import { maxMatching, maxWeightAssignment } from '../../../src/verifiers/tools/assign.js';
import { standardizeString } from '../../../src/verifiers/tools/check.js';
import { callCpuReward } from '../../helpers.js';

type Scored = { status?: string; score?: number; reason?: string; detail?: Record<string, unknown> };
const run = (sample: Sample, args: Record<string, unknown> = {}) =>
  callCpuReward('tool_call', args, sample) as Scored;
const hermes = (...calls: unknown[]) =>
  calls.map((c) => `<tool_call>\n${JSON.stringify(c)}\n</tool_call>`).join('\n');

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer' },
        unit: { type: 'string', enum: ['c', 'f'] },
      },
      required: ['city'],
    },
  },
};
const weather = {
  ground_truth: [{ get_weather: { city: ['Paris', 'Paris, France'], days: [3], unit: ['c', ''] } }],
  tools: [weatherTool],
};

describe('formats', () => {
  it('OpenAI tool_calls with JSON-string arguments (content null)', () => {
    const sample = {
      response: [
        { role: 'user' as const, content: 'Weather in Paris for 3 days?' },
        {
          role: 'assistant' as const,
          content: '',
          tool_calls: [
            {
              id: 'c1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city": "Paris", "days": 3}' },
            },
          ],
        },
      ],
      reference: weather,
    };
    expect(run(sample)).toMatchObject({ score: 1, detail: { format: 'openai' } });
  });
  it('Hermes / Qwen <tool_call> blocks, after <think>', () => {
    const response = `<think>call it</think>${hermes({ name: 'get_weather', arguments: { city: 'paris', days: 3 } })}`;
    expect(run({ response, reference: weather })).toMatchObject({ score: 1, detail: { format: 'hermes' } });
  });
  it('plain JSON: a list of calls, a single call, BFCL-style {NAME: {…}}, a fenced block', () => {
    for (const response of [
      '[{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}]',
      '{"name": "get_weather", "parameters": {"city": "Paris", "days": 3}}',
      '[{"get_weather": {"city": "Paris", "days": 3}}]',
      'Sure:\n```json\n{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}\n```',
    ])
      expect(run({ response, reference: weather }).score, response).toBe(1);
  });
  it('unreadable calls score 0 with the parse error', () => {
    const r = run({
      response: '<tool_call>{"name": "get_weather", "arguments": {city: Paris}}</tool_call>',
      reference: weather,
    });
    expect(r).toMatchObject({ status: 'ok', score: 0 });
    expect((r as { reason: string }).reason).toMatch(/not JSON/);
  });
});

describe('BFCL checking rules', () => {
  const call = (args: Record<string, unknown>, name = 'get_weather') => hermes({ name, arguments: args });
  it('strings are normalized (case, spaces, ,./-_*^) before comparison', () => {
    expect(standardizeString('April 1, 2024')).toBe(standardizeString('april 1 2024'));
    expect(run({ response: call({ city: 'PARIS,  france', days: 3 }), reference: weather }).score).toBe(1);
    expect(run({ response: call({ city: 'Lyon', days: 3 }), reference: weather }).score).toBe(0);
  });
  it('an optional parameter (acceptable "" ) may be left out; a required one may not', () => {
    expect(run({ response: call({ city: 'Paris', days: 3, unit: 'c' }), reference: weather }).score).toBe(1);
    const r = run({ response: call({ city: 'Paris' }), reference: weather });
    expect(r.score).toBe(0);
    expect((r as { reason: string }).reason).toMatch(/missing argument "days"/);
  });
  it('an unknown argument fails', () => {
    const r = run({ response: call({ city: 'Paris', days: 3, mood: 'sunny' }), reference: weather });
    expect((r as { reason: string }).reason).toMatch(/unknown argument "mood"/);
  });
  it('types per the tool schema: a string for an integer fails; an integer where a float is expected passes', () => {
    const r = run({ response: call({ city: 'Paris', days: '3' }), reference: weather });
    expect(r.score).toBe(0);
    expect((r as { reason: string }).reason).toMatch(/integer/);
    const bfclDoc = {
      ground_truth: [{ 'math.hypot': { x: [4.0], y: [5.0] } }],
      function: [
        {
          name: 'math.hypot',
          parameters: {
            type: 'dict',
            properties: { x: { type: 'float' }, y: { type: 'float' } },
            required: ['x', 'y'],
          },
        },
      ],
    };
    // BFCL lets models write math_hypot for math.hypot.
    expect(run({ response: '[{"math_hypot": {"x": 4, "y": 5}}]', reference: bfclDoc }).score).toBe(1);
  });
  it('numbers compare within a relative tolerance', () => {
    const ref = { ground_truth: [{ convert: { amount: [0.3] } }] };
    expect(
      run({ response: hermes({ name: 'convert', arguments: { amount: 0.1 + 0.2 } }), reference: ref }).score,
    ).toBe(1);
    expect(
      run({ response: hermes({ name: 'convert', arguments: { amount: 0.31 } }), reference: ref }).score,
    ).toBe(0);
    expect(
      run(
        { response: hermes({ name: 'convert', arguments: { amount: 0.31 } }), reference: ref },
        { rel_tol: 0.05 },
      ).score,
    ).toBe(1);
  });
  it('in exact calls an empty string is a value, not a mark of an optional parameter', () => {
    const exact = { calls: [{ name: 'note', arguments: { title: '', body: 'x' } }] };
    expect(
      run({ response: hermes({ name: 'note', arguments: { title: '', body: 'x' } }), reference: exact })
        .score,
    ).toBe(1);
    expect(
      run({ response: hermes({ name: 'note', arguments: { body: 'x' } }), reference: exact }).score,
    ).toBe(0);
  });
  it('lists compare element by element, in order', () => {
    const ref = { ground_truth: [{ sort: { items: [['b', 'a']] } }] };
    expect(
      run({ response: hermes({ name: 'sort', arguments: { items: ['B', 'a'] } }), reference: ref }).score,
    ).toBe(1);
    expect(
      run({ response: hermes({ name: 'sort', arguments: { items: ['a', 'b'] } }), reference: ref }).score,
    ).toBe(0);
  });
  it('nested objects: BFCL dict possible answers key by key; exact calls as whole values', () => {
    const ref = { ground_truth: [{ book: { guest: [{ name: ['Ann'], age: [30, ''] }] } }] };
    expect(
      run({ response: hermes({ name: 'book', arguments: { guest: { name: 'ann' } } }), reference: ref })
        .score,
    ).toBe(1);
    expect(
      run({
        response: hermes({ name: 'book', arguments: { guest: { name: 'Ann', age: 31 } } }),
        reference: ref,
      }).score,
    ).toBe(0);
    const exact = { calls: [{ name: 'book', arguments: { guest: { name: 'Ann', tags: ['vip'] } } }] };
    expect(
      run({
        response: hermes({ name: 'book', arguments: { guest: { tags: ['vip'], name: 'Ann' } } }),
        reference: exact,
      }).score,
    ).toBe(1);
    expect(
      run({ response: hermes({ name: 'book', arguments: { guest: { name: 'Ann' } } }), reference: exact })
        .score,
    ).toBe(0);
  });
});

describe('parallel calls', () => {
  const ref = {
    ground_truth: [
      { get_weather: { city: ['Paris'] } },
      { get_weather: { city: ['Rome'] } },
      { get_time: { zone: ['CET'] } },
    ],
  };
  it('match in any order', () => {
    const response = hermes(
      { name: 'get_time', arguments: { zone: 'CET' } },
      { name: 'get_weather', arguments: { city: 'Rome' } },
      { name: 'get_weather', arguments: { city: 'Paris' } },
    );
    expect(run({ response, reference: ref }).score).toBe(1);
  });
  it('an assignment, not greedy: the first expected call must not take the only call the second accepts', () => {
    const trap = { ground_truth: [{ f: { x: [1, 2] } }, { f: { x: [1] } }] };
    const response = hermes({ name: 'f', arguments: { x: 1 } }, { name: 'f', arguments: { x: 2 } });
    expect(run({ response, reference: trap }).score).toBe(1);
    expect(
      maxMatching(
        [
          [true, true],
          [true, false],
        ],
        2,
      ).size,
    ).toBe(2);
  });
  it('a missing or an extra call fails; `calls` gives the share matched', () => {
    const two = hermes(
      { name: 'get_weather', arguments: { city: 'Paris' } },
      { name: 'get_time', arguments: { zone: 'CET' } },
    );
    expect(run({ response: two, reference: ref }).score).toBe(0);
    expect(run({ response: two, reference: ref }, { score: 'calls' }).score).toBeCloseTo(2 / 3, 10);
    const dup = hermes(
      { name: 'get_weather', arguments: { city: 'Paris' } },
      { name: 'get_weather', arguments: { city: 'Paris' } },
      { name: 'get_weather', arguments: { city: 'Rome' } },
      { name: 'get_time', arguments: { zone: 'CET' } },
    );
    expect(run({ response: dup, reference: ref }).score).toBe(0);
  });
});

describe('calls made or withheld', () => {
  it('no call when none is expected: 1; a call when none is expected: 0; no call when one is: 0', () => {
    const none = { ground_truth: [] };
    expect(run({ response: 'I cannot help with that.', reference: none }).score).toBe(1);
    expect(
      run({ response: hermes({ name: 'get_weather', arguments: { city: 'Paris' } }), reference: none }).score,
    ).toBe(0);
    expect(run({ response: 'It is sunny in Paris.', reference: weather }).score).toBe(0);
    expect(run({ response: 'It is sunny in Paris.', reference: weather }, { score: 'toolrl' }).score).toBe(0);
  });
  it('an unusable reference is an error', () => {
    expect(run({ response: '[]', reference: { answer: 1 } })).toMatchObject({ status: 'error' });
    const badSchema = {
      ground_truth: [{ f: { x: [1] } }],
      tools: [{ name: 'f', parameters: { type: 'no-such-type' } }],
    };
    const r = run({ response: '[{"f": {"x": 1}}]', reference: badSchema });
    expect(r).toMatchObject({ status: 'error' });
    expect(r.reason).toMatch(/tools\[0\]\.parameters: invalid JSON Schema/);
  });
});

describe('ToolRL partial credit', () => {
  const ref = { ground_truth: [{ search: { query: ['cats'], limit: [10] } }, { open: { url: ['a.com'] } }] };
  it('each component: names, argument names, argument values', () => {
    // Names: {search, fetch} vs {search, open}: Jaccard 1/3. search: keys {query, page} vs {query, limit}: 1/3;
    // values: query ok, limit missing → 1. open: unmatched. S_max = 1 + 2 + (2 + 1) = 6.
    const response = hermes(
      { name: 'search', arguments: { query: 'Cats', page: 2 } },
      { name: 'fetch', arguments: { url: 'a.com' } },
    );
    const r = run({ response, reference: ref }, { score: 'toolrl' });
    expect(r.detail).toMatchObject({ s_max: 6 });
    expect((r.detail as { r_name: number }).r_name).toBeCloseTo(1 / 3, 10);
    expect((r.detail as { r_param: number }).r_param).toBeCloseTo(1 / 3, 10);
    expect((r.detail as { r_value: number }).r_value).toBe(1);
    expect(r.score).toBeCloseTo((1 / 3 + 1 / 3 + 1) / 6, 10);
    expect(run({ response, reference: ref }, { score: 'toolrl', toolrl_range: true }).score).toBeCloseTo(
      6 * ((1 / 3 + 1 / 3 + 1) / 6) - 3,
      10,
    );
  });
  it('a perfect answer gets the whole credit; pairs are assigned optimally', () => {
    const response = hermes(
      { name: 'open', arguments: { url: 'a.com' } },
      { name: 'search', arguments: { query: 'cats', limit: 10 } },
    );
    expect(run({ response, reference: ref }, { score: 'toolrl' }).score).toBe(1);
    expect(
      maxWeightAssignment(
        [
          [1, 3],
          [2, 0],
        ],
        2,
      ),
    ).toEqual([1, 0]);
    expect(maxWeightAssignment([[5], [7]], 1)).toEqual([-1, 0]);
  });
});
