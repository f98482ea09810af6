/**
 * The process's Prometheus metrics in the text exposition format 0.0.4, without a client
 * library: counters, gauges and histograms with labels, rendered by one registry.
 *
 * The instruments below are module-level, like a Prometheus client's default registry: a
 * process has one /metrics, and what the webhooks, the HTTP server and the activities of this
 * process count adds up there. Gauges read from the database are sampled at scrape time by the
 * route (src/api/routes/metrics.ts), which also appends the Temporal SDK's own metrics.
 */

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type LabelValues<L extends string> = Record<L, string>;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(pairs: Array<[string, string]>): string {
  return pairs.length === 0 ? '' : `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

abstract class Family<L extends string> {
  protected readonly series = new Map<string, { labels: Array<[string, string]> }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`not a metric name: ${name}`);
  }
  protected abstract readonly type: 'counter' | 'gauge' | 'histogram';

  protected key(labels: LabelValues<L>): { key: string; pairs: Array<[string, string]> } {
    const pairs = this.labelNames.map((n): [string, string] => [n, String(labels[n])]);
    return { key: JSON.stringify(pairs.map((p) => p[1])), pairs };
  }

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  abstract render(): string;
}

export class Counter<L extends string = never> extends Family<L> {
  protected readonly type = 'counter';
  private readonly values = new Map<string, { pairs: Array<[string, string]>; value: number }>();

  /** Adds `value`; a negative or non-finite value is ignored (counting must never break the caller). */
  inc(labels: LabelValues<L>, value = 1): void {
    if (!Number.isFinite(value) || value < 0) return;
    const { key, pairs } = this.key(labels);
    const entry = this.values.get(key) ?? { pairs, value: 0 };
    entry.value += value;
    this.values.set(key, entry);
  }

  render(): string {
    const lines = [...this.values.values()].map((e) => `${this.name}${labelText(e.pairs)} ${formatValue(e.value)}\n`);
    return this.header() + lines.join('');
  }
}

export class Gauge<L extends string = never> extends Family<L> {
  protected readonly type = 'gauge';
  private readonly values = new Map<string, { pairs: Array<[string, string]>; value: number }>();

  set(labels: LabelValues<L>, value: number): void {
    const { key, pairs } = this.key(labels);
    this.values.set(key, { pairs, value });
  }

  render(): string {
    const lines = [...this.values.values()].map((e) => `${this.name}${labelText(e.pairs)} ${formatValue(e.value)}\n`);
    return this.header() + lines.join('');
  }
}

/** Seconds, from 5 ms to 10 s: what a request or a pipeline step takes. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram<L extends string = never> extends Family<L> {
  protected readonly type = 'histogram';
  private readonly values = new Map<string, { pairs: Array<[string, string]>; counts: number[]; sum: number; count: number }>();
  readonly buckets: readonly number[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[] = DEFAULT_BUCKETS) {
    super(name, help, labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: LabelValues<L>, value: number): void {
    if (!Number.isFinite(value)) return;
    const { key, pairs } = this.key(labels);
    const entry = this.values.get(key) ?? { pairs, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((le, i) => {
      if (value <= le) entry.counts[i]! += 1;
    });
    entry.sum += value;
    entry.count += 1;
    this.values.set(key, entry);
  }

  render(): string {
    const lines: string[] = [];
    for (const e of this.values.values()) {
      this.buckets.forEach((le, i) => {
        lines.push(`${this.name}_bucket${labelText([...e.pairs, ['le', formatValue(le)]])} ${e.counts[i]}\n`);
      });
      lines.push(`${this.name}_bucket${labelText([...e.pairs, ['le', '+Inf']])} ${e.count}\n`);
      lines.push(`${this.name}_sum${labelText(e.pairs)} ${formatValue(e.sum)}\n`);
      lines.push(`${this.name}_count${labelText(e.pairs)} ${e.count}\n`);
    }
    return this.header() + lines.join('');
  }
}

export class Registry {
  private readonly families: Array<Family<string>> = [];

  register<F extends Family<string>>(family: F): F {
    if (this.families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} is registered twice`);
    this.families.push(family);
    return family;
  }

  render(): string {
    return this.families.map((f) => f.render()).join('');
  }
}

/** The process's registry and what this process counts into it. */
export const registry = new Registry();

export const httpRequestDuration = registry.register(
  new Histogram('http_request_duration_seconds', 'HTTP requests by method, route pattern and status code.', ['method', 'route', 'status']),
);

export const webhooksTotal = registry.register(
  new Counter(
    'webhooks_total',
    'Webhook requests by channel and result: accepted (a new task), duplicate, no_task, unauthorized, invalid, not_found, too_large, rejected, failed.',
    ['channel', 'result'],
  ),
);

export const stepDuration = registry.register(
  new Histogram(
    'agent_step_duration_seconds',
    'Time inside each pipeline step attempt (recordStep), by step and outcome; counted by the process that runs the worker.',
    ['step', 'status'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  ),
);

export const llmTokens = registry.register(
  new Counter('llm_tokens_total', 'LLM tokens used by the generate step, by kind (prompt, completion) and adapter.', ['kind', 'adapter']),
);
