/**
 * The corpus of issue 16, by kind (test/verifiers/math/corpus/<kind>.jsonl, made by corpus/generate.ts):
 * accuracy per kind is reported; any false positive fails, as does a kind under 97 %.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RewardContext } from '../../../src/core/types.js';
import { math } from '../../../src/verifiers/math/index.js';
import { type CorpusCase, generate } from './corpus/generate.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

/** Every case of the corpus files, by kind (file name). */
function loadCorpus(): Map<string, CorpusCase[]> {
  const out = new Map<string, CorpusCase[]>();
  for (const f of readdirSync(DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const lines = readFileSync(join(DIR, f), 'utf8').split('\n').filter(Boolean);
    out.set(
      f.replace(/\.jsonl$/, ''),
      lines.map((l) => JSON.parse(l) as CorpusCase),
    );
  }
  return out;
}

const ctx: RewardContext = {
  deadline: Date.now() + 3_600_000,
  signal: new AbortController().signal,
  seed: 0,
};
const score = math.create(math.args.parse({}));
const corpus = loadCorpus();
const all = [...corpus.values()].flat();

describe('math corpus by kind (issue 16)', () => {
  it('is what generate.ts makes (regenerate with `npx tsx test/verifiers/math/corpus/generate.ts`)', () => {
    const fresh = generate();
    expect([...fresh.keys()].sort()).toEqual([...corpus.keys()]);
    for (const [kind, cases] of fresh) expect(corpus.get(kind)).toEqual(cases);
  });

  it('has the size the issue asks for', () => {
    expect(all.length).toBeGreaterThanOrEqual(1500);
    for (const [kind, cases] of corpus) expect(cases.length, kind).toBeGreaterThanOrEqual(40);
    expect(all.filter((c) => !c.expected).length).toBeGreaterThanOrEqual(all.length / 3);
    const adversarial = corpus.get('adversarial') ?? [];
    expect(adversarial.length).toBeGreaterThanOrEqual(300);
    expect(adversarial.every((c) => !c.expected)).toBe(true);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) expect(c.note.trim().length, c.id).toBeGreaterThan(1);
  });

  it('rewards no wrong answer and agrees on at least 97 % of each kind', () => {
    const lines: string[] = [];
    const falsePositives: string[] = [];
    const weak: string[] = [];
    for (const [kind, cases] of corpus) {
      let right = 0;
      for (const c of cases) {
        const r = score({ response: c.response, reference: c.gold }, ctx);
        const got = r.status === 'ok' && r.score === 1;
        if (got === c.expected) right++;
        else {
          lines.push(`  ${got ? 'FALSE POSITIVE' : 'miss'} ${c.id} (${c.note}): ${r.reason}`);
          if (got) falsePositives.push(c.id);
        }
      }
      const accuracy = right / cases.length;
      lines.unshift(`${kind.padEnd(22)} ${(accuracy * 100).toFixed(1).padStart(5)} % of ${cases.length}`);
      if (accuracy < 0.97) weak.push(`${kind} ${(accuracy * 100).toFixed(1)} %`);
    }
    console.log(`math corpus (${all.length} cases):\n${lines.join('\n')}`);
    expect(falsePositives).toEqual([]);
    expect(weak).toEqual([]);
  });
});
