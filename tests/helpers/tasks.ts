/** Looking up the task an inbound message started, and waiting for its workflow to end. */
import { eq } from 'drizzle-orm';
import { agentTasks, messages } from '../../src/db/schema';
import type { AgentTaskResult } from '../../src/workflows/agent-task';
import { waitFor, type TestStack } from './system';

export function taskLookups(stack: TestStack) {
  const taskOf = async (externalId: string) => {
    const [row] = await stack.database.db
      .select({ task: agentTasks })
      .from(agentTasks)
      .innerJoin(messages, eq(messages.id, agentTasks.messageId))
      .where(eq(messages.externalId, externalId));
    return row?.task;
  };
  /** Waits for the message's task to exist, then for its workflow's result. */
  const finished = async (externalId: string): Promise<AgentTaskResult> => {
    const task = await waitFor(() => taskOf(externalId), 10_000, `task for ${externalId}`);
    return stack.system.client.workflow.getHandle(task.workflowId).result() as Promise<AgentTaskResult>;
  };
  /** Waits for the message's task to reach `status` (20 s), and returns its row. */
  const waitForStatus = (externalId: string, status: string) =>
    waitFor(
      async () => {
        const task = await taskOf(externalId);
        return task?.status === status ? task : undefined;
      },
      20_000,
      `task ${externalId} ${status}`,
    );
  return { taskOf, finished, waitForStatus };
}
