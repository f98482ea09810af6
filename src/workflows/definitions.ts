/**
 * What AgentTaskWorkflow shows the outside: its input and result, the `progress` query, and the
 * signals and updates a person decides with. Imported by the API, the CLI scripts and the tests
 * as well as by the workflow; definitions only, no workflow logic.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod/mini';
import type { StepName } from '../activities/types';
import type { Route, TaskStatus } from '../db/schema';
import type { ApprovalDecision, EscalationResolution, HumanOutcome } from './human';

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

/** Signals for the CLI and the Web UI: fire and forget; a refused one is kept in the audit table. */
export const resolveEscalationSignal = defineSignal<[EscalationResolution]>('resolveEscalation');
export const decideApprovalSignal = defineSignal<[ApprovalDecision]>('decideApproval');
/** Updates for the API: validated (a refusal is an error the caller sees), answered once the decision is carried out. */
export const resolveEscalationUpdate = defineUpdate<HumanOutcome, [EscalationResolution]>('resolveEscalation');
export const decideApprovalUpdate = defineUpdate<HumanOutcome, [ApprovalDecision]>('decideApproval');

/** A platform's receipt for a message the task sent, handed on by the webhook (WhatsApp's statuses). */
export const DeliveryReceiptSchema = z.object({
  providerMessageId: z.string(),
  /** The delivery's part: 0.. for the answer, higher for notices and a person's replies. */
  part: z.int(),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  /** Why a `failed` one failed, in words (the platform's code and title). */
  reason: z.optional(z.string()),
});
export type DeliveryReceipt = z.output<typeof DeliveryReceiptSchema>;

/** Signal `deliveryReceipt`: the webhook's only way to tell a task how its messages fared. */
export const deliveryReceiptSignal = defineSignal<[DeliveryReceipt]>('deliveryReceipt');

/** Failure types of a refused update; the API answers 409 for NotWaiting, 400 for InvalidDecision. */
export const NOT_WAITING = 'NotWaiting';
export const INVALID_DECISION = 'InvalidDecision';
