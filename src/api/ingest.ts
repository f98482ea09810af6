/**
 * The inbound story, the same for every channel: find the account, store the contact,
 * conversation and message, create the task, start its workflow. Idempotent: a redelivered
 * webhook finds the stored message and the started workflow and does nothing new.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { InboundMessage } from '../channels/types';
import type { Database } from '../db';
import {
  agentTasks,
  channelAccounts,
  contacts,
  conversations,
  messages,
  TERMINAL_STATUSES,
  type TaskStatus,
} from '../db/schema';
import { agentTaskWorkflowId } from '../temporal/ids';
import type { AgentTaskClient } from './temporal-client';

export class UnknownAccountError extends Error {
  override name = 'UnknownAccountError';
}

export interface Accepted {
  taskId: string;
  workflowId: string;
  /** `new`: stored and started now; `duplicate`: seen before (its workflow is started if it was not). */
  outcome: 'new' | 'duplicate';
}

export async function acceptInbound(db: Database, tasks: AgentTaskClient, inbound: InboundMessage): Promise<Accepted> {
  const [account] = await db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, inbound.channel), eq(channelAccounts.externalId, inbound.accountExternalId)));
  if (!account) {
    throw new UnknownAccountError(`no ${inbound.channel} account with id ${inbound.accountExternalId}`);
  }
  const workflowId = agentTaskWorkflowId(account.namespace, inbound.channel, inbound.externalId);

  const stored = await db.transaction(async (tx) => {
    const [contact] = await tx
      .insert(contacts)
      .values({
        namespace: account.namespace,
        channel: inbound.channel,
        externalId: inbound.from.externalId,
        displayName: inbound.from.displayName,
        locale: inbound.from.locale,
      })
      .onConflictDoUpdate({
        target: [contacts.namespace, contacts.channel, contacts.externalId],
        set: {
          displayName: sql`coalesce(excluded.display_name, ${contacts.displayName})`,
          locale: sql`coalesce(excluded.locale, ${contacts.locale})`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: contacts.id });
    const [conversation] = await tx
      .insert(conversations)
      .values({ namespace: account.namespace, channelAccountId: account.id, contactId: contact!.id, lastMessageAt: inbound.sentAt })
      .onConflictDoUpdate({
        target: [conversations.channelAccountId, conversations.contactId],
        set: { lastMessageAt: sql`greatest(${conversations.lastMessageAt}, excluded.last_message_at)`, updatedAt: sql`now()` },
      })
      .returning({ id: conversations.id });
    const [message] = await tx
      .insert(messages)
      .values({
        conversationId: conversation!.id,
        channelAccountId: account.id,
        direction: 'inbound',
        externalId: inbound.externalId,
        kind: inbound.kind,
        text: inbound.text,
        payload: inbound.raw,
        sentAt: inbound.sentAt,
      })
      .onConflictDoNothing()
      .returning({ id: messages.id });
    if (!message) return undefined; // seen before
    const [task] = await tx
      .insert(agentTasks)
      .values({
        namespace: account.namespace,
        channel: inbound.channel,
        channelAccountId: account.id,
        conversationId: conversation!.id,
        messageId: message.id,
        workflowId,
        status: 'queued',
      })
      .returning({ id: agentTasks.id, conversationId: agentTasks.conversationId, status: agentTasks.status });
    return task!;
  });

  const task = stored ?? (await findTask(db, workflowId));
  const outcome = stored ? 'new' : 'duplicate';
  // A duplicate whose workflow never started (the process died between commit and start)
  // is started now; one that already finished is left alone.
  if (!TERMINAL_STATUSES.includes(task.status)) {
    await tasks.launch(workflowId, {
      taskId: task.id,
      namespace: account.namespace,
      channel: inbound.channel,
      conversationId: task.conversationId,
    });
  }
  return { taskId: task.id, workflowId, outcome };
}

async function findTask(
  db: Database,
  workflowId: string,
): Promise<{ id: string; conversationId: string; status: TaskStatus }> {
  const [task] = await db
    .select({ id: agentTasks.id, conversationId: agentTasks.conversationId, status: agentTasks.status })
    .from(agentTasks)
    .where(eq(agentTasks.workflowId, workflowId));
  if (!task) throw new Error(`message for ${workflowId} is stored but has no task`);
  return task;
}
