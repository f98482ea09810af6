/**
 * Every pipeline step runs through `recordStep`: one agent_tool_calls row per attempt,
 * written `running` before the work and `succeeded`/`failed` after, with short summaries.
 */
import { Context } from '@temporalio/activity';
import { sql } from 'drizzle-orm';
import type { Database } from '../db';
import { agentToolCalls } from '../db/schema';
import { stepDuration } from '../metrics';
import type { StepName } from './types';

const MAX_ERROR_LENGTH = 500;

export interface StepOutcome<T> {
  value: T;
  summary: Record<string, unknown>;
}

/**
 * Runs `work` heartbeating every `everyMs`: with a heartbeatTimeout on the activity, a worker that
 * died mid-step is noticed within that timeout instead of the whole startToCloseTimeout (2 minutes
 * for `generate`). Outside an activity (unit tests) it only runs `work`.
 */
export async function heartbeating<T>(work: () => Promise<T>, everyMs = 2000): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The current activity attempt (1 outside an activity, e.g. in unit tests). */
export function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

export async function recordStep<T>(
  db: Database,
  taskId: string,
  name: StepName,
  inputSummary: Record<string, unknown>,
  work: (attempt: number) => Promise<StepOutcome<T>>,
): Promise<T> {
  const attempt = currentAttempt();
  const [row] = await db
    .insert(agentToolCalls)
    .values({ taskId, name, attempt, status: 'running', inputSummary })
    .onConflictDoUpdate({
      target: [agentToolCalls.taskId, agentToolCalls.name, agentToolCalls.attempt],
      set: { status: 'running', startedAt: sql`now()`, finishedAt: null, error: null, inputSummary },
    })
    .returning({ id: agentToolCalls.id });
  const id = row!.id;
  // The time inside the step, once per attempt, for /metrics (agent_step_duration_seconds).
  const started = performance.now();
  let observed = false;
  const observe = (status: 'succeeded' | 'failed') => {
    if (!observed) stepDuration.observe({ step: name, status }, (performance.now() - started) / 1000);
    observed = true;
  };
  try {
    const outcome = await work(attempt);
    observe('succeeded');
    await db
      .update(agentToolCalls)
      .set({ status: 'succeeded', finishedAt: sql`now()`, outputSummary: outcome.summary })
      .where(sql`${agentToolCalls.id} = ${id}`);
    return outcome.value;
  } catch (err) {
    observe('failed');
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    await db
      .update(agentToolCalls)
      .set({ status: 'failed', finishedAt: sql`now()`, error: message.slice(0, MAX_ERROR_LENGTH) })
      .where(sql`${agentToolCalls.id} = ${id}`);
    throw err;
  }
}
