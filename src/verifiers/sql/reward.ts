import { z } from 'zod';
import { failed, ok, timedOut } from '../../core/result.js';
import type { AsyncReward, RewardEnv } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import type { Outcome, RewardContext } from '../../core/types.js';
import { columnF1, type ResultSet, resultsMatch, rowF1 } from './compare.js';
import { type EngineOutcome, SqlEnginePool } from './engines.js';
import { extractSql } from './extract.js';
import type { QueryRequest } from './protocol.js';
import { type ResolvedReference, resolveReference } from './reference.js';
import { checkQuery } from './scan.js';

const databaseSpec = z.union([z.string().min(1), z.object({ sql: z.string() }).strict()]);

const common = {
  /** Directory under which database paths and Spider/BIRD `db_id`s are resolved; nothing outside it is opened. */
  data_root: z.string().optional(),
  /** Named databases (a path under data_root, or `{sql}`): a reference's `database` or `db_id` may name one. */
  databases: z.record(z.string(), databaseSpec).optional(),
  /** The database when the reference names none (or is only a query string). */
  database: databaseSpec.optional(),
  dialect: z.enum(['sqlite', 'postgres']).default('sqlite'),
  /** Where the query is: `auto` (last ```sql block, else <answer>, else the whole response) | fence | answer | whole. */
  extract: z.enum(['auto', 'fence', 'answer', 'whole']).default('auto'),
  /** Time limit of one query; a query past it is killed with its engine process. */
  query_timeout_ms: z.number().int().positive().max(600_000).default(5000),
  /** Engine processes (default: cores, at most 8) and each one's memory limit; the first sql reward sets them. */
  processes: z.number().int().positive().max(64).optional(),
  memory_mb: z.number().int().min(128).max(65_536).default(1024),
};

const sqlArgs = z
  .object({
    ...common,
    /** `spider` (multiset, order only when the gold has ORDER BY, columns may be permuted) | `bird` (set) | `strict`. */
    match: z.enum(['spider', 'bird', 'strict']).default('spider'),
    /** `exact`: 1 on an execution match else 0; `row_f1` / `column_f1`: partial credit (1 on a match). */
    score: z.enum(['exact', 'row_f1', 'column_f1']).default('exact'),
    /** Compare numbers rounded to this many decimals (default exact, as Spider and BIRD do). */
    decimals: z.number().int().min(0).max(15).optional(),
    /** Rows a query may return; more ends it (a predicted query scores 0, a gold one is an error). */
    max_rows: z.number().int().positive().default(10_000),
    /** Text and blob bytes a query may return. */
    max_bytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024),
    /** Run each query on a fresh copy of the SQLite file (slower; see bench:sql). Default: one read-only connection. */
    fresh_copy: z.boolean().default(false),
  })
  .strict();

const syntaxArgs = z.object(common).strict();

type CommonArgs = z.infer<typeof syntaxArgs>;
type SqlArgs = z.infer<typeof sqlArgs>;

/** The runtime's engine pool; options apply when the first sql reward creates it. */
function enginesFor(env: RewardEnv, a: CommonArgs): SqlEnginePool {
  return env.service(
    'sql',
    () =>
      new SqlEnginePool({
        memoryMb: a.memory_mb,
        ...(a.processes !== undefined && { processes: a.processes }),
      }),
  );
}

/** Gold results by (database, gold query): the rollouts of one prompt share one execution of the gold query. */
class GoldCache {
  private readonly entries = new Map<string, Promise<EngineOutcome>>();
  /** The gold outcome, and whether an earlier sample's execution (finished or not) gave it. */
  async get(
    key: string,
    make: () => Promise<EngineOutcome>,
  ): Promise<{ outcome: EngineOutcome; shared: boolean }> {
    const hit = this.entries.get(key);
    if (hit) return { outcome: await hit, shared: true };
    const made = make();
    if (this.entries.size >= 2000) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, made);
    // Only answers are kept: a timeout or crash may be the machine's load, not the query.
    made.then((o) => o.kind !== 'answer' && this.entries.delete(key));
    return { outcome: await made, shared: false };
  }
}

interface Run {
  engines: SqlEnginePool;
  a: CommonArgs & Partial<SqlArgs>;
  ref: ResolvedReference;
  ctx: RewardContext;
}

/** Run a query within query_timeout_ms and the sample's deadline; undefined when no time is left. */
function execute(r: Run, sql: string, op: QueryRequest['op']): Promise<EngineOutcome> | undefined {
  const left = r.ctx.deadline - Date.now();
  if (left <= 0) return undefined;
  const req: Omit<QueryRequest, 'id'> = {
    op,
    dialect: r.ref.dialect,
    db: r.ref.db,
    sql,
    maxRows: r.a.max_rows ?? 10_000,
    maxBytes: r.a.max_bytes ?? 16 * 1024 * 1024,
    ...(r.a.fresh_copy && { freshCopy: true }),
  };
  return r.engines.run(req, r.a.query_timeout_ms, r.ctx.deadline);
}

/** The sample ran out of time (rather than the query being slow) when its deadline has passed. */
const pastDeadline = (ctx: RewardContext) => Date.now() >= ctx.deadline - 1;

function resolveAndExtract(
  a: CommonArgs,
  reference: unknown,
  response: string,
): { outcome: Outcome } | { ref: ResolvedReference; sql: string } {
  const resolved = resolveReference(reference, {
    dialect: a.dialect,
    ...(a.data_root !== undefined && { dataRoot: a.data_root }),
    ...(a.databases !== undefined && { databases: a.databases }),
    ...(a.database !== undefined && { database: a.database }),
  });
  if (!resolved.ok) return { outcome: failed(`invalid reference: ${resolved.error}`) };
  const sql = extractSql(response, a.extract);
  if (sql === undefined)
    return { outcome: ok(0, 'no SQL query found in the response', { query_found: false }) };
  const refused = checkQuery(sql, resolved.ref.dialect);
  if (refused) return { outcome: ok(0, `query refused: ${refused}`, { query: sql, refused: true }) };
  return { ref: resolved.ref, sql };
}

/** A predicted query's engine outcome that is not rows: its score of 0 (or the sample's timeout). */
function predictedFailure(
  o: EngineOutcome,
  a: CommonArgs,
  sql: string,
  ctx: RewardContext,
): Outcome | ResultSet {
  if (o.kind === 'timeout')
    return pastDeadline(ctx)
      ? timedOut('the sample deadline passed while its query ran', { query: sql })
      : ok(0, `query ran past ${a.query_timeout_ms} ms and was killed`, { query: sql, killed: true });
  if (o.kind === 'crashed') return ok(0, `query ended its engine: ${o.reason}`, { query: sql });
  const res = o.response;
  if (!res.ok)
    return ok(0, `${res.refused ? 'query refused' : 'query failed'}: ${res.error}`, {
      query: sql,
      ...(res.refused && { refused: true }),
    });
  if (res.truncated)
    return ok(0, `query returned more than the ${res.truncated === 'rows' ? 'row' : 'byte'} limit`, {
      query: sql,
      truncated: res.truncated,
    });
  return { columns: res.columns, rows: res.rows };
}

export const sqlReward: AsyncReward<SqlArgs> = {
  name: 'sql',
  mode: 'async',
  // Not cached: a 0 for a query killed at its time limit can be the machine's load, and the file can change.
  deterministic: false,
  description:
    "execution accuracy: 1 if the SQL query in the response returns the gold query's rows (Spider/BIRD semantics) on the reference database; reference {gold, database} or a Spider/BIRD row {query|SQL, db_id}",
  args: sqlArgs,
  create(a, env) {
    const gold = new GoldCache();
    return async (sample, ctx) => {
      const found = resolveAndExtract(a, sample.reference, responseText(sample));
      if ('outcome' in found) return found.outcome;
      const { ref, sql } = found;
      const r: Run = { engines: enginesFor(env, a), a, ref, ctx };
      const goldKey = JSON.stringify([
        ref.dialect,
        ref.db.kind === 'file' ? ref.db.path : ref.db.key,
        ref.gold,
        a.max_rows,
        a.max_bytes,
        a.fresh_copy,
      ]);
      const { outcome: g, shared } = await gold.get(
        goldKey,
        () => execute(r, ref.gold, 'run') ?? Promise.resolve<EngineOutcome>({ kind: 'timeout' }),
      );
      if (g.kind === 'timeout')
        return pastDeadline(ctx)
          ? timedOut('the sample deadline passed while the gold query ran')
          : failed(`the gold query ran past ${a.query_timeout_ms} ms`);
      if (g.kind === 'crashed') return failed(`the gold query ended its engine: ${g.reason}`);
      if (!g.response.ok) return failed(`the gold query failed on ${ref.label}: ${g.response.error}`);
      if (g.response.truncated)
        return failed(`the gold query returned more than the ${g.response.truncated} limit`);
      const goldSet: ResultSet = g.response;
      const p = execute(r, sql, 'run');
      if (!p) return timedOut('no time left for the predicted query');
      const pred = predictedFailure(await p, a, sql, ctx);
      if (!('rows' in pred)) return pred;
      const match = resultsMatch(goldSet, pred, ref.gold, {
        mode: a.match,
        ...(a.decimals !== undefined && { decimals: a.decimals }),
      });
      const detail = {
        query: sql,
        match,
        gold_rows: goldSet.rows.length,
        predicted_rows: pred.rows.length,
        ...(shared && { gold_shared: true }),
      };
      if (match || a.score === 'exact')
        return ok(match ? 1 : 0, match ? 'results match' : 'results differ', detail);
      const partial =
        a.score === 'row_f1' ? rowF1(goldSet, pred, a.decimals) : columnF1(goldSet, pred, a.decimals);
      return ok(partial, `results differ; ${a.score} ${partial.toFixed(3)}`, detail);
    };
  },
};

export const sqlSyntax: AsyncReward<CommonArgs> = {
  name: 'sql.syntax',
  mode: 'async',
  // Not cached: a 0 for a query killed at its time limit can be the machine's load, and the file can change.
  deterministic: false,
  description:
    '1 if the response holds one read-only SQL query that the reference database parses and plans (not run); for the format stage',
  args: syntaxArgs,
  create(a, env) {
    return async (sample, ctx) => {
      const found = resolveAndExtract(a, sample.reference, responseText(sample));
      if ('outcome' in found) return found.outcome;
      const r: Run = { engines: enginesFor(env, a), a, ref: found.ref, ctx };
      const p = execute(r, found.sql, 'prepare');
      if (!p) return timedOut('no time left to prepare the query');
      const o = await p;
      if (o.kind === 'answer' && o.response.ok) return ok(1, 'query parses', { query: found.sql });
      return predictedFailure(o, a, found.sql, ctx) as Outcome;
    };
  },
};
