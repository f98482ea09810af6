/**
 * AgentTaskWorkflow on the real dev server with the real activities: progress, search
 * attributes, tool-call rows per attempt, and delivery under retries and failures.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { agentTasks, agentToolCalls, outboundDeliveries } from '../../src/db/schema';
import { AgentChannel, AgentNamespace, AgentTaskStatus, ConversationId } from '../../src/temporal/search-attributes';
import { progressQuery } from '../../src/workflows/agent-task';
import { useTestSystem, waitFor } from '../helpers/system';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

describe('AgentTaskWorkflow', () => {
  const stack = useTestSystem('postgres');

  /** Sends a webhook and returns the task row once stored. */
  async function inbound(text: string) {
    const id = wamid();
    const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, text }));
    expect(res.status).toBe(200);
    const workflowId = `agent-task:default:whatsapp:${id}`;
    const [task] = await stack.database.db.select().from(agentTasks).where(eq(agentTasks.workflowId, workflowId));
    return { task: task!, handle: stack.system.client.workflow.getHandle(workflowId) };
  }

  const toolCalls = (taskId: string) =>
    stack.database.db.select().from(agentToolCalls).where(eq(agentToolCalls.taskId, taskId)).orderBy(agentToolCalls.startedAt);
  const deliveries = (taskId: string) => stack.database.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, taskId));

  it('when a task completes, then progress lists every step in order and the search attributes say delivered', async () => {
    const { task, handle } = await inbound('hello');
    expect(await handle.result()).toEqual({ taskId: task.id, status: 'delivered', route: 'deliver' });

    const progress = await handle.query(progressQuery);
    expect(progress).toMatchObject({ taskId: task.id, status: 'delivered', route: 'deliver' });
    expect(progress.steps.map((s) => s.name)).toEqual(['inject_profile', 'rag_search', 'generate', 'confidence_check', 'deliver']);
    for (const step of progress.steps) {
      expect(step).toMatchObject({ status: 'succeeded', attempt: 1 });
      expect(Date.parse(step.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(step.startedAt));
      expect(step.detail).toBeTruthy();
    }

    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(AgentTaskStatus)).toBe('delivered');
    expect(typedSearchAttributes.get(AgentChannel)).toBe('whatsapp');
    expect(typedSearchAttributes.get(AgentNamespace)).toBe('default');
    expect(typedSearchAttributes.get(ConversationId)).toBe(task.conversationId);
  });

  it('when the Graph API fails once with a 5xx, then deliver retries, records both attempts and sends once', async () => {
    stack.graph.failNext(503, { error: { message: 'Service temporarily unavailable', code: 2 } });
    const before = stack.graph.sent().length;
    const { task, handle } = await inbound('hello');
    expect((await handle.result()).status).toBe('delivered');

    const calls = (await toolCalls(task.id)).filter((c) => c.name === 'deliver');
    expect(calls.map((c) => [c.attempt, c.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(calls[0]!.error).toContain('503');
    const progress = await handle.query(progressQuery);
    expect(progress.steps.at(-1)).toMatchObject({ name: 'deliver', status: 'succeeded', attempt: 2 });
    // two requests reached the API, one of which was refused: the customer got one message.
    expect(stack.graph.sent().length - before).toBe(2);
    expect(await deliveries(task.id)).toEqual([expect.objectContaining({ status: 'sent', attempt: 2 })]);
  });

  it('when the Graph API rejects the message for good, then the task fails without retrying', async () => {
    stack.graph.failNext(400, { error: { message: '(#131030) Recipient phone number not in allowed list', code: 131030 } });
    const before = stack.graph.sent().length;
    const { task, handle } = await inbound('hello');
    const result = await handle.result();
    expect(result.status).toBe('failed');
    expect(result.error).toContain('PermanentSendFailureError');
    expect(result.error).toContain('131030');
    expect(stack.graph.sent().length - before).toBe(1);

    const [stored] = await stack.database.db.select().from(agentTasks).where(eq(agentTasks.id, task.id));
    expect(stored).toMatchObject({ status: 'failed', error: expect.stringContaining('131030') });
    expect((await handle.describe()).typedSearchAttributes.get(AgentTaskStatus)).toBe('failed');
    expect(await deliveries(task.id)).toEqual([expect.objectContaining({ status: 'failed' })]);
  });

  it('when a send times out with its outcome unknown, then it is never sent again and the task fails visibly', async () => {
    stack.graph.hangNext();
    const before = stack.graph.sent().length;
    const { task, handle } = await inbound('hello');

    // While the request hangs, progress shows deliver running.
    const running = await waitFor(async () => {
      const p = await handle.query(progressQuery);
      return p.steps.at(-1)?.name === 'deliver' ? p : undefined;
    });
    expect(running).toMatchObject({ status: 'running' });
    expect(running.steps.at(-1)).toMatchObject({ status: 'running', finishedAt: null });

    const result = await handle.result();
    expect(result.status).toBe('failed');
    expect(result.error).toContain('DeliveryOutcomeUnknownError');
    await new Promise((r) => setTimeout(r, 1500)); // past the first retry interval
    expect(stack.graph.sent().length - before).toBe(1);
    expect(await deliveries(task.id)).toEqual([expect.objectContaining({ status: 'unknown' })]);
  });
});
