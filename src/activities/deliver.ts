/**
 * deliver: sends the reply, exactly once as far as the channel allows.
 *
 * Each part has one outbound_deliveries row, unique per (task, part). The row is claimed
 * (`sending`) before the provider is called and marked `sent` with the provider's id
 * after. A retry or re-run that finds a part `sent` skips it; one that finds it still
 * `sending` from an earlier attempt cannot know whether the platform got it, so it marks
 * the part `unknown` and stops rather than risk a second copy. README: "Delivery exactly once".
 */
import { ApplicationFailure } from '@temporalio/activity';
import { and, desc, eq, gt, gte, isNull, ne, sql } from 'drizzle-orm';
import type { Channels } from '../channels';
import type { ChannelKind, ChannelSender, OutboundText } from '../channels/types';
import { ChannelSendError } from '../channels/types';
import type { Database } from '../db';
import {
  agentTasks,
  conversations,
  DELIVERY_PURPOSES,
  escalations,
  MAX_PARTS,
  messages,
  outboundDeliveries,
  PLACEHOLDER_PART,
  type DeliveryPurpose,
  type SentTemplate,
} from '../db/schema';
import { ChannelNotConfiguredError, DeliveryOutcomeUnknownError, PermanentSendFailureError, RecipientBlockedError } from '../errors';
import { planForTask, type PlannedTemplate, type TemplateChoice } from '../channels/reengagement';
import { DEFAULT_WINDOW_MS } from '../channels/window';
import { recordStep } from './tool-calls';
import { loadTaskContext, type TaskContext } from './task-context';
import type { DeliverResult } from './types';

export interface DeliverDeps {
  db: Database;
  channels: Channels;
  /** DELIVERY_RECEIPT_WAIT in ms: how long a task waits for the receipts of what it sent (0: not at all). */
  receiptWaitMs?: number;
  /** WHATSAPP_WINDOW in ms: past it only an approved template reaches the customer (src/channels/reengagement.ts). */
  windowMs?: number;
}

export type Delivery = typeof outboundDeliveries.$inferSelect;

export interface DeliverOptions {
  /** The template a person chose for their reply, used once the window has closed (else the namespace's). */
  template?: TemplateChoice;
}
const DONE: ReadonlySet<string> = new Set(['sent', 'delivered', 'read']);

/** Choices sent with a message (the rating question's 1-5). */
export type Buttons = Pick<OutboundText, 'choices' | 'choiceButton'>;

/** The sending machinery, shared by deliver and the hand-off activities. */
export function createOutbound({ db, channels, receiptWaitMs = 0, windowMs = DEFAULT_WINDOW_MS }: DeliverDeps) {
  /** Claims a part for this attempt; returns the row, or undefined when it was already sent. */
  async function claim(ctx: TaskContext, part: number, text: string, attempt: number, template?: SentTemplate): Promise<Delivery | undefined> {
    const [inserted] = await db
      .insert(outboundDeliveries)
      .values({
        taskId: ctx.task.id,
        part,
        channel: ctx.task.channel,
        channelAccountId: ctx.account.id,
        recipient: ctx.conversation.externalId,
        text,
        status: 'sending',
        attempt,
        template: template ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (inserted) return inserted;

    const [existing] = await db
      .select()
      .from(outboundDeliveries)
      .where(and(eq(outboundDeliveries.taskId, ctx.task.id), eq(outboundDeliveries.part, part)));
    if (!existing) throw new Error(`delivery part ${part} vanished while being claimed`);
    if (DONE.has(existing.status)) return undefined;
    if (existing.status === 'failed') {
      // An earlier attempt was refused before anything was sent: safe to claim again.
      const [reclaimed] = await db
        .update(outboundDeliveries)
        .set({ status: 'sending', attempt, error: null, updatedAt: sql`now()` })
        .where(and(eq(outboundDeliveries.id, existing.id), eq(outboundDeliveries.status, 'failed')))
        .returning();
      if (reclaimed) return reclaimed;
    }
    await markUnknown(existing.id, `part ${part} was left '${existing.status}' by attempt ${existing.attempt}`);
    throw new DeliveryOutcomeUnknownError(
      `part ${part} of the reply may already have been sent (attempt ${existing.attempt} did not record the outcome); not sending it again`,
    );
  }

  async function markUnknown(id: string, reason: string): Promise<void> {
    await db
      .update(outboundDeliveries)
      .set({ status: 'unknown', error: reason, updatedAt: sql`now()` })
      .where(eq(outboundDeliveries.id, id));
  }

  async function markSent(ctx: TaskContext, delivery: Delivery, providerMessageId: string): Promise<void> {
    await db.transaction(async (tx) => {
      await tx
        .update(outboundDeliveries)
        // The platform's receipt can come before this: a `delivered`, `read` or `failed` stays.
        .set({
          status: sql`case when ${outboundDeliveries.status} in ('delivered', 'read', 'failed') then ${outboundDeliveries.status} else 'sent' end`,
          providerMessageId,
          sentAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(eq(outboundDeliveries.id, delivery.id));
      await tx
        .insert(messages)
        .values({
          conversationId: ctx.conversation.id,
          channelAccountId: ctx.account.id,
          direction: 'outbound',
          externalId: providerMessageId,
          kind: 'text',
          text: delivery.text,
          payload: { taskId: ctx.task.id, part: delivery.part },
          sentAt: sql`now()`,
        })
        .onConflictDoNothing();
    });
  }

  async function sendPart(
    ctx: TaskContext,
    sender: ChannelSender,
    token: string,
    delivery: Delivery,
    replaceProviderMessageId?: string,
    template?: PlannedTemplate,
    buttons?: Buttons,
  ): Promise<string> {
    try {
      const { providerMessageId } = await sender.send({
        ...(template ? { template } : {}),
        ...buttons,
        accountExternalId: ctx.account.externalId,
        token,
        to: delivery.recipient,
        text: delivery.text,
        replyToExternalId: delivery.part % MAX_PARTS === 0 ? (ctx.message.externalId ?? undefined) : undefined,
        deliveryId: delivery.id,
        replaceProviderMessageId,
      });
      await markSent(ctx, delivery, providerMessageId);
      return providerMessageId;
    } catch (err) {
      if (!(err instanceof ChannelSendError)) {
        await markUnknown(delivery.id, describe(err));
        throw new DeliveryOutcomeUnknownError(`part ${delivery.part}: ${describe(err)}`);
      }
      if (!err.details.notSent) {
        await markUnknown(delivery.id, err.message);
        throw new DeliveryOutcomeUnknownError(`part ${delivery.part}: ${err.message}`);
      }
      await db
        .update(outboundDeliveries)
        .set({ status: 'failed', error: err.message, updatedAt: sql`now()` })
        .where(eq(outboundDeliveries.id, delivery.id));
      if (err.details.blocked) {
        await markBlocked(ctx, err.message);
        throw new RecipientBlockedError(err.message);
      }
      if (!err.details.retryable) throw new PermanentSendFailureError(err.message);
      throw ApplicationFailure.create({
        type: 'ChannelSendRetryable',
        message: err.message,
        nextRetryDelay: err.details.retryAfterMs,
      });
    }
  }

  /** The platform said this conversation cannot be written to: never try it again. */
  async function markBlocked(ctx: TaskContext, reason: string): Promise<void> {
    await db
      .update(conversations)
      .set({ blockedAt: sql`now()`, blockedReason: reason, updatedAt: sql`now()` })
      .where(eq(conversations.id, ctx.conversation.id));
  }

  /**
   * The placeholder posted when the task started (Slack), which the task's first message
   * replaces (the answer, or the hand-off notice); undefined once another part holds it.
   */
  async function placeholderId(ctx: TaskContext, firstPart: number): Promise<string | undefined> {
    const rows = await db
      .select({ part: outboundDeliveries.part, status: outboundDeliveries.status, providerMessageId: outboundDeliveries.providerMessageId })
      .from(outboundDeliveries)
      .where(eq(outboundDeliveries.taskId, ctx.task.id));
    if (rows.some((r) => r.part >= 0 && r.part < firstPart)) return undefined;
    const placeholder = rows.find((r) => r.part === PLACEHOLDER_PART);
    return placeholder?.status === 'sent' ? (placeholder.providerMessageId ?? undefined) : undefined;
  }

  /**
   * Stale-response protection: a newer message in the conversation has its own task, which
   * answers with this one in context. Only before any part of this reply went out.
   */
  async function supersededBy(ctx: TaskContext): Promise<string | undefined> {
    const [claimed] = await db
      .select({ id: outboundDeliveries.id })
      .from(outboundDeliveries)
      .where(and(eq(outboundDeliveries.taskId, ctx.task.id), gte(outboundDeliveries.part, 0)))
      .limit(1);
    if (claimed) return undefined;
    const [newer] = await db
      .select({ id: agentTasks.id })
      .from(agentTasks)
      .innerJoin(messages, eq(messages.id, agentTasks.messageId))
      .where(
        and(
          eq(agentTasks.conversationId, ctx.task.conversationId),
          ne(agentTasks.id, ctx.task.id),
          // A task that joined an open escalation answers nothing itself.
          isNull(agentTasks.joinedEscalationId),
          // Compared in SQL: created_at has microseconds, a JS Date only milliseconds.
          gt(messages.createdAt, sql`(select ${messages.createdAt} from ${messages} where ${messages.id} = ${ctx.message.id})`),
        ),
      )
      .orderBy(desc(messages.createdAt))
      .limit(1);
    return newer?.id;
  }

  /**
   * Sends `text` as the task's message for `purpose`, each part claimed once (see the top of this file).
   * Once WhatsApp's window has closed it goes out as the namespace's re-engagement template (or the one
   * `choice` names), in one part; with no template that fits, nothing is sent (PermanentSendFailure).
   */
  async function sendText(ctx: TaskContext, text: string, purpose: DeliveryPurpose, attempt: number, choice?: TemplateChoice, buttons?: Buttons) {
    const sender = channels.senders[ctx.task.channel as ChannelKind];
    if (!sender) throw new ChannelNotConfiguredError(`no outbound adapter for channel ${ctx.task.channel}`);
    const { token } = channels.secrets(ctx.account);
    if (!token) {
      throw new ChannelNotConfiguredError(`${ctx.task.channel} account ${ctx.account.externalId} has no access token`);
    }
    if (ctx.conversation.blockedAt) {
      throw new RecipientBlockedError(`conversation ${ctx.conversation.externalId} cannot be written to: ${ctx.conversation.blockedReason ?? 'blocked'}`);
    }
    const plan = await planForTask(db, ctx, text, choice, windowMs);
    if (plan.mode === 'refused') throw new PermanentSendFailureError(`not sent: ${plan.problems.join('; ')}`);
    const template = plan.mode === 'template' ? plan.template : undefined;
    const base = DELIVERY_PURPOSES[purpose];
    // A message with buttons goes as one part: the buttons belong to its text.
    const parts = plan.mode === 'template' ? [plan.text] : sender.formatText(text).slice(0, buttons ? 1 : MAX_PARTS);
    const replaces = sender.placeholderText ? await placeholderId(ctx, base) : undefined;
    const providerMessageIds: string[] = [];
    let skipped = 0;
    for (const [index, partText] of parts.entries()) {
      const delivery = await claim(
        ctx,
        base + index,
        partText,
        attempt,
        template && { name: template.name, language: template.language, parameters: template.parameters },
      );
      if (!delivery) {
        skipped += 1;
        continue;
      }
      providerMessageIds.push(await sendPart(ctx, sender, token, delivery, index === 0 ? replaces : undefined, template, template ? undefined : buttons));
    }
    const receipts = sender.reportsDelivery && receiptWaitMs > 0 && providerMessageIds.length > 0 ? { receiptWaitMs } : {};
    return { parts: parts.length, providerMessageIds, skipped, ...(template ? { template: template.name } : {}), ...receipts };
  }

  return {
    sendText,

    /**
     * Sends the task's answer (or, with `purpose`, a human's reply, a notice). Only an answer
     * gives way: to a newer message's task, or to a human who holds the conversation.
     */
    async deliver(taskId: string, text: string, purpose: DeliveryPurpose = 'answer', options: DeliverOptions = {}): Promise<DeliverResult> {
      return recordStep(
        db,
        taskId,
        'deliver',
        { chars: text.length, purpose, ...(options.template ? { template: options.template.name } : {}) },
        async (attempt) => {
          const ctx = await loadTaskContext(db, taskId);
          if (purpose === 'answer') {
            const newer = await supersededBy(ctx);
            if (newer) {
              const value: DeliverResult = {
                attempt,
                detail: `not sent: a newer message in the conversation (task ${newer}) answers with this one in context`,
                parts: 0,
                providerMessageIds: [],
                supersededBy: newer,
              };
              return { value, summary: { supersededBy: newer } };
            }
            const escalation = await openEscalationIn(db, ctx.task.conversationId, ctx.task.id);
            if (escalation) {
              await joinEscalation(db, taskId, escalation.id);
              const value: DeliverResult = {
                attempt,
                detail: `not sent: a person holds this conversation (escalation of task ${escalation.taskId}); joined it`,
                parts: 0,
                providerMessageIds: [],
                joinedEscalation: escalation.id,
              };
              return { value, summary: { joinedEscalation: escalation.id, escalatedTask: escalation.taskId } };
            }
          }
          const { parts, providerMessageIds, skipped, receiptWaitMs, template } = await sendText(ctx, text, purpose, attempt, options.template);
          const value: DeliverResult = {
            attempt,
            detail: `${purpose === 'answer' ? '' : `${purpose}: `}${parts} part(s) to ${ctx.task.channel}${template ? ` as template ${template} (the window had closed)` : ''}${skipped ? `, ${skipped} already sent` : ''}`,
            parts,
            providerMessageIds,
            ...(receiptWaitMs ? { receiptWaitMs } : {}),
          };
          return { value, summary: { purpose, parts, sent: providerMessageIds.length, skipped, ...(template ? { template } : {}) } };
        },
      );
    },
  };
}

export function createDeliverActivities(deps: DeliverDeps) {
  const { deliver } = createOutbound(deps);
  return { deliver };
}

/** While another task's escalation is open in the conversation, the conversation is the human's. */
export async function openEscalationIn(db: Database, conversationId: string, exceptTaskId: string): Promise<{ id: string; taskId: string } | undefined> {
  const [open] = await db
    .select({ id: escalations.id, taskId: escalations.taskId })
    .from(escalations)
    .where(
      and(
        eq(escalations.conversationId, conversationId),
        eq(escalations.kind, 'escalation'),
        eq(escalations.status, 'open'),
        ne(escalations.taskId, exceptTaskId),
      ),
    )
    .limit(1);
  return open;
}

/** Marks a task as part of another task's open escalation: the human answers it there. */
export async function joinEscalation(db: Database, taskId: string, escalationId: string): Promise<void> {
  await db
    .update(agentTasks)
    .set({
      joinedEscalationId: escalationId,
      updatedAt: sql`now()`,
    })
    .where(eq(agentTasks.id, taskId));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
