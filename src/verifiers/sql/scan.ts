/**
 * A linear SQL scanner (one pass, no regular expressions over model output): splits statements, finds the
 * first keyword and every bare word outside strings, quoted identifiers and comments. It decides nothing
 * about meaning; `checkQuery` uses it to refuse what a read-only query never needs, before the engine's own
 * guards (a read-only connection and statement check in SQLite, a read-only transaction in Postgres).
 */

export type Dialect = 'sqlite' | 'postgres';

export interface SqlScan {
  /** Statements with at least one token (a trailing `;` does not start one). */
  statements: number;
  /** The first bare word of the first statement, upper-cased (after any opening parentheses). */
  firstKeyword?: string;
  /** Bare words (identifiers and keywords), upper-cased; quoted identifiers and strings are not words. */
  words: Set<string>;
  /** Index of the `;` that ends the first statement, when one does. */
  terminator?: number;
  /** [start, end) of each double-quoted token, quotes included (SQLite's DQS fallback needs them). */
  doubleQuoted: [number, number][];
  /** An unterminated string, quoted identifier or block comment. */
  unterminated?: string;
}

const isWordStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isWordPart = (c: number) => isWordStart(c) || (c >= 48 && c <= 57) || c === 36;

/** Index just past the closing `close` of a quoted run starting at `from`; doubled quotes escape. */
function skipQuoted(sql: string, from: number, close: string, backslash: boolean): number {
  let i = from;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (backslash && ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === close) {
      if (close !== ']' && sql[i + 1] === close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return -1;
}

/** Scan `sql` once. Postgres dollar quoting (`$tag$…$tag$`) and `E'…'` escapes are understood. */
export function scanSql(sql: string, dialect: Dialect = 'sqlite'): SqlScan {
  const words = new Set<string>();
  const doubleQuoted: [number, number][] = [];
  let statements = 0;
  let inStatement = false;
  let firstKeyword: string | undefined;
  let terminator: number | undefined;
  const token = () => {
    if (!inStatement) {
      inStatement = true;
      statements++;
    }
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0)
        return {
          statements,
          words,
          doubleQuoted,
          unterminated: 'block comment',
          ...(firstKeyword && { firstKeyword }),
        };
      i = end + 2;
    } else if (ch === ';') {
      if (inStatement && statements === 1) terminator = i;
      inStatement = false;
      i++;
    } else if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      token();
      const close = ch === '[' ? ']' : ch;
      const backslash = dialect === 'postgres' && ch === "'" && /[eE]/.test(sql[i - 1] ?? '');
      const end = skipQuoted(sql, i + 1, close, backslash);
      if (end < 0)
        return {
          statements,
          doubleQuoted,
          words,
          unterminated: `quoted text opened with ${ch}`,
          ...(firstKeyword && { firstKeyword }),
        };
      if (ch === '"') doubleQuoted.push([i, end]);
      i = end;
    } else if (dialect === 'postgres' && ch === '$' && !isWordPart(sql.charCodeAt(i - 1))) {
      // $tag$ … $tag$ (tag may be empty); `$1` is a parameter, not a quote.
      let j = i + 1;
      while (j < sql.length && isWordPart(sql.charCodeAt(j)) && sql[j] !== '$') j++;
      if (sql[j] === '$' && !/[0-9]/.test(sql[i + 1] ?? '')) {
        token();
        const tag = sql.slice(i, j + 1);
        const end = sql.indexOf(tag, j + 1);
        if (end < 0)
          return {
            statements,
            doubleQuoted,
            words,
            unterminated: `dollar-quoted text ${tag}`,
            ...(firstKeyword && { firstKeyword }),
          };
        i = end + tag.length;
      } else i++;
    } else if (isWordStart(c)) {
      token();
      let j = i + 1;
      while (j < sql.length && isWordPart(sql.charCodeAt(j))) j++;
      const word = sql.slice(i, j).toUpperCase();
      if (firstKeyword === undefined && statements === 1) firstKeyword = word;
      words.add(word);
      i = j;
    } else {
      if (ch !== ' ' && ch !== '\n' && ch !== '\t' && ch !== '\r') token();
      i++;
    }
  }
  return {
    statements,
    words,
    doubleQuoted,
    ...(firstKeyword && { firstKeyword }),
    ...(terminator !== undefined && { terminator }),
  };
}

const STARTS = new Set(['SELECT', 'WITH', 'VALUES']);

/**
 * Words a read-only query never needs. Statements that write or change the connection (ATTACH, PRAGMA,
 * temp tables, transactions), SQLite's extension loader and file functions, and Postgres' server-side file,
 * configuration and backend functions. Words that are also common column names (`replace`, `release`,
 * `copy`, `set`) are left to the engine's guards.
 */
const DENIED = new Set([
  'ATTACH',
  'DETACH',
  'PRAGMA',
  'LOAD_EXTENSION',
  'FTS3_TOKENIZER',
  'READFILE',
  'WRITEFILE',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'ALTER',
  'VACUUM',
  'REINDEX',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT',
  'GRANT',
  'REVOKE',
  'TRUNCATE',
  'PG_READ_FILE',
  'PG_READ_BINARY_FILE',
  'PG_LS_DIR',
  'PG_STAT_FILE',
  'LO_IMPORT',
  'LO_EXPORT',
  'SET_CONFIG',
  'DBLINK',
  'PG_TERMINATE_BACKEND',
  'PG_CANCEL_BACKEND',
  'PG_RELOAD_CONF',
]);

/** Why `sql` is refused as a read-only query, or undefined when it may be run. */
export function checkQuery(sql: string, dialect: Dialect = 'sqlite'): string | undefined {
  const scan = scanSql(sql, dialect);
  if (scan.unterminated) return `unterminated ${scan.unterminated}`;
  if (scan.statements === 0) return 'empty query';
  if (scan.statements > 1) return `one statement expected, found ${scan.statements}`;
  if (!scan.firstKeyword || !STARTS.has(scan.firstKeyword))
    return `only SELECT / WITH / VALUES queries are run, not ${scan.firstKeyword ?? 'this statement'}`;
  for (const w of scan.words) if (DENIED.has(w)) return `${w} is not allowed in a read-only query`;
  return undefined;
}

/**
 * SQLite's double-quoted-string fallback, which better-sqlite3 builds without (SQLITE_DQS=0) but Python's
 * sqlite3, and so Spider's and BIRD's gold queries, rely on (`WHERE country = "France"`): when `"x"` named
 * no column, it was the string 'x'. Given the name an error said was no column, rewrite those tokens;
 * undefined when no double-quoted token holds it.
 */
export function dqsAsString(sql: string, missing: string): string | undefined {
  let out = '';
  let at = 0;
  for (const [start, end] of scanSql(sql).doubleQuoted) {
    const inner = sql.slice(start + 1, end - 1).replaceAll('""', '"');
    if (inner !== missing) continue;
    out += `${sql.slice(at, start)}'${inner.replaceAll("'", "''")}'`;
    at = end;
  }
  return at === 0 ? undefined : out + sql.slice(at);
}
