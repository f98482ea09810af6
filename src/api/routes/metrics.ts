/**
 * GET /metrics (Prometheus text, no authentication, like the health checks) and the two
 * middlewares that count into it: HTTP durations by route pattern, webhooks by channel and result.
 *
 * A scrape renders this process's prom-client registry (src/metrics.ts), samples two gauges from the
 * database (tasks by status, open escalations by kind), and appends the Temporal SDK's own
 * metrics from its Prometheus endpoint (TEMPORAL_METRICS_ADDRESS) when that answers.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { eq, sql } from 'drizzle-orm';
import { CHANNELS } from '../../channels/types';
import type { Database } from '../../db';
import { agentTasks, escalations, HANDOFF_KINDS, TASK_STATUSES } from '../../db/schema';
import type { Logger } from '../../logger';
import { Gauge, Registry } from 'prom-client';
import { CONTENT_TYPE, httpRequestDuration, registry, webhooksTotal } from '../../metrics';
import { openApiDocument } from '../openapi';

/** The route patterns requests are labelled with: the documented API, and the webhooks. */
const PATTERNS = [...Object.keys(openApiDocument.paths), '/webhooks/whatsapp', '/webhooks/telegram/{accountId}', '/webhooks/slack']
  .map((pattern) => ({
    pattern,
    params: (pattern.match(/\{/g) ?? []).length,
    regex: new RegExp(`^${pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`),
  }))
  // Literal segments win over parameters: /agent-tasks/stats is not /agent-tasks/{id}.
  .sort((a, b) => a.params - b.params);

/** `/api/v1/agent-tasks/{id}` for `/api/v1/agent-tasks/4f…`; `unmatched` for paths no route serves. */
export function routePattern(path: string): string {
  return PATTERNS.find((p) => p.regex.test(path))?.pattern ?? 'unmatched';
}

/** Observes every request's duration once its response is sent. */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      httpRequestDuration.observe(
        { method: req.method, route: routePattern(req.originalUrl.split('?')[0] ?? '/'), status: String(res.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}

/**
 * Counts webhook requests (mounted on /webhooks): `accepted` when a new task was started,
 * `duplicate` when all were redeliveries, `no_task` for other 2xx answers (statuses, events
 * stored or ignored, verification), and by status code for the rest.
 */
export function webhookMetrics(): RequestHandler {
  return (req, res, next) => {
    const segment = req.path.split('/')[1] ?? '';
    const channel = (CHANNELS as readonly string[]).includes(segment) ? segment : 'unknown';
    let body: unknown;
    const json = res.json.bind(res);
    res.json = ((value: unknown) => {
      body = value;
      return json(value);
    }) as Response['json'];
    res.once('finish', () => webhooksTotal.inc({ channel, result: webhookResult(res.statusCode, body) }));
    next();
  };
}

function webhookResult(status: number, body: unknown): string {
  if (status >= 200 && status < 300) {
    const summary = (typeof body === 'object' && body !== null ? body : {}) as { received?: unknown; duplicates?: unknown };
    const received = Number(summary.received ?? 0);
    const duplicates = Number(summary.duplicates ?? 0);
    if (received > duplicates) return 'accepted';
    return duplicates > 0 ? 'duplicate' : 'no_task';
  }
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 400 || status === 415) return 'invalid';
  if (status === 404) return 'not_found';
  if (status === 413) return 'too_large';
  return status >= 500 ? 'failed' : 'rejected';
}

export function metricsRoutes(db: Database, log: Logger, temporalMetricsAddress?: string): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const [own, database, temporal] = await Promise.all([registry.metrics(), databaseGauges(db, log), temporalSdkMetrics(temporalMetricsAddress)]);
    res.set('content-type', CONTENT_TYPE).send(own + database + temporal);
  });
  return router;
}

/** Sampled at scrape time; on a database error the two families are left out, not the scrape. */
async function databaseGauges(db: Database, log: Logger): Promise<string> {
  try {
    const [tasks, open] = await Promise.all([
      db
        .select({ status: agentTasks.status, count: sql<number>`count(*)::int` })
        .from(agentTasks)
        .groupBy(agentTasks.status),
      db
        .select({ kind: escalations.kind, count: sql<number>`count(*)::int` })
        .from(escalations)
        .where(eq(escalations.status, 'open'))
        .groupBy(escalations.kind),
    ]);
    // A registry per scrape: the values are the database's now, not sums over scrapes.
    const sampled = new Registry();
    /** A gauge with one series per known value of its label, 0 where the database has no row. */
    const counts = (name: string, help: string, label: string, values: readonly string[], rows: Array<{ value: string; count: number }>) => {
      const gauge = new Gauge({ name, help, labelNames: [label], registers: [sampled] });
      for (const value of values) gauge.set({ [label]: value }, 0);
      for (const row of rows) gauge.set({ [label]: row.value }, Number(row.count));
    };
    counts(
      'agent_tasks',
      'Agent tasks in the database by status (read at scrape).',
      'status',
      TASK_STATUSES,
      tasks.map((r) => ({ value: r.status, count: r.count })),
    );
    counts(
      'open_escalations',
      'Escalations and approvals waiting for a person, by kind (read at scrape).',
      'kind',
      HANDOFF_KINDS,
      open.map((r) => ({ value: r.kind, count: r.count })),
    );
    const text = await sampled.metrics();
    return text.endsWith('\n') ? text : `${text}\n`;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'metrics: the database gauges could not be read');
    return '# agent_tasks and open_escalations: the database did not answer\n';
  }
}

/** The SDK's exporter text, or a comment saying why it is missing. */
async function temporalSdkMetrics(address: string | undefined): Promise<string> {
  if (!address) return '';
  // A wildcard bind address is scraped on the loopback interface.
  const host = address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  try {
    const res = await fetch(`http://${host}/metrics`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return `# Temporal SDK metrics at ${host}: HTTP ${res.status}\n`;
    const text = await res.text();
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  } catch (err) {
    return `# Temporal SDK metrics at ${host}: unreachable (${(err as Error).message})\n`;
  }
}
