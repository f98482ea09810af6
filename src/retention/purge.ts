/**
 * What retention deletes, one batch at a time (docs/retention.md). Each batch runs in one
 * transaction: it picks at most `limit` due rows (skipping rows another run has locked), deletes
 * their children first (the foreign keys point at agent_tasks and escalations), records itself in
 * retention_batches, and answers how many rows of each table went. A batch number seen before
 * answers its recorded counts and deletes nothing, so a retry after a commit never double-counts.
 *
 *   escalations     resolved/expired hand-offs older than `escalations`, with their decisions
 *   tasks           finished tasks (delivered/failed/closed) older than `tasks` whose hand-offs are
 *                   all due too, with tool calls, deliveries, decisions and hand-offs
 *   messages        messages older than `messages` that no remaining task references
 *   inbound_events  raw webhook payloads older than `messages`
 *   audit           audit events older than `audit`
 *
 * Rows that belong to no namespace (inbound events of no known account, audit events without a
 * namespace) follow the `default` namespace.
 */
import { and, eq, inArray, isNull, lt, notExists, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db';
import {
  agentTasks,
  agentToolCalls,
  auditEvents,
  channelAccounts,
  escalations,
  humanDecisions,
  inboundEvents,
  messages,
  outboundDeliveries,
  retentionBatches,
  TERMINAL_STATUSES,
} from '../db/schema';
import { RETENTION_STEPS, type RetentionStep } from './policy';

/** Rows deleted, by SQL table name. */
export type DeletedRows = Record<string, number>;

export interface BatchRequest {
  runKey: string;
  /** The batch's number within the run: the same number always answers the same counts. */
  seq: number;
  namespace: string;
  step: RetentionStep;
  /** Rows older than this are due (ISO time). */
  cutoff: string;
  /** The escalations cutoff, for `tasks`: a task stays while one of its hand-offs is kept. null: hand-offs are kept forever. */
  escalationsCutoff?: string | null;
  limit: number;
}

export interface BatchResult {
  /** Rows of the step's own table (tasks, escalations, …): fewer than the limit means the step is done. */
  deleted: number;
  rows: DeletedRows;
}

/** The namespace that owns rows of no namespace. */
export const DEFAULT_NAMESPACE = 'default';

// Raw comparisons take the time as ISO text cast in SQL: postgres.js does not serialize a Date inside sql``.
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export async function purgeBatch(db: Database, request: BatchRequest): Promise<BatchResult> {
  if (!RETENTION_STEPS.includes(request.step)) throw new Error(`not a retention step: ${request.step}`);
  return db.transaction(async (tx) => {
    const [seen] = await tx
      .select({ deleted: retentionBatches.deleted })
      .from(retentionBatches)
      .where(and(eq(retentionBatches.runKey, request.runKey), eq(retentionBatches.seq, request.seq)));
    if (seen) return { deleted: seen.deleted[MAIN_TABLE[request.step]] ?? 0, rows: seen.deleted };

    const rows = await STEPS[request.step](tx, request, new Date(request.cutoff));
    // A concurrent attempt of the same batch fails here on the primary key and rolls back its deletes.
    await tx.insert(retentionBatches).values({ runKey: request.runKey, seq: request.seq, namespace: request.namespace, step: request.step, deleted: rows });
    return { deleted: rows[MAIN_TABLE[request.step]] ?? 0, rows };
  });
}

/** The table whose rows a step counts against its batch size. */
const MAIN_TABLE: Record<RetentionStep, string> = {
  escalations: 'escalations',
  tasks: 'agent_tasks',
  messages: 'messages',
  inbound_events: 'inbound_events',
  audit: 'audit_events',
};

const STEPS: Record<RetentionStep, (tx: Tx, request: BatchRequest, cutoff: Date) => Promise<DeletedRows>> = {
  async escalations(tx, { namespace, limit }, cutoff) {
    const due = await tx
      .select({ id: escalations.id })
      .from(escalations)
      .where(
        and(
          eq(escalations.namespace, namespace),
          inArray(escalations.status, ['resolved', 'expired']),
          lt(escalations.createdAt, cutoff),
          sql`coalesce(${escalations.resolvedAt}, ${escalations.createdAt}) < ${cutoff.toISOString()}::timestamptz`,
        ),
      )
      .limit(limit)
      .for('update', { skipLocked: true });
    const ids = due.map((r) => r.id);
    if (ids.length === 0) return { escalations: 0, human_decisions: 0 };
    const decisions = await tx.delete(humanDecisions).where(inArray(humanDecisions.escalationId, ids)).returning({ id: humanDecisions.id });
    const gone = await tx.delete(escalations).where(inArray(escalations.id, ids)).returning({ id: escalations.id });
    return { escalations: gone.length, human_decisions: decisions.length };
  },

  async tasks(tx, { namespace, limit, escalationsCutoff }, cutoff) {
    const keptHandoff = tx
      .select({ one: sql`1` })
      .from(escalations)
      .where(
        and(
          eq(escalations.taskId, agentTasks.id),
          or(
            eq(escalations.status, 'open'),
            escalationsCutoff === null || escalationsCutoff === undefined
              ? sql`true`
              : sql`coalesce(${escalations.resolvedAt}, ${escalations.createdAt}) >= ${escalationsCutoff}::timestamptz`,
          ),
        ),
      );
    const due = await tx
      .select({ id: agentTasks.id })
      .from(agentTasks)
      .where(
        and(
          eq(agentTasks.namespace, namespace),
          inArray(agentTasks.status, [...TERMINAL_STATUSES]),
          // Implied by finished_at (a task finishes after it is created): lets the (namespace, created_at) index find them.
          lt(agentTasks.createdAt, cutoff),
          lt(agentTasks.finishedAt, cutoff),
          notExists(keptHandoff),
        ),
      )
      .limit(limit)
      .for('update', { skipLocked: true });
    const ids = due.map((r) => r.id);
    if (ids.length === 0) return { agent_tasks: 0 };
    const count = async (deleted: Promise<unknown[]>) => (await deleted).length;
    const rows: DeletedRows = {
      agent_tool_calls: await count(tx.delete(agentToolCalls).where(inArray(agentToolCalls.taskId, ids)).returning({ id: agentToolCalls.id })),
      outbound_deliveries: await count(tx.delete(outboundDeliveries).where(inArray(outboundDeliveries.taskId, ids)).returning({ id: outboundDeliveries.id })),
      human_decisions: await count(tx.delete(humanDecisions).where(inArray(humanDecisions.taskId, ids)).returning({ id: humanDecisions.id })),
      escalations: await count(tx.delete(escalations).where(inArray(escalations.taskId, ids)).returning({ id: escalations.id })),
    };
    rows.agent_tasks = await count(tx.delete(agentTasks).where(inArray(agentTasks.id, ids)).returning({ id: agentTasks.id }));
    return rows;
  },

  async messages(tx, { namespace, limit }, cutoff) {
    const referenced = tx
      .select({ one: sql`1` })
      .from(agentTasks)
      .where(eq(agentTasks.messageId, messages.id));
    const due = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(inArray(messages.channelAccountId, accountsOf(tx, namespace)), lt(messages.createdAt, cutoff), notExists(referenced)))
      .limit(limit)
      .for('update', { skipLocked: true });
    const ids = due.map((r) => r.id);
    if (ids.length === 0) return { messages: 0 };
    const gone = await tx.delete(messages).where(inArray(messages.id, ids)).returning({ id: messages.id });
    return { messages: gone.length };
  },

  async inbound_events(tx, { namespace, limit }, cutoff) {
    const owned: SQL | undefined =
      namespace === DEFAULT_NAMESPACE
        ? or(inArray(inboundEvents.channelAccountId, accountsOf(tx, namespace)), isNull(inboundEvents.channelAccountId))
        : inArray(inboundEvents.channelAccountId, accountsOf(tx, namespace));
    const due = await tx
      .select({ id: inboundEvents.id })
      .from(inboundEvents)
      .where(and(owned, lt(inboundEvents.createdAt, cutoff)))
      .limit(limit)
      .for('update', { skipLocked: true });
    const ids = due.map((r) => r.id);
    if (ids.length === 0) return { inbound_events: 0 };
    const gone = await tx.delete(inboundEvents).where(inArray(inboundEvents.id, ids)).returning({ id: inboundEvents.id });
    return { inbound_events: gone.length };
  },

  async audit(tx, { namespace, limit }, cutoff) {
    const owned =
      namespace === DEFAULT_NAMESPACE ? or(eq(auditEvents.namespace, namespace), isNull(auditEvents.namespace)) : eq(auditEvents.namespace, namespace);
    const due = await tx
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(owned, lt(auditEvents.createdAt, cutoff)))
      .limit(limit)
      .for('update', { skipLocked: true });
    const ids = due.map((r) => r.id);
    if (ids.length === 0) return { audit_events: 0 };
    const gone = await tx.delete(auditEvents).where(inArray(auditEvents.id, ids)).returning({ id: auditEvents.id });
    return { audit_events: gone.length };
  },
};

const accountsOf = (tx: Tx, namespace: string) => tx.select({ id: channelAccounts.id }).from(channelAccounts).where(eq(channelAccounts.namespace, namespace));
