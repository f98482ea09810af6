/**
 * AgentTaskWorkflow: one execution per inbound message.
 *
 *   inject_profile → rag_search → generate → confidence_check → deliver
 *
 * Orchestration only: every step is an activity that records itself as a tool call; this
 * file keeps the step list for the `progress` query, the task status (in the database via
 * record_status, and in the AgentTaskStatus search attribute), and the route taken.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { StepName, StepResult } from '../activities/types';
import type { Route, TaskStatus } from '../db/schema';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';
import { AgentTaskStatus } from '../temporal/search-attributes';

export interface AgentTaskInput {
  taskId: string;
  namespace: string;
  channel: string;
  conversationId: string;
}

export type StepStatus = 'running' | 'succeeded' | 'failed';

export interface StepProgress {
  name: StepName;
  status: StepStatus;
  startedAt: string;
  finishedAt: string | null;
  attempt: number;
  detail: string | null;
}

export interface Progress {
  taskId: string;
  status: TaskStatus;
  route: Route | null;
  steps: StepProgress[];
}

export interface AgentTaskResult {
  taskId: string;
  status: TaskStatus;
  route: Route | null;
  error?: string;
}

/** Query `progress`: the task's status, route and each step so far. */
export const progressQuery = defineQuery<Progress>('progress');

const retry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 8,
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

const steps = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry });
const model = proxyActivities<Activities>({ startToCloseTimeout: '2m', retry });
const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s', retry });

export async function AgentTaskWorkflow(input: AgentTaskInput): Promise<AgentTaskResult> {
  const progress: Progress = { taskId: input.taskId, status: 'queued', route: null, steps: [] };
  setHandler(progressQuery, () => progress);

  async function setStatus(status: TaskStatus, error?: string): Promise<void> {
    progress.status = status;
    upsertSearchAttributes([{ key: AgentTaskStatus, value: status }]);
    await local.record_status(input.taskId, { status, route: progress.route ?? undefined, error });
  }

  async function step<T extends StepResult>(name: StepName, run: () => Promise<T>): Promise<T> {
    const entry: StepProgress = {
      name,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      attempt: 1,
      detail: null,
    };
    progress.steps.push(entry);
    try {
      const result = await run();
      Object.assign(entry, { status: 'succeeded', attempt: result.attempt, detail: result.detail });
      return result;
    } catch (err) {
      Object.assign(entry, { status: 'failed', detail: failureMessage(err) });
      throw err;
    } finally {
      entry.finishedAt = new Date().toISOString();
    }
  }

  try {
    await setStatus('running');
    const profile = await step('inject_profile', () => steps.inject_profile(input.taskId));
    const rag = await step('rag_search', () => steps.rag_search(input.taskId, profile.message.text));
    const draft = await step('generate', () => model.generate(input.taskId, profile, rag));
    const gate = await step('confidence_check', () => steps.confidence_check(input.taskId, draft, rag));
    progress.route = gate.route;
    if (gate.route !== 'deliver') {
      throw ApplicationFailure.nonRetryable(`route ${gate.route} is not available yet`, 'RouteNotAvailable');
    }
    const delivered = await step('deliver', () => steps.deliver(input.taskId, draft.draft));
    // Superseded by a newer message in the conversation: that task answers both.
    const final: TaskStatus = delivered.supersededBy ? 'closed' : 'delivered';
    await setStatus(final);
    return { taskId: input.taskId, status: final, route: progress.route };
  } catch (err) {
    const error = failureMessage(err);
    await setStatus('failed', error);
    return { taskId: input.taskId, status: 'failed', route: progress.route, error };
  }
}

/** The innermost message of a failure chain (an activity failure wraps its cause). */
function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return failureMessage(err.cause);
  if (err instanceof ApplicationFailure && err.type) return `${err.type}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
