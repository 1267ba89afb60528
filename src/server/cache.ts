import { createHash } from 'node:crypto';
import { getReward } from '../core/registry.js';
import type { Sample } from '../core/types.js';

/** Core node kinds whose result is a pure function of their parts' results. */
const PURE_KINDS = new Set(['weighted', 'mean', 'min', 'max', 'product', 'gate', 'clip', 'affine', 'metric']);

/**
 * True when every leaf of a spec is a reward declared deterministic and every other node is a core
 * combinator. Any node kind we do not know (judges, sandboxed code…) makes the spec uncacheable.
 */
export function isDeterministic(raw: unknown): boolean {
  if (Array.isArray(raw)) return raw.every(isDeterministic);
  if (typeof raw !== 'object' || raw === null) return true;
  const node = raw as Record<string, unknown>;
  if (typeof node.use === 'string') return getReward(node.use)?.deterministic === true;
  const kinds = Object.keys(node).filter((k) => !['name', 'weight', 'onError', 'args'].includes(k));
  return kinds.every((k) => PURE_KINDS.has(k) && isDeterministic(node[k]));
}

/** One sample's result as encoded (src/core/encoded.ts): its JSON, status code and run-store record. */
export interface CachedResult {
  json: string;
  status: number;
  record: string;
}

/**
 * Content-addressed results of deterministic specs: key = hash(spec, seed, step, sample). LRU-bounded.
 * The caller stores only clean results: a transient error or timeout must never be replayed.
 */
export class ResultCache {
  private readonly entries = new Map<string, CachedResult>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {}

  key(specKey: string, sample: Sample, step: number | undefined): string {
    return createHash('sha256')
      .update(specKey)
      .update('\0')
      .update(String(step ?? ''))
      .update('\0')
      .update(JSON.stringify(sample))
      .digest('base64url');
  }

  get(key: string): CachedResult | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, result: CachedResult): void {
    if (this.maxEntries <= 0) return;
    this.entries.set(key, result);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
