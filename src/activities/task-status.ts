/** record_status: the workflow's status changes, written to the task row, and a finished task's outcome. Idempotent. */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { markReopening, recordOutcome } from '../analytics/outcomes';
import { agentTasks, TERMINAL_STATUSES } from '../db/schema';
import type { StatusChange } from './types';

export function createStatusActivities({ db }: { db: Database }) {
  return {
    async record_status(taskId: string, change: StatusChange): Promise<void> {
      const terminal = TERMINAL_STATUSES.includes(change.status);
      await db
        .update(agentTasks)
        .set({
          status: change.status,
          ...(change.route ? { route: change.route } : {}),
          ...(change.error !== undefined ? { error: change.error } : {}),
          updatedAt: sql`now()`,
          ...(terminal ? { finishedAt: sql`coalesce(${agentTasks.finishedAt}, now())` } : {}),
        })
        .where(eq(agentTasks.id, taskId));
      // What analytics counts: who resolved it, who wrote the reply, how fast (src/analytics/outcomes.ts).
      if (terminal) await recordOutcome(db, taskId, change.status);
      // Past the gate (its intent known): a new question within a week reopens the conversation's last answer.
      if (terminal || change.status === 'escalated' || change.status === 'awaiting_approval') await markReopening(db, taskId);
    },
  };
}
