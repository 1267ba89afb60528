/**
 * bench:sql — the `sql` reward on a realistic SQLite database (a seeded shop: 2 000 customers, 400
 * products, 20 000 orders, 60 000 order lines), Spider-style samples over joins, aggregates and ORDER BY,
 * about half of them wrong. Measured in this run, on this machine:
 * - samples/s and queries/s through the reward (engine processes, one read-only connection per database per
 *   process, the gold result computed once per group of rollouts), p50/p99 latency per sample;
 * - the same with `fresh_copy: true` (each query on a copy of the file made for it), and the cost of that
 *   copy alone (copy + open + close, no query);
 * - baseline: the same queries run directly with better-sqlite3 in this thread (no isolation, no deadline).
 * Usage: npm run bench:sql [-- --samples 2000 --group 8 --batch 256 --fresh-samples 400]
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { seededRandom } from '../src/core/random.js';
import type { Sample } from '../src/core/types.js';
import { parseSpec, Runtime, Scorer } from '../src/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('samples', 2000);
const GROUP = arg('group', 8);
const FRESH_N = arg('fresh-samples', 400);
/** Samples per call, as a trainer sends one batch at a time (a call of everything would queue past deadlines). */
const BATCH = arg('batch', 256);

const root = mkdtempSync(join(tmpdir(), 'assay-bench-sql-'));
const dbPath = join(root, 'shop', 'shop.sqlite');

/** The seeded shop database: the same seed gives the same file. */
function buildDatabase(): void {
  const rand = seededRandom(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const two = (n: number) => String(n).padStart(2, '0');
  const cities = ['Oslo', 'Rome', 'Lima', 'Pune', 'Kyiv', 'Cork', 'Nice', 'Graz', 'Fez', 'Bern'];
  const categories = ['books', 'games', 'tools', 'garden', 'music', 'toys', 'food', 'sport'];
  mkdirSync(join(root, 'shop'));
  const db = new Database(dbPath);
  db.exec(`
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT, joined TEXT);
    CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT, category TEXT, price REAL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), day TEXT, status TEXT);
    CREATE TABLE order_items (order_id INTEGER REFERENCES orders(id), product_id INTEGER REFERENCES products(id), qty INTEGER);
    CREATE INDEX items_order ON order_items(order_id);
    CREATE INDEX orders_customer ON orders(customer_id);`);
  db.transaction(() => {
    const c = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?)');
    for (let i = 1; i <= 2000; i++) c.run(i, `customer ${i}`, pick(cities), `2023-${two(1 + (i % 12))}-01`);
    const p = db.prepare('INSERT INTO products VALUES (?, ?, ?, ?)');
    for (let i = 1; i <= 400; i++)
      p.run(i, `product ${i}`, pick(categories), Math.round(rand() * 10000) / 100);
    const o = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?)');
    const item = db.prepare('INSERT INTO order_items VALUES (?, ?, ?)');
    for (let i = 1; i <= 20000; i++) {
      const day = `2024-${two(1 + Math.floor(rand() * 12))}-${two(1 + Math.floor(rand() * 28))}`;
      o.run(i, 1 + Math.floor(rand() * 2000), day, pick(['paid', 'paid', 'paid', 'refunded', 'open']));
      for (let k = 0; k < 3; k++) item.run(i, 1 + Math.floor(rand() * 400), 1 + Math.floor(rand() * 4));
    }
  })();
  db.close();
}

/** Question templates: gold, an equivalent rewrite, and a wrong query (Spider-style mistakes). */
const TASKS: { gold: string; right: string; wrong: string }[] = [
  {
    gold: 'SELECT city, count(*) FROM customers GROUP BY city',
    right: 'SELECT city, COUNT(id) AS n FROM customers GROUP BY 1',
    wrong: 'SELECT city, count(DISTINCT name) FROM customers WHERE joined > "2023-06-01" GROUP BY city',
  },
  {
    gold: 'SELECT p.category, sum(i.qty * p.price) AS revenue FROM order_items i JOIN products p ON p.id = i.product_id JOIN orders o ON o.id = i.order_id WHERE o.status = "paid" GROUP BY p.category ORDER BY revenue DESC',
    right:
      "SELECT category, SUM(qty * price) FROM orders, order_items, products WHERE orders.id = order_id AND products.id = product_id AND status = 'paid' GROUP BY category ORDER BY 2 DESC",
    wrong:
      'SELECT p.category, sum(i.qty * p.price) AS revenue FROM order_items i JOIN products p ON p.id = i.product_id GROUP BY p.category ORDER BY revenue DESC',
  },
  {
    gold: 'SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id HAVING count(*) >= 20',
    right:
      'SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders GROUP BY customer_id HAVING COUNT(*) >= 20)',
    wrong:
      'SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id HAVING count(*) > 20',
  },
  {
    gold: 'SELECT title, price FROM products ORDER BY price DESC LIMIT 10',
    right: 'SELECT title, price FROM products ORDER BY price DESC, id LIMIT 10',
    wrong: 'SELECT title, price FROM products ORDER BY price LIMIT 10',
  },
  {
    gold: "SELECT substr(day, 1, 7) AS month, count(*) FROM orders WHERE status = 'refunded' GROUP BY month",
    right: "SELECT strftime('%Y-%m', day), COUNT(*) FROM orders WHERE status = 'refunded' GROUP BY 1",
    wrong: 'SELECT substr(day, 1, 7) AS month, count(*) FROM orders GROUP BY month',
  },
  {
    gold: 'SELECT avg(n) FROM (SELECT count(*) AS n FROM order_items GROUP BY order_id)',
    right: 'SELECT CAST(COUNT(*) AS REAL) / COUNT(DISTINCT order_id) FROM order_items',
    wrong: 'SELECT avg(qty) FROM order_items',
  },
];

function makeSamples(n: number): Sample[] {
  const rand = seededRandom(7);
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const g = Math.floor(i / GROUP);
    const task = TASKS[g % TASKS.length]!;
    const query = rand() < 0.5 ? task.right : task.wrong;
    out.push({
      id: String(i),
      group: `g${g}`,
      response: `<think>…</think>\n\`\`\`sql\n${query}\n\`\`\``,
      reference: { question: `task ${g % TASKS.length}`, query: task.gold, db_id: 'shop' },
    });
  }
  return out;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function throughReward(samples: Sample[], fresh: boolean) {
  const runtime = new Runtime({ threads: 1 });
  const spec = parseSpec({
    reward: { use: 'sql', args: { data_root: root, fresh_copy: fresh } },
    timeout_ms: 60_000,
  });
  const scorer = new Scorer(spec, runtime);
  await scorer.score(samples.slice(0, 8)); // start the engine processes
  const started = performance.now();
  const results = [];
  for (let i = 0; i < samples.length; i += BATCH)
    results.push(...(await scorer.score(samples.slice(i, i + BATCH))));
  const seconds = (performance.now() - started) / 1000;
  runtime.close();
  const ms = results.map((r) => r.ms ?? 0).sort((a, b) => a - b);
  const right = results.filter((r) => r.score === 1).length;
  const failed = results.filter((r) => r.status !== 'ok').length;
  const groups = new Set(samples.map((s) => s.group)).size;
  return { seconds, ms, right, failed, queries: samples.length + groups };
}

function baseline(samples: Sample[]) {
  const db = new Database(dbPath, { readonly: true });
  const started = performance.now();
  let queries = 0;
  for (const s of samples) {
    const ref = s.reference as { query: string };
    const pred = String(s.response).split('```sql\n')[1]!.split('\n```')[0]!;
    db.prepare(ref.query.replaceAll('"paid"', "'paid'")).raw(true).all();
    db.prepare(pred.replaceAll('"2023-06-01"', "'2023-06-01'")).raw(true).all();
    queries += 2;
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, queries };
}

function copyCost(times: number): number {
  const started = performance.now();
  for (let i = 0; i < times; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'assay-copy-'));
    const copy = join(dir, 'db.sqlite');
    copyFileSync(dbPath, copy);
    new Database(copy, { readonly: true, fileMustExist: true }).close();
    rmSync(dir, { recursive: true, force: true });
  }
  return (performance.now() - started) / times;
}

buildDatabase();
const samples = makeSamples(N);
console.log(
  `bench:sql on ${availableParallelism()} cores (load ${loadavg()[0]!.toFixed(2)}): ${N} samples in groups of ${GROUP}, ` +
    `database ${dbPath} (2000 customers, 400 products, 20000 orders, 60000 order lines)`,
);
const shared = await throughReward(samples, false);
console.log(
  `sql reward, one read-only connection per process: ${(N / shared.seconds).toFixed(0)} samples/s, ` +
    `${(shared.queries / shared.seconds).toFixed(0)} queries/s (gold once per group); ` +
    `p50 ${pct(shared.ms, 0.5).toFixed(2)} ms, p99 ${pct(shared.ms, 0.99).toFixed(2)} ms per sample (time queued in its call included); ` +
    `${shared.right} matched, ${shared.failed} failed`,
);
const freshSamples = samples.slice(0, FRESH_N);
const fresh = await throughReward(freshSamples, true);
console.log(
  `sql reward, fresh_copy (a copy of the file per query): ${(freshSamples.length / fresh.seconds).toFixed(0)} samples/s, ` +
    `${(fresh.queries / fresh.seconds).toFixed(0)} queries/s on ${FRESH_N} samples`,
);
const copyMs = copyCost(50);
console.log(
  `cost of a fresh copy alone (copy the file + open + close, no query): ${copyMs.toFixed(2)} ms per query`,
);
const base = baseline(samples.slice(0, Math.min(N, 1000)));
console.log(
  `baseline, better-sqlite3 in this thread (no isolation, no deadline): ${(base.queries / base.seconds).toFixed(0)} queries/s`,
);
rmSync(root, { recursive: true, force: true });
