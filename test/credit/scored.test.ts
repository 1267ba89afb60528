import { describe, expect, it } from 'vitest';
import { findDetail, parseScoredLines, stepRewardsOf } from '../../src/credit/scored.js';

describe('scored input', () => {
  const samples = new Map([
    ['a', { id: 'a', response: 'x', group: 'g1', source: 'math' }],
    ['b', { id: 'b', response: 'y', group: 'g1' }],
  ]);
  it('joins score lines with their samples by id and reports bad lines with their numbers', () => {
    const text = [
      '{"id":"a","status":"ok","score":1}',
      '',
      '{"id":"b","status":"error","score":null,"reason":"judge down"}',
      'not json',
      '{"id":"c"}',
      '{"id":"d","score":"high"}',
      '{"id":"e","score":1,"status":"fine"}',
      '[1]',
      '{"id":"f","score":0.5,"response":"z","group":7,"source":"code"}',
      '{"id":"g","score":0.5,"response":42}',
    ].join('\n');
    const { records, problems } = parseScoredLines(text, samples);
    expect(records.map((r) => [r.line, r.id, r.score, r.status, r.group, r.source])).toEqual([
      [1, 'a', 1, 'ok', 'g1', 'math'],
      [3, 'b', null, 'error', 'g1', undefined],
      [9, 'f', 0.5, 'ok', '7', 'code'],
    ]);
    expect(records[0]!.sample?.response).toBe('x');
    expect(problems.map((p) => p.line)).toEqual([4, 5, 6, 7, 8, 10]);
    expect(problems[1]!.message).toMatch(/no "score" field/);
    expect(problems[2]!.message).toMatch(/score: expected a finite number or null, got "high"/);
    expect(problems[3]!.message).toMatch(/status: expected one of/);
    expect(problems[5]!.message).toMatch(/invalid sample: response/);
  });
  it('a score without status is ok; a null score without status is an error', () => {
    const { records } = parseScoredLines('{"score":0.2}\n{"score":null}');
    expect(records.map((r) => r.status)).toEqual(['ok', 'error']);
  });
  it('finds details and step rewards in components, depth-first', () => {
    const raw = {
      score: 1,
      components: [
        { name: 'fmt', detail: {} },
        { name: 'steps', detail: { step_scores: [0.5, 0.25] }, components: [{ detail: { extracted: '4' } }] },
      ],
    };
    expect(findDetail(raw, 'extracted')).toBe('4');
    expect(findDetail(raw, 'nope')).toBeUndefined();
    expect(stepRewardsOf({ raw } as never)).toEqual([0.5, 0.25]);
    expect(stepRewardsOf({ raw: { score: 1, step_rewards: [1, 'x'] } } as never)).toBeNull();
    expect(stepRewardsOf({ raw: { score: 1, step_rewards: [1, 0] } } as never)).toEqual([1, 0]);
  });
});
