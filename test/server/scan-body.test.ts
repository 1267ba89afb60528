import { describe, expect, it } from 'vitest';
import { scanBody } from '../../src/server/offload/scan-body.js';

const countSamples = (text: string) => scanBody(text)?.count;

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRICKY = ['', '"', '\\', '\\"', '"]}', '[{,', 'a\\\\', '\u2028', '😀', '\\u0022', ',', ':', '}'];

function value(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.3)
    return TRICKY[Math.floor(next() * TRICKY.length)]! + 'x'.repeat(Math.floor(next() * 3));
  if (r < 0.4) return Math.floor(next() * 1e6) / 100;
  if (r < 0.45) return [true, false, null][Math.floor(next() * 3)];
  if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(next() * 4) }, (_, i) => [
      TRICKY[i % TRICKY.length]! + i,
      value(next, depth + 1),
    ]),
  );
}

/** JSON text with whitespace of every kind between tokens. */
function spaced(text: string, next: () => number): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    out += c;
    if (inString && c === '\\') out += text[++i]!;
    else if (c === '"') inString = !inString;
    if (!inString && '{}[],:'.includes(c) && next() < 0.3)
      out += [' ', '\n', '\t', '\r\n  '][Math.floor(next() * 4)];
  }
  return out;
}

describe('scanBody', () => {
  it('counts as JSON.parse does on generated bodies', () => {
    const next = random(42);
    for (let k = 0; k < 2000; k++) {
      const samples = Array.from({ length: Math.floor(next() * 6) }, () => value(next, 0));
      const body: Record<string, unknown> = { spec: 'a"]', samples, step: 3 };
      if (next() < 0.3) body.meta = value(next, 0);
      let text = JSON.stringify(body);
      if (next() < 0.5) text = spaced(text, next);
      const expected = (JSON.parse(text) as { samples: unknown[] }).samples.length;
      expect(countSamples(text), text).toBe(expected);
      expect(scanBody(text)?.spec, text).toBe('a"]');
    }
  });

  it('reads escaped keys and takes the last of repeated keys, as JSON.parse does', () => {
    expect(countSamples('{"\\u0073amples": [1, 2, 3]}')).toBe(3);
    expect(countSamples('{"samples": [1], "samples": [1, 2]}')).toBe(2);
    expect(countSamples('  {"samples":[]}  ')).toBe(0);
    expect(countSamples('{"samples": [[1, 2], {"a": [3]}, "x,y"]}')).toBe(3);
    expect(countSamples('{"samples": [{"samples": [1, 2, 3]}], "meta": {"samples": []}}')).toBe(1);
  });

  it('reads the spec as JSON.parse does, null when it is not a string', () => {
    expect(scanBody('{"samples": [], "spec": "m\\u0061th"}')?.spec).toBe('math');
    expect(scanBody('{"spec": "a", "samples": [], "spec": "b"}')?.spec).toBe('b');
    expect(scanBody('{"samples": [], "spec": 3}')?.spec).toBeNull();
    expect(scanBody('{"samples": [], "spec": ["x"]}')?.spec).toBeNull();
    expect(scanBody('{"samples": [{"spec": "inner"}]}')?.spec).toBeUndefined();
  });

  it('gives no count for what is not an object with a samples array', () => {
    for (const text of [
      '',
      '[]',
      '{}',
      '{"samples": 3}',
      '{"samples": [1, 2}',
      '{"samples": [1, 2]',
      '{"samples": [1, 2]} x',
      '{"samples": ["unterminated]}',
      '{samples: [1]}',
      '{"samples" [1]}',
      '{"samples": [1], }x',
    ]) {
      expect(countSamples(text), text).toBeUndefined();
    }
  });
});
