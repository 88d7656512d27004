/**
 * The request latency histogram (`s2s_http_request_duration_seconds`, docs/server.md "Metrics") as a
 * prom-client metric of our own: an observation is a map lookup and two array increments. prom-client's
 * Histogram validates and hashes the label set on every `observe`, even through a labelled child —
 * about a microsecond on every request, a measurable share of an authenticated request
 * (docs/server.md "Performance"). The exposition is prom-client's own (its Registry formats it), the
 * same series, labels and values as a prom-client Histogram.
 */
import type { Registry } from 'prom-client';

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

interface ValuePair {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
  sharedLabels?: Record<string, string>;
  /** Buckets carry prom-client's empty exemplar slot (OpenMetrics exemplars are not recorded). */
  exemplar: null | undefined;
}

export class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly #bounds: readonly number[];
  /** By `method route status`: bounded, routes are patterns and methods and statuses few. */
  readonly #series = new Map<string, Series>();

  constructor(options: { name: string; help: string; buckets: readonly number[]; registers: Registry[] }) {
    this.name = options.name;
    this.help = options.help;
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    const key = `${method} ${route} ${statusCode}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      series = {
        labels: { method, route, status_code: String(statusCode) },
        counts: new Float64Array(this.#bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, series);
    }
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    series.counts[i]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** What prom-client's Registry formats as text: bucket labels beside the series' shared labels. */
  getForPromString(): { name: string; help: string; type: string; aggregator: string; values: ValuePair[] } {
    const values: ValuePair[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let acc = 0;
      this.#bounds.forEach((bound, i) => {
        acc += s.counts[i]!;
        values.push({
          labels: { le: bound },
          value: acc,
          metricName: bucket,
          exemplar: null,
          sharedLabels: s.labels,
        });
      });
      values.push({
        labels: { le: '+Inf' },
        value: s.count,
        metricName: bucket,
        exemplar: null,
        sharedLabels: s.labels,
      });
      values.push({
        labels: {},
        value: s.sum,
        metricName: `${this.name}_sum`,
        exemplar: undefined,
        sharedLabels: s.labels,
      });
      values.push({
        labels: {},
        value: s.count,
        metricName: `${this.name}_count`,
        exemplar: undefined,
        sharedLabels: s.labels,
      });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** The JSON form (Registry.getMetricsAsJSON): every label on the value itself. */
  get(): ReturnType<LatencyHistogram['getForPromString']> {
    const data = this.getForPromString();
    data.values = data.values.map(({ labels, sharedLabels, ...rest }) => ({
      ...rest,
      labels: { ...labels, ...sharedLabels },
    }));
    return data;
  }

  reset(): void {
    this.#series.clear();
  }
}
