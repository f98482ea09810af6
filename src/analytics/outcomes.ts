/**
 * A finished task's outcome (table task_outcomes), derived from what it left behind: the gate's route
 * and cause, its hand-offs and how each ended, and the parts it sent (each purpose has its own range
 * of part numbers, schema.ts DELIVERY_PURPOSES). Written when the task reaches its final status
 * (record_status), again if that status changes (a failed receipt), so it is always the last word.
 *
 *   resolved by     assistant: its reply went out on its own, was approved as drafted, or handed back
 *                   person:    a person replied, edited the draft, or closed the hand-off
 *                   none:      nothing answered (rejected, expired, failed)
 *   attribution     of the reply that went out: assistant | assistant_edited | person
 *   handed over     a person was asked to take over (await_human), with the gate's reason, or
 *                   `timeout` when an approval nobody gave escalated
 *   reopened        set on a resolved task when the customer writes again within 7 days (markReopening)
 */
import { and, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../db';
import {
  agentTasks,
  DELIVERY_PURPOSES,
  escalations,
  MAX_PARTS,
  messages,
  outboundDeliveries,
  taskOutcomes,
  type Attribution,
  type Resolver,
} from '../db/schema';
import type { HandoffReason } from '../gate/decide';

/** How long after a resolution a new message from the customer counts as the conversation reopened. */
export const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Intents that do not reopen a conversation: a "thanks" after an answer is not a new problem. */
const NOT_A_REOPENING = new Set(['greeting']);

const FINAL = new Set(['delivered', 'closed', 'failed']);
const inRange = (part: number, purpose: keyof typeof DELIVERY_PURPOSES) => part >= DELIVERY_PURPOSES[purpose] && part < DELIVERY_PURPOSES[purpose] + MAX_PARTS;

export interface Outcome {
  resolvedBy: Resolver;
  handedOver: boolean;
  handoffReason: HandoffReason | null;
  attribution: Attribution | null;
  approval: string | null;
}

type HandoffRow = { kind: string; status: string; resolution: Record<string, unknown> | null };

/** The outcome from the task's route, its status and its hand-offs (pure: tests/unit/outcomes.test.ts). */
export function deriveOutcome(task: { status: string; gateRoute: string | null; gateCause: HandoffReason | null }, handoffs: HandoffRow[]): Outcome {
  const approval = handoffs.find((h) => h.kind === 'approval');
  const escalation = handoffs.find((h) => h.kind === 'escalation');
  const action = (h: HandoffRow | undefined) => (h?.status === 'expired' ? 'expired' : ((h?.resolution?.action as string | undefined) ?? null));
  const handedOver = escalation !== undefined;
  const handoffReason: HandoffReason | null = handedOver ? (approval && action(approval) === 'expired' ? 'timeout' : (task.gateCause ?? 'policy')) : null;
  const base = { handedOver, handoffReason, approval: approval ? action(approval) : null };
  if (task.status === 'failed') return { ...base, resolvedBy: 'none', attribution: null };
  if (escalation) {
    switch (action(escalation)) {
      case 'reply':
        return { ...base, resolvedBy: 'person', attribution: 'person' };
      case 'handback':
        return { ...base, resolvedBy: 'assistant', attribution: 'assistant' };
      case 'close':
        return { ...base, resolvedBy: 'person', attribution: null };
      default:
        return { ...base, resolvedBy: 'none', attribution: null };
    }
  }
  if (approval) {
    switch (action(approval)) {
      case 'approve':
        return { ...base, resolvedBy: 'assistant', attribution: 'assistant' };
      case 'edit':
        return { ...base, resolvedBy: 'person', attribution: 'assistant_edited' };
      default:
        return { ...base, resolvedBy: 'none', attribution: null };
    }
  }
  return task.status === 'delivered' ? { ...base, resolvedBy: 'assistant', attribution: 'assistant' } : { ...base, resolvedBy: 'none', attribution: null };
}

/** Writes (or rewrites) the outcome of a task that reached `status`. */
export async function recordOutcome(db: Database, taskId: string, status: string): Promise<void> {
  if (!FINAL.has(status)) return;
  const [row] = await db
    .select({ task: agentTasks, receivedAt: messages.createdAt })
    .from(agentTasks)
    .innerJoin(messages, eq(messages.id, agentTasks.messageId))
    .where(eq(agentTasks.id, taskId));
  if (!row || row.task.joinedEscalationId) return; // answered by the escalation it joined
  const task = { ...row.task, status };
  const [handoffs, parts] = await Promise.all([
    db
      .select({ kind: escalations.kind, status: escalations.status, resolution: escalations.resolution })
      .from(escalations)
      .where(eq(escalations.taskId, taskId)),
    db
      .select({ part: outboundDeliveries.part, sentAt: outboundDeliveries.sentAt })
      .from(outboundDeliveries)
      .where(and(eq(outboundDeliveries.taskId, taskId), gte(outboundDeliveries.part, 0))),
  ]);
  // Gave way to a newer message in the conversation: that task's outcome counts.
  if (status === 'closed' && handoffs.length === 0 && parts.length === 0) return;
  const outcome = deriveOutcome(task, handoffs);
  const sent = parts.filter((p) => p.sentAt !== null);
  const since = (at: Date | undefined) => (at ? Math.max(0, at.getTime() - row.receivedAt.getTime()) : null);
  const first = sent.map((p) => p.sentAt!).sort((a, b) => a.getTime() - b.getTime())[0];
  const byPerson = outcome.attribution === 'person' || outcome.attribution === 'assistant_edited' || outcome.approval === 'approve';
  const human = byPerson
    ? sent
        .filter((p) => inRange(p.part, 'human') || (outcome.approval !== null && inRange(p.part, 'answer')))
        .map((p) => p.sentAt!)
        .sort((a, b) => a.getTime() - b.getTime())[0]
    : undefined;
  const values = {
    taskId,
    namespace: task.namespace,
    channel: task.channel,
    conversationId: task.conversationId,
    intent: task.gateIntent,
    ...outcome,
    firstResponseMs: since(first),
    firstHumanResponseMs: since(human),
    createdAt: task.createdAt,
    finishedAt: new Date(),
  };
  const { taskId: _key, ...update } = values;
  await db
    .insert(taskOutcomes)
    .values(values)
    .onConflictDoUpdate({ target: taskOutcomes.taskId, set: { ...update, finishedAt: sql`${taskOutcomes.finishedAt}` } });
}

/**
 * The customer came back within a week of an answer: that answer did not settle it. Called once the
 * new message's intent is known (its first status after the gate), whatever becomes of it.
 */
export async function markReopening(db: Database, taskId: string): Promise<void> {
  const [row] = await db
    .select({ conversationId: agentTasks.conversationId, intent: agentTasks.gateIntent, joined: agentTasks.joinedEscalationId, receivedAt: messages.createdAt })
    .from(agentTasks)
    .innerJoin(messages, eq(messages.id, agentTasks.messageId))
    .where(eq(agentTasks.id, taskId));
  if (!row || row.joined || !row.intent || NOT_A_REOPENING.has(row.intent)) return;
  await db
    .update(taskOutcomes)
    .set({ reopened: true })
    .where(
      and(
        eq(taskOutcomes.conversationId, row.conversationId),
        ne(taskOutcomes.taskId, taskId),
        inArray(taskOutcomes.resolvedBy, ['assistant', 'person']),
        eq(taskOutcomes.reopened, false),
        lt(taskOutcomes.finishedAt, row.receivedAt),
        gte(taskOutcomes.finishedAt, new Date(row.receivedAt.getTime() - REOPEN_WINDOW_MS)),
      ),
    );
}
