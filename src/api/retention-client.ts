/**
 * The retention cleanup's verbs on the Temporal client (as temporal-client.ts is for tasks): keep
 * its Schedule as configured, start a run now unless one runs already, read a run's progress.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowNotFoundError,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { RetentionSchedule } from '../config';
import { RETENTION_WORKFLOW_TYPE, retentionRunId, retentionScheduleId } from '../temporal/ids';
import type { RetentionCleanupWorkflow, RetentionInput, RetentionProgress } from '../workflows/retention';
import { retentionProgressQuery } from '../workflows/retention';

const QUERY_TIMEOUT_MS = 5_000;

export interface RetentionRun {
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  status: string;
  /** The `progress` query's answer (the result, once completed); null when it cannot be had. */
  progress: RetentionProgress | null;
}

export interface RetentionClient {
  readonly scheduleId: string;
  /** Creates the schedule, or brings an existing one up to date; `off` deletes it. */
  ensureSchedule(schedule: RetentionSchedule, batchSize: number): Promise<'created' | 'updated' | 'deleted' | 'absent'>;
  /** Starts a cleanup now, unless one runs on this task queue already: then that one's id. */
  runNow(input: RetentionInput): Promise<{ workflowId: string; started: boolean }>;
  /** A run of this deployment's cleanup, or undefined when there is none by that id. */
  run(workflowId: string): Promise<RetentionRun | undefined>;
}

export function createRetentionClient(client: Client, taskQueue: string): RetentionClient {
  const scheduleId = retentionScheduleId(taskQueue);

  /** What the schedule starts: the cleanup on our task queue with the configured batch size. */
  const action = (batchSize: number): ScheduleOptionsStartWorkflowAction<typeof RetentionCleanupWorkflow> => ({
    type: 'startWorkflow',
    workflowType: RETENTION_WORKFLOW_TYPE,
    // Temporal appends the scheduled time to this id for each run.
    workflowId: scheduleId,
    taskQueue,
    args: [{ batchSize }],
  });
  const specOf = (schedule: Exclude<RetentionSchedule, { kind: 'off' }>): ScheduleSpec =>
    schedule.kind === 'cron' ? { cronExpressions: [schedule.expression] } : { intervals: [{ every: schedule.everyMs }] };
  // SKIP: never two cleanups at once. A run missed while Temporal was down is made up within a day, once.
  const policies = { overlap: 'SKIP', catchupWindow: '1 day' } as const;

  /** A running cleanup on this task queue, scheduled or started by hand. */
  async function running(): Promise<string | undefined> {
    const query = `WorkflowType = '${RETENTION_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
    for await (const execution of client.workflow.list({ query, pageSize: 1 })) return execution.workflowId;
    return undefined;
  }

  return {
    scheduleId,
    async ensureSchedule(schedule, batchSize) {
      const handle = client.schedule.getHandle(scheduleId);
      if (schedule.kind === 'off') {
        try {
          await handle.delete();
          return 'deleted';
        } catch (err) {
          if (err instanceof ScheduleNotFoundError) return 'absent';
          throw err;
        }
      }
      try {
        await client.schedule.create({ scheduleId, spec: specOf(schedule), action: action(batchSize), policies });
        return 'created';
      } catch (err) {
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      }
      // Another process (or an earlier start) made it: the settings of the process started last win.
      await handle.update((previous) => ({ ...previous, spec: specOf(schedule), action: action(batchSize), policies: { ...previous.policies, ...policies } }));
      return 'updated';
    },

    async runNow(input) {
      const existing = await running();
      if (existing) return { workflowId: existing, started: false };
      const workflowId = retentionRunId(taskQueue, new Date());
      await client.workflow.start(RETENTION_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
      return { workflowId, started: true };
    },

    async run(workflowId) {
      const handle = client.workflow.getHandle<typeof RetentionCleanupWorkflow>(workflowId);
      try {
        const description = await handle.describe();
        if (description.type !== RETENTION_WORKFLOW_TYPE || description.taskQueue !== taskQueue) return undefined;
        const status = description.status.name;
        // A finished run answers from its result (no worker needed); a running one from the query.
        const progress =
          status === 'COMPLETED'
            ? await handle.result()
            : status === 'RUNNING'
              ? // No worker to answer (all stopped) must not hang the request: a few seconds, then no progress.
                await client.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(retentionProgressQuery)).catch(() => null)
              : null;
        return { workflowId, status, progress };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
  };
}
