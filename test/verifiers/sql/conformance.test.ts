/**
 * Execution-accuracy conformance, by kind, through the real reward and SQLite: cases restated in our own
 * queries from the semantics of Spider's test-suite-sql-eval (`result_eq`) and BIRD's evaluator
 * (`set(pred) == set(gold)`), with the verdict each evaluator gives. Accuracy is printed per kind.
 */
import { afterAll, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import '../../../src/verifiers/sql/index.js';

const database = {
  sql: `CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER, net_worth REAL);
        INSERT INTO singer VALUES (1, 'Joe', 'France', 52, 30.0), (2, 'Ann', 'Netherlands', 29, 12.5),
          (3, 'Tim', 'France', 41, 12.5), (4, 'Liu', NULL, 33, NULL), (5, 'Eva', 'Spain', 29, 7.25);`,
};

type Case = [kind: string, gold: string, pred: string, spider: boolean, bird: boolean];
const CASES: Case[] = [
  ['aggregate', 'SELECT count(*) FROM singer', 'SELECT count(id) FROM singer', true, true],
  [
    'aggregate',
    'SELECT count(*) FROM singer WHERE country = "France"',
    "SELECT count(*) FROM singer WHERE country = 'france'",
    false,
    false,
  ],
  ['aggregate', 'SELECT avg(age) FROM singer', 'SELECT sum(age) * 1.0 / count(age) FROM singer', true, true],
  [
    'aggregate',
    'SELECT sum(net_worth) FROM singer WHERE age > 100',
    'SELECT total(net_worth) FROM singer WHERE age > 100',
    false,
    false,
  ],
  [
    'duplicates',
    'SELECT country FROM singer WHERE age < 45',
    'SELECT DISTINCT country FROM singer WHERE age < 45',
    true,
    true,
  ],
  [
    'duplicates',
    'SELECT net_worth FROM singer WHERE net_worth IS NOT NULL',
    'SELECT DISTINCT net_worth FROM singer WHERE net_worth IS NOT NULL',
    false,
    true,
  ],
  [
    'ordering',
    'SELECT name FROM singer ORDER BY age DESC',
    'SELECT name FROM singer ORDER BY age',
    false,
    true,
  ],
  ['ordering', 'SELECT name FROM singer', 'SELECT name FROM singer ORDER BY name', true, true],
  [
    'ordering',
    'SELECT name, age FROM singer ORDER BY age DESC, name',
    'SELECT name, age FROM singer ORDER BY 2 DESC, 1',
    true,
    true,
  ],
  ['columns', 'SELECT name, country FROM singer', 'SELECT country, name FROM singer', true, false],
  ['columns', 'SELECT name FROM singer', 'SELECT name, age FROM singer', false, false],
  [
    'nulls',
    'SELECT name FROM singer WHERE country IS NULL',
    'SELECT name FROM singer WHERE country = NULL',
    false,
    false,
  ],
  [
    'nulls',
    'SELECT name, net_worth FROM singer WHERE age = 33',
    'SELECT name, NULL FROM singer WHERE id = 4',
    true,
    true,
  ],
  [
    'strings',
    'SELECT name FROM singer WHERE country = "Spain"',
    "SELECT name FROM singer WHERE country LIKE 'spain'",
    true,
    true,
  ],
  ['numbers', 'SELECT max(net_worth) FROM singer', 'SELECT 30 FROM singer LIMIT 1', true, true],
  ['numbers', 'SELECT age FROM singer WHERE id = 1', "SELECT '52'", false, false],
  [
    'empty',
    'SELECT name FROM singer WHERE age > 100',
    'SELECT name, age FROM singer WHERE age < 0',
    true,
    true,
  ],
];

const runtime = new Runtime({ inThread: true });
afterAll(() => runtime.close());

it('matches Spider and BIRD verdicts on every kind', async () => {
  const samples = CASES.map(([, gold, pred]) => ({ response: pred, reference: { gold, database } }));
  const scorer = (match: string) =>
    new Scorer(parseSpec({ reward: { use: 'sql', args: { match } }, timeout_ms: 30_000 }), runtime);
  const spider = await scorer('spider').score(samples);
  const bird = await scorer('bird').score(samples);
  const perKind = new Map<string, { right: number; total: number }>();
  const wrong: string[] = [];
  CASES.forEach(([kind, gold, pred, wantSpider, wantBird], i) => {
    const k = perKind.get(kind) ?? { right: 0, total: 0 };
    for (const [got, want, mode] of [
      [spider[i]!.score, wantSpider, 'spider'],
      [bird[i]!.score, wantBird, 'bird'],
    ] as const) {
      k.total++;
      if (got === (want ? 1 : 0)) k.right++;
      else wrong.push(`${mode} ${kind}: ${gold} | ${pred} → ${got}`);
    }
    perKind.set(kind, k);
  });
  console.log([...perKind].map(([kind, { right, total }]) => `${kind}: ${right}/${total}`).join(', '));
  expect(wrong).toEqual([]);
});
