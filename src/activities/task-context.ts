/** Activities take a task id and re-read what they need from here. */
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { agentTasks, channelAccounts, contacts, conversations, messages, namespaces } from '../db/schema';
import { TaskNotFoundError, InvalidNamespaceConfigError } from '../errors';
import { parseNamespaceConfig, type NamespaceConfig } from '../namespaces/config';

export interface TaskContext {
  task: typeof agentTasks.$inferSelect;
  message: typeof messages.$inferSelect;
  conversation: typeof conversations.$inferSelect;
  /** The author of the inbound message. */
  contact: typeof contacts.$inferSelect;
  account: typeof channelAccounts.$inferSelect;
  config: NamespaceConfig;
}

export async function loadTaskContext(db: Database, taskId: string): Promise<TaskContext> {
  const rows = await db
    .select({
      task: agentTasks,
      message: messages,
      conversation: conversations,
      contact: contacts,
      account: channelAccounts,
      namespaceConfig: namespaces.config,
    })
    .from(agentTasks)
    .innerJoin(messages, eq(messages.id, agentTasks.messageId))
    .innerJoin(conversations, eq(conversations.id, agentTasks.conversationId))
    .innerJoin(contacts, eq(contacts.id, sql`coalesce(${messages.contactId}, ${conversations.contactId})`))
    .innerJoin(channelAccounts, eq(channelAccounts.id, agentTasks.channelAccountId))
    .innerJoin(namespaces, eq(namespaces.name, agentTasks.namespace))
    .where(eq(agentTasks.id, taskId))
    .limit(1);
  const row = rows[0];
  if (!row) throw new TaskNotFoundError(`agent task ${taskId} does not exist`);
  const parsed = parseNamespaceConfig(row.namespaceConfig);
  if (!parsed.success) {
    throw new InvalidNamespaceConfigError(`namespace ${row.task.namespace} has an invalid config: ${parsed.error.message}`);
  }
  const { namespaceConfig: _raw, ...rest } = row;
  return { ...rest, config: parsed.data };
}

/** The messages of a conversation before the message `beforeMessageId`, oldest first, at most `limit`. */
export async function recentMessages(
  db: Database,
  conversationId: string,
  beforeMessageId: string,
  limit: number,
): Promise<Array<typeof messages.$inferSelect>> {
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        // Compared in SQL: created_at has microseconds, a JS Date only milliseconds.
        lt(messages.createdAt, sql`(select m.created_at from messages m where m.id = ${beforeMessageId})`),
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(limit);
  return rows.reverse();
}
