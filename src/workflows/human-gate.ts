/**
 * The human gate of AgentTaskWorkflow: what a person may decide and when (the signal and update
 * handlers, their validation and refusals), the wait for them, and what their decision sends.
 *
 *   escalate:     hand-off notice → wait for resolveEscalation → reply | handback | close | (timeout) fallback [+ summary]
 *                 while unclaimed, the SLA ladder: wait message → backup told → next agent offered (durable timers)
 *   askApproval:  wait for decideApproval → approve | edit | reject | (timeout) escalate
 *   at the deadline: an agent's claim that still holds keeps it open (the row decides; ask again when it lapses)
 *
 * Only the first decision counts; later ones, and those that arrive when nothing waits for them,
 * are refused (an update's caller sees why) and kept in the audit table when the task ends.
 * Deterministic workflow code, like the pipeline that calls it (./agent-task).
 */
import { ApplicationFailure, condition, patched, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { HandoffClosed, HandoffEnd, OpenedHandoff, RefusedDecision } from '../activities/handoff';
import type { DraftResult, GateResult, RagResult, StepName, StepResult } from '../activities/types';
import type { DeliveryPurpose, SlaStep, TaskStatus } from '../db/schema';
import {
  decideApprovalSignal,
  decideApprovalUpdate,
  INVALID_DECISION,
  NOT_WAITING,
  resolveEscalationSignal,
  resolveEscalationUpdate,
  type Progress,
} from './definitions';
import { approvalProblems, escalationProblems, type ApprovalDecision, type EscalationResolution, type HumanOutcome } from './human';
import { local, steps } from './proxies';

type HandoffKind = 'escalation' | 'approval';

/** Hand-offs opened since: a deadline and SLA ladder from open_handoff, and an expiry that gives way to a claim. */
export const HANDOFF_SLA = 'handoff-sla';
const RUNG_STEP = { wait_message: 'sla_wait', notify_backup: 'sla_backup', offer_next: 'sla_offer' } as const;
/** After an agent's claim lapses, the workflow asks again no sooner than this. */
const RECHECK_MS = 1000;

/** What the gate needs of the workflow around it. */
export interface GateContext {
  taskId: string;
  progress: Progress;
  setStatus(status: TaskStatus): Promise<void>;
  step<T extends StepResult>(name: StepName, run: () => Promise<T>): Promise<T>;
}

export interface HumanGate {
  /** A person takes over: a hand-off notice, then their reply, the draft handed back, or nothing. */
  escalate(reason: string, rag: RagResult, draft: DraftResult, hasDraft: boolean): Promise<TaskStatus>;
  /** A person checks the draft: approve sends it, edit sends theirs, reject sends a notice or nothing. */
  askApproval(gate: GateResult, rag: RagResult, draft: DraftResult): Promise<TaskStatus>;
  /** The task ended: answers a waiting update with the outcome and records the refused decisions. */
  finish(status: TaskStatus, error: string | undefined): Promise<void>;
}

/** Sets the decision handlers (call it first in the workflow) and returns the gate. */
export function humanGate(ctx: GateContext): HumanGate {
  /**
   * What a person may decide now. Set as soon as the route is known, before the hold is even
   * recorded: after a worker crash the decision can arrive in the same workflow task that
   * replays the hold's opening, and it must not be refused for arriving early.
   */
  let waiting: { kind: HandoffKind; hasDraft: boolean } | undefined;
  let escalationId: string | null = null;
  let resolution: EscalationResolution | undefined;
  let approval: ApprovalDecision | undefined;
  let outcome: HumanOutcome | undefined = undefined;
  /** Something went to the customer after a person's decision. */
  let sentOnDecision = false;
  const refused: RefusedDecision[] = [];

  function refusal(kind: HandoffKind, decision: unknown): { type: string; message: string } | undefined {
    const problems = kind === 'escalation' ? escalationProblems(decision) : approvalProblems(decision);
    if (problems.length > 0) return { type: INVALID_DECISION, message: problems.join('; ') };
    if (waiting?.kind !== kind || (kind === 'escalation' ? resolution : approval)) {
      const why =
        outcome || (kind === 'escalation' ? resolution : approval)
          ? 'it was already decided'
          : `the task is not waiting for ${kind === 'escalation' ? 'a person' : 'approval'} (status ${ctx.progress.status})`;
      return { type: NOT_WAITING, message: why };
    }
    if (kind === 'escalation' && (decision as EscalationResolution).action === 'handback' && !waiting.hasDraft) {
      return { type: NOT_WAITING, message: 'there is no draft to hand back: it was withheld; reply or close instead' };
    }
    return undefined;
  }
  const refuse = (kind: HandoffKind, decision: unknown, reason: string) => refused.push({ kind, decision: decision as EscalationResolution, reason });
  const validator = (kind: HandoffKind) => (decision: unknown) => {
    const no = refusal(kind, decision);
    if (no) throw ApplicationFailure.create({ type: no.type, message: no.message, nonRetryable: true });
  };

  setHandler(resolveEscalationSignal, (decision) => {
    const no = refusal('escalation', decision);
    if (no) refuse('escalation', decision, no.message);
    else resolution = decision;
  });
  setHandler(decideApprovalSignal, (decision) => {
    const no = refusal('approval', decision);
    if (no) refuse('approval', decision, no.message);
    else approval = decision;
  });
  setHandler(
    resolveEscalationUpdate,
    async (decision) => {
      resolution = decision;
      await condition(() => outcome !== undefined);
      return outcome!;
    },
    { validator: validator('escalation') },
  );
  setHandler(
    decideApprovalUpdate,
    async (decision) => {
      approval = decision;
      await condition(() => outcome !== undefined);
      return outcome!;
    },
    { validator: validator('approval') },
  );

  /** Sends `text` and ends the task: delivered, or closed when nothing went out (superseded, joined). */
  async function send(
    text: string,
    purpose: DeliveryPurpose,
    closed: TaskStatus = 'delivered',
    template?: EscalationResolution['template'],
  ): Promise<TaskStatus> {
    const delivered = await ctx.step('deliver', () =>
      template ? steps.deliver(ctx.taskId, text, purpose, { template }) : steps.deliver(ctx.taskId, text, purpose),
    );
    if (delivered.supersededBy || delivered.joinedEscalation) return 'closed';
    if (resolution ?? approval) sentOnDecision = true;
    return closed;
  }

  /** Sleeps until `at` (ISO) or until `decided`; true when decided. */
  async function until(at: string, decided: () => unknown, atLeastMs = 0): Promise<boolean> {
    const ms = Math.max(Date.parse(at) - Date.now(), atLeastMs);
    return ms > 0 ? condition(() => decided() !== undefined, ms) : decided() !== undefined;
  }

  /**
   * The wait of a hand-off opened with a deadline: the SLA ladder's rungs in order (each a durable timer,
   * then its step), then the deadline. At the deadline the expiry gives way to an agent's claim that
   * still holds: the wait goes on until the claim lapses. Returns the expiry when it expired.
   */
  async function waitWithLadder(kind: HandoffKind, opened: OpenedHandoff, reason: string, decided: () => unknown): Promise<HandoffClosed | undefined> {
    const ladder: SlaStep[] = opened.sla ?? [];
    for (const [index, rung] of ladder.entries()) {
      if (rung.kind === 'timeout') continue;
      if (await until(rung.dueAt, decided)) return undefined;
      const done = await ctx.step(RUNG_STEP[rung.kind], () => steps.sla_step(ctx.taskId, opened.escalationId, index));
      ladder[index] = { ...rung, doneAt: new Date().toISOString(), detail: done.detail };
      setCurrentDetails(waitingDetails(ctx.taskId, kind, reason, opened.deadlineAt!, ladder));
    }
    let deadline = opened.deadlineAt!;
    for (let atLeastMs = 0; ; atLeastMs = RECHECK_MS) {
      if (await until(deadline, decided, atLeastMs)) return undefined;
      const note = kind === 'approval' ? 'escalated' : 'fallback message sent';
      const closed = await steps.close_handoff(ctx.taskId, opened.escalationId, { kind, status: 'expired', note, unlessClaimed: true });
      if (closed.closed) return closed;
      deadline = closed.claimActiveUntil!;
      setCurrentDetails(
        `${waitingDetails(ctx.taskId, kind, reason, opened.deadlineAt!, ladder)}\n\n**Past the deadline, claimed by ${closed.claimedBy}**: waits while the claim holds (until ${deadline}, renewed while they are active).`,
      );
    }
  }

  /** Opens a hand-off of `kind`, waits for a person until the timeout; no decision when it expired. */
  async function handOff<D>(kind: HandoffKind, reason: string, rag: RagResult, hasDraft: boolean, decided: () => D | undefined) {
    let opened: OpenedHandoff | undefined;
    let decision: D | undefined;
    let expiry: HandoffClosed | undefined;
    // Waiting before the hold is recorded and long before the status says so: whoever sees
    // `escalated` can decide at once.
    waiting = { kind, hasDraft };
    await ctx.step(kind === 'approval' ? 'await_approval' : 'await_human', async () => {
      opened = await steps.open_handoff(ctx.taskId, { kind, reason, passages: rag.passages });
      escalationId = opened.escalationId;
      const withLadder = opened.deadlineAt !== undefined && patched(HANDOFF_SLA);
      const deadline = withLadder ? opened.deadlineAt! : new Date(Date.now() + opened.timeoutMs).toISOString();
      setCurrentDetails(waitingDetails(ctx.taskId, kind, reason, deadline, opened.sla ?? []));
      await ctx.setStatus(kind === 'approval' ? 'awaiting_approval' : 'escalated');
      let inTime: boolean;
      if (withLadder) {
        expiry = await waitWithLadder(kind, opened, reason, decided);
        inTime = expiry === undefined;
      } else {
        inTime = await condition(() => decided() !== undefined, opened.timeoutMs);
      }
      decision = decided();
      waiting = undefined;
      const who = decision as { agent?: string; action?: string; decision?: string } | undefined;
      return {
        attempt: opened.attempt,
        detail: inTime && who ? `${who.action ?? who.decision} by ${who.agent}` : `no decision by ${deadline}`,
      };
    });
    return { opened: opened!, decision, expiry };
  }

  async function close(kind: HandoffKind, end: Omit<HandoffEnd, 'kind'>): Promise<void> {
    await steps.close_handoff(ctx.taskId, escalationId!, { kind, ...end });
  }

  async function escalate(reason: string, rag: RagResult, draft: DraftResult, hasDraft: boolean): Promise<TaskStatus> {
    ctx.progress.route = 'await_human';
    const { opened, decision, expiry } = await handOff('escalation', reason, rag, hasDraft, () => resolution);
    if (!decision) {
      if (!expiry) await close('escalation', { status: 'expired', note: 'fallback message sent' });
      await send(opened.fallbackMessage, 'fallback');
      // The assistant takes the conversation back (escalation.sla.resumeBot). The summary is extra: when
      // it cannot go out (a closed window, a parameter too long for the template), the step says why.
      if (expiry?.summary) {
        try {
          await send(expiry.summary, 'summary');
        } catch {
          // recorded as the failed deliver step; the fallback went out
        }
      }
      return 'closed';
    }
    await close('escalation', { status: 'resolved', decision });
    if (decision.action === 'reply') return send(decision.text!, 'human', 'delivered', decision.template);
    if (decision.action === 'handback') return send(draft.draft, 'answer');
    return 'closed';
  }

  async function askApproval(gate: GateResult, rag: RagResult, draft: DraftResult): Promise<TaskStatus> {
    // Nothing found for a billing action: the approver's draft is the gate's holding reply.
    const proposed: DraftResult = gate.approvalDraft === undefined ? draft : { ...draft, draft: gate.approvalDraft };
    const { opened, decision, expiry } = await handOff('approval', gate.reasons.join('; '), rag, true, () => approval);
    if (!decision) {
      if (!expiry) await close('approval', { status: 'expired', note: 'escalated' });
      escalationId = null;
      return escalate(`no approval within ${Math.round(opened.timeoutMs / 1000)} s; ${gate.reasons.join('; ')}`, rag, proposed, true);
    }
    await close('approval', { status: 'resolved', decision });
    if (decision.decision === 'approve') return send(proposed.draft, 'answer');
    if (decision.decision === 'edit') return send(decision.text!, 'answer');
    return opened.rejectNotice ? send(opened.rejectNotice, 'notice', 'closed') : 'closed';
  }

  async function finish(status: TaskStatus, error: string | undefined): Promise<void> {
    outcome = humanOutcome(ctx.taskId, status, resolution ?? approval, sentOnDecision, error);
    if (refused.length > 0) await local.record_refusals(ctx.taskId, escalationId, refused.splice(0));
  }

  return { escalate, askApproval, finish };
}

/** What the Web UI's "Current details" say while the task waits for a person, the SLA ladder, and how to answer. */
function waitingDetails(taskId: string, kind: HandoffKind, reason: string, until: string, ladder: SlaStep[]): string {
  const signal =
    kind === 'approval'
      ? '`decideApproval` `{"decision":"approve"|"edit"|"reject","text":"...","agent":"you"}`'
      : '`resolveEscalation` `{"action":"reply"|"handback"|"close","text":"...","agent":"you"}`';
  const rungs = ladder.filter((r) => r.kind !== 'timeout');
  return [
    `**Waiting for ${kind === 'approval' ? 'approval of the draft' : 'a person'}** until ${until}.`,
    `Why: ${reason}`,
    ...(rungs.length > 0
      ? [`SLA while unclaimed:\n${rungs.map((r) => `- ${r.kind} at ${r.dueAt}: ${r.doneAt ? (r.detail ?? 'done') : 'pending'}`).join('\n')}`]
      : []),
    `Answer with the signal ${signal}, or \`POST /api/v1/agent-tasks/${taskId}/${kind}\`; claim it with \`POST /api/v1/escalations/<id>/claim\`.`,
  ].join('\n\n');
}

function humanOutcome(
  taskId: string,
  status: TaskStatus,
  decision: EscalationResolution | ApprovalDecision | undefined,
  sent: boolean,
  error: string | undefined,
): HumanOutcome {
  const action = decision ? ('action' in decision ? decision.action : decision.decision) : 'close';
  return { taskId, status, action, agent: decision?.agent ?? '', sent, ...(error ? { error } : {}) };
}
