/**
 * WhatsApp end to end through the workflow: batches of every kind of message, read
 * receipts, delivery statuses, and the failures Meta documents (429, 5xx, 131047).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { agentToolCalls, inboundEvents, messages, outboundDeliveries } from '../../src/db/schema';
import { UNREADABLE_REPLY } from '../../src/llm/offline';
import { json } from '../helpers/http';
import { taskLookups } from '../helpers/tasks';
import { ADMIN_KEY, useTestSystem } from '../helpers/system';
import { message, postWebhook, status, wamid, webhookWith } from '../../testkit/whatsapp';

describe('WhatsApp, every way in and out', () => {
  const stack = useTestSystem('postgres');

  const { taskOf, finished } = taskLookups(stack);
  const deliveriesOf = (taskId: string) => stack.database.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, taskId));

  it('when one POST carries text, an uncaptioned image, a reaction, an unknown type and a malformed message, then each is handled on purpose', async () => {
    const [text, image, reaction, unknown] = [wamid(), wamid(), wamid(), wamid()];
    const from = `4917${Math.floor(Math.random() * 1e8)}`;
    const before = stack.graph.sent().length;
    const res = await postWebhook(
      stack.system.url!,
      webhookWith(
        stack.system.phoneNumberId,
        {
          messages: [
            // Different customers: one customer's burst would get one reply (see burst.test.ts).
            message('text', { body: 'hello' }, { id: text, from }),
            message('image', { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'x' }, { id: image, from: `${from}1` }),
            message('reaction', { message_id: 'wamid.earlier', emoji: '❤️' }, { id: reaction, from: `${from}2` }),
            message('unknown', undefined, { id: unknown, from: `${from}3` }),
            { from, type: 'text', text: { body: 'no id' } },
          ],
        },
        from,
      ),
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ received: 3, duplicates: 0, stored: 1, statuses: 0, ignored: 0, rejected: 1 });

    const results = await Promise.all([text, image, unknown].map(finished));
    expect(results.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const replies = (await stack.graph.waitForSent(before + 3)).slice(before);
    const byContext = new Map(replies.map((r) => [r.body.context.message_id as string, r.body.text.body as string]));
    expect(byContext.get(text)).toBe('Hello! How can I help you today?');
    expect(byContext.get(image)).toMatch(/^Thanks for the image\. I can't look at files like that yet/);
    expect(byContext.get(unknown)).toBe(UNREADABLE_REPLY);

    // The reaction is on record but has no task; the malformed message is on record as rejected.
    const [stored] = await stack.database.db.select().from(messages).where(eq(messages.externalId, reaction));
    expect(stored).toMatchObject({ kind: 'reaction', text: '❤️', replyToExternalId: 'wamid.earlier' });
    expect(await taskOf(reaction)).toBeUndefined();
    const rejected = await stack.database.db
      .select()
      .from(inboundEvents)
      .where(and(eq(inboundEvents.outcome, 'rejected'), eq(inboundEvents.channel, 'whatsapp')));
    expect(rejected.some((e) => (e.payload as { text?: { body?: string } }).text?.body === 'no id')).toBe(true);

    // Each answered message was marked read when its task started; the image's media id is kept.
    const readIds = stack.graph.readReceipts().map((r) => r.body.message_id as string);
    expect(readIds).toEqual(expect.arrayContaining([text, image, unknown]));
    expect(readIds).not.toContain(reaction);
    const [imageRow] = await stack.database.db.select().from(messages).where(eq(messages.externalId, image));
    expect(imageRow!.attachments).toEqual([{ type: 'image', mediaId: '1479537139650973', mimeType: 'image/jpeg' }]);

    // The media URL is looked up only when a person asks for the file, and the bytes come through.
    const mediaLookups = () => stack.graph.requests.filter((r) => r.method === 'GET' && r.path === '/v21.0/1479537139650973');
    expect(mediaLookups()).toHaveLength(0);
    const imageTask = (await taskOf(image))!;
    const file = await fetch(`${stack.system.url}/api/v1/agent-tasks/${imageTask.id}/attachments/0`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^image\/jpeg/);
    expect(await file.text()).toBe('fake-bytes-of-1479537139650973');
    expect(mediaLookups()).toHaveLength(1);
    const none = await fetch(`${stack.system.url}/api/v1/agent-tasks/${imageTask.id}/attachments/3`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(none.status).toBe(404);
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.graph.sent().length).toBe(before + 3);
  });

  it('when statuses arrive out of order, then the delivery moves forward only and the task shows it', async () => {
    const id = wamid();
    await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { messages: [message('text', { body: 'hi' }, { id })] }));
    await finished(id);
    const task = (await taskOf(id))!;
    const [delivery] = await deliveriesOf(task.id);
    const wa = delivery!.providerMessageId!;

    const res = await postWebhook(
      stack.system.url!,
      webhookWith(stack.system.phoneNumberId, { statuses: [status(wa, 'read'), status(wa, 'delivered'), status(wa, 'sent')] }),
    );
    expect(await json(res)).toMatchObject({ statuses: 3, ignored: 0 });
    const [after] = await deliveriesOf(task.id);
    expect(after).toMatchObject({ status: 'read' });
    expect(after!.readAt).toBeInstanceOf(Date);
    expect(after!.deliveredAt).toBeInstanceOf(Date);

    const api = await fetch(`${stack.system.url}/api/v1/agent-tasks/${task.id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect((await json(api)).deliveries[0]).toMatchObject({ status: 'read', providerMessageId: wa });

    // A receipt for a message agent-tasks never sent is recorded, not lost.
    const stranger = wamid();
    const unmatched = await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { statuses: [status(stranger, 'delivered')] }));
    expect(unmatched.status).toBe(200);
    const events = await stack.database.db.select().from(inboundEvents).where(eq(inboundEvents.kind, 'status.delivered'));
    expect(events.some((e) => (e.reason ?? '').includes(stranger))).toBe(true);
  });

  it('when a failed status with 131047 arrives after the task ended, then the delivery is failed with the reason, the task keeps its status and the event says so', async () => {
    // This system waits for no receipts (DELIVERY_RECEIPT_WAIT 0s): the workflow has ended. The
    // failure while it still waits is in whatsapp-receipts.test.ts.
    const id = wamid();
    await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { messages: [message('text', { body: 'hi' }, { id })] }));
    await finished(id);
    const task = (await taskOf(id))!;
    const [delivery] = await deliveriesOf(task.id);
    const failed = status(delivery!.providerMessageId!, 'failed', {
      biz_opaque_callback_data: delivery!.id,
      errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed.' } }],
    });
    expect((await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { statuses: [failed] }))).status).toBe(200);

    const [after] = await deliveriesOf(task.id);
    expect(after).toMatchObject({ status: 'failed', errorCode: '131047' });
    expect(after!.error).toMatch(/131047 \(Re-engagement message\): more than 24 hours have passed since the customer last wrote/);
    expect((await taskOf(id))!.status).toBe('delivered');
    const events = await stack.database.db
      .select()
      .from(inboundEvents)
      .where(and(eq(inboundEvents.kind, 'status.failed'), eq(inboundEvents.outcome, 'state')));
    expect(events.some((e) => (e.reason ?? '').includes(`part 0 of task ${task.id} was not delivered`))).toBe(true);
  });

  it('when the send itself is refused with 131047, then the task fails at once with the reason and nothing is retried', async () => {
    stack.graph.failNext(400, {
      error: {
        message: '(#131047) Re-engagement message',
        type: 'OAuthException',
        code: 131047,
        error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
      },
    });
    const before = stack.graph.sent().length;
    const id = wamid();
    await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { messages: [message('text', { body: 'hello' }, { id })] }));
    const result = await finished(id);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/PermanentSendFailureError: .*outside the customer service window/);
    expect(stack.graph.sent().length - before).toBe(1);
    const [delivery] = await deliveriesOf((await taskOf(id))!.id);
    expect(delivery).toMatchObject({ status: 'failed' });
  });

  it('when Meta answers 429 with Retry-After and then 5xx, then deliver waits, retries and the customer gets exactly one reply', async () => {
    stack.graph.failNext(429, { error: { message: 'Too many requests', code: 130429 } }, { 'retry-after': '1' });
    stack.graph.failNext(503, { error: { message: 'Service temporarily unavailable', code: 2 } });
    const before = stack.graph.sent().length;
    const id = wamid();
    await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { messages: [message('text', { body: 'hello' }, { id })] }));
    const result = await finished(id);
    expect(result.status).toBe('delivered');
    const attempts = stack.graph.sent().slice(before);
    expect(attempts).toHaveLength(3);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900); // Retry-After: 1 was honoured
    const task = (await taskOf(id))!;
    const calls = await stack.database.db
      .select({ attempt: agentToolCalls.attempt, status: agentToolCalls.status })
      .from(agentToolCalls)
      .where(and(eq(agentToolCalls.taskId, task.id), inArray(agentToolCalls.name, ['deliver'])));
    expect(calls.sort((a, b) => a.attempt - b.attempt)).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'failed' },
      { attempt: 3, status: 'succeeded' },
    ]);
    expect((await deliveriesOf(task.id)).filter((d) => d.status === 'sent')).toHaveLength(1);
  });
});
