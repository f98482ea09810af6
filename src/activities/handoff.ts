/**
 * The human steps: opening an escalation or an approval (the row the inbox shows, the
 * customer's one hand-off notice, the assignee's Slack DM), recording how it ended (who, when,
 * what, in the audit table) and the decisions that were refused. Each is idempotent: a retry
 * finds its row and its claimed sends and does nothing twice.
 */
import { and, asc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Channels } from '../channels';
import type { Database } from '../db';
import {
  agentTasks,
  agentToolCalls,
  channelAccounts,
  escalations,
  humanDecisions,
  messages,
  type HandoffKind,
  type SlaRecord,
  type SlaRung,
  type SlaStep,
} from '../db/schema';
import { parseDuration } from '../duration';
import { addBusinessTime, describeOpening, isOpen, type BusinessHours } from '../namespaces/business-hours';
import type { NamespaceConfig } from '../namespaces/config';
import { ChannelNotConfiguredError, DeliveryOutcomeUnknownError, PermanentSendFailureError, RecipientBlockedError } from '../errors';
import type { Passage } from '../llm/types';
import type { ApprovalDecision, EscalationResolution } from '../workflows/human';
import { createOutbound, joinEscalation } from './deliver';
import { currentAttempt, recordStep } from './tool-calls';
import { loadTaskContext, type TaskContext } from './task-context';
import type { StepResult } from './types';

export interface HandoffDeps {
  db: Database;
  channels: Channels;
  /** ESCALATION_TIMEOUT: how long a person has when the namespace does not say. */
  escalationTimeoutMs: number;
  /** WHATSAPP_WINDOW in ms (notices sent after it go out as the re-engagement template). */
  windowMs?: number;
}

export interface OpenHandoffInput {
  kind: HandoffKind;
  /** Why the task is held, in plain words (the gate's reasons). */
  reason: string;
  passages: Passage[];
}

export interface OpenedHandoff extends StepResult {
  escalationId: string;
  /** From now to the deadline, wall-clock (the deadline counts business time when the namespace has hours). */
  timeoutMs: number;
  /** The deadline; the SLA ladder's steps before it, in order (escalations; empty for approvals and without `escalation.sla`). */
  deadlineAt?: string;
  sla?: SlaStep[];
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
  /** An expiry that gives way to an agent's active claim: nothing is closed while their claim holds. */
  unlessClaimed?: boolean;
}

export interface HandoffClosed {
  closed: boolean;
  /** Not closed: the claim that holds it, and until when (unless renewed). */
  claimedBy?: string;
  claimActiveUntil?: string;
  /** Expired with `escalation.sla.resumeBot`: what the assistant tells the customer as it takes over again. */
  summary?: string;
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

const RUNG_STEP: Record<SlaRung, 'sla_wait' | 'sla_backup' | 'sla_offer'> = { wait_message: 'sla_wait', notify_backup: 'sla_backup', offer_next: 'sla_offer' };
/** Offers of one hand-off at most: a roster goes round a few times, not forever. */
const MAX_OFFERS = 20;

/** Who a hand-off is offered to, in turn: the assignee, then the namespace's agents. */
export function roster(config: NamespaceConfig): string[] {
  return [...new Set([config.escalation.assignee, ...config.escalation.agents].filter((a): a is string => Boolean(a)))];
}

/**
 * The SLA ladder of an escalation opened at `now`: each rung due after its interval of business time
 * (wall time without business hours), only those before the deadline, in order, then the timeout.
 */
export function planSla(config: NamespaceConfig, now: Date, deadline: Date, hours: BusinessHours | undefined): SlaStep[] {
  const due = (ms: number) => (hours ? addBusinessTime(now, ms, hours) : new Date(now.getTime() + ms));
  const sla = config.escalation.sla;
  const steps: Array<{ kind: SlaRung; at: Date }> = [];
  const after = (text: string | undefined) => (text ? parseDuration(text) : undefined);
  const wait = after(sla?.waitAfter);
  if (wait !== undefined) steps.push({ kind: 'wait_message', at: due(wait) });
  const backup = after(sla?.backupAfter);
  if (backup !== undefined && config.escalation.backup) steps.push({ kind: 'notify_backup', at: due(backup) });
  const every = after(sla?.offerEvery);
  if (every !== undefined && roster(config).length > 1) {
    for (let k = 1; k <= MAX_OFFERS; k += 1) {
      const at = due(k * every);
      if (at >= deadline) break;
      steps.push({ kind: 'offer_next', at });
    }
  }
  return [
    ...steps
      .filter((s) => s.at < deadline)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((s) => ({ kind: s.kind, dueAt: s.at.toISOString() })),
    { kind: 'timeout', dueAt: deadline.toISOString() },
  ];
}

/** A claim holds while its agent renews it; a lapsed one counts as none. */
const claimHolds = (row: { claimedBy: string | null; claimActiveUntil: Date | null }, now = new Date()) =>
  Boolean(row.claimedBy && row.claimActiveUntil && row.claimActiveUntil > now);

/** What the assistant says as it takes a conversation back: what the customer asked, and its best answer, if any. */
export function resumeSummary(asked: string[], draft: string | null): string {
  const first = asked[0]?.replace(/\s+/g, ' ').trim() ?? '';
  const quoted = first.length > 160 ? `${first.slice(0, 159).trimEnd()}…` : first;
  const more = asked.length > 1 ? ` (and ${asked.length - 1} more message${asked.length > 2 ? 's' : ''})` : '';
  return [
    quoted ? `To sum up where we are: you asked "${quoted}"${more}.` : 'To sum up where we are: nobody could pick up your conversation yet.',
    draft ? `Here is what I found in our help articles:\n\n${draft}` : undefined,
    "I'm here again: reply to this message and I'll carry on, or ask for a person to try again.",
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function createHandoffActivities({ db, channels, escalationTimeoutMs, windowMs }: HandoffDeps) {
  const outbound = createOutbound({ db, channels, windowMs });

  async function setRungDetail(escalationId: string, index: number, detail: string): Promise<void> {
    await db.execute(
      sql`update escalations set sla = jsonb_set(sla, ${`{steps,${index},detail}`}::text[], to_jsonb(${detail}::text)) where id = ${escalationId}`,
    );
  }

  /** Marks a rung of the ladder done, once: false when another attempt already had. */
  async function markRung(escalationId: string, index: number, detail: string): Promise<boolean> {
    return db.transaction(async (tx) => {
      const [row] = await tx.select({ sla: escalations.sla }).from(escalations).where(eq(escalations.id, escalationId)).for('update');
      const steps = row?.sla?.steps;
      if (!steps?.[index] || steps[index].doneAt) return false;
      steps[index] = { ...steps[index], doneAt: new Date().toISOString(), detail };
      await tx
        .update(escalations)
        .set({ sla: { ...row!.sla!, steps } })
        .where(eq(escalations.id, escalationId));
      return true;
    });
  }

  /** A Slack DM to a person about a hand-off, from the namespace's (or default's) Slack app. */
  async function dm(ctx: TaskContext, to: string, text: string, deliveryId: string): Promise<void> {
    const [account] = await db
      .select()
      .from(channelAccounts)
      .where(and(eq(channelAccounts.channel, 'slack'), sql`${channelAccounts.namespace} in (${ctx.task.namespace}, 'default')`))
      .orderBy(sql`${channelAccounts.namespace} = 'default'`)
      .limit(1);
    const sender = channels.senders.slack;
    const token = account ? channels.secrets(account).token : undefined;
    if (!account || !sender || !token) throw new ChannelNotConfiguredError('no Slack app with a bot token in this namespace or default');
    await sender.send({ accountExternalId: account.externalId, token, to, text, deliveryId });
  }

  /** Tells a person (Slack DM for a Slack user id, else the live feed shows the change); a failure is the detail, not retried. */
  async function tell(ctx: TaskContext, who: string, text: string, deliveryId: string): Promise<string> {
    if (!SLACK_USER_ID.test(who)) return `${who} sees it in the live feed`;
    try {
      await dm(ctx, who, text, deliveryId);
      return `Slack DM to ${who}`;
    } catch (err) {
      return `Slack DM to ${who} failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

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
      const what = escalation.kind === 'approval' ? 'A draft waits for your approval' : 'A conversation was escalated to you';
      await dm(
        ctx,
        assignee,
        `${what} (${ctx.task.channel}, task ${ctx.task.id}): "${(ctx.message.text ?? '').slice(0, 300)}"\nWhy: ${escalation.reason}`,
        escalation.id,
      );
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
      const now = new Date();
      const hours = ctx.config.businessHours;
      // With business hours, the timeout and the SLA's intervals count business time only.
      const timeout = timeoutOf(ctx, input.kind);
      const deadline = hours ? addBusinessTime(now, timeout, hours) : new Date(now.getTime() + timeout);
      const sla: SlaRecord = {
        steps: input.kind === 'escalation' ? planSla(ctx.config, now, deadline, hours) : [{ kind: 'timeout', dueAt: deadline.toISOString() }],
        ...(hours && !isOpen(now, hours) ? { opensAt: addBusinessTime(now, 0, hours).toISOString() } : {}),
      };
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
          offeredTo: roster(ctx.config)[0] ?? null,
          deadlineAt: deadline,
          sla,
        })
        .onConflictDoNothing()
        .returning();
      // A retry finds the row of the first attempt: its deadline and ladder stand.
      const [escalation] = inserted
        ? [inserted]
        : await db
            .select()
            .from(escalations)
            .where(and(eq(escalations.taskId, taskId), eq(escalations.kind, input.kind)));
      if (!escalation) throw new Error(`the ${input.kind} of task ${taskId} vanished while being opened`);
      const timeoutMs = Math.max(escalation.deadlineAt.getTime() - now.getTime(), 1000);

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
        // Outside business hours the notice says when a person will reply.
        const opensAt = escalation.sla?.opensAt;
        const notice =
          opensAt && hours
            ? `${ctx.config.escalation.handoffMessage} ${hours.closedNotice.replaceAll('{opensAt}', describeOpening(new Date(opensAt), hours))}`
            : ctx.config.escalation.handoffMessage;
        try {
          const sent = await outbound.sendText(ctx, notice, 'handoff', attempt);
          done.push(
            sent.skipped === sent.parts ? 'hand-off notice already sent' : `hand-off notice sent${opensAt ? ` (outside business hours, back ${opensAt})` : ''}`,
          );
        } catch (err) {
          if (!PERMANENT.some((type) => err instanceof type)) throw err;
          done.push(`hand-off notice not sent: ${(err as Error).message}`);
        }
      }
      done.push(await notifyAssignee(ctx, escalation));
      const ladder = (escalation.sla?.steps ?? []).filter((step) => step.kind !== 'timeout');
      if (ladder.length > 0) done.push(`SLA: ${ladder.map((step) => `${step.kind} at ${step.dueAt}`).join(', ')}`);
      return {
        attempt,
        detail: `waiting for a person until ${escalation.deadlineAt.toISOString()}: ${input.reason}; ${done.join('; ')}`,
        escalationId: escalation.id,
        timeoutMs,
        deadlineAt: escalation.deadlineAt.toISOString(),
        sla: escalation.sla?.steps ?? [],
        hasDraft: escalation.draft !== null,
        fallbackMessage: ctx.config.fallbackMessage,
        rejectNotice: ctx.config.approval.rejectNotice,
      };
    },

    /**
     * One rung of an escalation's SLA ladder, once (a retry or replay finds it done): skipped when the
     * hand-off was closed or an agent's claim holds it, else the wait message with the queue position,
     * the backup told, or the next agent offered.
     */
    async sla_step(taskId: string, escalationId: string, index: number): Promise<StepResult> {
      const [row] = await db.select().from(escalations).where(eq(escalations.id, escalationId));
      const rung = row?.sla?.steps[index];
      if (!row || !rung || rung.kind === 'timeout') throw new Error(`escalation ${escalationId} has no SLA step ${index}`);
      return recordStep(db, taskId, RUNG_STEP[rung.kind], { escalationId, index, dueAt: rung.dueAt }, async (attempt) => {
        const finish = async (detail: string) => {
          const marked = await markRung(escalationId, index, detail);
          return { value: { attempt, detail: marked ? detail : `already done` }, summary: { kind: rung.kind, detail } };
        };
        if (rung.doneAt) return { value: { attempt, detail: rung.detail ?? 'already done' }, summary: { kind: rung.kind, detail: rung.detail } };
        if (row.status !== 'open') return finish(`skipped: the hand-off is ${row.status}`);
        if (claimHolds(row)) return finish(`skipped: claimed by ${row.claimedBy}`);
        const ctx = await loadTaskContext(db, taskId);
        if (rung.kind === 'wait_message') {
          const [ahead] = await db
            .select({ n: sql<number>`count(*)::int` })
            .from(escalations)
            .where(
              and(
                eq(escalations.namespace, row.namespace),
                eq(escalations.kind, 'escalation'),
                eq(escalations.status, 'open'),
                or(isNull(escalations.claimedBy), lte(escalations.claimActiveUntil, sql`now()`)),
                sql`${escalations.createdAt} < (select e.created_at from escalations e where e.id = ${escalationId})`,
              ),
            );
          const position = (ahead?.n ?? 0) + 1;
          const text = (ctx.config.escalation.sla?.waitMessage ?? '').replaceAll('{position}', String(position));
          try {
            await outbound.sendText(ctx, text, 'wait', attempt);
            return finish(`wait message sent (number ${position} in the queue)`);
          } catch (err) {
            if (!PERMANENT.some((type) => err instanceof type)) throw err;
            return finish(`wait message not sent: ${(err as Error).message}`);
          }
        }
        const about = `(${ctx.task.channel}, task ${ctx.task.id}, waiting since ${row.createdAt.toISOString()}): "${(ctx.message.text ?? '').slice(0, 300)}"\nWhy: ${row.reason}`;
        if (rung.kind === 'notify_backup') {
          const backup = ctx.config.escalation.backup!;
          // Marked first: a crash between the mark and the DM loses the DM rather than sending it twice.
          if (!(await markRung(escalationId, index, `telling ${backup}`))) return { value: { attempt, detail: 'already done' }, summary: { kind: rung.kind } };
          const told = await tell(ctx, backup, `Nobody has taken a hand-off yet; you are the backup ${about}`, `${escalationId}:backup`);
          await setRungDetail(escalationId, index, `backup notified: ${told}`);
          return { value: { attempt, detail: `backup notified: ${told}` }, summary: { kind: rung.kind, backup, told } };
        }
        const agents = roster(ctx.config);
        const next = agents[(agents.indexOf(row.offeredTo ?? '') + 1) % agents.length]!;
        if (!(await markRung(escalationId, index, `offered to ${next}`))) return { value: { attempt, detail: 'already done' }, summary: { kind: rung.kind } };
        await db
          .update(escalations)
          .set({ offeredTo: next })
          .where(and(eq(escalations.id, escalationId), eq(escalations.status, 'open')));
        const told = await tell(ctx, next, `A hand-off nobody has claimed is offered to you ${about}`, `${escalationId}:offer:${index}`);
        return { value: { attempt, detail: `offered to ${next}: ${told}` }, summary: { kind: rung.kind, offeredTo: next, told } };
      });
    },

    /**
     * How the hand-off ended: the row, the audit entry, the step's tool-call row. Idempotent. An expiry
     * `unlessClaimed` gives way to an agent's claim that still holds: nothing closes, and the answer
     * says until when the claim holds (the workflow waits that long, then asks again). The row decides,
     * so a claim racing the timeout has one winner.
     */
    async close_handoff(taskId: string, escalationId: string, end: HandoffEnd): Promise<HandoffClosed> {
      const resolution = end.decision
        ? { action: actionOf(end.decision), ...(end.decision.text ? { text: end.decision.text } : {}) }
        : { expired: true, ...(end.note ? { note: end.note } : {}) };
      const outcome = await db.transaction(async (tx) => {
        const [closed] = await tx
          .update(escalations)
          .set({ status: end.status, resolvedAt: sql`now()`, resolvedBy: end.decision?.agent ?? null, resolution })
          .where(
            and(
              eq(escalations.id, escalationId),
              eq(escalations.status, 'open'),
              end.unlessClaimed
                ? or(isNull(escalations.claimedBy), isNull(escalations.claimActiveUntil), lte(escalations.claimActiveUntil, sql`now()`))
                : undefined,
            ),
          )
          .returning({ id: escalations.id });
        if (!closed && end.unlessClaimed) {
          const [row] = await tx.select().from(escalations).where(eq(escalations.id, escalationId));
          if (row?.status === 'open' && row.claimedBy && row.claimActiveUntil) {
            return { closed: false, claimedBy: row.claimedBy, claimActiveUntil: row.claimActiveUntil.toISOString() };
          }
        }
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
        return { closed: true };
      });
      if (!outcome.closed || end.status !== 'expired' || end.kind !== 'escalation' || !end.unlessClaimed) return outcome;
      const ctx = await loadTaskContext(db, taskId);
      if (!ctx.config.escalation.sla?.resumeBot) return outcome;
      // The assistant takes over again: what the customer asked while they waited, and its own answer when it had one.
      const asked = await db
        .select({ text: messages.text })
        .from(agentTasks)
        .innerJoin(messages, eq(messages.id, agentTasks.messageId))
        .where(or(eq(agentTasks.id, taskId), eq(agentTasks.joinedEscalationId, escalationId)))
        .orderBy(asc(messages.createdAt));
      const [row] = await db.select({ draft: escalations.draft }).from(escalations).where(eq(escalations.id, escalationId));
      return {
        ...outcome,
        summary: resumeSummary(
          asked.map((m) => m.text ?? '').filter((t) => t.trim() !== ''),
          row?.draft ?? null,
        ),
      };
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
