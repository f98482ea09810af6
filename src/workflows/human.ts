/**
 * What a person can tell a waiting AgentTaskWorkflow, and the checks on it. Pure and
 * deterministic: the workflow's update validators and signal handlers use these, and so does
 * the API before it calls the workflow, so a bad body is a 400 with the same words everywhere.
 *
 *   signal/update resolveEscalation  { action: "reply" | "handback" | "close", text?, agent }
 *   signal/update decideApproval     { decision: "approve" | "edit" | "reject", text?, agent }
 *
 * `text` is required for `reply` and `edit` (what the customer gets), optional for `reject`
 * and `close` (kept as the reason), and ignored otherwise.
 */
import type { TaskStatus } from '../db/schema';

export const ESCALATION_ACTIONS = ['reply', 'handback', 'close'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];
export const APPROVAL_DECISIONS = ['approve', 'edit', 'reject'] as const;
export type ApprovalChoice = (typeof APPROVAL_DECISIONS)[number];

export interface EscalationResolution {
  action: EscalationAction;
  text?: string;
  agent: string;
}

export interface ApprovalDecision {
  decision: ApprovalChoice;
  text?: string;
  agent: string;
}

/** What a person's decision led to; the answer of the update. */
export interface HumanOutcome {
  taskId: string;
  /** The task's status once the decision was carried out. */
  status: TaskStatus;
  action: EscalationAction | ApprovalChoice;
  agent: string;
  /** Whether something went to the customer because of it. */
  sent: boolean;
  error?: string;
}

export const MAX_HUMAN_TEXT = 4000;
export const MAX_AGENT = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function common(input: Record<string, unknown>, known: string[], problems: string[]): void {
  for (const key of Object.keys(input)) if (!known.includes(key)) problems.push(`${key}: not a known field`);
  if (typeof input.agent !== 'string' || input.agent.trim() === '') problems.push('agent: required, who decides (a name, an email, a Slack user id)');
  else if (input.agent.length > MAX_AGENT) problems.push(`agent: at most ${MAX_AGENT} characters`);
  if (input.text !== undefined && typeof input.text !== 'string') problems.push('text: must be a string');
  else if (typeof input.text === 'string' && input.text.length > MAX_HUMAN_TEXT) problems.push(`text: at most ${MAX_HUMAN_TEXT} characters`);
}

/** Blank: whitespace and invisible format characters only (zero-width spaces and joiners, BOM, bidi marks). */
const needsText = (input: Record<string, unknown>) => typeof input.text !== 'string' || input.text.replace(/[\s\p{Cf}]/gu, '') === '';

/** Every problem with a resolveEscalation body; [] when it is valid. */
export function escalationProblems(input: unknown): string[] {
  if (!isObject(input)) return ['body: must be an object { action, text?, agent }'];
  const problems: string[] = [];
  if (!ESCALATION_ACTIONS.includes(input.action as EscalationAction)) problems.push(`action: one of ${ESCALATION_ACTIONS.join(', ')}`);
  common(input, ['action', 'text', 'agent'], problems);
  if (input.action === 'reply' && needsText(input)) problems.push('text: required for reply (what the customer gets)');
  return problems;
}

/** Every problem with a decideApproval body; [] when it is valid. */
export function approvalProblems(input: unknown): string[] {
  if (!isObject(input)) return ['body: must be an object { decision, text?, agent }'];
  const problems: string[] = [];
  if (!APPROVAL_DECISIONS.includes(input.decision as ApprovalChoice)) problems.push(`decision: one of ${APPROVAL_DECISIONS.join(', ')}`);
  common(input, ['decision', 'text', 'agent'], problems);
  if (input.decision === 'edit' && needsText(input)) problems.push('text: required for edit (the text the customer gets)');
  return problems;
}
