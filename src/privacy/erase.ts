/**
 * Erasure on request: everything the product holds of one contact (a person on a channel) goes,
 * in one transaction, and an audit row records who erased which contact and when, with counts
 * only. What goes:
 *   - the contact's own messages, and every message of the conversations only they wrote in
 *     (the bot's replies, people's replies), with those conversations;
 *   - the tasks of those messages: their texts, drafts, results, tool-call inputs and outputs,
 *     deliveries (the texts sent), escalations (drafts, passages, transcripts) and decisions;
 *   - the bot's replies to them in group conversations (which stay, with the others' messages);
 *   - raw webhook payloads kept for redelivery checks that mention the contact's address (the
 *     rows stay without their payload, so a redelivered webhook is still recognised);
 *   - in Temporal: running tasks end (terminated with a reason that holds no customer text) and
 *     every task's workflow execution is deleted, history included.
 * A group conversation the contact opened stays with the next member who wrote in it.
 */
import { and, eq, inArray, isNotNull, ne, notExists, or, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../db';
import {
  agentTasks,
  agentToolCalls,
  auditEvents,
  channelAccounts,
  contacts,
  conversations,
  escalations,
  humanDecisions,
  inboundEvents,
  messages,
  outboundDeliveries,
  TERMINAL_STATUSES,
} from '../db/schema';

export interface ErasureCounts {
  messages: number;
  conversations: number;
  tasks: number;
  toolCalls: number;
  deliveries: number;
  escalations: number;
  decisions: number;
  webhookPayloads: number;
  /** Tasks still running that were ended. */
  tasksEnded: number;
  /** Workflow executions deleted from Temporal (histories included). */
  workflowsDeleted: number;
}

/** What erasure needs of Temporal: end a running task, delete an execution (both idempotent). */
export interface WorkflowEraser {
  end(workflowId: string, reason: string): Promise<void>;
  remove(workflowId: string): Promise<void>;
}

export interface ErasureRequest {
  namespace: string;
  contactId: string;
  /** Who asked: a key id, or "bootstrap". */
  actor: string;
}

/** The reason a running task ends with: in Temporal's history, so never the customer's words. */
export const ERASED_REASON = 'contact erased on request';

/** Erases the contact; undefined when it does not exist in that namespace (or was erased already). */
export async function eraseContact(db: Database, workflows: WorkflowEraser, request: ErasureRequest): Promise<ErasureCounts | undefined> {
  const { namespace, contactId } = request;
  const [contact] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.namespace, namespace)));
  if (!contact) return undefined;

  // The tasks first, so that running ones are ended before their rows go (an activity of a task
  // that goes on would fail on a missing row, or write one back).
  const before = await tasksOf(db, contactId, await soleConversations(db, contactId));
  const running = before.filter((t) => !TERMINAL_STATUSES.includes(t.status));
  for (const task of running) await workflows.end(task.workflowId, ERASED_REASON);

  const erased = await db.transaction(async (tx) => {
    // Locks the contact: a message from them arriving now waits, then makes a new contact.
    const [locked] = await tx
      .select({ id: contacts.id, channel: contacts.channel, externalId: contacts.externalId })
      .from(contacts)
      .where(eq(contacts.id, contactId))
      .for('update');
    if (!locked) return undefined;
    const sole = await soleConversations(tx as unknown as Database, contactId);
    const tasks = await tasksOf(tx as unknown as Database, contactId, sole);
    const taskIds = tasks.map((t) => t.id);

    const count = (rows: unknown[]) => rows.length;
    const byTask = (column: AnyPgColumn) => inArray(column, taskIds.length ? taskIds : [NONE]);
    const decisions = count(await tx.delete(humanDecisions).where(byTask(humanDecisions.taskId)).returning({ id: humanDecisions.id }));
    const handoffs = count(
      await tx
        .delete(escalations)
        .where(or(byTask(escalations.taskId), inArray(escalations.conversationId, sole.length ? sole : [NONE])))
        .returning({ id: escalations.id }),
    );
    const deliveries = count(await tx.delete(outboundDeliveries).where(byTask(outboundDeliveries.taskId)).returning({ id: outboundDeliveries.id }));
    const toolCalls = count(await tx.delete(agentToolCalls).where(byTask(agentToolCalls.taskId)).returning({ id: agentToolCalls.id }));
    const removedTasks = count(
      await tx
        .delete(agentTasks)
        .where(inArray(agentTasks.id, taskIds.length ? taskIds : [NONE]))
        .returning({ id: agentTasks.id }),
    );
    const removedMessages = count(
      await tx
        .delete(messages)
        .where(
          or(
            eq(messages.contactId, contactId),
            inArray(messages.conversationId, sole.length ? sole : [NONE]),
            // The bot's replies to the contact in a group conversation.
            taskIds.length ? and(eq(messages.direction, 'outbound'), inArray(sql`${messages.payload}->>'taskId'`, taskIds)) : sql`false`,
          ),
        )
        .returning({ id: messages.id }),
    );
    // A group conversation they opened passes to the next member who wrote in it.
    await tx.execute(sql`
      update ${conversations} c set contact_id = (
        select m.contact_id from ${messages} m
        where m.conversation_id = c.id and m.contact_id is not null and m.contact_id <> ${contactId}
        order by m.created_at limit 1)
      where c.contact_id = ${contactId} and c.id not in (${
        sole.length
          ? sql.join(
              sole.map((id) => sql`${id}`),
              sql`, `,
            )
          : sql`${NONE}`
      })`);
    const removedConversations = count(
      await tx
        .delete(conversations)
        .where(inArray(conversations.id, sole.length ? sole : [NONE]))
        .returning({ id: conversations.id }),
    );
    // Raw webhook payloads (kept to recognise redeliveries) that carry the contact's address.
    const scrubbed = count(
      await tx
        .update(inboundEvents)
        .set({ payload: null })
        .where(
          and(
            isNotNull(inboundEvents.payload),
            eq(inboundEvents.channel, locked.channel),
            inArray(
              inboundEvents.channelAccountId,
              tx.select({ id: channelAccounts.id }).from(channelAccounts).where(eq(channelAccounts.namespace, namespace)),
            ),
            sql`strpos(${inboundEvents.payload}::text, ${JSON.stringify(locked.externalId)}) > 0`,
          ),
        )
        .returning({ id: inboundEvents.id }),
    );
    await tx.delete(contacts).where(eq(contacts.id, contactId));
    const counts = {
      messages: removedMessages,
      conversations: removedConversations,
      tasks: removedTasks,
      toolCalls,
      deliveries,
      escalations: handoffs,
      decisions,
      webhookPayloads: scrubbed,
    };
    return { counts, tasks };
  });
  if (!erased) return undefined;

  // A task that started between the first look and the lock ends now; then every task's history
  // goes from Temporal too (the server deletes them in the background).
  const late = erased.tasks.filter((t) => !TERMINAL_STATUSES.includes(t.status) && !running.some((r) => r.id === t.id));
  for (const task of late) await workflows.end(task.workflowId, ERASED_REASON);
  const workflowIds = [...new Set([...before, ...erased.tasks].map((t) => t.workflowId))];
  for (const workflowId of workflowIds) await workflows.remove(workflowId);
  const result: ErasureCounts = { ...erased.counts, tasksEnded: running.length + late.length, workflowsDeleted: workflowIds.length };
  await db.insert(auditEvents).values({
    namespace,
    actor: request.actor,
    action: 'contact.erased',
    subject: contactId,
    detail: { ...result },
  });
  return result;
}

/** A uuid no row has, for `in (…)` lists that would otherwise be empty. */
const NONE = '00000000-0000-0000-0000-000000000000';

/** Conversations the contact opened in which nobody else wrote. */
async function soleConversations(db: Database, contactId: string): Promise<string[]> {
  const rows = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.contactId, contactId),
        notExists(
          db
            .select({ one: sql`1` })
            .from(messages)
            .where(and(eq(messages.conversationId, conversations.id), isNotNull(messages.contactId), ne(messages.contactId, contactId))),
        ),
      ),
    );
  return rows.map((r) => r.id);
}

/** The tasks of the contact's messages and of the conversations only they wrote in. */
async function tasksOf(db: Database, contactId: string, sole: readonly string[]) {
  return db
    .select({ id: agentTasks.id, workflowId: agentTasks.workflowId, status: agentTasks.status })
    .from(agentTasks)
    .where(
      or(
        inArray(agentTasks.messageId, db.select({ id: messages.id }).from(messages).where(eq(messages.contactId, contactId))),
        inArray(agentTasks.conversationId, sole.length ? [...sole] : [NONE]),
      ),
    );
}
