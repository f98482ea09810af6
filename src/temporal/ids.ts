/** Workflow ids are built here and nowhere else, from business keys. Safe in workflow code. */

export const AGENT_TASK_WORKFLOW_TYPE = 'AgentTaskWorkflow';

/**
 * `agent-task:<namespace>:<channel>:<external message id>`: a webhook redelivered any
 * number of times maps to the same id, so it starts nothing new.
 */
export function agentTaskWorkflowId(namespace: string, channel: string, externalMessageId: string): string {
  return `agent-task:${namespace}:${channel}:${externalMessageId}`;
}
