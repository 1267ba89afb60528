import { describe, expect, it } from 'vitest';
import { extractSql } from '../../../src/verifiers/sql/extract.js';
import { checkQuery, scanSql } from '../../../src/verifiers/sql/scan.js';

describe('scanSql', () => {
  it('counts statements outside strings, identifiers and comments', () => {
    expect(scanSql("SELECT ';' FROM t").statements).toBe(1);
    expect(scanSql('SELECT 1; -- ; trailing\n').statements).toBe(1);
    expect(scanSql('SELECT 1; SELECT 2').statements).toBe(2);
    expect(scanSql('SELECT "a;b", [c;d], `e;f` /* ; */ FROM t;').statements).toBe(1);
    expect(scanSql("SELECT 'it''s'; ").statements).toBe(1);
  });
  it('words in strings and quoted identifiers are not words', () => {
    const s = scanSql(`SELECT "attach", 'pragma' FROM t`);
    expect([...s.words]).toEqual(['SELECT', 'FROM', 'T']);
  });
  it('postgres dollar quotes and E-strings', () => {
    expect(scanSql("SELECT $$ ; drop $$, E'\\'; x' FROM t", 'postgres')).toMatchObject({ statements: 1 });
    expect(scanSql('SELECT $1', 'postgres').statements).toBe(1);
  });
  it('reports unterminated text', () => {
    expect(scanSql("SELECT 'abc").unterminated).toMatch(/quoted/);
    expect(scanSql('SELECT /* x').unterminated).toMatch(/comment/);
  });
  it('is linear on long hostile input', () => {
    const big = `SELECT ${"'".repeat(200_001)}`;
    const t = performance.now();
    scanSql(big);
    scanSql(`SELECT ${'/*'.repeat(100_000)}`);
    scanSql(`SELECT ${'a '.repeat(300_000)}`);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('checkQuery', () => {
  it('accepts read-only queries', () => {
    for (const q of [
      'SELECT * FROM t',
      '  (SELECT a FROM t) UNION SELECT b FROM u;',
      'WITH x AS (SELECT 1) SELECT * FROM x',
      'VALUES (1), (2)',
      'select replace(name, "a", "b") from t',
    ])
      expect(checkQuery(q), q).toBeUndefined();
  });
  it('refuses what a read-only query never needs', () => {
    for (const q of [
      "ATTACH DATABASE '/etc/passwd' AS p",
      'PRAGMA writable_schema = 1',
      "SELECT load_extension('/tmp/evil')",
      'INSERT INTO t VALUES (1)',
      'WITH x AS (SELECT 1) DELETE FROM t',
      'CREATE TEMP TABLE z AS SELECT 1',
      'SELECT 1; DROP TABLE t',
      'BEGIN',
      '',
      '-- only a comment',
    ])
      expect(checkQuery(q), q).toBeDefined();
    expect(checkQuery("SELECT pg_read_file('/etc/passwd')", 'postgres')).toMatch(/PG_READ_FILE/);
  });
});

describe('extractSql', () => {
  it('prefers the last sql fence, then an untagged one, then <answer>, then the whole response', () => {
    expect(extractSql('draft:\n```sql\nSELECT 1\n```\nfinal:\n```sql\nSELECT 2\n```')).toBe('SELECT 2');
    expect(extractSql('```python\nx=1\n```\n```\nSELECT 3\n```')).toBe('SELECT 3');
    expect(extractSql('<think>SELECT 0</think><answer>SELECT 4</answer>')).toBe('SELECT 4');
    expect(extractSql('<answer>\n```sql\nSELECT 5\n```\n</answer>')).toBe('SELECT 5');
    expect(extractSql('  SELECT 6  ')).toBe('SELECT 6');
    expect(extractSql('<think>SELECT 0</think>')).toBeUndefined();
  });
  it('fence mode needs a block; an unclosed fence is not one', () => {
    expect(extractSql('SELECT 1', 'fence')).toBeUndefined();
    expect(extractSql('```sql\nSELECT 1', 'fence')).toBeUndefined();
  });
});
