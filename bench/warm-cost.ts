/**
 * `npm run bench:warm-cost -- [CHECKOUT...]`: the warm path's cost per program for this checkout and any
 * others given (e.g. a checkout of main), interleaved program by program in one process so that every
 * checkout sees the same machine load (on a shared machine, runs minutes apart differ by 50%). Each
 * checkout scores the HumanEval-style problems of bench/data/code-problems.jsonl through its own `code`
 * reward, one program at a time on its own warm server. Prints p10/p25/p50/mean latency per checkout.
 */
import { resolve } from 'node:path';
import { checkoutArg, scorers as load, samples } from './warm-checkouts.js';

const roots = [resolve(import.meta.dirname, '..'), ...process.argv.slice(2).map(checkoutArg)];
const rounds = Number(process.env.ROUNDS ?? 2);
const scorers = await load(roots);
const lat: number[][] = roots.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (const sample of samples) {
    for (const [k, { scorer }] of scorers.entries()) {
      const t = performance.now();
      const [res] = await scorer.score([sample]);
      lat[k]!.push(performance.now() - t);
      if (res?.score !== 1) throw new Error(`${roots[k]}: ${JSON.stringify(res).slice(0, 300)}`);
    }
  }
}
for (const [k, root] of roots.entries()) {
  const l = lat[k]!.sort((a, b) => a - b);
  const q = (p: number) => l[Math.floor(p * l.length)]!.toFixed(2);
  const mean = l.reduce((a, b) => a + b) / l.length;
  console.log(`${root.padEnd(24)} p10 ${q(0.1)}  p25 ${q(0.25)}  p50 ${q(0.5)}  mean ${mean.toFixed(2)} ms`);
}
await Promise.all(scorers.map((s) => s.runtime.close()));
