/** The retention batch on both databases: idempotent, exact counts when retried, what it leaves alone. */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db';
import { agentTasks, retentionBatches } from '../../src/db/schema';
import { purgeBatch, type BatchRequest } from '../../src/retention/purge';
import { daysAgo, seedNamespace, seedTasks } from '../../testkit/retention-data';
import { DB_KINDS, openTestDatabase } from '../helpers/system';

describe.each(DB_KINDS)('retention batches on %s', (kind) => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  const request = (namespace: string, seq: number, runKey = randomUUID()): BatchRequest => ({
    runKey,
    seq,
    namespace,
    step: 'tasks',
    cutoff: daysAgo(90).toISOString(),
    escalationsCutoff: daysAgo(180).toISOString(),
    limit: 4,
  });

  it('when a batch is retried after it committed, then it answers the same counts and deletes nothing more', async () => {
    const ns = await seedNamespace(database.db, 'ret-batch');
    const { taskIds } = await seedTasks(database.db, ns, { count: 6, daysAgo: 100 });
    const first = request(ns.namespace, 1);
    const once = await purgeBatch(database.db, first);
    const again = await purgeBatch(database.db, first);
    expect(once).toEqual({ deleted: 4, rows: { agent_tasks: 4, agent_tool_calls: 8, outbound_deliveries: 4, human_decisions: 0, escalations: 0 } });
    expect(again).toEqual(once);
    expect((await database.db.select().from(agentTasks).where(inArray(agentTasks.id, taskIds))).length).toBe(2);

    const next = await purgeBatch(database.db, { ...first, seq: 2 });
    expect(next.deleted).toBe(2); // fewer than the limit: the step is done
    expect(await database.db.select().from(retentionBatches).where(eq(retentionBatches.runKey, first.runKey))).toHaveLength(2);
  });

  it('when nothing is due, then a batch deletes nothing: a later run repeats a finished one harmlessly', async () => {
    const ns = await seedNamespace(database.db, 'ret-none');
    const { taskIds } = await seedTasks(database.db, ns, { count: 3, daysAgo: 30 });
    expect((await purgeBatch(database.db, request(ns.namespace, 1))).deleted).toBe(0);
    expect((await database.db.select().from(agentTasks).where(inArray(agentTasks.id, taskIds))).length).toBe(3);
  });
});
