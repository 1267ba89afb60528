/**
 * Execution-match semantics, restated from Spider's test-suite-sql-eval (`result_eq`: multiset equality,
 * order-sensitive iff the gold has ORDER BY, column permutations allowed, Python equality of values) and
 * BIRD's evaluation (`set(predicted) == set(gold)`), in our own cases, by kind.
 */
import { describe, expect, it } from 'vitest';
import {
  columnF1,
  hasOrderBy,
  type ResultSet,
  resultsMatch,
  rowF1,
} from '../../../src/verifiers/sql/compare.js';

const rs = (columns: string[], rows: unknown[][]): ResultSet => ({
  columns,
  rows: rows as ResultSet['rows'],
});
const spider = (gold: ResultSet, pred: ResultSet, goldSql = 'SELECT 1') =>
  resultsMatch(gold, pred, goldSql, { mode: 'spider' });
const bird = (gold: ResultSet, pred: ResultSet) => resultsMatch(gold, pred, 'SELECT 1', { mode: 'bird' });
const strict = (gold: ResultSet, pred: ResultSet) => resultsMatch(gold, pred, 'SELECT 1', { mode: 'strict' });

describe('duplicates', () => {
  const gold = rs(['a'], [[1], [1], [2]]);
  it('spider compares multisets: a missing duplicate fails', () => {
    expect(spider(gold, rs(['a'], [[1], [2]]))).toBe(false);
    expect(spider(gold, rs(['a'], [[2], [1], [1]]))).toBe(true);
  });
  it('bird compares sets: duplicates are ignored', () => {
    expect(bird(gold, rs(['a'], [[1], [2]]))).toBe(true);
    expect(bird(gold, rs(['a'], [[2], [2], [1]]))).toBe(true);
    expect(bird(gold, rs(['a'], [[1]]))).toBe(false);
  });
});

describe('NULLs', () => {
  it('NULL equals NULL, and differs from 0 and the empty string', () => {
    const gold = rs(['a', 'b'], [[null, 'x']]);
    expect(spider(gold, rs(['a', 'b'], [[null, 'x']]))).toBe(true);
    expect(spider(gold, rs(['a', 'b'], [[0, 'x']]))).toBe(false);
    expect(bird(gold, rs(['a', 'b'], [['', 'x']]))).toBe(false);
  });
});

describe('numbers', () => {
  it('an integer equals the same float (Python: 1 == 1.0), bigint or number', () => {
    expect(spider(rs(['n'], [[1n]]), rs(['n'], [[1.0]]))).toBe(true);
    expect(bird(rs(['n'], [[3n]]), rs(['n'], [[3]]))).toBe(true);
  });
  it('floats compare exactly unless decimals is set', () => {
    const gold = rs(['avg'], [[2 / 3]]);
    const pred = rs(['avg'], [[0.6666667]]);
    expect(spider(gold, pred)).toBe(false);
    expect(resultsMatch(gold, pred, 'SELECT 1', { mode: 'spider', decimals: 4 })).toBe(true);
  });
  it('a number differs from its text', () => {
    expect(spider(rs(['n'], [[5]]), rs(['n'], [['5']]))).toBe(false);
  });
});

describe('ordering', () => {
  const gold = rs(['name'], [['a'], ['b'], ['c']]);
  const shuffled = rs(['name'], [['c'], ['a'], ['b']]);
  it('row order is ignored when the gold query has no ORDER BY', () => {
    expect(spider(gold, shuffled, 'SELECT name FROM t')).toBe(true);
  });
  it('row order counts when the gold query has ORDER BY (any case and spacing)', () => {
    expect(spider(gold, shuffled, 'SELECT name FROM t order\n  BY name')).toBe(false);
    expect(spider(gold, gold, 'SELECT name FROM t ORDER BY name')).toBe(true);
    expect(hasOrderBy('select a from t ORDER   BY a')).toBe(true);
    expect(hasOrderBy('select border from t')).toBe(false);
  });
  it('strict: order always counts; bird: never', () => {
    expect(strict(gold, shuffled)).toBe(false);
    expect(strict(gold, gold)).toBe(true);
    expect(bird(gold, shuffled)).toBe(true);
  });
});

describe('columns', () => {
  const gold = rs(
    ['id', 'name'],
    [
      [1, 'ann'],
      [2, 'bob'],
    ],
  );
  const swapped = rs(
    ['name', 'id'],
    [
      ['ann', 1],
      ['bob', 2],
    ],
  );
  it('spider accepts a permutation of the columns; bird and strict do not', () => {
    expect(spider(gold, swapped)).toBe(true);
    expect(bird(gold, swapped)).toBe(false);
    expect(strict(gold, swapped)).toBe(false);
  });
  it('a permutation must keep rows together (columns with equal values but crossed pairs fail)', () => {
    const g = rs(
      ['a', 'b'],
      [
        [1, 2],
        [2, 1],
        [1, 1],
      ],
    );
    const crossed = rs(
      ['a', 'b'],
      [
        [1, 2],
        [2, 1],
        [2, 2],
      ],
    );
    expect(spider(g, crossed)).toBe(false);
    expect(
      spider(
        g,
        rs(
          ['b', 'a'],
          [
            [2, 1],
            [1, 2],
            [1, 1],
          ],
        ),
      ),
    ).toBe(true);
  });
  it('a different number of columns never matches (except two empty results, as Spider)', () => {
    expect(spider(gold, rs(['id'], [[1], [2]]))).toBe(false);
    expect(spider(rs(['a'], []), rs(['a', 'b'], []))).toBe(true);
  });
  it('column names do not matter (aliases)', () => {
    expect(strict(rs(['count(*)'], [[3]]), rs(['n'], [[3]]))).toBe(true);
  });
  it('many identical columns stay bounded (no n! search)', () => {
    const wide = Array.from({ length: 12 }, (_, j) => `c${j}`);
    const rows = Array.from({ length: 50 }, () => wide.map(() => 7));
    const other = rows.map((r, i) => (i === 49 ? [...r.slice(0, 11), 8] : r));
    expect(spider(rs(wide, rows), rs(wide, rows))).toBe(true);
    expect(spider(rs(wide, rows), rs(wide, other))).toBe(false);
  });
});

describe('partial credit', () => {
  const gold = rs(
    ['a', 'b'],
    [
      [1, 'x'],
      [2, 'y'],
      [3, 'z'],
      [4, 'w'],
    ],
  );
  it('row F1: precision and recall over rows', () => {
    const pred = rs(
      ['a', 'b'],
      [
        [1, 'x'],
        [2, 'y'],
        [9, 'q'],
      ],
    );
    // P = 2/3, R = 2/4, F1 = 4/7
    expect(rowF1(gold, pred)).toBeCloseTo(4 / 7, 10);
    expect(rowF1(gold, rs(['a', 'b'], []))).toBe(0);
    expect(rowF1(rs(['a'], []), rs(['a'], []))).toBe(1);
  });
  it('column F1: columns as multisets of values, matched one to one', () => {
    const pred = rs(
      ['b', 'extra', 'other'],
      [
        ['x', 0, 5],
        ['y', 0, 5],
        ['z', 0, 5],
        ['w', 0, 5],
      ],
    );
    // 1 of 3 predicted columns matches 1 of 2 gold columns: P = 1/3, R = 1/2, F1 = 0.4
    expect(columnF1(gold, pred)).toBeCloseTo(0.4, 10);
    expect(
      columnF1(
        gold,
        rs(
          ['b', 'a'],
          [
            ['w', 4],
            ['z', 3],
            ['y', 2],
            ['x', 1],
          ],
        ),
      ),
    ).toBe(1);
  });
});
