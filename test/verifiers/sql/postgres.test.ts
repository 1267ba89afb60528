/**
 * The sql reward with dialect postgres: a fixture script loaded into PGlite (in the engine process, no
 * server), execution accuracy, and hostile queries (writes, temp tables, settings, server files, a query
 * that never ends), each earning 0 and leaving the next query a clean database.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../../src/core/scorer.js';
import { parseSpec } from '../../../src/core/spec/load.js';
import type { Sample } from '../../../src/core/types.js';
import { limitedQuery } from '../../../src/verifiers/sql/postgres.js';
import '../../../src/verifiers/sql/index.js';

const runtime = new Runtime({ inThread: true });
afterAll(() => runtime.close());

const database = {
  sql: `CREATE TABLE customers (id int PRIMARY KEY, name text, city text);
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers(id), amount numeric(8,2));
        INSERT INTO customers VALUES (1, 'Ann', 'Oslo'), (2, 'Bob', 'Rome'), (3, 'Cy', NULL);
        INSERT INTO orders VALUES (1, 1, 10.50), (2, 1, 20.00), (3, 2, 7.25);`,
};
const args = { dialect: 'postgres', database, processes: 1, query_timeout_ms: 3000 };
const score = (samples: Sample[], use = 'sql') =>
  new Scorer(parseSpec({ reward: { use, args }, timeout_ms: 120_000 }), runtime).score(samples);
const gold =
  'SELECT c.name, sum(o.amount) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name';

describe('postgres through PGlite', () => {
  it('execution accuracy, hostile queries, and isolation between queries', async () => {
    const ordered = 'SELECT amount FROM orders ORDER BY amount DESC';
    const results = await score([
      { response: 'SELECT amount FROM orders ORDER BY 1 DESC', reference: ordered },
      { response: 'SELECT amount FROM orders ORDER BY amount', reference: ordered },
      {
        response:
          'SELECT name, SUM(amount) FROM customers JOIN orders ON customers.id = orders.customer_id GROUP BY 1;',
        reference: gold,
      },
      {
        response:
          'SELECT name, count(*) FROM customers JOIN orders ON customers.id = orders.customer_id GROUP BY 1',
        reference: gold,
      },
      { response: 'DELETE FROM orders', reference: gold },
      { response: "SELECT set_config('default_transaction_read_only', 'off', false)", reference: gold },
      { response: "SELECT pg_read_file('/etc/passwd')", reference: gold },
      { response: 'SELECT pg_sleep(30)', reference: gold },
      {
        response: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
        reference: gold,
      },
      {
        response:
          'SELECT a.id FROM customers a, customers b, customers c, customers d, customers e, customers f, customers g, customers h, customers i, customers j',
        reference: gold,
      },
      {
        response:
          'SELECT c.name, sum(o.amount) FROM customers c, orders o WHERE o.customer_id = c.id GROUP BY c.name -- done',
        reference: gold,
      },
      {
        // float8 total against the gold's NUMERIC total: equal values (30.5 = 30.50), as in Python.
        response:
          'SELECT name, sum(amount::float8) FROM customers JOIN orders ON customer_id = customers.id GROUP BY name',
        reference: gold,
      },
    ]);
    const [desc, asc, right, wrong, write, setting, file, sleep, endless, huge, commented, float] = results;
    // The row cap wraps the query in a subquery; the order of an ORDER BY survives it.
    expect(desc).toMatchObject({ status: 'ok', score: 1 });
    expect(asc).toMatchObject({ status: 'ok', score: 0 });
    expect(right).toMatchObject({ status: 'ok', score: 1 });
    expect(wrong).toMatchObject({ status: 'ok', score: 0 });
    for (const r of [write, setting, file]) {
      expect(r).toMatchObject({ status: 'ok', score: 0 });
      expect(r!.reason).toMatch(/refused/);
    }
    expect(sleep!.reason).toMatch(/killed/);
    // Killed at its time limit, or its engine ended at the memory cap first; right after a killed query
    // (a fresh engine) PGlite sometimes ends it early with no rows. Always ok and 0 (a known gap: the
    // reason should say which).
    expect(endless).toMatchObject({ status: 'ok', score: 0 });
    expect(endless!.reason).toMatch(/killed|ended its engine|results differ/);
    expect(huge).toMatchObject({ status: 'ok', score: 0 });
    expect(huge!.reason).toMatch(/row limit|killed/); // which comes first depends on the machine
    expect(commented).toMatchObject({ status: 'ok', score: 1 });
    expect(float).toMatchObject({ status: 'ok', score: 1 });
  }, 120_000);

  it('the engine refuses a write it is asked for directly (read-only transaction, rolled back)', async () => {
    const { runQuery } = await import('../../../src/verifiers/sql/execute.js');
    const { runPostgres } = await import('../../../src/verifiers/sql/postgres.js');
    const req = {
      id: 1,
      op: 'run' as const,
      dialect: 'postgres' as const,
      db: { kind: 'script' as const, sql: database.sql, key: 'k' },
      maxRows: 100,
      maxBytes: 10_000,
    };
    // Past the scanner (called directly), Postgres itself refuses: the transaction is READ ONLY.
    const write = await runPostgres({ ...req, sql: 'SELECT * FROM orders FOR UPDATE' }, () => {});
    expect(write).toMatchObject({ ok: false });
    expect((write as { error: string }).error).toMatch(/read-only transaction/);
    // A second statement is never sent: the query ends at its first terminator.
    await runPostgres({ ...req, sql: 'SELECT 1; CREATE TEMP TABLE assay_t (x int)' }, () => {});
    const temp = await runPostgres(
      { ...req, sql: "SELECT count(*) FROM pg_class WHERE relname = 'assay_t'" },
      () => {},
    );
    expect(temp).toMatchObject({ ok: true });
    expect(Number((temp as unknown as { rows: unknown[][] }).rows[0]![0])).toBe(0);
    const count = await runQuery({ ...req, sql: 'SELECT count(*) FROM orders' });
    expect(count).toMatchObject({ ok: true });
    expect(Number((count as unknown as { rows: unknown[][] }).rows[0]![0])).toBe(3);
  }, 120_000);

  it('limitedQuery drops the terminator and keeps a trailing comment closed', () => {
    expect(limitedQuery('SELECT 1; -- x', 5)).toBe('SELECT * FROM (\nSELECT 1\n) AS assay_q LIMIT 5');
    expect(limitedQuery("SELECT ';' -- c", 5)).toBe("SELECT * FROM (\nSELECT ';' -- c\n) AS assay_q LIMIT 5");
  });
});
