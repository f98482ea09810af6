/**
 * The escalation resource: the inbox asked for, what it answers, and the outcome of a decision.
 * (The decisions' bodies are src/workflows/human.ts's schemas, shared with the workflow.)
 */
import { z } from 'zod';
import { CHANNELS } from '../../channels/types';
import { HANDOFF_KINDS, HANDOFF_STATUSES, SLA_RUNGS, TASK_STATUSES } from '../../db/schema';
import { APPROVAL_DECISIONS, ESCALATION_ACTIONS } from '../../workflows/human';
import { ConversationWindow, count, id, listOf, named, namespaceName, pageLimit, summary, timestamp } from './common';
import { Passage } from './rag';

/** GET /api/v1/escalations */
export const InboxQuery = z.strictObject({
  status: z.enum(HANDOFF_STATUSES).default('open'),
  kind: z.enum(HANDOFF_KINDS).optional(),
  namespace: namespaceName().optional(),
  limit: pageLimit(),
});

/** One message of the conversation shown with an escalation. */
export const TranscriptMessage = z.object({ direction: z.enum(['inbound', 'outbound']), text: z.string().nullable(), kind: z.string(), at: timestamp() });

/** A hand-off's SLA ladder: its rungs with when each is due and when it was done. */
export const Sla = named(
  'Sla',
  z
    .object({
      steps: z.array(
        z.object({
          kind: z.enum([...SLA_RUNGS, 'timeout']),
          dueAt: timestamp().describe('counted in business time when the namespace has businessHours'),
          doneAt: timestamp().optional(),
          detail: z.string().optional().describe('what was done, or why it was skipped (claimed, closed)'),
        }),
      ),
      opensAt: timestamp().optional().describe('opened outside business hours: when a person is back'),
    })
    .describe('what happens while nobody has claimed the hand-off (escalation.sla); the last step is the deadline'),
);

/** An item of GET /api/v1/escalations: the hand-off, its task, how long it has waited, the conversation. */
export const Escalation = named(
  'Escalation',
  z.object({
    id: id(),
    taskId: id(),
    kind: z.enum(HANDOFF_KINDS),
    namespace: z.string(),
    conversationId: id(),
    status: z.enum(HANDOFF_STATUSES),
    reason: z.string(),
    draft: z.string().nullable(),
    passages: z.array(Passage),
    assignee: z.string().nullable(),
    deadlineAt: timestamp(),
    notifiedAt: timestamp().nullable(),
    notifyError: z.string().nullable(),
    resolvedAt: timestamp().nullable(),
    resolvedBy: z.string().nullable(),
    resolution: summary().nullable(),
    claimedBy: z.string().nullable().describe('the agent who claimed it (POST /api/v1/escalations/{id}/claim)'),
    claimedAt: timestamp().nullable(),
    claimActiveUntil: timestamp().nullable().describe('the claim holds until then unless renewed; past it, anyone may claim'),
    offeredTo: z.string().nullable().describe('who it is offered to now: the assignee, then the next agent in turn'),
    sla: Sla.nullable(),
    createdAt: timestamp(),
    task: z.object({ id: id(), channel: z.enum(CHANNELS), status: z.enum(TASK_STATUSES), workflowId: z.string() }),
    waitingMs: count(),
    transcript: z.array(TranscriptMessage),
    window: ConversationWindow,
  }),
);

export const EscalationList = named('EscalationList', listOf(Escalation));

/** POST /api/v1/agent-tasks/:id/escalation and /approval: what the decision led to. */
export const DecisionOutcome = named(
  'DecisionOutcome',
  z.object({
    outcome: z.object({
      taskId: id(),
      status: z.enum(TASK_STATUSES).describe("the task's status once the decision was carried out"),
      action: z.enum([...ESCALATION_ACTIONS, ...APPROVAL_DECISIONS]),
      agent: z.string(),
      sent: z.boolean().describe('whether something went to the customer because of it'),
      error: z.string().optional(),
    }),
  }),
);

/** POST /api/v1/escalations/:id/claim */
export const ClaimBody = z.strictObject({
  agent: z.string().trim().min(1, 'required, who claims it (a name, an email, a Slack user id)').max(200),
  renew: z.boolean().default(false).describe("true: the claim's holder says they are still on it (the console does this while the task is open)"),
});

export const Claim = named(
  'Claim',
  z.object({
    claim: z.object({
      escalationId: id(),
      claimedBy: z.string(),
      claimedAt: timestamp(),
      claimActiveUntil: timestamp().describe('renew before then, or the claim lapses and the SLA and the timeout apply again'),
    }),
  }),
);
