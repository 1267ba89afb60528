/**
 * `npm run bench:warm-cpu -- [CHECKOUT...]`: the machine's CPU time per program on the warm path, for this
 * checkout or the ones given. bench/warm-cost.ts measures latency (one program at a time, where work done
 * while a server waits for its next job is free); this measures what a saturated machine pays: all CPU
 * time of the machine (user and system, every process: host, fork servers, programs, the kernel's
 * fork/exit/page-fault work) from /proc/stat over HumanEval-style problems scored one at a time through
 * `code`, divided by the programs. With several checkouts, each scores 10 programs in turn, in an order
 * reversed every block (ABBA), so that all see the same background load and drift (the machine's
 * counters are system-wide); the ratio of each checkout to the last one given is printed.
 * ROUNDS=n repeats the 150 problems (default 2). A checkout given as `DIR#nopin` runs with
 * SandboxOptions.pinCpu false (e.g. `. .#nopin` compares one CPU per job with none, in one run).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkoutArg, samples, scorers } from './warm-checkouts.js';

const roots =
  process.argv.length > 2 ? process.argv.slice(2).map(checkoutArg) : [resolve(import.meta.dirname, '..')];
const rounds = Number(process.env.ROUNDS ?? 2);
const BLOCK = 10; // programs per checkout in turn
const runs = (await scorers(roots)).map((s) => ({ ...s, busy: 0, user: 0, sys: 0, wall: 0, n: 0 }));

/** Busy, user and system time of the whole machine so far, in ms (from /proc/stat's cpu line). */
function machine(): { busy: number; user: number; sys: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const tick = 10; // USER_HZ is 100 on Linux
  const total = f.reduce((a, b) => a + b, 0);
  return {
    busy: (total - f[3]! - f[4]!) * tick,
    user: (f[0]! + f[1]!) * tick,
    sys: (f[2]! + f[5]! + f[6]!) * tick,
  };
}

for (let r = 0; r < rounds; r++) {
  for (let at = 0; at < samples.length; at += BLOCK) {
    const order = (at / BLOCK + r) % 2 === 0 ? runs : [...runs].reverse();
    for (const s of order) {
      const before = machine();
      const t = performance.now();
      for (const sample of samples.slice(at, at + BLOCK)) {
        const [res] = await s.scorer.score([sample]);
        if (res?.score !== 1) throw new Error(`${s.root}: ${JSON.stringify(res).slice(0, 300)}`);
        s.n++;
      }
      s.wall += performance.now() - t;
      const after = machine();
      s.busy += after.busy - before.busy;
      s.user += after.user - before.user;
      s.sys += after.sys - before.sys;
    }
  }
}
const last = runs.at(-1)!;
for (const s of runs) {
  const per = (v: number) => (v / s.n).toFixed(2);
  const ratio =
    runs.length > 1 ? `   ${(s.busy / s.n / (last.busy / last.n)).toFixed(2)}x CPU of the last` : '';
  console.log(
    `${s.root.padEnd(24)} CPU ${per(s.busy)} ms/program (user ${per(s.user)}, system ${per(s.sys)})   wall ${per(s.wall)} ms/program${ratio}`,
  );
}
await Promise.all(runs.map((s) => s.runtime.close()));
process.exit(0);
