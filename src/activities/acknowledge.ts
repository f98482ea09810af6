/**
 * When a task starts on an inbound message, the platform hears about it: WhatsApp marks
 * the message read, Telegram answers a button press (or shows "typing"), Slack gets a
 * placeholder in the thread that the answer replaces. All best effort: a failure here is
 * recorded on the step and never stops the answer.
 *
 * The placeholder is a side effect that must not be doubled by a retry: it is claimed as
 * delivery part PLACEHOLDER_PART before it is posted, like every other outbound part.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Channels } from '../channels';
import { ChannelSendError, type ChannelKind } from '../channels/types';
import type { Database } from '../db';
import { outboundDeliveries, PLACEHOLDER_PART } from '../db/schema';
import type { TaskContext } from './task-context';

export interface AcknowledgeDeps {
  db: Database;
  channels: Channels;
}

export async function acknowledgeInbound({ db, channels }: AcknowledgeDeps, ctx: TaskContext, attempt: number): Promise<string[]> {
  const sender = channels.senders[ctx.task.channel as ChannelKind];
  const { token } = channels.secrets(ctx.account);
  if (!sender || !token) return ['no outbound adapter or token: nothing acknowledged'];
  if (ctx.conversation.blockedAt) return ['conversation blocked: nothing acknowledged'];
  const done: string[] = [];

  if (sender.acknowledge && ctx.message.externalId) {
    try {
      const what = await sender.acknowledge({
        accountExternalId: ctx.account.externalId,
        token,
        kind: ctx.message.kind,
        externalId: ctx.message.externalId,
        conversationExternalId: ctx.conversation.externalId,
        raw: ctx.message.payload,
      });
      if (what) done.push(what);
    } catch (err) {
      done.push(`acknowledge failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  if (sender.placeholderText) {
    const [claimed] = await db
      .insert(outboundDeliveries)
      .values({
        taskId: ctx.task.id,
        part: PLACEHOLDER_PART,
        channel: ctx.task.channel,
        channelAccountId: ctx.account.id,
        recipient: ctx.conversation.externalId,
        text: sender.placeholderText,
        status: 'sending',
        attempt,
      })
      .onConflictDoNothing()
      .returning();
    if (!claimed) {
      done.push('placeholder already posted');
      return done;
    }
    try {
      const { providerMessageId } = await sender.send({
        accountExternalId: ctx.account.externalId,
        token,
        to: claimed.recipient,
        text: claimed.text,
        deliveryId: claimed.id,
      });
      await db
        .update(outboundDeliveries)
        .set({ status: 'sent', providerMessageId, sentAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(outboundDeliveries.id, claimed.id)));
      done.push('placeholder posted');
    } catch (err) {
      const notSent = err instanceof ChannelSendError && err.details.notSent;
      await db
        .update(outboundDeliveries)
        .set({ status: notSent ? 'failed' : 'unknown', error: err instanceof Error ? err.message : String(err), updatedAt: sql`now()` })
        .where(eq(outboundDeliveries.id, claimed.id));
      done.push(`placeholder failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return done;
}
