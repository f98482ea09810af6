/**
 * AgentTaskWorkflow: one execution per inbound message.
 *
 *   inject_profile → rag_search → generate → confidence_check ─┬→ deliver
 *                                                               ├→ await_approval → deliver | (timeout) await_human
 *                                                               └→ await_human → deliver (reply, handback, fallback)
 *   inject_profile finds the conversation held by a person → await_human (joins their escalation)
 *
 * Orchestration only: every step is an activity that records itself as a tool call; this
 * file keeps the step list for the `progress` query, the task status (in the database via
 * record_status, and in the AgentTaskStatus search attribute), and the route taken.
 *
 * A person acts through the signals `resolveEscalation` / `decideApproval` (CLI, Web UI) or the
 * updates of the same names (the API: validated, answered with the outcome, refused with a
 * reason when nothing waits for them). Only the first decision counts; later ones are refused
 * and kept in the audit table.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { HandoffEnd, OpenedHandoff, RefusedDecision } from '../activities/handoff';
import type { DraftResult, GateResult, RagResult, StepName, StepResult } from '../activities/types';
import type { Route, TaskStatus } from '../db/schema';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';
import { AgentTaskStatus } from '../temporal/search-attributes';
import {
  approvalProblems,
  escalationProblems,
  type ApprovalDecision,
  type EscalationResolution,
  type HumanOutcome,
} from './human';

export type { ApprovalDecision, EscalationResolution, HumanOutcome } from './human';

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

/** Failure types of a refused update; the API answers 409 for NotWaiting, 400 for InvalidDecision. */
export const NOT_WAITING = 'NotWaiting';
export const INVALID_DECISION = 'InvalidDecision';

const retry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 8,
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

const steps = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry });
/** A model call may take its 60 s; a worker that dies during one is noticed by the missed heartbeats, within 10 s. */
const model = proxyActivities<Activities>({ startToCloseTimeout: '2m', heartbeatTimeout: '10s', retry });
const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s', retry });
/**
 * The three steps that read and write our own database (and post a read receipt): local
 * activities since LOCAL_STEPS, run in the workflow task that schedules them, no round trip
 * through the server each (bench/results/tuning.json has what that bought). Same retries and
 * the same tool call rows; in the Web UI they show as markers, not as activity events. A longer
 * timeout than `local`: an embeddings call may be part of rag_search.
 */
const fast = proxyLocalActivities<Activities>({ startToCloseTimeout: '30s', retry });
/** Executions started before the change replay with the three steps as activities. */
export const LOCAL_STEPS = 'local-db-steps';

export async function AgentTaskWorkflow(input: AgentTaskInput): Promise<AgentTaskResult> {
  const progress: Progress = { taskId: input.taskId, status: 'queued', route: null, steps: [] };
  setHandler(progressQuery, () => progress);

  // What a person may decide, and when: only while the workflow waits for that kind, only once.
  /**
   * What a person may decide now. Set as soon as the route is known, before the hold is even
   * recorded: after a worker crash the decision can arrive in the same workflow task that
   * replays the hold's opening, and it must not be refused for arriving early.
   */
  let waiting: { kind: 'escalation' | 'approval'; hasDraft: boolean } | undefined;
  let escalationId: string | null = null;
  let resolution: EscalationResolution | undefined;
  let approval: ApprovalDecision | undefined;
  let outcome: HumanOutcome | undefined = undefined;
  /** Something went to the customer after a person's decision. */
  let sentOnDecision = false;
  const refused: RefusedDecision[] = [];

  function refusal(kind: 'escalation' | 'approval', decision: unknown): { type: string; message: string } | undefined {
    const problems = kind === 'escalation' ? escalationProblems(decision) : approvalProblems(decision);
    if (problems.length > 0) return { type: INVALID_DECISION, message: problems.join('; ') };
    if (waiting?.kind !== kind || (kind === 'escalation' ? resolution : approval)) {
      const why = outcome || (kind === 'escalation' ? resolution : approval) ? 'it was already decided' : `the task is not waiting for ${kind === 'escalation' ? 'a person' : 'approval'} (status ${progress.status})`;
      return { type: NOT_WAITING, message: why };
    }
    if (kind === 'escalation' && (decision as EscalationResolution).action === 'handback' && !waiting.hasDraft) {
      return { type: NOT_WAITING, message: 'there is no draft to hand back: it was withheld; reply or close instead' };
    }
    return undefined;
  }
  const refuse = (kind: 'escalation' | 'approval', decision: unknown, reason: string) =>
    refused.push({ kind, decision: decision as EscalationResolution, reason });

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
    {
      validator: (decision) => {
        const no = refusal('escalation', decision);
        if (no) throw ApplicationFailure.create({ type: no.type, message: no.message, nonRetryable: true });
      },
    },
  );
  setHandler(
    decideApprovalUpdate,
    async (decision) => {
      approval = decision;
      await condition(() => outcome !== undefined);
      return outcome!;
    },
    {
      validator: (decision) => {
        const no = refusal('approval', decision);
        if (no) throw ApplicationFailure.create({ type: no.type, message: no.message, nonRetryable: true });
      },
    },
  );

  async function setStatus(status: TaskStatus, error?: string): Promise<void> {
    progress.status = status;
    upsertSearchAttributes([{ key: AgentTaskStatus, value: status }]);
    await local.record_status(input.taskId, { status, route: progress.route ?? undefined, error });
  }

  async function step<T extends StepResult>(name: StepName, run: () => Promise<T>): Promise<T> {
    const entry: StepProgress = {
      name,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      attempt: 1,
      detail: null,
    };
    progress.steps.push(entry);
    setCurrentDetails(`**${name}** running`);
    try {
      const result = await run();
      Object.assign(entry, { status: 'succeeded', attempt: result.attempt, detail: result.detail });
      return result;
    } catch (err) {
      Object.assign(entry, { status: 'failed', detail: failureMessage(err) });
      throw err;
    } finally {
      entry.finishedAt = new Date().toISOString();
    }
  }

  /** Sends `text` and ends the task: delivered, or closed when nothing went out (superseded, joined). */
  async function send(text: string, purpose: 'answer' | 'human' | 'fallback' | 'notice', closed: TaskStatus = 'delivered'): Promise<TaskStatus> {
    const delivered = await step('deliver', () => steps.deliver(input.taskId, text, purpose));
    if (delivered.supersededBy || delivered.joinedEscalation) return 'closed';
    if (resolution ?? approval) sentOnDecision = true;
    return closed;
  }

  /** Opens a hand-off of `kind`, waits for a person until the timeout; undefined when it expired. */
  async function handOff<D>(kind: 'escalation' | 'approval', reason: string, rag: RagResult, hasDraft: boolean, decided: () => D | undefined) {
    let opened: OpenedHandoff | undefined;
    let decision: D | undefined;
    // Waiting before the hold is recorded and long before the status says so: whoever sees
    // `escalated` can decide at once.
    waiting = { kind, hasDraft };
    await step(kind === 'approval' ? 'await_approval' : 'await_human', async () => {
      opened = await steps.open_handoff(input.taskId, { kind, reason, passages: rag.passages });
      escalationId = opened.escalationId;
      setCurrentDetails(waitingDetails(input.taskId, kind, reason, new Date(Date.now() + opened.timeoutMs)));
      await setStatus(kind === 'approval' ? 'awaiting_approval' : 'escalated');
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

  async function close(kind: 'escalation' | 'approval', end: Omit<HandoffEnd, 'kind'>): Promise<void> {
    await steps.close_handoff(input.taskId, escalationId!, { kind, ...end });
  }

  /** A person takes over: a hand-off notice, then their reply, the draft handed back, or nothing. */
  async function escalate(reason: string, rag: RagResult, draft: DraftResult, hasDraft: boolean): Promise<TaskStatus> {
    progress.route = 'await_human';
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

  /** A person checks the draft: approve sends it, edit sends theirs, reject sends a notice or nothing. */
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

  let final: TaskStatus = 'failed';
  let error: string | undefined;
  const dbSteps = patched(LOCAL_STEPS) ? fast : steps;
  try {
    await setStatus('running');
    const profile = await step('inject_profile', () => dbSteps.inject_profile(input.taskId));
    if (profile.heldBy) {
      // A person holds the conversation: this message is theirs to answer.
      progress.route = 'await_human';
      const held = profile.heldBy;
      await step('await_human', () => steps.join_escalation(input.taskId, held.escalationId));
      final = 'closed';
    } else {
      const rag = await step('rag_search', () => dbSteps.rag_search(input.taskId, profile.message.text));
      const draft = await step('generate', () => model.generate(input.taskId, profile, rag));
      const gate = await step('confidence_check', () => dbSteps.confidence_check(input.taskId, draft, rag));
      progress.route = gate.route;
      if (gate.route === 'deliver') {
        const delivered = await step('deliver', () => steps.deliver(input.taskId, draft.draft));
        // Superseded by a newer message in the conversation: that task answers both.
        final = delivered.supersededBy || delivered.joinedEscalation ? 'closed' : 'delivered';
      } else if (gate.route === 'await_approval') {
        final = await askApproval(gate, rag, draft);
      } else {
        // An injection's or a leaking draft was withheld: nothing to hand back.
        final = await escalate(gate.reasons.join('; '), rag, draft, !(gate.injection || gate.leak));
      }
    }
  } catch (err) {
    error = failureMessage(err);
    final = 'failed';
  }
  await setStatus(final, error);
  setCurrentDetails(`**${final}**${error ? `: ${error}` : ''}`);
  outcome = humanOutcome(input.taskId, final, resolution ?? approval, sentOnDecision, error);
  if (refused.length > 0) await local.record_refusals(input.taskId, escalationId, refused.splice(0));
  await condition(allHandlersFinished);
  return { taskId: input.taskId, status: final, route: progress.route, ...(error ? { error } : {}) };
}

/** What the Web UI's "Current details" say while the task waits for a person, and how to answer. */
function waitingDetails(taskId: string, kind: 'escalation' | 'approval', reason: string, until: Date): string {
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

/** The innermost message of a failure chain (an activity failure wraps its cause). */
function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return failureMessage(err.cause);
  if (err instanceof ApplicationFailure && err.type) return `${err.type}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
