import { flattenComponents } from '../core/components.js';
import type { RewardResult, Status } from '../core/types.js';

interface Mean {
  sum: number;
  n: number;
}

const add = (m: Map<string, Mean>, key: string, v: number | null) => {
  const e = m.get(key) ?? { sum: 0, n: 0 };
  if (v !== null) {
    e.sum += v;
    e.n++;
  }
  m.set(key, e);
};

/** Running totals for the end-of-run summary: status counts, mean score overall, per component, per source. */
export class Summary {
  samples = 0;
  malformed = 0;
  private readonly total: Mean = { sum: 0, n: 0 };
  private readonly statuses = new Map<Status, number>();
  private readonly components = new Map<string, Mean>();
  private readonly sources = new Map<string, Mean>();

  add(result: RewardResult, source?: string): void {
    this.samples++;
    this.statuses.set(result.status, (this.statuses.get(result.status) ?? 0) + 1);
    if (result.score !== null) {
      this.total.sum += result.score;
      this.total.n++;
    }
    for (const [path, v] of Object.entries(flattenComponents(result))) add(this.components, path, v);
    if (source !== undefined) add(this.sources, source, result.score);
  }

  render(seconds: number): string {
    const fmt = (m: Mean) => (m.n ? (m.sum / m.n).toFixed(4) : 'n/a');
    const lines = [
      `samples: ${this.samples}${this.malformed ? ` (${this.malformed} malformed input lines)` : ''}`,
      `mean score: ${fmt(this.total)} over ${this.total.n} ok`,
      `status: ${[...this.statuses].map(([s, n]) => `${s}=${n}`).join(' ')}`,
    ];
    if (this.components.size) {
      lines.push('components (mean over ok):');
      for (const [path, m] of this.components) lines.push(`  ${path}: ${fmt(m)} (n=${m.n})`);
    }
    if (this.sources.size) {
      lines.push('per source (mean over ok):');
      for (const [source, m] of this.sources) lines.push(`  ${source}: ${fmt(m)} (n=${m.n})`);
    }
    lines.push(
      `throughput: ${Math.round(this.samples / Math.max(seconds, 1e-9))} samples/s (${seconds.toFixed(2)} s)`,
    );
    return lines.join('\n');
  }
}
