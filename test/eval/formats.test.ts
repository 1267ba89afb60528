/**
 * Benchmark rows in their published shapes (fixtures written for Assay under test/fixtures/eval/), read by
 * shape or by name; bad rows reported with their row number and field, the rest still loaded.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, loadCases } from '../../src/eval/formats.js';
import { parseJsonLines, readRows } from '../../src/eval/read.js';

const fixture = (name: string) => new URL(`../fixtures/eval/${name}`, import.meta.url).pathname;
const rowsOf = (name: string) => parseJsonLines(readFileSync(fixture(name), 'utf8')).rows;

describe('format detection by shape', () => {
  it.each([
    ['rewardbench.jsonl', 'pairs', 'pair', 8],
    ['rm-bench.jsonl', 'rm-bench', 'styled_pair', 2],
    ['judgebench.jsonl', 'judgebench', 'pair', 3],
    ['rewardbench2.jsonl', 'best-of', 'best_of', 5],
    ['verification.jsonl', 'verification', 'verification', 6],
    ['processbench.jsonl', 'process', 'process', 4],
    ['assay.jsonl', 'assay', 'verification', 4],
  ])('%s is %s', (file, format, kind, n) => {
    const loaded = loadCases(rowsOf(file));
    expect(loaded.format).toBe(format);
    expect(loaded.problems).toEqual([]);
    expect(loaded.cases).toHaveLength(n);
    expect(loaded.cases.every((c) => c.kind === kind)).toBe(true);
  });

  it('reads subsets from subset, domain or source, and ids as published', () => {
    expect(loadCases(rowsOf('rm-bench.jsonl')).cases.map((c) => [c.id, c.subset])).toEqual([
      ['rm-1', 'math'],
      ['rm-2', 'chat'],
    ]);
    expect(loadCases(rowsOf('rewardbench.jsonl')).cases[0]).toMatchObject({ id: '101', subset: 'math-prm' });
  });

  it('JudgeBench: the label decides which response is chosen', () => {
    const cases = loadCases(rowsOf('judgebench.jsonl')).cases;
    expect(cases[0]).toMatchObject({ kind: 'pair', chosen: expect.stringContaining('sqrt(2h/g)') });
    expect(cases[1]).toMatchObject({ kind: 'pair', chosen: expect.stringContaining('remainder is 2') });
  });

  it('RM-Bench needs three responses per side; a best-of file is told apart by num_correct', () => {
    expect(detectFormat({ prompt: 'p', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'] })).toBe(
      'rm-bench',
    );
    expect(detectFormat({ prompt: 'p', chosen: ['a'], rejected: ['d', 'e', 'f'], num_correct: 1 })).toBe(
      'best-of',
    );
    expect(
      detectFormat({ prompt: 'p', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'], num_correct: 3 }),
    ).toBe('best-of');
  });

  it('a file whose shape is unknown is refused with the formats listed', () => {
    expect(() => loadCases([{ text: 'hello' }])).toThrow(/fields: text.*pairs \(prompt, chosen, rejected\)/);
  });
});

describe('bad rows', () => {
  it('are reported with their row and field, and the other rows still load', () => {
    const loaded = loadCases(
      [
        { problem: 'p', steps: ['a', 'b'], label: -1 },
        { problem: 'p', steps: ['a', 'b'], label: 2 },
        'not an object',
        null,
        { problem: 'p', steps: [], label: -1 },
        { problem: 'p', steps: ['a'], label: 0 },
      ],
      'process',
    );
    expect(loaded.cases.map((c) => c.row)).toEqual([1, 6]);
    expect(loaded.problems).toEqual([
      { row: 2, message: 'label: expected the index of the first wrong step (0…1) or -1, got 2' },
      { row: 3, message: 'expected a JSON object' },
      { row: 5, message: 'steps: expected a non-empty list of strings' },
    ]);
  });

  it('JudgeBench labels other than A>B / B>A, and verification labels that are not booleans, are named', () => {
    const jb = loadCases([{ question: 'q', response_A: 'a', response_B: 'b', label: 'A=B' }], 'judgebench');
    expect(jb.problems[0]!.message).toBe('label: expected "A>B" or "B>A", got "A=B"');
    const v = loadCases([{ question: 'q', gold: '1', response: '1', label: 'maybe' }], 'verification');
    expect(v.problems[0]!.message).toContain('label: expected true/false');
  });

  it('JSONL lines that are not JSON are problems at their line; blank lines are skipped', () => {
    const { rows, problems } = parseJsonLines('{"a":1}\n\n{oops\n{"b":2}\n');
    expect(rows).toEqual([{ a: 1 }, null, null, { b: 2 }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.row).toBe(3);
  });

  it('a JSON array file reads as rows', async () => {
    const { rows } = await readRows(fixture('../eval/rewardbench2.json'));
    expect(loadCases(rows).format).toBe('best-of');
  });
});
