/**
 * The inbound story, the same for every channel: find the account, store the contact,
 * conversation and message, create the task, start its workflow. Idempotent: a redelivered
 * webhook finds the stored message and the started workflow and does nothing new.
 *
 * Besides messages, a webhook may carry delivery receipts (applyStatus), conversation state
 * changes (a Telegram user blocking the bot) and events we deliberately do not answer
 * (recordIgnored). Each is stored: nothing that passed a signature is dropped silently.
 */
import { and, eq, or, sql } from 'drizzle-orm';
import type { ConversationStateChange, DeliveryStatusUpdate, IgnoredEvent, InboundMessage, ParsedInbound } from '../channels/types';
import type { Database } from '../db';
import {
  agentTasks,
  channelAccounts,
  contacts,
  conversations,
  inboundEvents,
  messages,
  outboundDeliveries,
  TERMINAL_STATUSES,
  type DeliveryStatus,
  type InboundEventOutcome,
  type TaskStatus,
} from '../db/schema';
import { takeRating } from '../analytics/csat';
import { parseRatingText, type RatingReply } from '../channels/rating';
import type { Logger } from '../logger';
import { agentTaskWorkflowId } from '../temporal/ids';
import { describeDeliveryFailure } from '../channels/whatsapp/errors';
import type { DeliveryReceipt } from '../workflows/definitions';
import { firstWords, type AgentTaskClient } from './temporal-client';

export class UnknownAccountError extends Error {
  override name = 'UnknownAccountError';
}

export type ChannelAccount = typeof channelAccounts.$inferSelect;

export interface Accepted {
  externalId: string;
  taskId?: string;
  workflowId?: string;
  /**
   * `new`: stored and started now; `duplicate`: seen before (its workflow is started if it
   * was not); `stored`: kept for the record, not answered (a reaction, an unanswered edit);
   * `rated`: the customer's rating of the conversation (CSAT), counted unless its question had closed.
   */
  outcome: 'new' | 'duplicate' | 'stored' | 'rated';
  rating?: { surveyId?: string; score: number; counted: boolean };
}

/** A typed score counts only while a survey waits for it (takeRating checks). */
const scoreOf = (text: string): RatingReply | undefined => {
  const score = parseRatingText(text);
  return score === undefined ? undefined : { score };
};

export async function findAccount(db: Database, channel: string, externalId: string): Promise<ChannelAccount | undefined> {
  if (externalId.includes('\u0000')) return undefined; // no such id exists, and PostgreSQL refuses NUL in text
  const [account] = await db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, channel), eq(channelAccounts.externalId, externalId)));
  return account;
}

async function requireAccount(db: Database, channel: string, externalId: string): Promise<ChannelAccount> {
  const account = await findAccount(db, channel, externalId);
  if (!account) throw new UnknownAccountError(`no ${channel} account with id ${externalId}`);
  return account;
}

export async function acceptInbound(db: Database, tasks: AgentTaskClient, inbound: InboundMessage, startTimeoutMs?: number): Promise<Accepted> {
  const account = await requireAccount(db, inbound.channel, inbound.accountExternalId);
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
    // On Telegram a user who blocked the bot can only write again after unblocking it, so a
    // message proves the chat is open again. Elsewhere a block (an archived or unknown Slack
    // channel) is not lifted by an incoming event.
    const unblock = inbound.channel === 'telegram' ? { blockedAt: null, blockedReason: null } : {};
    const [conversation] = await tx
      .insert(conversations)
      .values({
        namespace: account.namespace,
        channelAccountId: account.id,
        externalId: inbound.conversation.externalId,
        title: inbound.conversation.title,
        contactId: contact!.id,
        lastMessageAt: inbound.sentAt,
      })
      .onConflictDoUpdate({
        target: [conversations.channelAccountId, conversations.externalId],
        set: {
          lastMessageAt: sql`greatest(${conversations.lastMessageAt}, excluded.last_message_at)`,
          title: sql`coalesce(excluded.title, ${conversations.title})`,
          ...unblock,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: conversations.id });
    const [message] = await tx
      .insert(messages)
      .values({
        conversationId: conversation!.id,
        channelAccountId: account.id,
        direction: 'inbound',
        externalId: inbound.externalId,
        contactId: contact!.id,
        kind: inbound.kind,
        text: inbound.text,
        replyToExternalId: inbound.replyToExternalId,
        attachments: inbound.attachments,
        payload: inbound.raw,
        sentAt: inbound.sentAt,
      })
      .onConflictDoNothing()
      .returning({ id: messages.id });
    if (!message) return undefined; // seen before
    if (!inbound.answer) return 'stored' as const;
    // An answer to the rating question is a rating, not a question for the assistant.
    const reply = inbound.rating ?? scoreOf(inbound.text);
    if (reply) {
      const taken = await takeRating(tx, { namespace: account.namespace, conversationId: conversation!.id, messageId: message.id }, reply);
      if (taken) return { rated: taken };
      // A tap on the choices of a question that has closed: kept, not answered.
      if (inbound.rating) return { rated: undefined };
    }
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

  if (stored === 'stored') return { externalId: inbound.externalId, outcome: 'stored' };
  if (stored && 'rated' in stored) {
    const rating = stored.rated ? { ...stored.rated, counted: true } : { surveyId: inbound.rating?.surveyId, score: inbound.rating!.score, counted: false };
    return { externalId: inbound.externalId, outcome: 'rated', rating };
  }
  const task = stored ?? (await findTask(db, workflowId));
  if (!task) return { externalId: inbound.externalId, outcome: 'stored' }; // a stored-only message, redelivered
  // A duplicate whose workflow never started (the process died between commit and start)
  // is started now; one that already finished is left alone.
  if (!TERMINAL_STATUSES.includes(task.status)) {
    await tasks.launch(
      workflowId,
      { taskId: task.id, namespace: account.namespace, channel: inbound.channel, conversationId: task.conversationId },
      {
        timeoutMs: startTimeoutMs,
        summary: {
          channel: inbound.channel,
          contact: inbound.from.displayName ?? inbound.from.externalId,
          firstWords: firstWords(inbound.text) || `(${inbound.kind})`,
        },
      },
    );
  }
  return { externalId: inbound.externalId, taskId: task.id, workflowId, outcome: stored ? 'new' : 'duplicate' };
}

async function findTask(db: Database, workflowId: string): Promise<{ id: string; conversationId: string; status: TaskStatus } | undefined> {
  const [task] = await db
    .select({ id: agentTasks.id, conversationId: agentTasks.conversationId, status: agentTasks.status })
    .from(agentTasks)
    .where(eq(agentTasks.workflowId, workflowId));
  return task;
}

/** Receipts only move forward: a late `delivered` never overwrites `read`. */
const RECEIPT_RANK: Partial<Record<string, number>> = { sending: 0, unknown: 0, failed: 0, sent: 1, delivered: 2, read: 3 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type StatusOutcome = 'applied' | 'stale' | 'unmatched';

/** What a receipt did to its delivery, and what the task's workflow is to be told. */
export interface AppliedStatus {
  outcome: StatusOutcome;
  /** For an applied receipt: the task's workflow and the receipt to signal it. */
  notify?: { accountId: string; taskId: string; workflowId: string; receipt: DeliveryReceipt };
}

/**
 * A delivery receipt, on the delivery it is for. `sent`/`delivered`/`read` move the delivery
 * forward (and settle one whose outcome was unknown: the platform says it got it); `failed`
 * marks it failed with the platform's reason, e.g. 131047, outside the 24-hour window. The
 * task's status is its workflow's to change: the caller signals it (`notify`).
 */
export async function applyStatus(db: Database, update: DeliveryStatusUpdate): Promise<AppliedStatus> {
  const account = await findAccount(db, update.channel, update.accountExternalId);
  if (!account) return { outcome: 'unmatched' };
  const matchesId = eq(outboundDeliveries.providerMessageId, update.providerMessageId);
  const byDeliveryId = update.deliveryId && UUID.test(update.deliveryId) ? eq(outboundDeliveries.id, update.deliveryId) : undefined;
  const [row] = await db
    .select({ delivery: outboundDeliveries, workflowId: agentTasks.workflowId })
    .from(outboundDeliveries)
    .innerJoin(agentTasks, eq(agentTasks.id, outboundDeliveries.taskId))
    .where(and(eq(outboundDeliveries.channelAccountId, account.id), byDeliveryId ? or(matchesId, byDeliveryId) : matchesId))
    .limit(1);
  if (!row) return { outcome: 'unmatched' };
  const { delivery, workflowId } = row;
  const providerMessageId = delivery.providerMessageId ?? update.providerMessageId;
  const notify = (status: DeliveryReceipt['status'], reason?: string) => ({
    outcome: 'applied' as const,
    notify: {
      accountId: account.id,
      taskId: delivery.taskId,
      workflowId,
      receipt: { providerMessageId, part: delivery.part, status, ...(reason ? { reason } : {}) },
    },
  });

  if (update.status === 'failed') {
    const reason = describeDeliveryFailure(update.errors);
    await db
      .update(outboundDeliveries)
      .set({
        status: 'failed',
        error: reason,
        errorCode: update.errors[0]?.code !== undefined ? String(update.errors[0].code) : null,
        providerMessageId,
        updatedAt: sql`now()`,
      })
      .where(eq(outboundDeliveries.id, delivery.id));
    return notify('failed', reason);
  }

  const rank = RECEIPT_RANK[update.status];
  if (rank === undefined) return { outcome: 'stale' };
  if (delivery.status === 'failed') return { outcome: 'stale' };
  if ((RECEIPT_RANK[delivery.status] ?? 0) >= rank) {
    // Already on the delivery. A redelivered `delivered`/`read` (the workflow could not be told the
    // first time: Temporal was down, the webhook answered 5xx) is handed on again; telling twice is harmless.
    return rank >= 2 ? { ...notify(update.status as DeliveryReceipt['status']), outcome: 'stale' } : { outcome: 'stale' };
  }
  const at = update.at;
  await db
    .update(outboundDeliveries)
    .set({
      status: update.status as DeliveryStatus,
      providerMessageId,
      sentAt: delivery.sentAt ?? at,
      ...(rank >= 2 ? { deliveredAt: delivery.deliveredAt ?? at } : {}),
      ...(rank >= 3 ? { readAt: at } : {}),
      error: delivery.status === 'unknown' ? `settled by a '${update.status}' receipt` : delivery.error,
      updatedAt: sql`now()`,
    })
    .where(eq(outboundDeliveries.id, delivery.id));
  return notify(update.status as DeliveryReceipt['status']);
}

/** Telegram my_chat_member: a chat that blocked the bot is marked and never sent to again. */
export async function applyConversationChange(db: Database, change: ConversationStateChange): Promise<boolean> {
  const account = await requireAccount(db, change.channel, change.accountExternalId);
  const updated = await db
    .update(conversations)
    .set(
      change.blocked
        ? { blockedAt: change.at, blockedReason: change.reason, updatedAt: sql`now()` }
        : { blockedAt: null, blockedReason: null, updatedAt: sql`now()` },
    )
    .where(and(eq(conversations.channelAccountId, account.id), eq(conversations.externalId, change.conversationExternalId)))
    .returning({ id: conversations.id });
  await recordEvent(db, {
    channel: change.channel,
    channelAccountId: account.id,
    kind: change.blocked ? 'conversation_blocked' : 'conversation_unblocked',
    outcome: 'state',
    reason: `${change.reason} (conversation ${change.conversationExternalId})`,
    payload: change,
  });
  return updated.length > 0;
}

export async function recordIgnored(db: Database, event: IgnoredEvent): Promise<void> {
  const account = event.accountExternalId ? await findAccount(db, event.channel, event.accountExternalId) : undefined;
  await recordEvent(db, {
    channel: event.channel,
    channelAccountId: account?.id,
    eventId: event.eventId,
    kind: event.kind,
    outcome: event.outcome,
    reason: event.reason,
    payload: event.raw,
  });
}

export async function recordEvent(
  db: Database,
  event: {
    channel: string;
    channelAccountId?: string;
    eventId?: string;
    kind: string;
    outcome: InboundEventOutcome;
    reason?: string;
    payload: unknown;
  },
): Promise<void> {
  await db.insert(inboundEvents).values(event).onConflictDoNothing();
}

/** The outcome recorded for an event id on an account, when it was seen before. */
export async function seenEvent(db: Database, channelAccountId: string, eventId: string): Promise<InboundEventOutcome | undefined> {
  const [row] = await db
    .select({ outcome: inboundEvents.outcome })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.channelAccountId, channelAccountId), eq(inboundEvents.eventId, eventId)));
  return row?.outcome;
}

export interface IngestSummary {
  received: number;
  duplicates: number;
  stored: number;
  ignored: number;
  rejected: number;
  statuses: number;
  changes: number;
  tasks: Array<{ taskId: string; workflowId: string; outcome: 'new' | 'duplicate' }>;
  /** Ratings of conversations (CSAT) among the messages; `counted` false for a question that had closed. */
  ratings: Array<{ externalId: string; surveyId?: string; score: number; counted: boolean }>;
}

export interface IngestDeps {
  db: Database;
  tasks: AgentTaskClient;
  log: Logger;
  /** Bounds each workflow start (Slack must be answered within 3 seconds). */
  startTimeoutMs?: number;
}

/**
 * Everything a parsed webhook carries. Messages are stored and started in parallel; the
 * first failure other than an unknown account is thrown (the platform will redeliver and
 * the messages already stored are found, not doubled). Unknown accounts throw last.
 */
export async function ingestParsed({ db, tasks, log, startTimeoutMs }: IngestDeps, parsed: ParsedInbound): Promise<IngestSummary> {
  const summary: IngestSummary = {
    received: 0,
    duplicates: 0,
    stored: 0,
    ignored: 0,
    rejected: 0,
    statuses: parsed.statuses.length,
    changes: parsed.conversationChanges.length,
    tasks: [],
    ratings: [],
  };
  const results = await Promise.allSettled(parsed.messages.map((m) => acceptInbound(db, tasks, m, startTimeoutMs)));
  const unknown = results.flatMap((r) => (r.status === 'rejected' && r.reason instanceof UnknownAccountError ? [r.reason] : []));
  const failed = results.find((r) => r.status === 'rejected' && !(r.reason instanceof UnknownAccountError));
  if (failed && failed.status === 'rejected') throw failed.reason;
  if (unknown.length > 0) throw unknown[0]!;

  for (const result of results) {
    if (result.status !== 'fulfilled') continue;
    const a = result.value;
    if (a.outcome === 'stored') {
      summary.stored += 1;
      continue;
    }
    if (a.outcome === 'rated') {
      summary.stored += 1;
      summary.ratings.push({ externalId: a.externalId, ...a.rating! });
      log.info({ externalId: a.externalId, surveyId: a.rating!.surveyId, score: a.rating!.score, counted: a.rating!.counted }, 'rating received');
      continue;
    }
    if (a.outcome === 'new') summary.received += 1;
    else summary.duplicates += 1;
    summary.tasks.push({ taskId: a.taskId!, workflowId: a.workflowId!, outcome: a.outcome });
    log.info({ taskId: a.taskId, workflowId: a.workflowId, outcome: a.outcome }, 'inbound accepted');
  }
  for (const status of parsed.statuses) {
    const { outcome, notify } = await applyStatus(db, status);
    log.info({ channel: status.channel, providerMessageId: status.providerMessageId, status: status.status, outcome }, 'delivery status');
    if (notify && (await tasks.receipt(notify.workflowId, notify.receipt)) === 'closed' && notify.receipt.status === 'failed') {
      // Rare: the failure came after the task's wait for receipts (DELIVERY_RECEIPT_WAIT) was over.
      // The delivery shows it; the task keeps the status its workflow ended with.
      await recordEvent(db, {
        channel: status.channel,
        channelAccountId: notify.accountId,
        kind: 'status.failed',
        outcome: 'state',
        reason: `part ${notify.receipt.part} of task ${notify.taskId} was not delivered (${notify.receipt.reason}); the task had already ended, so its status stays`,
        payload: status,
      });
      log.warn({ channel: status.channel, taskId: notify.taskId, part: notify.receipt.part }, 'delivery failed after its task ended');
    }
    if (outcome === 'unmatched') {
      await recordIgnored(db, {
        channel: status.channel,
        accountExternalId: status.accountExternalId,
        kind: `status.${status.status}`,
        outcome: 'ignored',
        reason: `receipt for message ${status.providerMessageId}, which agent-tasks did not send`,
        raw: status,
      });
    }
  }
  for (const change of parsed.conversationChanges) {
    await applyConversationChange(db, change);
    log.info({ channel: change.channel, conversation: change.conversationExternalId, blocked: change.blocked }, change.reason);
  }
  for (const event of parsed.ignored) {
    await recordIgnored(db, event);
    if (event.outcome === 'rejected') summary.rejected += 1;
    else summary.ignored += 1;
    log[event.outcome === 'rejected' ? 'warn' : 'info']({ channel: event.channel, kind: event.kind, eventId: event.eventId }, event.reason);
  }
  return summary;
}
