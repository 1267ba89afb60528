/**
 * Independent conformance set for the `math` reward (issue 16), written apart from the code and from
 * corpus/: test/verifiers/math/independent/<kind>.jsonl, one case a line
 * `{id, kind, reference, response, expected: 0|1, note}`. Verdicts restate the semantics of outside
 * graders (Math-Verify, hendrycks MATH `is_equiv`, Qwen2.5-Math / Minerva graders, verl's math reward)
 * in our own cases; where those graders disagree the case takes the stricter verdict and says so.
 * Accuracy is reported per kind and overall; any false positive fails, as does overall accuracy < 97 %.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RewardContext } from '../../../src/core/types.js';
import { math } from '../../../src/verifiers/math/index.js';

/** One independent case: the reference as a dataset ships it, a model response, the careful verdict. */
interface IndependentCase {
  id: string;
  kind: string;
  reference: string;
  response: string;
  expected: 0 | 1;
  note: string;
}

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'independent');
const byKind = new Map<string, IndependentCase[]>();
for (const f of readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()) {
  const lines = readFileSync(join(DIR, f), 'utf8').split('\n').filter(Boolean);
  byKind.set(
    f.replace(/\.jsonl$/, ''),
    lines.map((l) => JSON.parse(l) as IndependentCase),
  );
}
const all = [...byKind.values()].flat();

const ctx: RewardContext = {
  deadline: Date.now() + 3_600_000,
  signal: new AbortController().signal,
  seed: 0,
};
const score = math.create(math.args.parse({}));

describe('math independent conformance set (issue 16)', () => {
  it('is well formed', () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) {
      expect([0, 1], c.id).toContain(c.expected);
      expect(c.note.trim().length, c.id).toBeGreaterThan(1);
    }
  });

  it('rewards no wrong answer and agrees on at least 97 % overall', () => {
    const lines: string[] = [];
    const misses: string[] = [];
    const falsePositives: string[] = [];
    let right = 0;
    for (const [kind, cases] of byKind) {
      let ok = 0;
      for (const c of cases) {
        const r = score({ response: c.response, reference: c.reference }, ctx);
        const got = r.status === 'ok' && r.score === 1 ? 1 : 0;
        if (got === c.expected) ok++;
        else {
          const line = `  ${got ? 'FALSE POSITIVE' : 'miss'} ${c.id} (${c.note}): ${JSON.stringify(c.reference).slice(0, 60)} vs ${JSON.stringify(c.response).slice(0, 80)} → ${r.reason ?? r.status}`;
          misses.push(line);
          if (got) falsePositives.push(c.id);
        }
      }
      right += ok;
      lines.push(
        `${kind.padEnd(26)} ${((ok / cases.length) * 100).toFixed(1).padStart(5)} % of ${cases.length}`,
      );
    }
    lines.push(
      `${'overall'.padEnd(26)} ${((right / all.length) * 100).toFixed(1).padStart(5)} % of ${all.length}`,
    );
    console.log(`math independent set:\n${lines.join('\n')}\n${misses.join('\n')}`);
    expect(falsePositives).toEqual([]);
    expect(right / all.length).toBeGreaterThanOrEqual(0.97);
  });
});
