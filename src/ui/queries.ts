import Database from 'better-sqlite3';
import { LATENCY_BUCKETS_MS } from '../store/aggregates.js';

/** A run in the runs list. */
export interface RunSummary {
  run: string;
  started_at: string | null;
  specs: string[];
  samples: number;
  steps: number;
  error_rate: number | null;
}

/**
 * One training step of a run: curves and reward-hacking signals, from the aggregates only. Rates are
 * fractions (0..1); `null` where the step has nothing to divide by. `step` -1 holds requests that named none.
 */
export interface StepPoint {
  step: number;
  n: number;
  /** Samples by status. */
  ok: number;
  error: number;
  timeout: number;
  skipped: number;
  /** Mean score of `ok` samples. */
  mean: number | null;
  error_rate: number | null;
  timeout_rate: number | null;
  /** Share of `ok` samples at full marks (score >= 1). */
  pass_rate: number | null;
  /** Mean response length in characters (ok samples). */
  length: number | null;
  /** Pearson correlation of score with response length over the step's ok samples. */
  length_correlation: number | null;
  /** Audited samples; of those the main spec rewarded, the share the audit spec also rewarded. */
  audit_n: number;
  audit_agreement: number | null;
  /** Guard hits: master-key responses, shotgun (candidate-listing) answers, exit-0 tricks. */
  master_key: number;
  shotgun: number;
  exit_trick: number;
  /** Share of rewarded samples that only format parts paid. */
  format_only_share: number | null;
  /** Share of rollout groups (2+ samples) whose ok scores are all equal. */
  zero_variance_share: number | null;
  /** Latency percentiles in ms (upper bound of the bucket holding the percentile). */
  latency_p50: number | null;
  latency_p90: number | null;
  latency_p99: number | null;
  /** Mean score per source and per component. */
  by_source: Record<string, number | null>;
  by_component: Record<string, number | null>;
}

/** Filters of the sample browser (all optional; `q` is a substring of the response, prompt or reason). */
export interface SampleFilter {
  step?: number | undefined;
  stepFrom?: number | undefined;
  stepTo?: number | undefined;
  source?: string | undefined;
  status?: string | undefined;
  component?: string | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  q?: string | undefined;
  /** Id (`batch << 32 | index`) to continue after, for paging. */
  after?: number | undefined;
  limit?: number | undefined;
}

/** A row of the sample browser. */
export interface SampleRow {
  id: number;
  step: number | null;
  sample_id: string | null;
  source: string | null;
  group: string | null;
  status: string;
  score: number | null;
  reason: string | null;
  length: number | null;
  response: string;
}

/** One sample in full, with the others of its rollout group. */
export interface SampleView extends SampleRow {
  run: string;
  spec: string;
  latency_ms: number | null;
  prompt: string | null;
  reference: string | null;
  components: { key: string; status: string; score: number | null; reason: string | null; detail: unknown }[];
  neighbours: SampleRow[];
}

/** Batches a sample page expands at a time, and windows it looks through before it answers. */
const BATCH_WINDOW = 64;
const MAX_WINDOWS = 16;

const div = (a: number, b: number): number | null => (b > 0 ? a / b : null);

function pearson(n: number, sx: number, sy: number, sxy: number, sxx: number, syy: number): number | null {
  const den = Math.sqrt(n * sxx - sx * sx) * Math.sqrt(n * syy - sy * sy);
  if (!(den > 1e-12)) return null;
  return Math.max(-1, Math.min(1, (n * sxy - sx * sy) / den));
}

function percentile(buckets: number[], q: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= q * total) return LATENCY_BUCKETS_MS[i] ?? Number.POSITIVE_INFINITY;
  }
  return null;
}

// The columns a sample row reads from a batch and one of its JSON records (positions: src/core/encoded.ts).
const ROW = `(b.id << 32) + s.key AS id, b.step AS step, s.value ->> 0 AS sample_id, s.value ->> 1 AS source,
  s.value ->> 2 AS grp, s.value ->> 4 AS status, s.value ->> 5 AS score, s.value ->> 6 AS reason,
  s.value ->> 8 AS length, substr(s.value ->> '$[10][1]', 1, 300) AS response`;

type RawRow = Omit<SampleRow, 'group' | 'score'> & { grp: string | null; score: number | string | null };

const toRow = (r: RawRow): SampleRow => {
  const { grp, ...rest } = r;
  return { ...rest, group: grp, score: r.score === null ? null : Number(r.score) };
};

/**
 * Read-only queries of a run store for the dashboard. Curves and signals read the per-step aggregates
 * (a few rows per step, by primary key); the sample browser reads batches by their (run, step) index and
 * pages with a limit, so no query loads all samples.
 */
export class StoreReader {
  readonly db: Database.Database;

  constructor(readonly path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
  }

  close(): void {
    this.db.close();
  }

  private has(table: string): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')")
        .get(table) !== undefined
    );
  }

  runs(): RunSummary[] {
    if (!this.has('step_stats')) return [];
    const rows = this.db
      .prepare(
        `SELECT r.run, r.started_at, r.info,
           (SELECT sum(n) FROM step_stats s WHERE s.run = r.run AND s.component = '') AS samples,
           (SELECT sum(error) + sum(timeout) FROM step_stats s WHERE s.run = r.run AND s.component = '') AS failed,
           (SELECT count(DISTINCT step) FROM step_stats s WHERE s.run = r.run AND s.component = '') AS steps
         FROM (SELECT run, started_at, info FROM runs
               UNION SELECT DISTINCT run, NULL, NULL FROM step_stats WHERE run NOT IN (SELECT run FROM runs)) r
         ORDER BY r.started_at DESC`,
      )
      .all() as {
      run: string;
      started_at: string | null;
      info: string | null;
      samples: number | null;
      failed: number | null;
      steps: number;
    }[];
    return rows.map((r) => {
      let specs: string[] = [];
      try {
        specs = (JSON.parse(r.info ?? '{}') as { specs?: string[] }).specs ?? [];
      } catch {}
      return {
        run: r.run,
        started_at: r.started_at,
        specs,
        samples: r.samples ?? 0,
        steps: r.steps,
        error_rate: div(r.failed ?? 0, r.samples ?? 0),
      };
    });
  }

  /** Steps of a run in order, optionally within [from, to]. Sums over sources are made by SQLite. */
  steps(run: string, from = -1, to = Number.MAX_SAFE_INTEGER): StepPoint[] {
    if (!this.has('step_stats')) return [];
    const overall = this.db
      .prepare(
        `SELECT step, sum(n) AS n, sum(ok) AS ok, sum(error) AS error, sum(timeout) AS timeout,
           sum(skipped) AS skipped, sum(sum) AS sum, sum(sumsq) AS sumsq, sum(pass) AS pass,
           sum(rewarded) AS rewarded, sum(len_sum) AS len_sum, sum(len_sumsq) AS len_sumsq,
           sum(len_score) AS len_score, sum(master_key) AS master_key, sum(shotgun) AS shotgun,
           sum(exit_trick) AS exit_trick, sum(format_only) AS format_only, sum(audit_n) AS audit_n,
           sum(audit_rewarded) AS audit_rewarded, sum(audit_rejected) AS audit_rejected,
           sum(groups) AS groups, sum(zero_groups) AS zero_groups
         FROM step_stats WHERE run = ? AND step BETWEEN ? AND ? AND component = '' GROUP BY step ORDER BY step`,
      )
      .all(run, from, to) as ({ step: number } & Record<string, number>)[];
    // Per source (component '') and per component (all sources): mean of ok scores; rows that only carry
    // group counts (no samples of their own) are no source.
    const parts = this.db
      .prepare(
        `SELECT step, 's' AS kind, source AS key, sum(sum) AS sum, sum(ok) AS ok FROM step_stats
           WHERE run = ? AND step BETWEEN ? AND ? AND component = '' AND n > 0 GROUP BY step, source
         UNION ALL
         SELECT step, 'c', component, sum(sum), sum(ok) FROM step_stats
           WHERE run = ? AND step BETWEEN ? AND ? AND component != '' GROUP BY step, component`,
      )
      .all(run, from, to, run, from, to) as {
      step: number;
      kind: string;
      key: string;
      sum: number;
      ok: number;
    }[];
    const latency = this.db
      .prepare('SELECT step, bucket, n FROM step_latency WHERE run = ? AND step BETWEEN ? AND ?')
      .all(run, from, to) as { step: number; bucket: number; n: number }[];
    const bySource = new Map<number, Record<string, number | null>>();
    const byComponent = new Map<number, Record<string, number | null>>();
    for (const p of parts) {
      const m = p.kind === 's' ? bySource : byComponent;
      let into = m.get(p.step);
      if (!into) {
        into = {};
        m.set(p.step, into);
      }
      into[p.key] = div(p.sum, p.ok);
    }
    const lat = new Map<number, number[]>();
    for (const l of latency) {
      let buckets = lat.get(l.step);
      if (!buckets) {
        buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
        lat.set(l.step, buckets);
      }
      buckets[l.bucket]! += l.n;
    }
    return overall.map((g) => {
      const buckets = lat.get(g.step) ?? [];
      return {
        step: g.step,
        n: g.n!,
        ok: g.ok!,
        error: g.error!,
        timeout: g.timeout!,
        skipped: g.skipped!,
        mean: div(g.sum!, g.ok!),
        error_rate: div(g.error!, g.n!),
        timeout_rate: div(g.timeout!, g.n!),
        pass_rate: div(g.pass!, g.ok!),
        length: div(g.len_sum!, g.ok!),
        length_correlation: pearson(g.ok!, g.len_sum!, g.sum!, g.len_score!, g.len_sumsq!, g.sumsq!),
        audit_n: g.audit_n!,
        audit_agreement: g.audit_rewarded! > 0 ? 1 - g.audit_rejected! / g.audit_rewarded! : null,
        master_key: g.master_key!,
        shotgun: g.shotgun!,
        exit_trick: g.exit_trick!,
        format_only_share: div(g.format_only!, g.rewarded!),
        zero_variance_share: div(g.zero_groups!, g.groups!),
        latency_p50: percentile(buckets, 0.5),
        latency_p90: percentile(buckets, 0.9),
        latency_p99: percentile(buckets, 0.99),
        by_source: bySource.get(g.step) ?? {},
        by_component: byComponent.get(g.step) ?? {},
      };
    });
  }

  /** The last step of a run that has samples, or undefined. */
  lastStep(run: string): StepPoint | undefined {
    if (!this.has('step_stats')) return undefined;
    const last = this.db
      .prepare("SELECT max(step) AS step FROM step_stats WHERE run = ? AND component = ''")
      .get(run) as { step: number | null };
    if (last.step === null) return undefined;
    return this.steps(run, last.step, last.step)[0];
  }

  /** One page of samples matching the filter, newest first (by id). */
  samples(run: string, f: SampleFilter = {}): SampleRow[] {
    return this.samplesPage(run, f).rows;
  }

  /**
   * One page of samples matching the filter, newest first, and the cursor to pass as `after` for the next
   * page (null at the end). Batches are taken newest first in windows of `BATCH_WINDOW` through the
   * (run, step) index or the primary key, and only a window's samples are expanded and filtered: a page
   * never sorts or expands the whole run. A rare filter stops after `MAX_WINDOWS` windows with what it
   * found and a cursor to go on from.
   */
  samplesPage(run: string, f: SampleFilter = {}): { rows: SampleRow[]; next: number | null } {
    const batchWhere = ['run = ?'];
    const batchArgs: unknown[] = [run];
    if (f.step !== undefined) {
      batchWhere.push('step = ?');
      batchArgs.push(f.step);
    } else {
      if (f.stepFrom !== undefined) {
        batchWhere.push('step >= ?');
        batchArgs.push(f.stepFrom);
      }
      if (f.stepTo !== undefined) {
        batchWhere.push('step <= ?');
        batchArgs.push(f.stepTo);
      }
    }
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.source) {
      where.push('s.value ->> 1 = ?');
      args.push(f.source);
    }
    if (f.status) {
      where.push('s.value ->> 4 = ?');
      args.push(f.status);
    }
    // A component's score lives in the record's `components` object, keyed by its name.
    const scoreExpr = f.component ? "(s.value -> 7) ->> ('$.\"' || ? || '\"')" : 's.value ->> 5';
    const scoreArgs = f.component ? [f.component.replaceAll('"', '')] : [];
    if (f.minScore !== undefined) {
      where.push(`${scoreExpr} >= ?`);
      args.push(...scoreArgs, f.minScore);
    }
    if (f.maxScore !== undefined) {
      where.push(`${scoreExpr} <= ?`);
      args.push(...scoreArgs, f.maxScore);
    }
    if (f.component && f.minScore === undefined && f.maxScore === undefined) {
      where.push(`${scoreExpr} IS NOT NULL`);
      args.push(...scoreArgs);
    }
    if (f.q) {
      where.push(
        "(instr(s.value ->> '$[10][1]', ?) > 0 OR instr(coalesce(s.value ->> '$[10][0]', ''), ?) > 0 OR instr(coalesce(s.value ->> 6, ''), ?) > 0)",
      );
      args.push(f.q, f.q, f.q);
    }
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
    const windowOf = this.db.prepare(
      `SELECT id FROM batches WHERE ${batchWhere.join(' AND ')} AND id <= ? ORDER BY id DESC LIMIT ${BATCH_WINDOW}`,
    );
    const expand = this.db.prepare(
      `SELECT ${ROW} FROM batches b, json_each(b.samples) s
       WHERE b.id IN (SELECT value FROM json_each(?)) AND ((b.id << 32) + s.key) < ?
       ${where.length ? `AND ${where.join(' AND ')}` : ''}
       ORDER BY b.id DESC, s.key DESC LIMIT ?`,
    );
    const rows: SampleRow[] = [];
    let before = f.after ?? Number.MAX_SAFE_INTEGER;
    for (let w = 0; w < MAX_WINDOWS; w++) {
      const ids = (windowOf.all(...batchArgs, Math.floor(before / 2 ** 32)) as { id: number }[]).map(
        (r) => r.id,
      );
      if (ids.length === 0) return { rows, next: null };
      const found = expand.all(JSON.stringify(ids), before, ...args, limit - rows.length) as RawRow[];
      for (const r of found) rows.push(toRow(r));
      if (rows.length >= limit) return { rows, next: rows.at(-1)!.id };
      // Everything of this window was looked at: go on below its oldest batch.
      before = ids.at(-1)! * 2 ** 32;
      if (ids.length < BATCH_WINDOW) return { rows, next: null };
    }
    return { rows, next: before };
  }

  /** One sample in full, or undefined when it does not exist (or was pruned). */
  sample(id: number): SampleView | undefined {
    const batch = Math.floor(id / 2 ** 32);
    const key = id - batch * 2 ** 32;
    const row = this.db
      .prepare(
        `SELECT ${ROW}, b.run AS run, b.spec AS spec, b.latency_ms AS latency_ms, s.value AS record
         FROM batches b, json_each(b.samples) s WHERE b.id = ? AND s.key = ?`,
      )
      .get(batch, key) as
      | (RawRow & { run: string; spec: string; latency_ms: number | null; record: string })
      | undefined;
    if (!row) return undefined;
    const { record, run, spec, latency_ms, ...raw } = row;
    const r = JSON.parse(record) as unknown[];
    const texts = (r[10] as [string | null, string, string | null] | undefined) ?? [null, '', null];
    const parts =
      (r[11] as [string, string, number | null, string | null, string | null][] | undefined) ?? [];
    const neighbours =
      raw.grp === null
        ? []
        : (
            this.db
              .prepare(
                `SELECT ${ROW} FROM batches b, json_each(b.samples) s
                 WHERE b.run = ? AND b.step IS ? AND s.value ->> 2 = ? ORDER BY b.id, s.key LIMIT 64`,
              )
              .all(run, raw.step, raw.grp) as RawRow[]
          )
            .map(toRow)
            .filter((n) => n.id !== raw.id);
    return {
      ...toRow(raw),
      run,
      spec,
      latency_ms,
      prompt: texts[0],
      response: texts[1],
      reference: texts[2],
      components: parts.map(([k, status, score, reason, detail]) => ({
        key: k,
        status,
        score,
        reason,
        detail: detail === null ? null : safeParse(detail),
      })),
      neighbours,
    };
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
