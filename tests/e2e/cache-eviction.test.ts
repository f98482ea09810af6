/**
 * A bounded sticky cache (WORKER_MAX_CACHED_WORKFLOWS): tasks waiting on people beyond it are
 * evicted from the worker's memory, and a person's decision still reaches each of them — the
 * workflow is replayed from its history, local steps included, and answers once.
 */
import { describe, expect, it } from 'vitest';
import { resolveEscalationSignal } from '../../src/workflows/agent-task';
import { json } from '../helpers/http';
import { ADMIN_KEY, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

const CACHE = 2;

describe('tasks waiting on people beyond the worker cache', () => {
  const stack = useTestSystem('pglite', { env: { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) } });
  const { taskOf, finished } = taskLookups(stack);

  it('when more tasks wait than the cache holds, then the worker keeps only the cache size and every evicted task still answers a decision once', async () => {
    const waiting: Array<{ id: string; from: string; taskId: string; workflowId: string }> = [];
    for (let i = 0; i < CACHE + 2; i += 1) {
      const id = wamid();
      const from = `4476${Math.floor(Math.random() * 1e8)}`;
      await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, from, text: 'I want to speak to a human' }));
      const task = await waitFor(async () => {
        const t = await taskOf(id);
        return t?.status === 'escalated' ? t : undefined;
      });
      waiting.push({ id, from, taskId: task.id, workflowId: task.workflowId });
    }
    // Four running workflows, two in memory: the two oldest were evicted.
    expect(stack.system.worker!.getStatus().numCachedWorkflows).toBe(CACHE);
    const replies = (from: string) => stack.graph.sent().filter((r) => r.body.to === from && r.body.text?.body?.startsWith('Evicted'));

    // The oldest two were evicted: one answered through the API (an Update), one by signal.
    const [first, second] = waiting;
    const res = await fetch(`${stack.system.url}/api/v1/agent-tasks/${first!.taskId}/escalation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'reply', text: 'Evicted, and still answered.', agent: 'sam' }),
    });
    expect(res.status).toBe(200);
    expect((await json(res)).outcome).toMatchObject({ status: 'delivered', sent: true });
    await stack.system.client.workflow
      .getHandle(second!.workflowId)
      .signal(resolveEscalationSignal, { action: 'reply', text: 'Evicted, answered by signal.', agent: 'lee' });
    expect(await finished(second!.id)).toMatchObject({ status: 'delivered' });
    expect(await finished(first!.id)).toMatchObject({ status: 'delivered' });
    expect(replies(first!.from).map((r) => r.body.text.body)).toEqual(['Evicted, and still answered.']);
    expect(replies(second!.from).map((r) => r.body.text.body)).toEqual(['Evicted, answered by signal.']);
    expect(stack.system.worker!.getStatus().numCachedWorkflows).toBeLessThanOrEqual(CACHE);
  });
});
