import type { Metric, MetricValueWithName, Registry } from 'prom-client';

interface Series {
  buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram with one label, fed a list of observations at a time (a chunk's reward timings,
 * src/core/encoded.ts). prom-client's Histogram takes one value per call and hashes its labels on every
 * call, which cost the serving thread about 0.4 µs a sample; this is written by hand for that reason only.
 * It registers into a prom-client Registry and is exposed in the same format as prom-client's own.
 */
export class BatchedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelName: string,
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** Add values (in the histogram's unit) to the series of `label`. */
  observeMany(label: string, values: readonly number[], scale = 1): void {
    let s = this.series.get(label);
    if (!s) {
      s = { buckets: new Float64Array(this.upperBounds.length), sum: 0, count: 0 };
      this.series.set(label, s);
    }
    const bounds = this.upperBounds;
    for (const raw of values) {
      const v = raw * scale;
      s.sum += v;
      s.count++;
      // Bounds are few (14): a linear scan is as fast as a binary search here.
      for (let b = 0; b < bounds.length; b++) {
        if (v <= bounds[b]!) {
          s.buckets[b]!++;
          break;
        }
      }
    }
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: MetricValueWithName<string>[];
  }> {
    const values: MetricValueWithName<string>[] = [];
    const bucket = `${this.name}_bucket`;
    for (const [label, s] of this.series) {
      let cumulative = 0;
      this.upperBounds.forEach((le, b) => {
        cumulative += s.buckets[b]!;
        values.push({ metricName: bucket, labels: { le, [this.labelName]: label }, value: cumulative });
      });
      values.push({ metricName: bucket, labels: { le: '+Inf', [this.labelName]: label }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: { [this.labelName]: label }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { [this.labelName]: label }, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
