/**
 * A content-addressed response cache: keys are hashes of the full request (endpoint, model, messages,
 * sampling parameters), values are completed responses, least recently used evicted first. Identical
 * requests in flight at the same time share one call.
 */
export class ResponseCache<V> {
  private readonly done = new Map<string, V>();
  private readonly pending = new Map<string, Promise<V>>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.done.get(key);
    if (value === undefined) return undefined;
    this.done.delete(key); // re-insert: Map order is recency order
    this.done.set(key, value);
    return value;
  }

  /** The cached value, the call already in flight for this key, or a new call (cached when it succeeds). */
  async through(key: string, call: () => Promise<V>): Promise<{ value: V; cached: boolean }> {
    const hit = this.get(key);
    if (hit !== undefined) {
      this.hits++;
      return { value: hit, cached: true };
    }
    const inFlight = this.pending.get(key);
    if (inFlight) {
      this.hits++;
      return { value: await inFlight, cached: true };
    }
    this.misses++;
    const promise = call();
    this.pending.set(key, promise);
    try {
      const value = await promise;
      this.set(key, value);
      return { value, cached: false };
    } finally {
      this.pending.delete(key);
    }
  }

  private set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.done.set(key, value);
    if (this.done.size > this.capacity) this.done.delete(this.done.keys().next().value!);
  }

  clear(): void {
    this.done.clear();
  }
}
