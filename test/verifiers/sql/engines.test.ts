/**
 * The SQL engine processes themselves: one whose parent dies mid-query (stuck in SQLite's native code, deaf
 * to its IPC channel) ends itself, so no query outlives the process that asked for it; one that cannot
 * start fails the queries waiting for it instead of being restarted forever.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const alive = (pid: number) => {
  try {
    // A zombie still answers kill(0): read its state instead.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

it('the engine process ends when its parent is killed during an endless query', async () => {
  const script = `
    import { SqlEnginePool } from './src/verifiers/sql/engines.ts';
    const pool = new SqlEnginePool({ processes: 1 });
    const sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
    pool.run({ op: 'run', dialect: 'sqlite', db: { kind: 'script', sql: 'SELECT 1', key: 'k' }, sql, maxRows: 10, maxBytes: 100 }, 600000, Date.now() + 600000);
    setInterval(() => {
      const pids = pool.engines.map((e) => e.proc.pid);
      if (pids.length) console.log('engines', JSON.stringify(pids));
    }, 300);
  `;
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const enginePid = await new Promise<number>((done) => {
    let out = '';
    parent.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /engines \[(\d+)\]/.exec(out);
      if (m) done(Number(m[1]));
    });
  });
  await new Promise((r) => setTimeout(r, 1500)); // the query is running by now
  expect(alive(enginePid)).toBe(true);
  parent.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while (alive(enginePid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(alive(enginePid)).toBe(false);
}, 60_000);

it('an engine process that cannot start fails the waiting queries instead of being restarted forever', async () => {
  const { SqlEnginePool } = await import('../../../src/verifiers/sql/engines.js');
  const pool = new SqlEnginePool({ processes: 1, memoryMb: 1 }); // too little memory for node to start
  const o = await pool.run(
    {
      op: 'run',
      dialect: 'sqlite',
      db: { kind: 'script', sql: 'SELECT 1', key: 'k' },
      sql: 'SELECT 1',
      maxRows: 1,
      maxBytes: 10,
    },
    5000,
    Date.now() + 30_000,
  );
  pool.close();
  expect(o).toMatchObject({ kind: 'crashed' });
  expect((o as { reason: string }).reason).toMatch(/could not start/);
}, 60_000);
