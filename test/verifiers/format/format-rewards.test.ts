import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/types.js';
import { countTokens, lengthPenalty } from '../../../src/verifiers/length/length.js';
import { callCpuReward as call } from '../../helpers.js';

const score = (o: Outcome) => (o.status === undefined || o.status === 'ok' ? o.score : o.status);
const tags = (response: string, args = {}) => score(call('format.tags', args, { response }));

describe('format.tags', () => {
  it('full credit only for every tag once, in order, nothing outside', () => {
    expect(tags('<think>a</think>\n<answer>b</answer>')).toBe(1);
    expect(tags('<answer>b</answer><think>a</think>')).toBe(0);
    expect(tags('hello <think>a</think><answer>b</answer>')).toBe(0);
    expect(tags('hello <think>a</think><answer>b</answer>', { allow_outside: true })).toBe(1);
    expect(tags('<think>a</think><answer> </answer>')).toBe(0);
    expect(tags('<think><answer>b</answer></think>')).toBe(0);
  });
  it('partial credit: k/(n+1) for well-formed tags; repeated or unclosed tags earn nothing', () => {
    const p = { partial: true };
    expect(tags('<think>a</think>', p)).toBeCloseTo(1 / 3);
    expect(tags('<think>a</think><think>b</think><answer>c</answer>', p)).toBeCloseTo(1 / 3);
    expect(tags('<think>a<answer>b</answer>', p)).toBeCloseTo(1 / 3);
    expect(tags('<think>a</think><answer>b</answer>', p)).toBe(1);
    // spamming tags never beats a clean response
    expect(tags('<think></think><think></think><answer></answer><answer></answer>', p)).toBe(0);
    expect(tags('<answer>b</answer><think>a</think>', p)).toBeCloseTo(2 / 3);
  });
  it('explains what is wrong', () => {
    expect(call('format.tags', {}, { response: '<think>a' })).toMatchObject({
      score: 0,
      reason: '<think> not closed; <answer> missing',
    });
  });
});

describe('format.regex', () => {
  it('search and full modes, flags', () => {
    expect(score(call('format.regex', { pattern: '\\d+' }, { response: 'abc 12' }))).toBe(1);
    expect(score(call('format.regex', { pattern: '\\d+', mode: 'full' }, { response: 'abc 12' }))).toBe(0);
    expect(
      score(call('format.regex', { pattern: 'ABC', flags: 'i', mode: 'full' }, { response: ' abc\n' })),
    ).toBe(1);
  });
});

describe('json_schema', () => {
  const schema = {
    type: 'object',
    properties: { a: { type: 'integer' } },
    required: ['a'],
    additionalProperties: false,
  };
  it('valid JSON, in a fence or bare', () => {
    expect(score(call('json_schema', { schema }, { response: 'Here:\n```json\n{"a": 1}\n```' }))).toBe(1);
    expect(score(call('json_schema', { schema }, { response: '{"a": 2}' }))).toBe(1);
    expect(
      score(call('json_schema', {}, { response: '<think>{"x"}</think>{"a": 3}', reference: schema })),
    ).toBe(1);
  });
  it('invalid documents score 0 with the violations', () => {
    const o = call('json_schema', { schema }, { response: '{"a": "x", "b": 1}' });
    expect(o).toMatchObject({ score: 0 });
    expect((o as { reason: string }).reason).toMatch(/schema violations: .*\/a must be integer/);
    expect(call('json_schema', { schema }, { response: 'not json' })).toMatchObject({
      score: 0,
      reason: expect.stringMatching(/^not JSON/),
    });
  });
  it('no schema anywhere, or an invalid schema, is an error', () => {
    expect(call('json_schema', {}, { response: '{}' })).toMatchObject({ status: 'error' });
    expect(call('json_schema', {}, { response: '{}', reference: { type: 'nonsense' } })).toMatchObject({
      status: 'error',
    });
  });
});

describe('length', () => {
  it('DAPO overlong penalty: 0, then linear in the buffer, then -1', () => {
    const a = { mode: 'overlong' as const, max: 100, buffer: 20 };
    expect(lengthPenalty(80, a)).toBe(0);
    expect(lengthPenalty(90, a)).toBeCloseTo(-0.5);
    expect(lengthPenalty(100, a)).toBeCloseTo(-1);
    expect(lengthPenalty(101, a)).toBe(-1);
    expect(lengthPenalty(5, { mode: 'overlong', max: 4, buffer: 0 })).toBe(-1);
    expect(lengthPenalty(4, { mode: 'overlong', max: 4, buffer: 0 })).toBe(0);
  });
  it('linear: -min(L, max)/max', () => {
    expect(lengthPenalty(25, { mode: 'linear', max: 100, buffer: 0 })).toBe(-0.25);
    expect(lengthPenalty(250, { mode: 'linear', max: 100, buffer: 0 })).toBe(-1);
  });
  it('counts whitespace tokens or characters', () => {
    expect(countTokens('  a b\n\tc  ')).toBe(3);
    expect(countTokens('')).toBe(0);
    expect(call('length', { unit: 'chars', max: 10, mode: 'linear' }, { response: 'abcde' })).toMatchObject({
      score: -0.5,
      detail: { length: 5 },
    });
  });
});
