/**
 * GET /api/v1/agent-tasks/stats?window=24h&namespace=&channel= — what the tasks of a window
 * look like: counts by status, by channel and both, and p50/p95 durations of each step and of
 * the whole task. The window selects tasks by `created_at`; step durations are those tasks'
 * succeeded tool calls (`finished_at − started_at`), task durations their `created_at →
 * finished_at`. Computed in SQL with percentile_cont (PostgreSQL and PGlite alike).
 */
import { Router } from 'express';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { STEP_NAMES } from '../../activities/types';
import { CHANNELS } from '../../channels/types';
import type { Database } from '../../db';
import { agentTasks, agentToolCalls, TASK_STATUSES } from '../../db/schema';
import { parseDuration } from '../../duration';
import { allowRoles, confinedTo } from '../auth';
import { notFound } from '../errors';
import { validate } from '../validate';
import { DEFAULT_STATS_WINDOW, StatsQuery } from '../schemas/agent-tasks';

export { DEFAULT_STATS_WINDOW };

export interface Percentiles {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** p50/p95 in milliseconds of an interval expression, over the rows of a query. */
const percentiles = (interval: SQL) => ({
  count: sql<number>`count(*)::int`,
  p50: sql<number | null>`(percentile_cont(0.5) within group (order by (extract(epoch from ${interval}) * 1000)::float8))::float8`,
  p95: sql<number | null>`(percentile_cont(0.95) within group (order by (extract(epoch from ${interval}) * 1000)::float8))::float8`,
});

const asPercentiles = (row: { count: number; p50: number | null; p95: number | null } | undefined): Percentiles => ({
  count: Number(row?.count ?? 0),
  p50Ms: row?.p50 == null ? null : round(Number(row.p50)),
  p95Ms: row?.p95 == null ? null : round(Number(row.p95)),
});
const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function statsRoutes(db: Database): Router {
  const router = Router();

  const statsQuery = validate({ query: StatsQuery }, 'invalid_query');
  router.get('/stats', allowRoles('admin', 'operator'), statsQuery, async (req, res) => {
    const q = statsQuery.parsed(res).query;
    const confined = confinedTo(req.principal);
    // Another tenant's namespace does not exist for a confined key.
    if (confined && q.namespace && q.namespace !== confined) throw notFound(`namespace ${q.namespace} does not exist`);
    const namespace = confined ?? q.namespace;

    const windowMs = parseDuration(q.window)!;
    const to = new Date();
    const from = new Date(to.getTime() - windowMs);
    const inWindow: SQL[] = [sql`${agentTasks.createdAt} >= ${from.toISOString()}::timestamptz`];
    if (namespace) inWindow.push(eq(agentTasks.namespace, namespace));
    if (q.channel) inWindow.push(eq(agentTasks.channel, q.channel));
    const where = and(...inWindow);

    const [counts, steps, [task]] = await Promise.all([
      db
        .select({ status: agentTasks.status, channel: agentTasks.channel, count: sql<number>`count(*)::int` })
        .from(agentTasks)
        .where(where)
        .groupBy(agentTasks.status, agentTasks.channel),
      db
        .select({ step: agentToolCalls.name, ...percentiles(sql`${agentToolCalls.finishedAt} - ${agentToolCalls.startedAt}`) })
        .from(agentToolCalls)
        .innerJoin(agentTasks, eq(agentTasks.id, agentToolCalls.taskId))
        .where(and(where, eq(agentToolCalls.status, 'succeeded'), sql`${agentToolCalls.finishedAt} is not null`))
        .groupBy(agentToolCalls.name),
      db
        .select(percentiles(sql`${agentTasks.finishedAt} - ${agentTasks.createdAt}`))
        .from(agentTasks)
        .where(and(where, sql`${agentTasks.finishedAt} is not null`)),
    ]);

    const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;
    const byStatus = zeros(TASK_STATUSES);
    const byChannel = zeros(CHANNELS);
    const byStatusAndChannel: Record<string, Record<string, number>> = Object.fromEntries(CHANNELS.map((c) => [c, zeros(TASK_STATUSES)]));
    let total = 0;
    for (const row of counts) {
      const n = Number(row.count);
      total += n;
      byStatus[row.status] = (byStatus[row.status] ?? 0) + n;
      byChannel[row.channel] = (byChannel[row.channel] ?? 0) + n;
      const cell = (byStatusAndChannel[row.channel] ??= zeros(TASK_STATUSES));
      cell[row.status] = (cell[row.status] ?? 0) + n;
    }
    const stepStats: Record<string, Percentiles> = Object.fromEntries(STEP_NAMES.map((s) => [s, asPercentiles(undefined)]));
    for (const row of steps) stepStats[row.step] = asPercentiles(row);

    res.json({
      window: q.window,
      windowMs,
      from: from.toISOString(),
      to: to.toISOString(),
      namespace: namespace ?? null,
      channel: q.channel ?? null,
      total,
      byStatus,
      byChannel,
      byStatusAndChannel,
      steps: stepStats,
      task: asPercentiles(task),
    });
  });

  return router;
}
