/**
 * The process's Prometheus metrics (prom-client), in one registry of their own: what the
 * webhooks, the HTTP server and the activities of this process count adds up there. Gauges read
 * from the database are sampled at scrape time by the route (src/api/routes/metrics.ts), which
 * also appends the Temporal SDK's own metrics.
 */
import { Counter, Histogram, Registry } from 'prom-client';

/** The process's registry (not prom-client's global one, so a library's metrics never mix in). */
export const registry = new Registry();
export const CONTENT_TYPE = registry.contentType;

/** Seconds, from 5 ms to 10 s: what a request or a pipeline step takes. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: DEFAULT_BUCKETS,
  registers: [registry],
});

export const webhooksTotal = new Counter({
  name: 'webhooks_total',
  help: 'Webhook requests by channel and result: accepted (a new task), duplicate, no_task, unauthorized, invalid, not_found, too_large, rejected, failed.',
  labelNames: ['channel', 'result'] as const,
  registers: [registry],
});

export const stepDuration = new Histogram({
  name: 'agent_step_duration_seconds',
  help: 'Time inside each pipeline step attempt (recordStep), by step and outcome; counted by the process that runs the worker.',
  labelNames: ['step', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

const llmTokensTotal = new Counter({
  name: 'llm_tokens_total',
  help: 'LLM tokens used by the generate step, by kind (prompt, completion) and adapter.',
  labelNames: ['kind', 'adapter'] as const,
  registers: [registry],
});

/** Counts a model's reported tokens; a negative or non-finite count (a broken server's usage) is ignored, never thrown. */
export const llmTokens = {
  inc(labels: { kind: 'prompt' | 'completion'; adapter: string }, tokens: number): void {
    if (Number.isFinite(tokens) && tokens >= 0) llmTokensTotal.inc(labels, tokens);
  },
};
