/**
 * Rows of any age, written straight into the tables, for the retention tests and bench: a
 * namespace with a WhatsApp account, and per call one customer's conversation with tasks,
 * tool calls and deliveries whose timestamps lie `daysAgo` in the past.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../src/db';
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
  namespaces,
  outboundDeliveries,
  type HandoffStatus,
  type TaskStatus,
} from '../src/db/schema';
import type { NamespaceConfigInput } from '../src/namespaces/config';

const DAY = 86_400_000;
export const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

/** What the customer "said": the audit trail must never contain it. */
export const CUSTOMER_TEXT = 'please send it to 12 Elm Street, Springfield';

const CHUNK = 1_000;
async function insertAll<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

export interface SeededNamespace {
  namespace: string;
  accountId: string;
  phoneNumberId: string;
}

export async function seedNamespace(db: Database, prefix: string, config: NamespaceConfigInput = {}): Promise<SeededNamespace> {
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  const phoneNumberId = `6${Math.floor(Math.random() * 1e13)}`;
  await db.insert(namespaces).values({ name: namespace, config });
  const [account] = await db
    .insert(channelAccounts)
    .values({ namespace, channel: 'whatsapp' as const, externalId: phoneNumberId, settings: { source: 'env' } })
    .returning({ id: channelAccounts.id });
  return { namespace, accountId: account!.id, phoneNumberId };
}

export interface SeedTasks {
  count: number;
  daysAgo: number;
  status?: TaskStatus;
  toolCalls?: number;
  deliveries?: number;
  /** One hand-off per task, with one human decision. */
  escalation?: { status: HandoffStatus; daysAgo: number };
  /** The customer's WhatsApp id (default: a new one). */
  from?: string;
}

export interface SeededTasks {
  taskIds: string[];
  messageIds: string[];
  conversationId: string;
  from: string;
}

/** One customer's conversation with `count` messages and a task each, all `daysAgo` old. */
export async function seedTasks(db: Database, ns: SeededNamespace, options: SeedTasks): Promise<SeededTasks> {
  const at = daysAgo(options.daysAgo);
  const status = options.status ?? 'delivered';
  const finished = ['delivered', 'failed', 'closed'].includes(status);
  const from = options.from ?? `4470${Math.floor(Math.random() * 1e8)}`;
  const [contact] = await db
    .insert(contacts)
    .values({ namespace: ns.namespace, channel: 'whatsapp' as const, externalId: from, displayName: 'Kerry', createdAt: at })
    .onConflictDoUpdate({ target: [contacts.namespace, contacts.channel, contacts.externalId], set: { displayName: 'Kerry' } })
    .returning({ id: contacts.id });
  const [conversation] = await db
    .insert(conversations)
    .values({ namespace: ns.namespace, channelAccountId: ns.accountId, externalId: from, contactId: contact!.id, createdAt: at })
    .onConflictDoUpdate({ target: [conversations.channelAccountId, conversations.externalId], set: { title: null } })
    .returning({ id: conversations.id });
  const conversationId = conversation!.id;

  const messageRows = Array.from({ length: options.count }, () => ({
    id: randomUUID(),
    conversationId,
    channelAccountId: ns.accountId,
    direction: 'inbound' as const,
    externalId: `wamid.OLD${randomUUID().replace(/-/g, '')}`,
    contactId: contact!.id,
    text: CUSTOMER_TEXT,
    createdAt: at,
  }));
  await insertAll(messageRows, (chunk) => db.insert(messages).values(chunk));
  const taskRows = messageRows.map((m) => ({
    id: randomUUID(),
    namespace: ns.namespace,
    channel: 'whatsapp' as const,
    channelAccountId: ns.accountId,
    conversationId,
    messageId: m.id,
    workflowId: `agent-task:${ns.namespace}:whatsapp:${m.externalId}`,
    status,
    draft: CUSTOMER_TEXT,
    createdAt: at,
    updatedAt: at,
    finishedAt: finished ? at : null,
  }));
  await insertAll(taskRows, (chunk) => db.insert(agentTasks).values(chunk));
  const toolCallRows = taskRows.flatMap((t) =>
    Array.from({ length: options.toolCalls ?? 2 }, (_, i) => ({
      taskId: t.id,
      name: (['inject_profile', 'rag_search', 'generate', 'confidence_check', 'deliver'] as const)[i % 5]!,
      attempt: Math.floor(i / 5) + 1,
      status: 'succeeded' as const,
      startedAt: at,
      finishedAt: at,
      inputSummary: { text: CUSTOMER_TEXT },
    })),
  );
  await insertAll(toolCallRows, (chunk) => db.insert(agentToolCalls).values(chunk));
  const deliveryRows = taskRows.flatMap((t) =>
    Array.from({ length: options.deliveries ?? 1 }, (_, part) => ({
      taskId: t.id,
      part,
      channel: 'whatsapp' as const,
      channelAccountId: ns.accountId,
      recipient: from,
      text: CUSTOMER_TEXT,
      status: 'sent' as const,
      attempt: 1,
      createdAt: at,
      updatedAt: at,
    })),
  );
  await insertAll(deliveryRows, (chunk) => db.insert(outboundDeliveries).values(chunk));
  if (options.escalation) {
    const escAt = daysAgo(options.escalation.daysAgo);
    const resolved = options.escalation.status !== 'open';
    const escRows = taskRows.map((t) => ({
      id: randomUUID(),
      taskId: t.id,
      kind: 'escalation' as const,
      namespace: ns.namespace,
      conversationId,
      status: options.escalation!.status,
      reason: 'the customer asked for a person',
      draft: CUSTOMER_TEXT,
      deadlineAt: escAt,
      resolvedAt: resolved ? escAt : null,
      resolvedBy: resolved ? 'sam' : null,
      createdAt: escAt,
    }));
    await insertAll(escRows, (chunk) => db.insert(escalations).values(chunk));
    const decisionRows = escRows.map((e) => ({
      taskId: e.taskId,
      escalationId: e.id,
      kind: 'resolveEscalation',
      agent: 'sam',
      action: 'reply',
      text: CUSTOMER_TEXT,
      outcome: 'applied' as const,
      createdAt: escAt,
    }));
    await insertAll(decisionRows, (chunk) => db.insert(humanDecisions).values(chunk));
  }
  return { taskIds: taskRows.map((t) => t.id), messageIds: messageRows.map((m) => m.id), conversationId, from };
}

/** Messages with no task (an outbound reply, an edit), in a conversation of their own or the one given. */
export async function seedMessages(db: Database, ns: SeededNamespace, conversationId: string, count: number, days: number): Promise<string[]> {
  const rows = Array.from({ length: count }, () => ({
    id: randomUUID(),
    conversationId,
    channelAccountId: ns.accountId,
    direction: 'outbound' as const,
    text: CUSTOMER_TEXT,
    createdAt: daysAgo(days),
  }));
  await db.insert(messages).values(rows);
  return rows.map((r) => r.id);
}

export async function seedInboundEvents(db: Database, ns: SeededNamespace, count: number, days: number): Promise<string[]> {
  const rows = Array.from({ length: count }, () => ({
    id: randomUUID(),
    channel: 'whatsapp' as const,
    channelAccountId: ns.accountId,
    kind: 'status',
    outcome: 'ignored' as const,
    payload: { text: CUSTOMER_TEXT },
    createdAt: daysAgo(days),
  }));
  await db.insert(inboundEvents).values(rows);
  return rows.map((r) => r.id);
}

export async function seedAuditEvents(db: Database, namespace: string, count: number, days: number): Promise<string[]> {
  const rows = Array.from({ length: count }, () => ({
    id: randomUUID(),
    namespace,
    actor: 'bootstrap',
    action: 'contact.erased',
    subject: randomUUID(),
    createdAt: daysAgo(days),
  }));
  await db.insert(auditEvents).values(rows);
  return rows.map((r) => r.id);
}
