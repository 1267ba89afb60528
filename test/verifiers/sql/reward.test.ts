/**
 * The sql reward on a real SQLite file, through real engine processes: execution accuracy, datasets' row
 * shapes, and hostile queries, each of which must earn 0, leave the database as it was, and not disturb
 * the other samples of its batch.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { RewardResult, Sample } from '../../../src/core/types.js';
import '../../../src/verifiers/sql/index.js';

const root = mkdtempSync(join(tmpdir(), 'assay-sql-test-'));
const outside = mkdtempSync(join(tmpdir(), 'assay-sql-outside-'));
mkdirSync(join(root, 'shop'));
const dbPath = join(root, 'shop', 'shop.sqlite');
{
  const db = new Database(dbPath);
  db.exec(`
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), amount REAL);
    INSERT INTO customers VALUES (1, 'Ann', 'Oslo'), (2, 'Bob', 'Rome'), (3, 'Cy', NULL), (4, 'Di', 'Oslo');
    INSERT INTO orders VALUES (1, 1, 10.5), (2, 1, 20), (3, 2, 7.25), (4, 4, 20), (5, 4, 1);`);
  db.close();
}
writeFileSync(join(outside, 'secret.sqlite'), readFileSync(dbPath));
symlinkSync(join(outside, 'secret.sqlite'), join(root, 'link.sqlite'));
const digest = () => createHash('sha256').update(readFileSync(dbPath)).digest('hex');
const before = digest();

const runtime = new Runtime({ inThread: true });
afterAll(() => {
  runtime.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const score = (samples: Sample[], args: Record<string, unknown> = {}, use = 'sql', timeout_ms = 20_000) =>
  new Scorer(
    parseSpec({ reward: { use, args: { data_root: root, query_timeout_ms: 1500, ...args } }, timeout_ms }),
    runtime,
  ).score(samples);
const ref = (gold: string) => ({ gold, database: 'shop/shop.sqlite' });
const fence = (sql: string) => `Here is the query:\n\`\`\`sql\n${sql}\n\`\`\``;

describe('execution accuracy', () => {
  it('equivalent queries match, different results do not, errors score 0', async () => {
    const gold = 'SELECT name FROM customers WHERE city = "Oslo"';
    const [same, joined, wrong, broken, none] = await score([
      { response: fence("SELECT name FROM customers WHERE city = 'Oslo'"), reference: ref(gold) },
      {
        response: fence(
          "SELECT DISTINCT c.name FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.city = 'Oslo'",
        ),
        reference: ref(gold),
      },
      { response: fence('SELECT name FROM customers'), reference: ref(gold) },
      { response: fence('SELECT nme FROM customers'), reference: ref(gold) },
      { response: 'I do not know.', reference: ref(gold), meta: {} },
    ]);
    expect(same).toMatchObject({ status: 'ok', score: 1 });
    expect(joined).toMatchObject({ status: 'ok', score: 1 });
    expect(wrong).toMatchObject({ status: 'ok', score: 0, reason: 'results differ' });
    expect(broken).toMatchObject({ status: 'ok', score: 0 });
    expect(broken!.reason).toMatch(/query failed: no such column: nme/);
    expect(none).toMatchObject({ status: 'ok', score: 0 });
  });

  it('ORDER BY in the gold makes order count; bird ignores duplicates; row_f1 gives partial credit', async () => {
    const ordered = ref('SELECT amount FROM orders ORDER BY amount DESC');
    const [asc, desc] = await score([
      { response: 'SELECT amount FROM orders ORDER BY amount', reference: ordered },
      { response: 'SELECT amount FROM orders ORDER BY 1 DESC', reference: ordered },
    ]);
    expect(asc!.score).toBe(0);
    expect(desc!.score).toBe(1);
    const dup = ref('SELECT city FROM customers WHERE city IS NOT NULL');
    const [spider] = await score([
      { response: 'SELECT DISTINCT city FROM customers WHERE city IS NOT NULL', reference: dup },
    ]);
    const [bird] = await score(
      [{ response: 'SELECT DISTINCT city FROM customers WHERE city IS NOT NULL', reference: dup }],
      { match: 'bird' },
    );
    expect(spider!.score).toBe(0);
    expect(bird!.score).toBe(1);
    const [partial] = await score(
      [{ response: 'SELECT id FROM customers WHERE id < 3', reference: ref('SELECT id FROM customers') }],
      {
        score: 'row_f1',
      },
    );
    expect(partial!.score).toBeCloseTo(2 / 3, 10); // P = 1, R = 1/2
  });

  it('Spider and BIRD rows resolve db_id under the data root; a fixture script works too', async () => {
    const [spider, bird, inline, missing, named] = await score(
      [
        {
          response: 'SELECT count(*) FROM orders',
          reference: { question: 'How many orders?', query: 'SELECT COUNT(id) FROM orders', db_id: 'shop' },
        },
        {
          response: 'SELECT sum(amount) FROM orders',
          reference: {
            question: 'Total?',
            SQL: 'SELECT SUM(amount) FROM orders',
            db_id: 'shop',
            evidence: '',
          },
        },
        {
          response: 'SELECT x FROM t',
          reference: { gold: 'SELECT 1', database: { sql: 'CREATE TABLE t(x); INSERT INTO t VALUES (1);' } },
        },
        { response: 'SELECT 1', reference: { query: 'SELECT 1', db_id: 'nope' } },
        { response: 'SELECT 2', reference: { gold: 'SELECT n FROM t', database: 'two' } },
      ],
      { databases: { two: { sql: 'CREATE TABLE t(n); INSERT INTO t VALUES (2)' } } },
    );
    expect(spider).toMatchObject({ status: 'ok', score: 1 });
    expect(bird).toMatchObject({ status: 'ok', score: 1 });
    expect(inline).toMatchObject({ status: 'ok', score: 1 });
    expect(missing).toMatchObject({ status: 'error', score: null });
    expect(missing!.reason).toMatch(/db_id "nope"/);
    expect(named).toMatchObject({ status: 'ok', score: 1 });
  });

  it('no path escapes the data root (.., absolute, symlink, db_id tricks): each is an error', async () => {
    const results = await score([
      { response: 'SELECT 1', reference: { gold: 'SELECT 1', database: '../secret.sqlite' } },
      { response: 'SELECT 1', reference: { gold: 'SELECT 1', database: join(outside, 'secret.sqlite') } },
      { response: 'SELECT 1', reference: { gold: 'SELECT 1', database: 'link.sqlite' } },
      { response: 'SELECT 1', reference: { query: 'SELECT 1', db_id: '../shop' } },
    ]);
    for (const r of results) expect(r).toMatchObject({ status: 'error', score: null });
    expect(results[0]!.reason).toMatch(/not found|outside/);
    expect(results[2]!.reason).toMatch(/outside the data root/);
  });

  it('the gold query runs once for the rollouts of a prompt (later samples share its result)', async () => {
    const scorer = new Scorer(
      parseSpec({ reward: { use: 'sql', args: { data_root: root } }, timeout_ms: 20_000 }),
      runtime,
    );
    const sample = { response: 'SELECT 1', reference: ref('SELECT 1') };
    const [first] = await scorer.score([sample]);
    const [second] = await scorer.score([sample]);
    expect(first!.detail?.gold_shared).toBeUndefined();
    expect(second!.detail).toMatchObject({ gold_shared: true, match: true });
  });

  it('a broken gold query is an error, not a zero', async () => {
    const [r] = await score([{ response: 'SELECT 1', reference: ref('SELECT * FROM no_such_table') }]);
    expect(r).toMatchObject({ status: 'error', score: null });
    expect(r!.reason).toMatch(/gold query failed/);
  });
});

describe('hostile queries earn nothing and harm nothing', () => {
  const gold = ref('SELECT count(*) FROM customers');
  const hostile: [string, string, RegExp][] = [
    ['write', 'DELETE FROM customers', /refused/],
    ['write in a CTE', 'WITH x AS (SELECT 1) UPDATE customers SET name = 1', /refused/],
    ['drop', 'SELECT 1; DROP TABLE customers', /refused/],
    ['attach', `ATTACH DATABASE '${join(outside, 'secret.sqlite')}' AS s`, /refused/],
    ['pragma', 'PRAGMA writable_schema = ON', /refused/],
    ['load_extension', "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libc.so.6')", /refused/],
    ['temp table', 'CREATE TEMP TABLE t AS SELECT * FROM customers', /refused/],
    [
      'recursive CTE that never ends',
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
      /ran past 1500 ms and was killed/,
    ],
    [
      'cartesian explosion',
      'SELECT count(*) FROM customers a, customers b, customers c, customers d, customers e, customers f, customers g, customers h, customers i, customers j, customers k, customers l, customers m, customers n, customers o, customers p',
      /ran past 1500 ms/,
    ],
    [
      'cartesian rows',
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000) SELECT * FROM c',
      /row limit/,
    ],
    ['huge randomblob', 'SELECT randomblob(900000000)', /too big|out of memory|byte limit|ended its engine/],
    [
      'many large blobs',
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100) SELECT randomblob(1000000) FROM c',
      /byte limit/,
    ],
  ];
  it.each(hostile)('%s', async (_kind, sql, reason) => {
    const [bad, good] = await score([
      { response: fence(sql), reference: gold },
      { response: fence('SELECT count(id) FROM customers'), reference: gold },
    ]);
    expect(bad).toMatchObject({ status: 'ok', score: 0 });
    expect(bad!.reason).toMatch(reason);
    expect(good).toMatchObject({ status: 'ok', score: 1 });
    expect(digest()).toBe(before);
  });

  it('a temp table made by a query could not reach the next (refused by SQLite itself too)', async () => {
    // The scanner refuses CREATE; the engine's own check (a statement that writes) is the second wall.
    const { runQuery } = await import('../../../src/verifiers/sql/execute.js');
    const res = await runQuery({
      id: 1,
      op: 'run',
      dialect: 'sqlite',
      db: { kind: 'file', path: dbPath },
      sql: 'SELECT 1',
      maxRows: 10,
      maxBytes: 1000,
    });
    expect(res).toMatchObject({ ok: true, rows: [[1n]] });
  });

  it('a sample whose deadline passes mid-query is a timeout, not a zero', async () => {
    const [r] = await score(
      [
        {
          response: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
          reference: gold,
        },
      ],
      { query_timeout_ms: 10_000 },
      'sql',
      800,
    );
    expect(r).toMatchObject({ status: 'timeout', score: null });
  });
});

describe('sql.syntax', () => {
  it('1 for a query the database plans, 0 for a parse error or an unknown table, without running it', async () => {
    const results: RewardResult[] = await score(
      [
        {
          response: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
          reference: gold(),
        },
        { response: 'SELEC name FROM customers', reference: gold() },
        { response: 'SELECT name FROM clients', reference: gold() },
        { response: 'DELETE FROM customers', reference: gold() },
      ],
      {},
      'sql.syntax',
    );
    expect(results.map((r) => r.score)).toEqual([1, 0, 0, 0]);
  });
});

function gold() {
  return ref('SELECT 1');
}
