/**
 * `npx tsx bench/warm-cost.ts [CHECKOUT...]`: the warm path's cost per program, for this checkout and any
 * others given (e.g. /work/main), interleaved program by program in one process so that every checkout
 * sees the same machine load: 300 trivial Python programs each, one warm server per checkout, one
 * program at a time. Prints p10/p25/p50/mean latency per checkout.
 */
import { resolve } from 'node:path';

const roots = [resolve(import.meta.dirname, '..'), ...process.argv.slice(2).map((r) => resolve(r))];
const boxes = await Promise.all(
  roots.map(async (r) => new (await import(`${r}/src/sandbox/index.js`)).BwrapSandbox({ concurrency: 1 })),
);
for (const b of boxes) await b.run({ language: 'python', code: 'print(1)' }); // start the warm servers
const code = 'import json\nprint(json.dumps([1, 2, 3]))';
const lat: number[][] = roots.map(() => []);
for (let i = 0; i < 300; i++) {
  for (const [k, box] of boxes.entries()) {
    const t = performance.now();
    const r = await box.run({ language: 'python', code });
    lat[k]!.push(performance.now() - t);
    if (r.status !== 'ok') throw new Error(`${roots[k]}: ${r.status} ${r.message}`);
  }
}
for (const [k, root] of roots.entries()) {
  const l = lat[k]!.sort((a, b) => a - b);
  const q = (p: number) => l[Math.floor(p * l.length)]!.toFixed(2);
  const mean = l.reduce((a, b) => a + b) / l.length;
  console.log(`${root.padEnd(24)} p10 ${q(0.1)}  p25 ${q(0.25)}  p50 ${q(0.5)}  mean ${mean.toFixed(2)} ms`);
}
await Promise.all(boxes.map((b) => b.close()));
