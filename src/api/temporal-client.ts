/**
 * The only module that calls `client.workflow.*`. It offers verbs over business ids and
 * tolerates workflows that are gone.
 */
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { AgentChannel, AgentNamespace, AgentTaskStatus, ConversationId } from '../temporal/search-attributes';
import { AGENT_TASK_WORKFLOW_TYPE } from '../temporal/ids';
import {
  decideApprovalUpdate,
  deliveryReceiptSignal,
  INVALID_DECISION,
  NOT_WAITING,
  progressQuery,
  resolveEscalationUpdate,
  type AgentTaskInput,
  type ApprovalDecision,
  type DeliveryReceipt,
  type EscalationResolution,
  type HumanOutcome,
  type Progress,
} from '../workflows/agent-task';

const GRPC_NOT_FOUND = 5;

/** The workflow would not take a person's decision: `reason` says why (for the API's 409/400). */
export class DecisionRefusedError extends Error {
  override name = 'DecisionRefusedError';
  constructor(
    message: string,
    readonly reason: 'not_waiting' | 'invalid' | 'finished',
  ) {
    super(message);
  }
}

export type HumanDecision = { kind: 'escalation'; decision: EscalationResolution } | { kind: 'approval'; decision: ApprovalDecision };

/** What an operator sees of a task in the Web UI's list and header: the memo and the summary. */
export interface TaskSummary {
  channel: string;
  /** The customer's name on the channel, or their id there. */
  contact: string;
  /** The first words of the message. */
  firstWords: string;
}

export interface LaunchOptions {
  timeoutMs?: number;
  summary?: TaskSummary;
}

/** The first words of a message, at most `max` characters, cut at a word. */
export function firstWords(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

export interface AgentTaskClient {
  /** Starts the task's workflow; a workflow with that id, running or closed, starts nothing new. */
  launch(workflowId: string, input: AgentTaskInput, options?: LaunchOptions): Promise<'started' | 'already-started'>;
  /** Live progress, or undefined when the workflow is gone or cannot answer. */
  progress(workflowId: string): Promise<Progress | undefined>;
  /**
   * Hands a person's decision to the waiting workflow (an Update) and answers once it has
   * been carried out; DecisionRefusedError when the workflow does not wait for it.
   */
  decide(workflowId: string, human: HumanDecision): Promise<HumanOutcome>;
  /** Hands a delivery receipt to the task's workflow; 'closed' when it has ended and cannot take it. */
  receipt(workflowId: string, receipt: DeliveryReceipt): Promise<'signalled' | 'closed'>;
  /** Throws when the Temporal frontend cannot be reached. */
  ping(): Promise<void>;
  /** Terminates a running task's workflow; a closed or unknown one is left as it is. */
  end(workflowId: string, reason: string): Promise<void>;
  /** Deletes a workflow execution and its history (the server does it in the background); gone already is fine. */
  remove(workflowId: string): Promise<void>;
}

/**
 * `startTimeoutMs` bounds a start: a webhook must fail fast (and be redelivered) rather
 * than hang while Temporal is unreachable.
 */
export function createAgentTaskClient(client: Client, taskQueue: string, startTimeoutMs = 5000): AgentTaskClient {
  return {
    async launch(workflowId, input, { timeoutMs = startTimeoutMs, summary } = {}) {
      try {
        const start = () =>
          client.workflow.start(AGENT_TASK_WORKFLOW_TYPE, {
            taskQueue,
            workflowId,
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            // The Web UI shows the memo in the workflow's details and the summary in its header.
            ...(summary
              ? {
                  memo: { channel: summary.channel, contact: summary.contact, firstWords: summary.firstWords },
                  staticSummary: `${summary.channel} · ${summary.contact}: "${summary.firstWords}"`,
                }
              : {}),
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
    async decide(workflowId, human) {
      const handle = client.workflow.getHandle(workflowId);
      try {
        return human.kind === 'escalation'
          ? await handle.executeUpdate(resolveEscalationUpdate, { args: [human.decision] })
          : await handle.executeUpdate(decideApprovalUpdate, { args: [human.decision] });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
          if (err.cause.type === NOT_WAITING) throw new DecisionRefusedError(err.cause.message, 'not_waiting');
          if (err.cause.type === INVALID_DECISION) throw new DecisionRefusedError(err.cause.message, 'invalid');
        }
        if (err instanceof WorkflowNotFoundError || /already completed/i.test((err as Error).message)) {
          throw new DecisionRefusedError('the task has finished', 'finished');
        }
        throw err;
      }
    },
    async receipt(workflowId, receipt) {
      try {
        await client.workflow.getHandle(workflowId).signal(deliveryReceiptSignal, receipt);
        return 'signalled';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'closed';
        throw err;
      }
    },
    async ping() {
      await client.connection.workflowService.getSystemInfo({});
    },
    async end(workflowId, reason) {
      try {
        await client.workflow.getHandle(workflowId).terminate(reason);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError || /already completed|not found/i.test((err as Error).message)) return;
        throw err;
      }
    },
    async remove(workflowId) {
      try {
        await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId } });
      } catch (err) {
        if ((err as { code?: number }).code === GRPC_NOT_FOUND || err instanceof WorkflowNotFoundError) return;
        throw err;
      }
    },
  };
}
