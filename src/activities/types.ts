/** What the pipeline's activities take and return. Workflow code imports these as types only. */
import type { Route, TaskStatus } from '../db/schema';
import type { AdapterKind, ConversationTurn, GenerateResult, InboundContent, Passage } from '../llm/types';

export const STEP_NAMES = [
  'inject_profile',
  'rag_search',
  'generate',
  'confidence_check',
  'deliver',
  'await_approval',
  'await_human',
  // The SLA ladder of an unclaimed hand-off (src/activities/handoff.ts): the wait message, the backup told, the next agent offered.
  'sla_wait',
  'sla_backup',
  'sla_offer',
  // The customer's rating of a resolved conversation (src/activities/rating.ts), once it has gone quiet.
  'ask_rating',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** Every step result says which attempt produced it and a one-line detail for `progress`. */
export interface StepResult {
  attempt: number;
  detail: string;
}

export interface ProfileContext extends StepResult {
  systemPrompt: string;
  adapter: AdapterKind;
  model?: string;
  contact: { name?: string; channel: string; locale?: string };
  history: ConversationTurn[];
  message: InboundContent;
  /** A person holds the conversation (another task's open escalation): this message joins it. */
  heldBy?: { escalationId: string; taskId: string };
  /** The namespace asks for ratings (`csat`): how long after a resolved reply the question may go out. */
  rating?: { afterMs: number };
}

export interface RagResult extends StepResult {
  passages: Passage[];
}

export interface DraftResult extends StepResult, Omit<GenerateResult, 'text'> {
  draft: string;
  /** Why the configured model was not used (its request was refused), when it was not. */
  fallback?: string;
}

export interface GateResult extends StepResult {
  route: Route;
  confidence: number;
  reasons: string[];
  intent?: string;
  /** A prompt-injection attempt: the draft must never be sent. */
  injection?: boolean;
  /** The draft repeats the system prompt: it must never be sent. */
  leak?: boolean;
  /**
   * What the person approving gets to send instead of the draft: the holding reply, when the
   * knowledge base had nothing for a billing action. Absent in histories recorded before it.
   */
  approvalDraft?: string;
}

export interface DeliverResult extends StepResult {
  parts: number;
  providerMessageIds: string[];
  /** Set when nothing was sent because a newer message's task answers instead. */
  supersededBy?: string;
  /** Set when nothing was sent because a person holds the conversation: the escalation joined. */
  joinedEscalation?: string;
  /**
   * How long the workflow waits for the delivery receipts of what was sent (DELIVERY_RECEIPT_WAIT),
   * on a channel that sends them later (WhatsApp); absent when there is nothing to wait for.
   */
  receiptWaitMs?: number;
}

export interface StatusChange {
  status: TaskStatus;
  route?: Route;
  error?: string;
}

export interface RatingAsked extends StepResult {
  asked: boolean;
  surveyId?: string;
}
