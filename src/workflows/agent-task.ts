/**
 * AgentTaskWorkflow: one execution per inbound message.
 *
 *   inject_profile → rag_search → generate → confidence_check ─┬→ deliver
 *                                                               ├→ await_approval → deliver | (timeout) await_human
 *                                                               └→ await_human → deliver (reply, handback, fallback)
 *   inject_profile finds the conversation held by a person → await_human (joins their escalation)
 *   delivered on WhatsApp → waits for the delivery receipts (./receipts): a failed part fails the task
 *   delivered, ratings on (`csat`) → sleeps `csat.after`, then ask_rating (the customer's one rating question)
 *
 * Orchestration only: every step is an activity that records itself as a tool call; this
 * file keeps the step list for the `progress` query, the task status (in the database via
 * record_status, and in the AgentTaskStatus search attribute), and the route taken.
 *
 * Where to read on:
 *   ./definitions  the input, the result, the `progress` query, the signals and updates
 *   ./human-gate   a person's decisions: the handlers, the wait, what each decision sends
 *   ./human        the checks on a decision's body (shared with the API)
 *   ./receipts     the platform's delivery receipts, and the wait for them
 *   ./proxies      which step runs as an activity or a local activity, timeouts and retries
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { DeliverResult, StepName, StepResult } from '../activities/types';
import type { TaskStatus } from '../db/schema';
import { AgentTaskStatus } from '../temporal/search-attributes';
import { progressQuery, type AgentTaskInput, type AgentTaskResult, type Progress, type StepProgress } from './definitions';
import { humanGate } from './human-gate';
import { fast, local, model, steps } from './proxies';
import { deliveryReceipts, RECEIPT_WAIT } from './receipts';

export * from './definitions';
export type { ApprovalDecision, EscalationResolution, HumanOutcome } from './human';
/** Executions started before the change replay with the three steps as activities. */
export const LOCAL_STEPS = 'local-db-steps';
/** Executions started before ratings replay without the wait for the rating question. */
export const CSAT_SURVEY = 'csat-survey';

export async function AgentTaskWorkflow(input: AgentTaskInput): Promise<AgentTaskResult> {
  const progress: Progress = { taskId: input.taskId, status: 'queued', route: null, steps: [] };
  setHandler(progressQuery, () => progress);
  const human = humanGate({ taskId: input.taskId, progress, setStatus, step });
  const receipts = deliveryReceipts();

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
      if (name === 'deliver') receipts.track(result as StepResult as DeliverResult);
      return result;
    } catch (err) {
      Object.assign(entry, { status: 'failed', detail: failureMessage(err) });
      throw err;
    } finally {
      entry.finishedAt = new Date().toISOString();
    }
  }

  let final: TaskStatus = 'failed';
  let error: string | undefined;
  let ratingAfterMs: number | undefined;
  const dbSteps = patched(LOCAL_STEPS) ? fast : steps;
  try {
    await setStatus('running');
    const profile = await step('inject_profile', () => dbSteps.inject_profile(input.taskId));
    ratingAfterMs = profile.rating?.afterMs;
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
        final = await human.askApproval(gate, rag, draft);
      } else {
        // An injection's or a leaking draft was withheld: nothing to hand back.
        final = await human.escalate(gate.reasons.join('; '), rag, draft, !(gate.injection || gate.leak));
      }
    }
  } catch (err) {
    error = failureMessage(err);
    final = 'failed';
  }
  if (final === 'delivered' && receipts.failure()) [final, error] = ['failed', receipts.failure()];
  await setStatus(final, error);
  setCurrentDetails(`**${final}**${error ? `: ${error}` : ''}`);
  await human.finish(final, error);
  if (final === 'delivered' && receipts.waitMs > 0 && patched(RECEIPT_WAIT)) {
    setCurrentDetails(`**delivered**; waiting up to ${Math.round(receipts.waitMs / 1000)} s for the platform's delivery receipts`);
    await receipts.wait();
    if (receipts.failure()) {
      [final, error] = ['failed', receipts.failure()];
      await setStatus(final, error);
    }
    setCurrentDetails(`**${final}**${error ? `: ${error}` : ''}`);
  }
  if (final === 'delivered' && ratingAfterMs !== undefined && patched(CSAT_SURVEY)) {
    // The customer's rating, once the conversation has stayed quiet; the task's status is already final.
    setCurrentDetails(`**delivered**; the rating question may go out in ${Math.round(ratingAfterMs / 1000)} s, if the conversation stays quiet`);
    await sleep(ratingAfterMs);
    const asked = await step('ask_rating', () => steps.ask_rating(input.taskId)).catch(() => undefined); // a survey never fails its task
    setCurrentDetails(`**delivered**; ${asked?.detail ?? 'the rating question failed'}`);
  }
  await condition(allHandlersFinished);
  return { taskId: input.taskId, status: final, route: progress.route, ...(error ? { error } : {}) };
}

/** The innermost message of a failure chain (an activity failure wraps its cause). */
function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return failureMessage(err.cause);
  if (err instanceof ApplicationFailure && err.type) return `${err.type}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
