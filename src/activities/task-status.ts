/** record_status: the workflow's status changes, written to the task row. Idempotent. */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
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
    },
  };
}
