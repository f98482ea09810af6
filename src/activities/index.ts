/**
 * The activity map: plain async functions over injected dependencies. The worker registers
 * the result; workflows see only `typeof` it, through proxyActivities.
 */
import type { Channels } from '../channels';
import type { Database } from '../db';
import type { Embedder, LlmRegistry } from '../llm';
import { createDeliverActivities } from './deliver';
import { createHandoffActivities } from './handoff';
import { createPipelineActivities } from './pipeline';
import { createRatingActivities } from './rating';
import { createRetentionActivities } from './retention';
import { createStatusActivities } from './task-status';

export interface ActivityDeps {
  db: Database;
  llm: LlmRegistry;
  channels: Channels;
  embed?: Embedder;
  /** ESCALATION_TIMEOUT in ms (default 24 h): how long a person has when the namespace does not say. */
  escalationTimeoutMs?: number;
  /** DELIVERY_RECEIPT_WAIT in ms: how long a task waits for WhatsApp's receipts of what it sent. */
  receiptWaitMs?: number;
  /** WHATSAPP_WINDOW in ms: past it, only a template reaches the customer. */
  windowMs?: number;
  /** ESCALATION_CLAIM_HOLD in ms: how long an agent's claim holds unless renewed. */
  claimHoldMs?: number;
}

export const DEFAULT_ESCALATION_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPipelineActivities(deps),
    ...createDeliverActivities(deps),
    ...createStatusActivities(deps),
    ...createHandoffActivities({ ...deps, escalationTimeoutMs: deps.escalationTimeoutMs ?? DEFAULT_ESCALATION_TIMEOUT_MS }),
    ...createRetentionActivities(deps),
    ...createRatingActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
