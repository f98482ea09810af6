/** The workflow bundle's entry point: every workflow the worker runs is exported here. */
export { AgentTaskWorkflow } from './agent-task';
export { RetentionCleanupWorkflow } from './retention';
