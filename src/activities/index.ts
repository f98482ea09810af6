/**
 * The activity map: plain async functions over injected dependencies. The worker registers
 * the result; workflows see only `typeof` it, through proxyActivities.
 */
import type { Channels } from '../channels';
import type { Database } from '../db';
import type { Embedder, LlmRegistry } from '../llm';
import { createDeliverActivities } from './deliver';
import { createPipelineActivities } from './pipeline';
import { createStatusActivities } from './task-status';

export interface ActivityDeps {
  db: Database;
  llm: LlmRegistry;
  channels: Channels;
  embed?: Embedder;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPipelineActivities(deps),
    ...createDeliverActivities(deps),
    ...createStatusActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
