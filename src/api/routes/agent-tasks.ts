/**
 * GET /api/v1/agent-tasks and GET /api/v1/agent-tasks/:id. The list is for admins and
 * operators; a task's detail for agents too. A confined key sees its namespace's tasks only:
 * another namespace's task is a 404, and so is a `namespace` filter naming another one.
 */
import { Router } from 'express';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db';
import { after, exactTimestamp } from '../../db/keyset';
import { conversationWindow, DEFAULT_WINDOW_MS } from '../../channels/window';
import { agentTasks, agentToolCalls, API_KEY_ROLES, conversations, outboundDeliveries } from '../../db/schema';
import type { Logger } from '../../logger';
import type { Progress, StepProgress } from '../../workflows/agent-task';
import { allowRoles, confinedTo, type Principal } from '../auth';
import { notFound } from '../errors';
import { decodeCursor, encodeCursor } from '../cursor';
import type { AgentTaskClient } from '../temporal-client';
import { requireVisible } from './namespaces';
import { validate } from '../validate';
import { presentTask } from '../present-task';
import { ListQuery } from '../schemas/agent-tasks';

/** created_at with its microseconds, so a cursor never skips or repeats a task. */
const createdAtExact = exactTimestamp(agentTasks.createdAt);
const isUuid = (value: string) => z.uuid().safeParse(value).success;

/** The condition on agent_tasks for what a principal may see; nothing without a principal. */
export function taskScope(principal: Principal | undefined): SQL | undefined {
  if (!principal) return sql`false`;
  const confined = confinedTo(principal);
  return confined === undefined ? undefined : eq(agentTasks.namespace, confined);
}

/** The task `id` if the principal may see it; 404 alike for a malformed id, an unknown task and another tenant's. */
export async function visibleTask(db: Database, principal: Principal | undefined, id: string): Promise<typeof agentTasks.$inferSelect> {
  const [task] = isUuid(id)
    ? await db
        .select()
        .from(agentTasks)
        .where(and(eq(agentTasks.id, id), taskScope(principal)))
    : [];
  if (!task) throw notFound(`no agent task ${id}`);
  return task;
}

export function agentTaskRoutes(db: Database, tasks: AgentTaskClient, log: Logger, whatsappWindowMs = DEFAULT_WINDOW_MS): Router {
  const router = Router();

  const listQuery = validate({ query: ListQuery }, 'invalid_query');
  router.get('/', allowRoles('admin', 'operator'), listQuery, async (req, res) => {
    const q = listQuery.parsed(res).query;
    if (q.namespace) requireVisible(req.principal, q.namespace);
    const where: Array<SQL | undefined> = [taskScope(req.principal)];
    if (q.status) where.push(eq(agentTasks.status, q.status));
    if (q.channel) where.push(eq(agentTasks.channel, q.channel));
    if (q.namespace) where.push(eq(agentTasks.namespace, q.namespace));
    if (q.conversationId) where.push(eq(agentTasks.conversationId, q.conversationId));
    if (q.cursor) {
      where.push(after(agentTasks.createdAt, agentTasks.id, decodeCursor(q.cursor)));
    }
    const rows = await db
      .select({ task: agentTasks, createdAtExact })
      .from(agentTasks)
      .where(and(...where))
      .orderBy(desc(agentTasks.createdAt), desc(agentTasks.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    res.json({
      data: page.map((r) => presentTask(r.task)),
      nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAtExact, last.task.id]) : null,
    });
  });

  router.get('/:id', allowRoles(...API_KEY_ROLES), async (req, res) => {
    const task = await visibleTask(db, req.principal, String(req.params.id));
    const id = task.id;
    const [toolCalls, deliveries, [conversation]] = await Promise.all([
      db.select().from(agentToolCalls).where(eq(agentToolCalls.taskId, id)).orderBy(asc(agentToolCalls.startedAt)),
      db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, id)).orderBy(asc(outboundDeliveries.part)),
      db.select({ lastMessageAt: conversations.lastMessageAt }).from(conversations).where(eq(conversations.id, task.conversationId)),
    ]);
    let progress: Progress | undefined;
    try {
      progress = await tasks.progress(task.workflowId);
    } catch (err) {
      log.warn({ taskId: id, workflowId: task.workflowId, err: (err as Error).message }, 'progress query failed; serving the stored record');
    }
    res.json({
      task: presentTask(task),
      toolCalls,
      deliveries,
      progress: progress ?? storedProgress(task, toolCalls),
      progressSource: progress ? 'workflow' : 'database',
      window: conversationWindow(task.channel, conversation?.lastMessageAt ?? null, new Date(), whatsappWindowMs),
    });
  });

  return router;
}

/** Progress rebuilt from the tool-call rows: the last attempt of each step. */
function storedProgress(task: typeof agentTasks.$inferSelect, calls: Array<typeof agentToolCalls.$inferSelect>): Progress {
  const latest = new Map<string, (typeof calls)[number]>();
  for (const call of calls) {
    const seen = latest.get(call.name);
    if (!seen || call.attempt > seen.attempt) latest.set(call.name, call);
  }
  const steps: StepProgress[] = [...latest.values()].map((c) => ({
    name: c.name as StepProgress['name'],
    status: c.status,
    startedAt: c.startedAt.toISOString(),
    finishedAt: c.finishedAt ? c.finishedAt.toISOString() : null,
    attempt: c.attempt,
    detail: c.error,
  }));
  return { taskId: task.id, status: task.status, route: task.route, steps };
}
