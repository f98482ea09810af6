/**
 * Migration 0011: the tasks' `result` bag becomes typed columns, each written by one step. What a
 * task had in the bag is copied over before the bag is dropped, and the API shows the same object.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentTask } from '../../src/api/present-task';
import type { DatabaseHandle } from '../../src/db';
import { agentTasks } from '../../src/db/schema';
import { seedNamespace, seedTasks } from '../../testkit/retention-data';
import { DB_KINDS, openTestDatabase } from '../helpers/system';

const BACKFILL = readFileSync(path.join(__dirname, '..', '..', 'drizzle', '0011_task_result_backfill.sql'), 'utf8').split('--> statement-breakpoint');

describe.each(DB_KINDS)('the result bag moved to typed columns, on %s', (kind) => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('when tasks written before the change are migrated, then each bag key lands in its column and the API shows the same result', async () => {
    const { db } = database;
    const ns = await seedNamespace(db, 'bag');
    const { taskIds } = await seedTasks(db, ns, { count: 3, daysAgo: 1 });
    const [full, gated, bare] = taskIds as [string, string, string];
    const bags: Record<string, Record<string, unknown>> = {
      [full]: {
        citations: [{ documentId: '6c2f1d0e-8a53-4e0b-9d3c-2b9f0d6f7a11', title: 'Shipping', position: 0 }],
        model: 'gpt-4o-mini',
        usage: { promptTokens: 812, completionTokens: 64 },
        fallback: 'the model answered 500',
        gate: { route: 'deliver', intent: 'shipping', confidence: 0.82, reasons: ['confident answer'] },
        unresolved: false,
      },
      [gated]: {
        gate: { route: 'await_human', intent: 'complaint', confidence: 0.3, reasons: ['customer asked for a person'] },
        unresolved: true,
        joinedEscalation: '0b6e2c1a-4d5f-4e8a-9b7c-1d2e3f4a5b6c',
      },
    };

    // The table as it was before 0011: the bag, no typed values.
    await db.execute(sql`alter table agent_tasks add column result jsonb`);
    for (const [id, bag] of Object.entries(bags)) {
      await db.execute(sql`update agent_tasks set result = ${JSON.stringify(bag)}::jsonb where id = ${id}`);
    }
    for (const statement of BACKFILL) await db.execute(sql.raw(statement));

    const rows = await db.select().from(agentTasks).where(inArray(agentTasks.id, taskIds));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(full)).toMatchObject({
      citations: bags[full]!.citations,
      model: 'gpt-4o-mini',
      promptTokens: 812,
      completionTokens: 64,
      draftFallback: 'the model answered 500',
      gateRoute: 'deliver',
      gateIntent: 'shipping',
      gateReasons: ['confident answer'],
      unresolved: false,
      joinedEscalationId: null,
    });
    expect(byId.get(full)!.gateConfidence).toBeCloseTo(0.82, 5);
    expect(byId.get(gated)).toMatchObject({
      gateRoute: 'await_human',
      unresolved: true,
      joinedEscalationId: '0b6e2c1a-4d5f-4e8a-9b7c-1d2e3f4a5b6c',
      model: null,
      citations: null,
    });
    expect(byId.get(bare)).toMatchObject({ gateRoute: null, unresolved: null, model: null });

    // The API's `result` is the bag the task had.
    const presented = presentTask(byId.get(full)!);
    expect({ ...presented.result, gate: { ...(presented.result!.gate as object), confidence: 0.82 } }).toEqual(bags[full]);
    expect(presentTask(byId.get(gated)!).result).toEqual({ ...bags[gated], gate: { ...(bags[gated]!.gate as object), confidence: expect.closeTo(0.3, 5) } });
    expect(presentTask(byId.get(bare)!).result).toBeNull();
    expect(presented).not.toHaveProperty('gateRoute');

    // And the bag is gone.
    const [row] = await db.select({ id: agentTasks.id }).from(agentTasks).where(eq(agentTasks.id, full));
    expect(row?.id).toBe(full);
    await expect(db.execute(sql`select result from agent_tasks limit 1`)).rejects.toThrow(/result/);
  });
});
