import type Database from 'better-sqlite3';
import type { SampleRecord } from '../core/encoded.js';
import { SIGNAL } from '../core/record-extra.js';
import { STATUSES } from '../core/types.js';
import type { BatchMessage } from './writer.js';

/**
 * Per-step aggregates of the run store, kept by the writer thread in the transaction that writes the
 * batches, so that the dashboard and the signal gauges read a few rows per step instead of scanning samples.
 *
 * `step_stats` has one row per (run, step, component, source): `component` '' is the overall reward,
 * otherwise a component key as in `SampleRecord.components` (`parent.child`); `source` '' when the sample
 * named none; `step` -1 when the request named none. Every column is a sum, so rows of several sources add
 * up. The length, correlation, signal and audit columns are filled on component '' rows only; `groups` and
 * `zero_groups` (rollout groups of 2+ samples, and those whose ok scores are all equal) on the (component
 * '', source '') row, kept current as a group's samples arrive, even across requests.
 * `step_latency` counts samples per latency bucket (`LATENCY_BUCKETS_MS`); `step_groups` keeps each rollout
 * group's size and score range, which the counts are updated from.
 */
export const AGGREGATES_SCHEMA = `
CREATE TABLE IF NOT EXISTS step_stats (
  run TEXT NOT NULL, step INTEGER NOT NULL, component TEXT NOT NULL, source TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0, ok INTEGER NOT NULL DEFAULT 0, error INTEGER NOT NULL DEFAULT 0,
  timeout INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
  sum REAL NOT NULL DEFAULT 0, sumsq REAL NOT NULL DEFAULT 0, pass INTEGER NOT NULL DEFAULT 0,
  rewarded INTEGER NOT NULL DEFAULT 0,
  len_sum REAL NOT NULL DEFAULT 0, len_sumsq REAL NOT NULL DEFAULT 0, len_score REAL NOT NULL DEFAULT 0,
  master_key INTEGER NOT NULL DEFAULT 0, shotgun INTEGER NOT NULL DEFAULT 0, exit_trick INTEGER NOT NULL DEFAULT 0,
  format_only INTEGER NOT NULL DEFAULT 0,
  audit_n INTEGER NOT NULL DEFAULT 0, audit_rewarded INTEGER NOT NULL DEFAULT 0, audit_rejected INTEGER NOT NULL DEFAULT 0,
  groups INTEGER NOT NULL DEFAULT 0, zero_groups INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run, step, component, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS step_latency (
  run TEXT NOT NULL, step INTEGER NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (run, step, bucket)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS step_groups (
  run TEXT NOT NULL, step INTEGER NOT NULL, grp TEXT NOT NULL, n INTEGER NOT NULL, lo REAL, hi REAL,
  PRIMARY KEY (run, step, grp)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audits (
  id INTEGER PRIMARY KEY, run TEXT NOT NULL, step INTEGER NOT NULL, sample_id TEXT, source TEXT,
  score REAL, audit_status TEXT NOT NULL, audit_score REAL, audit_reason TEXT
);
CREATE INDEX IF NOT EXISTS audits_run_step ON audits (run, step);
-- The sample browser pages a run newest first: one entry per batch (not per sample) keeps that a range scan.
CREATE INDEX IF NOT EXISTS batches_run_id ON batches (run, id);
`;

/** Upper bounds (ms) of the latency buckets; the last bucket is everything slower. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000];

/** A score counts as a pass at or above this (full marks for 0/1 rewards). */
export const PASS_SCORE = 1;

/** One sampled audit: the main spec's score and the audit spec's verdict on the same sample. */
export type AuditRow = [
  run: string,
  step: number | null,
  sampleId: string | null,
  source: string | null,
  score: number | null,
  auditStatus: string,
  auditScore: number | null,
  auditReason: string | null,
];

interface Acc {
  n: number;
  st: number[];
  sum: number;
  sumsq: number;
  pass: number;
  rewarded: number;
  len: number;
  lensq: number;
  lenScore: number;
  hits: number[];
  groups: number;
  zeroGroups: number;
  auditN: number;
  auditRewarded: number;
  auditRejected: number;
}

const blank = (): Acc => ({
  n: 0,
  st: [0, 0, 0, 0],
  sum: 0,
  sumsq: 0,
  pass: 0,
  rewarded: 0,
  len: 0,
  lensq: 0,
  lenScore: 0,
  hits: [0, 0, 0, 0],
  groups: 0,
  zeroGroups: 0,
  auditN: 0,
  auditRewarded: 0,
  auditRejected: 0,
});

/** A rollout group's size and the range of its ok scores (null while it has none). */
interface GroupRange {
  n: number;
  lo: number | null;
  hi: number | null;
}

const mergeGroups = (a: GroupRange, b: GroupRange): GroupRange => ({
  n: a.n + b.n,
  lo: a.lo === null ? b.lo : b.lo === null ? a.lo : Math.min(a.lo, b.lo),
  hi: a.hi === null ? b.hi : b.hi === null ? a.hi : Math.max(a.hi, b.hi),
});
/** Groups of one sample have no variance to speak of: they are not counted. */
const counted = (g: GroupRange): number => (g.n >= 2 ? 1 : 0);
const zeroVariance = (g: GroupRange): number => (g.n >= 2 && (g.lo === null || g.lo === g.hi) ? 1 : 0);

const STATUS_INDEX = new Map(STATUSES.map((s, i) => [s, i]));
const SEP = '\u0000';

function bucketOf(ms: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
  return i;
}

/**
 * Returns `add(batches)` and `addAudits(rows)`, which fold rows into the aggregate tables; call them inside
 * the transaction that writes the same rows. Sums are accumulated in memory per call, then one upsert per
 * key, so a flush of thousands of samples costs a few dozen statements.
 */
export function aggregator(db: Database.Database): {
  add(batches: BatchMessage[]): void;
  addAudits(rows: AuditRow[]): void;
} {
  db.exec(AGGREGATES_SCHEMA);
  const upStats =
    db.prepare(`INSERT INTO step_stats (run, step, component, source, n, ok, error, timeout, skipped,
      sum, sumsq, pass, rewarded, len_sum, len_sumsq, len_score, master_key, shotgun, exit_trick, format_only,
      audit_n, audit_rewarded, audit_rejected, groups, zero_groups)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (run, step, component, source) DO UPDATE SET n = n + excluded.n, ok = ok + excluded.ok,
      error = error + excluded.error, timeout = timeout + excluded.timeout, skipped = skipped + excluded.skipped,
      sum = sum + excluded.sum, sumsq = sumsq + excluded.sumsq, pass = pass + excluded.pass,
      rewarded = rewarded + excluded.rewarded, len_sum = len_sum + excluded.len_sum,
      len_sumsq = len_sumsq + excluded.len_sumsq, len_score = len_score + excluded.len_score,
      master_key = master_key + excluded.master_key, shotgun = shotgun + excluded.shotgun,
      exit_trick = exit_trick + excluded.exit_trick, format_only = format_only + excluded.format_only,
      audit_n = audit_n + excluded.audit_n, audit_rewarded = audit_rewarded + excluded.audit_rewarded,
      audit_rejected = audit_rejected + excluded.audit_rejected, groups = groups + excluded.groups,
      zero_groups = zero_groups + excluded.zero_groups`);
  const upLatency = db.prepare(`INSERT INTO step_latency (run, step, bucket, n) VALUES (?, ?, ?, ?)
    ON CONFLICT (run, step, bucket) DO UPDATE SET n = n + excluded.n`);
  const getGroup = db.prepare('SELECT n, lo, hi FROM step_groups WHERE run = ? AND step = ? AND grp = ?');
  const putGroup = db.prepare(
    'INSERT OR REPLACE INTO step_groups (run, step, grp, n, lo, hi) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insAudit = db.prepare(
    `INSERT INTO audits (run, step, sample_id, source, score, audit_status, audit_score, audit_reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const writeStats = (stats: Map<string, Acc>): void => {
    for (const [key, a] of stats) {
      const [run, step, component, source] = key.split(SEP);
      upStats.run(
        run,
        Number(step),
        component,
        source,
        a.n,
        a.st[0],
        a.st[1],
        a.st[2],
        a.st[3],
        a.sum,
        a.sumsq,
        a.pass,
        a.rewarded,
        a.len,
        a.lensq,
        a.lenScore,
        a.hits[0],
        a.hits[1],
        a.hits[2],
        a.hits[3],
        a.auditN,
        a.auditRewarded,
        a.auditRejected,
        a.groups,
        a.zeroGroups,
      );
    }
  };

  const accOf = (stats: Map<string, Acc>, key: string): Acc => {
    let a = stats.get(key);
    if (!a) {
      a = blank();
      stats.set(key, a);
    }
    return a;
  };

  const addScore = (a: Acc, status: number, score: number | null): void => {
    a.n++;
    a.st[status]!++;
    if (status === 0 && score !== null) {
      a.sum += score;
      a.sumsq += score * score;
      if (score >= PASS_SCORE) a.pass++;
      if (score > 0) a.rewarded++;
    }
  };

  return {
    add(batches) {
      const stats = new Map<string, Acc>();
      const latency = new Map<string, number>();
      const groups = new Map<string, GroupRange>();
      for (const [run, stepOrNull, , , latencyMs, n, text] of batches) {
        const step = stepOrNull ?? -1;
        const records = JSON.parse(text) as SampleRecord[];
        const lk = `${run}${SEP}${step}${SEP}${bucketOf(latencyMs)}`;
        latency.set(lk, (latency.get(lk) ?? 0) + n);
        for (const r of records) {
          const source = r[1] ?? '';
          const status = STATUS_INDEX.get(r[4]) ?? 1;
          const score = r[5];
          const a = accOf(stats, `${run}${SEP}${step}${SEP}${SEP}${source}`);
          addScore(a, status, score);
          const length = r[8] ?? 0;
          const signals = r[9] ?? 0;
          if (status === 0 && score !== null) {
            a.len += length;
            a.lensq += length * length;
            a.lenScore += length * score;
          }
          if (signals & SIGNAL.masterKey) a.hits[0]!++;
          if (signals & SIGNAL.shotgun) a.hits[1]!++;
          if (signals & SIGNAL.exitTrick) a.hits[2]!++;
          if (signals & SIGNAL.formatOnly) a.hits[3]!++;
          for (const part of r[11] ?? []) {
            const c = accOf(stats, `${run}${SEP}${step}${SEP}${part[0]}${SEP}${source}`);
            addScore(c, STATUS_INDEX.get(part[1] as (typeof STATUSES)[number]) ?? 1, part[2]);
          }
          if (r[2] !== null) {
            const gk = `${run}${SEP}${step}${SEP}${r[2]}`;
            const g = groups.get(gk) ?? { n: 0, lo: null, hi: null };
            g.n++;
            if (status === 0 && score !== null) {
              g.lo = g.lo === null ? score : Math.min(g.lo, score);
              g.hi = g.hi === null ? score : Math.max(g.hi, score);
            }
            groups.set(gk, g);
          }
        }
      }
      for (const [key, g] of groups) {
        const [run, step, grp] = key.split(SEP) as [string, string, string];
        const old = getGroup.get(run, Number(step), grp) as GroupRange | undefined;
        const merged = old ? mergeGroups(old, g) : g;
        putGroup.run(run, Number(step), grp, merged.n, merged.lo, merged.hi);
        // The step's counts move by what this group counted before and counts now.
        const a = accOf(stats, `${run}${SEP}${step}${SEP}${SEP}`);
        a.groups += counted(merged) - (old ? counted(old) : 0);
        a.zeroGroups += zeroVariance(merged) - (old ? zeroVariance(old) : 0);
      }
      writeStats(stats);
      for (const [key, n] of latency) {
        const [run, step, bucket] = key.split(SEP);
        upLatency.run(run, Number(step), Number(bucket), n);
      }
    },
    addAudits(rows) {
      const stats = new Map<string, Acc>();
      for (const row of rows) {
        const [run, stepOrNull, sampleId, source, score, auditStatus, auditScore, auditReason] = row;
        const step = stepOrNull ?? -1;
        insAudit.run(run, step, sampleId, source, score, auditStatus, auditScore, auditReason);
        const a = accOf(stats, `${run}${SEP}${step}${SEP}${SEP}${source ?? ''}`);
        a.auditN++;
        if (score !== null && score > 0) {
          a.auditRewarded++;
          if (auditStatus !== 'ok' || auditScore === null || auditScore <= 0) a.auditRejected++;
        }
      }
      writeStats(stats);
    },
  };
}
