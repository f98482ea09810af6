/**
 * The human steps: opening an escalation or an approval (the row the inbox shows, the
 * customer's one hand-off notice, the assignee's Slack DM), recording how it ended (who, when,
 * what, in the audit table) and the decisions that were refused. Each is idempotent: a retry
 * finds its row and its claimed sends and does nothing twice.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Channels } from '../channels';
import type { Database } from '../db';
import { agentToolCalls, channelAccounts, escalations, humanDecisions, type HandoffKind } from '../db/schema';
import { parseDuration } from '../duration';
import { ChannelNotConfiguredError, DeliveryOutcomeUnknownError, PermanentSendFailureError, RecipientBlockedError } from '../errors';
import type { Passage } from '../llm/types';
import type { ApprovalDecision, EscalationResolution } from '../workflows/human';
import { createOutbound, joinEscalation } from './deliver';
import { currentAttempt } from './tool-calls';
import { loadTaskContext, type TaskContext } from './task-context';
import type { StepResult } from './types';

export interface HandoffDeps {
  db: Database;
  channels: Channels;
  /** ESCALATION_TIMEOUT: how long a person has when the namespace does not say. */
  escalationTimeoutMs: number;
}

export interface OpenHandoffInput {
  kind: HandoffKind;
  /** Why the task is held, in plain words (the gate's reasons). */
  reason: string;
  passages: Passage[];
}

export interface OpenedHandoff extends StepResult {
  escalationId: string;
  timeoutMs: number;
  /** The draft a person may send (approve, handback); false when it was withheld. */
  hasDraft: boolean;
  fallbackMessage: string;
  rejectNotice?: string;
}

export interface HandoffEnd {
  kind: HandoffKind;
  status: 'resolved' | 'expired';
  decision?: EscalationResolution | ApprovalDecision;
  /** For an expiry: what happens instead (sent the fallback, escalated). */
  note?: string;
}

export interface RefusedDecision {
  kind: HandoffKind;
  decision: EscalationResolution | ApprovalDecision;
  reason: string;
}

/** A Slack user id: the assignee gets a DM. Anything else only sees the live feed. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

const stepName = (kind: HandoffKind) => (kind === 'approval' ? 'await_approval' : 'await_human');
const actionOf = (d: EscalationResolution | ApprovalDecision) => ('action' in d ? d.action : d.decision);
const signalOf = (kind: HandoffKind) => (kind === 'approval' ? 'decideApproval' : 'resolveEscalation');
/** Send failures that will not get better by retrying: the hand-off goes on without the notice. */
const PERMANENT = [PermanentSendFailureError, RecipientBlockedError, ChannelNotConfiguredError, DeliveryOutcomeUnknownError];

export function createHandoffActivities({ db, channels, escalationTimeoutMs }: HandoffDeps) {
  const outbound = createOutbound({ db, channels });

  function timeoutOf(ctx: TaskContext, kind: HandoffKind): number {
    const configured = kind === 'approval' ? (ctx.config.approval.timeout ?? ctx.config.escalation.timeout) : ctx.config.escalation.timeout;
    return (configured ? parseDuration(configured) : undefined) ?? escalationTimeoutMs;
  }

  /** Tells the assignee by Slack DM, at most once (claimed before sending); failures are recorded, not retried. */
  async function notifyAssignee(ctx: TaskContext, escalation: typeof escalations.$inferSelect): Promise<string> {
    const assignee = escalation.assignee;
    if (!assignee || !SLACK_USER_ID.test(assignee)) return 'live feed only';
    const [claimed] = await db
      .update(escalations)
      .set({ notifiedAt: sql`now()` })
      .where(and(eq(escalations.id, escalation.id), isNull(escalations.notifiedAt)))
      .returning({ id: escalations.id });
    if (!claimed) return `Slack DM to ${assignee} already sent`;
    try {
      const [account] = await db
        .select()
        .from(channelAccounts)
        .where(and(eq(channelAccounts.channel, 'slack'), sql`${channelAccounts.namespace} in (${ctx.task.namespace}, 'default')`))
        .orderBy(sql`${channelAccounts.namespace} = 'default'`)
        .limit(1);
      const sender = channels.senders.slack;
      const token = account ? channels.secrets(account).token : undefined;
      if (!account || !sender || !token) throw new ChannelNotConfiguredError('no Slack app with a bot token in this namespace or default');
      const what = escalation.kind === 'approval' ? 'A draft waits for your approval' : 'A conversation was escalated to you';
      await sender.send({
        accountExternalId: account.externalId,
        token,
        to: assignee,
        text: `${what} (${ctx.task.channel}, task ${ctx.task.id}): "${(ctx.message.text ?? '').slice(0, 300)}"\nWhy: ${escalation.reason}`,
        deliveryId: escalation.id,
      });
      return `Slack DM to ${assignee}`;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await db
        .update(escalations)
        .set({ notifyError: message.slice(0, 500) })
        .where(eq(escalations.id, escalation.id));
      return `Slack DM to ${assignee} failed: ${message}`;
    }
  }

  return {
    async open_handoff(taskId: string, input: OpenHandoffInput): Promise<OpenedHandoff> {
      const attempt = currentAttempt();
      const ctx = await loadTaskContext(db, taskId);
      const timeoutMs = timeoutOf(ctx, input.kind);
      const [inserted] = await db
        .insert(escalations)
        .values({
          taskId,
          kind: input.kind,
          namespace: ctx.task.namespace,
          conversationId: ctx.task.conversationId,
          reason: input.reason,
          draft: ctx.task.draft,
          passages: input.passages,
          assignee: ctx.config.escalation.assignee,
          deadlineAt: sql`now() + ${timeoutMs} * interval '1 millisecond'`,
        })
        .onConflictDoNothing()
        .returning();
      const [escalation] = inserted
        ? [inserted]
        : await db
            .select()
            .from(escalations)
            .where(and(eq(escalations.taskId, taskId), eq(escalations.kind, input.kind)));
      if (!escalation) throw new Error(`the ${input.kind} of task ${taskId} vanished while being opened`);

      // The step's tool-call row stays running until the person (or the timeout) ends it.
      await db
        .insert(agentToolCalls)
        .values({
          taskId,
          name: stepName(input.kind),
          attempt: 1,
          status: 'running',
          startedAt: escalation.createdAt,
          inputSummary: { escalationId: escalation.id, reason: input.reason, timeoutMs, passages: input.passages.length },
        })
        .onConflictDoNothing();

      const done: string[] = [];
      if (input.kind === 'escalation') {
        try {
          const sent = await outbound.sendText(ctx, ctx.config.escalation.handoffMessage, 'handoff', attempt);
          done.push(sent.skipped === sent.parts ? 'hand-off notice already sent' : 'hand-off notice sent');
        } catch (err) {
          if (!PERMANENT.some((type) => err instanceof type)) throw err;
          done.push(`hand-off notice not sent: ${(err as Error).message}`);
        }
      }
      done.push(await notifyAssignee(ctx, escalation));
      return {
        attempt,
        detail: `waiting for a person, up to ${Math.round(timeoutMs / 1000)} s: ${input.reason}; ${done.join('; ')}`,
        escalationId: escalation.id,
        timeoutMs,
        hasDraft: escalation.draft !== null,
        fallbackMessage: ctx.config.fallbackMessage,
        rejectNotice: ctx.config.approval.rejectNotice,
      };
    },

    /** How the hand-off ended: the row, the audit entry, the step's tool-call row. Idempotent. */
    async close_handoff(taskId: string, escalationId: string, end: HandoffEnd): Promise<void> {
      const resolution = end.decision
        ? { action: actionOf(end.decision), ...(end.decision.text ? { text: end.decision.text } : {}) }
        : { expired: true, ...(end.note ? { note: end.note } : {}) };
      await db.transaction(async (tx) => {
        const [closed] = await tx
          .update(escalations)
          .set({ status: end.status, resolvedAt: sql`now()`, resolvedBy: end.decision?.agent ?? null, resolution })
          .where(and(eq(escalations.id, escalationId), eq(escalations.status, 'open')))
          .returning({ id: escalations.id });
        if (closed && end.decision) {
          await tx.insert(humanDecisions).values({
            taskId,
            escalationId,
            kind: signalOf(end.kind),
            agent: end.decision.agent,
            action: actionOf(end.decision),
            text: end.decision.text ?? null,
            outcome: 'applied',
          });
        }
        await tx
          .update(agentToolCalls)
          .set({
            status: 'succeeded',
            finishedAt: sql`coalesce(${agentToolCalls.finishedAt}, now())`,
            outputSummary: { status: end.status, ...resolution, ...(end.decision ? { agent: end.decision.agent } : {}) },
          })
          .where(and(eq(agentToolCalls.taskId, taskId), eq(agentToolCalls.name, stepName(end.kind)), eq(agentToolCalls.attempt, 1)));
      });
    },

    /** Decisions that came too late, twice, or did not fit (a signal cannot be answered): kept for the audit. */
    async record_refusals(taskId: string, escalationId: string | null, refusals: RefusedDecision[]): Promise<void> {
      if (refusals.length === 0) return;
      await db.insert(humanDecisions).values(
        refusals.map((r) => ({
          taskId,
          escalationId,
          kind: signalOf(r.kind),
          agent: typeof r.decision.agent === 'string' && r.decision.agent.trim() ? r.decision.agent.slice(0, 200) : '(none)',
          action: String(actionOf(r.decision) ?? '(none)').slice(0, 50),
          text: typeof r.decision.text === 'string' ? r.decision.text.slice(0, 4000) : null,
          outcome: 'refused' as const,
          reason: r.reason,
        })),
      );
    },

    /** A message that arrived while a person holds its conversation: it joins their escalation, unanswered by the bot. */
    async join_escalation(taskId: string, escalationId: string): Promise<StepResult> {
      await joinEscalation(db, taskId, escalationId);
      await db
        .insert(agentToolCalls)
        .values({
          taskId,
          name: 'await_human',
          attempt: 1,
          status: 'succeeded',
          finishedAt: sql`now()`,
          inputSummary: { escalationId },
          outputSummary: { joinedEscalation: escalationId },
        })
        .onConflictDoNothing();
      return { attempt: currentAttempt(), detail: `joined the open escalation ${escalationId}: a person answers` };
    },
  };
}
