/**
 * The only module that calls `client.workflow.*`. It offers verbs over business ids and
 * tolerates workflows that are gone.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { AgentChannel, AgentNamespace, AgentTaskStatus, ConversationId } from '../temporal/search-attributes';
import { AGENT_TASK_WORKFLOW_TYPE } from '../temporal/ids';
import { progressQuery, type AgentTaskInput, type Progress } from '../workflows/agent-task';

export interface AgentTaskClient {
  /** Starts the task's workflow; a workflow with that id, running or closed, starts nothing new. */
  launch(workflowId: string, input: AgentTaskInput, timeoutMs?: number): Promise<'started' | 'already-started'>;
  /** Live progress, or undefined when the workflow is gone or cannot answer. */
  progress(workflowId: string): Promise<Progress | undefined>;
  /** Throws when the Temporal frontend cannot be reached. */
  ping(): Promise<void>;
}

/**
 * `startTimeoutMs` bounds a start: a webhook must fail fast (and be redelivered) rather
 * than hang while Temporal is unreachable.
 */
export function createAgentTaskClient(client: Client, taskQueue: string, startTimeoutMs = 5000): AgentTaskClient {
  return {
    async launch(workflowId, input, timeoutMs = startTimeoutMs) {
      try {
        const start = () => client.workflow.start(AGENT_TASK_WORKFLOW_TYPE, {
          taskQueue,
          workflowId,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: AgentTaskStatus, value: 'queued' },
            { key: AgentChannel, value: input.channel },
            { key: AgentNamespace, value: input.namespace },
            { key: ConversationId, value: input.conversationId },
          ],
        });
        await client.connection.withDeadline(Date.now() + timeoutMs, start);
        return 'started';
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
        throw err;
      }
    },
    async progress(workflowId) {
      try {
        return await client.workflow.getHandle(workflowId).query(progressQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
    async ping() {
      await client.connection.workflowService.getSystemInfo({});
    },
  };
}
