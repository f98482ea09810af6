/**
 * WhatsApp's delivery receipts reach the task's workflow, the only writer of the task's status:
 * a failed part fails the task (row and AgentTaskStatus), `delivered` for every part ends the
 * wait early, and the wait ends on its own when no receipt comes (DELIVERY_RECEIPT_WAIT).
 */
import { temporal } from '@temporalio/proto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outboundDeliveries } from '../../src/db/schema';
import { AgentTaskStatus } from '../../src/temporal/search-attributes';
import { deliveryReceiptSignal, progressQuery, type DeliveryReceipt } from '../../src/workflows/agent-task';
import { taskLookups } from '../helpers/tasks';
import { useTestSystem, waitFor } from '../helpers/system';
import { message, postWebhook, status, wamid, webhookWith } from '../../testkit/whatsapp';

const { EventType } = temporal.api.enums.v1;

describe('WhatsApp delivery receipts reach the workflow', () => {
  const stack = useTestSystem('postgres', { env: { DELIVERY_RECEIPT_WAIT: '30s' } });
  const { taskOf, finished, waitForStatus } = taskLookups(stack);
  const deliveriesOf = (taskId: string) => stack.database.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, taskId));

  /** Sends `text` and waits until the task's reply went out (the workflow then waits for its receipts). */
  async function delivered(text: string) {
    const id = wamid();
    const from = `4915${Math.floor(Math.random() * 1e8)}`;
    await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { messages: [message('text', { body: text }, { id, from })] }, from));
    const task = await waitForStatus(id, 'delivered');
    const handle = stack.system.client.workflow.getHandle(task.workflowId);
    const [delivery] = await deliveriesOf(task.id);
    return { id, task, handle, delivery: delivery! };
  }
  const eventTypes = async (workflowId: string) =>
    ((await stack.system.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).map((e) => e.eventType);

  it('when a failed receipt (131047) arrives while the task waits for receipts, then the workflow fails the task: row, search attribute and result', async () => {
    const { id, task, handle, delivery } = await delivered('hi');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await handle.query(progressQuery)).status).toBe('delivered');

    const failed = status(delivery.providerMessageId!, 'failed', {
      biz_opaque_callback_data: delivery.id,
      errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed.' } }],
    });
    expect((await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { statuses: [failed] }))).status).toBe(200);

    const result = await finished(id);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/part 0 was not delivered: WhatsApp error 131047/);
    const stored = (await taskOf(id))!;
    expect(stored.status).toBe('failed');
    expect(stored.error).toMatch(/part 0 was not delivered: WhatsApp error 131047/);
    expect((await deliveriesOf(task.id))[0]).toMatchObject({ status: 'failed', errorCode: '131047' });
    expect((await handle.describe()).typedSearchAttributes.get(AgentTaskStatus)).toBe('failed');
  });

  it('when a delivered receipt arrives for every part, then the workflow ends before its wait is over, delivered', async () => {
    const { id, task, delivery } = await delivered('hello');
    const receipt = status(delivery.providerMessageId!, 'delivered', { biz_opaque_callback_data: delivery.id });
    expect((await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { statuses: [receipt] }))).status).toBe(200);

    expect((await finished(id)).status).toBe('delivered');
    expect((await taskOf(id))!.status).toBe('delivered');
    // The wait's timer was cancelled by the receipt, not fired.
    const events = await eventTypes(task.workflowId);
    expect(events).toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    expect(events).toContain(EventType.EVENT_TYPE_TIMER_CANCELED);
    expect(events).not.toContain(EventType.EVENT_TYPE_TIMER_FIRED);
  });

  it('when a delivered receipt is redelivered after the workflow could not be told, then it is told then and ends', async () => {
    const { id, task, delivery } = await delivered('good evening');
    // The first webhook wrote the receipt, then could not signal (Temporal unreachable) and answered 5xx.
    await stack.database.db.update(outboundDeliveries).set({ status: 'delivered', deliveredAt: new Date() }).where(eq(outboundDeliveries.id, delivery.id));
    const receipt = status(delivery.providerMessageId!, 'delivered', { biz_opaque_callback_data: delivery.id });
    expect((await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { statuses: [receipt] }))).status).toBe(200);

    expect((await finished(id)).status).toBe('delivered');
    const events = await eventTypes(task.workflowId);
    expect(events).toContain(EventType.EVENT_TYPE_TIMER_CANCELED);
    expect(events).not.toContain(EventType.EVENT_TYPE_TIMER_FIRED);
  });

  it('when the platform sends its receipts like Meta does, then each task ends delivered once its receipt came', async () => {
    stack.graph.sendReceiptsTo(stack.system.url);
    try {
      const before = stack.graph.receiptsAccepted();
      const { id } = await delivered('good morning');
      expect((await finished(id)).status).toBe('delivered');
      expect(stack.graph.receiptsAccepted()).toBeGreaterThan(before);
    } finally {
      stack.graph.sendReceiptsTo(undefined);
    }
  });

  it('when only a sent receipt comes, or a signal that is not a receipt, then the task stays delivered and its workflow waits on', async () => {
    const { task, handle, delivery } = await delivered('hi there');
    const sent = status(delivery.providerMessageId!, 'sent', { biz_opaque_callback_data: delivery.id });
    expect((await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { statuses: [sent] }))).status).toBe(200);
    // Sent by hand (the CLI, the Web UI): a "failed" with no message id or part is not a receipt.
    await handle.signal(deliveryReceiptSignal, { status: 'failed', reason: 'made up' } as unknown as DeliveryReceipt);
    await new Promise((r) => setTimeout(r, 500));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await handle.query(progressQuery)).status).toBe('delivered');
    expect((await deliveriesOf(task.id))[0]!.status).toBe('sent');
    await handle.terminate('test over');
  });
});

describe('WhatsApp delivery receipts that never come', () => {
  const stack = useTestSystem('pglite', { env: { DELIVERY_RECEIPT_WAIT: '1s' } });
  const { finished } = taskLookups(stack);

  it('when no receipt comes, then the wait ends on its own and the task stays delivered', async () => {
    const id = wamid();
    await postWebhook(stack.system.url!, webhookWith(stack.system.phoneNumberId, { messages: [message('text', { body: 'hi' }, { id })] }));
    expect((await finished(id)).status).toBe('delivered');
    const task = await waitFor(() => taskLookups(stack).taskOf(id));
    const events = ((await stack.system.client.workflow.getHandle(task.workflowId).fetchHistory()).events ?? []).map((e) => e.eventType);
    expect(events).toContain(EventType.EVENT_TYPE_TIMER_FIRED);
    expect(task.status).toBe('delivered');
  });
});
