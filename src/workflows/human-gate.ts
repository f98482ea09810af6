/**
 * The human gate of AgentTaskWorkflow: what a person may decide and when (the signal and update
 * handlers, their validation and refusals), the wait for them, and what their decision sends.
 *
 *   escalate:     hand-off notice → wait for resolveEscalation → reply | handback | close | (timeout) fallback
 *   askApproval:  wait for decideApproval → approve | edit | reject | (timeout) escalate
 *
 * Only the first decision counts; later ones, and those that arrive when nothing waits for them,
 * are refused (an update's caller sees why) and kept in the audit table when the task ends.
 * Deterministic workflow code, like the pipeline that calls it (./agent-task).
 */
import { ApplicationFailure, condition, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { HandoffEnd, OpenedHandoff, RefusedDecision } from '../activities/handoff';
import type { DraftResult, GateResult, RagResult, StepName, StepResult } from '../activities/types';
import type { TaskStatus } from '../db/schema';
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
  async function send(text: string, purpose: 'answer' | 'human' | 'fallback' | 'notice', closed: TaskStatus = 'delivered'): Promise<TaskStatus> {
    const delivered = await ctx.step('deliver', () => steps.deliver(ctx.taskId, text, purpose));
    if (delivered.supersededBy || delivered.joinedEscalation) return 'closed';
    if (resolution ?? approval) sentOnDecision = true;
    return closed;
  }

  /** Opens a hand-off of `kind`, waits for a person until the timeout; undefined when it expired. */
  async function handOff<D>(kind: HandoffKind, reason: string, rag: RagResult, hasDraft: boolean, decided: () => D | undefined) {
    let opened: OpenedHandoff | undefined;
    let decision: D | undefined;
    // Waiting before the hold is recorded and long before the status says so: whoever sees
    // `escalated` can decide at once.
    waiting = { kind, hasDraft };
    await ctx.step(kind === 'approval' ? 'await_approval' : 'await_human', async () => {
      opened = await steps.open_handoff(ctx.taskId, { kind, reason, passages: rag.passages });
      escalationId = opened.escalationId;
      setCurrentDetails(waitingDetails(ctx.taskId, kind, reason, new Date(Date.now() + opened.timeoutMs)));
      await ctx.setStatus(kind === 'approval' ? 'awaiting_approval' : 'escalated');
      const inTime = await condition(() => decided() !== undefined, opened.timeoutMs);
      decision = decided();
      waiting = undefined;
      const who = decision as { agent?: string; action?: string; decision?: string } | undefined;
      return {
        attempt: opened.attempt,
        detail: inTime && who ? `${who.action ?? who.decision} by ${who.agent}` : `no decision within ${Math.round(opened.timeoutMs / 1000)} s`,
      };
    });
    return { opened: opened!, decision };
  }

  async function close(kind: HandoffKind, end: Omit<HandoffEnd, 'kind'>): Promise<void> {
    await steps.close_handoff(ctx.taskId, escalationId!, { kind, ...end });
  }

  async function escalate(reason: string, rag: RagResult, draft: DraftResult, hasDraft: boolean): Promise<TaskStatus> {
    ctx.progress.route = 'await_human';
    const { opened, decision } = await handOff('escalation', reason, rag, hasDraft, () => resolution);
    if (!decision) {
      await close('escalation', { status: 'expired', note: 'fallback message sent' });
      await send(opened.fallbackMessage, 'fallback');
      return 'closed';
    }
    await close('escalation', { status: 'resolved', decision });
    if (decision.action === 'reply') return send(decision.text!, 'human');
    if (decision.action === 'handback') return send(draft.draft, 'answer');
    return 'closed';
  }

  async function askApproval(gate: GateResult, rag: RagResult, draft: DraftResult): Promise<TaskStatus> {
    // Nothing found for a billing action: the approver's draft is the gate's holding reply.
    const proposed: DraftResult = gate.approvalDraft === undefined ? draft : { ...draft, draft: gate.approvalDraft };
    const { opened, decision } = await handOff('approval', gate.reasons.join('; '), rag, true, () => approval);
    if (!decision) {
      await close('approval', { status: 'expired', note: 'escalated' });
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

/** What the Web UI's "Current details" say while the task waits for a person, and how to answer. */
function waitingDetails(taskId: string, kind: HandoffKind, reason: string, until: Date): string {
  const signal =
    kind === 'approval'
      ? '`decideApproval` `{"decision":"approve"|"edit"|"reject","text":"...","agent":"you"}`'
      : '`resolveEscalation` `{"action":"reply"|"handback"|"close","text":"...","agent":"you"}`';
  return [
    `**Waiting for ${kind === 'approval' ? 'approval of the draft' : 'a person'}** until ${until.toISOString()}.`,
    `Why: ${reason}`,
    `Answer with the signal ${signal}, or \`POST /api/v1/agent-tasks/${taskId}/${kind}\`.`,
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
