/** Workflow ids are built here and nowhere else, from business keys. Safe in workflow code. */

export const AGENT_TASK_WORKFLOW_TYPE = 'AgentTaskWorkflow';

/**
 * `agent-task:<namespace>:<channel>:<external message id>`: a webhook redelivered any
 * number of times maps to the same id, so it starts nothing new.
 */
export function agentTaskWorkflowId(namespace: string, channel: string, externalMessageId: string): string {
  return `agent-task:${namespace}:${channel}:${externalMessageId}`;
}

export const RETENTION_WORKFLOW_TYPE = 'RetentionCleanupWorkflow';

/** The schedule of a deployment's retention cleanup, per task queue: `agent-tasks-retention` on the default one. */
export function retentionScheduleId(taskQueue: string): string {
  return `${taskQueue}-retention`;
}

/**
 * A cleanup started by hand (POST /api/v1/retention/run): the schedule's id, `-run-` and the time.
 * Scheduled runs are named by Temporal: the schedule's id and the scheduled time.
 */
export function retentionRunId(taskQueue: string, at: Date): string {
  return `${retentionScheduleId(taskQueue)}-run-${at.toISOString()}`;
}
