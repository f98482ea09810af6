/**
 * Retention end to end, on PostgreSQL and on PGlite: rows of known ages written straight into the
 * tables, RetentionCleanupWorkflow run through the API (and the client) on the dev server, and
 * then exactly the due rows gone. A worker stopped in the middle of a run, a worker process killed
 * (SIGKILL) in the middle of one, and messages arriving while one runs.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { createRetentionClient } from '../../src/api/retention-client';
import {
  agentTasks,
  agentToolCalls,
  auditEvents,
  escalations,
  humanDecisions,
  inboundEvents,
  messages,
  outboundDeliveries,
  retentionBatches,
} from '../../src/db/schema';
import { retentionScheduleId } from '../../src/temporal/ids';
import type { RetentionCleanupWorkflow, RetentionProgress } from '../../src/workflows/retention';
import { ADMIN_KEY, DB_KINDS, startTestSystem, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { CUSTOMER_TEXT, seedAuditEvents, seedInboundEvents, seedMessages, seedNamespace, seedTasks } from '../../testkit/retention-data';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

describe.each(DB_KINDS)('retention on %s', (kind) => {
  const stack = useTestSystem(kind);
  const { taskOf, finished } = taskLookups(stack);
  const db = () => stack.database.db;

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.system.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  /** Starts a run by API and waits for it to complete; its final progress. */
  async function runByApi(body: unknown): Promise<{ workflowId: string; progress: RetentionProgress }> {
    const started = await api('POST', '/retention/run', body);
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    const run = await waitFor(
      async () => {
        const res = await api('GET', `/retention/runs/${encodeURIComponent(workflowId)}`);
        const body = (await res.json()) as { status: string; progress: RetentionProgress };
        return body.status === 'COMPLETED' ? body : undefined;
      },
      30_000,
      `retention run ${workflowId}`,
    );
    return { workflowId, progress: run.progress };
  }

  /** Which of these ids still have a row. */
  const left = async (table: typeof agentTasks | typeof messages | typeof escalations | typeof inboundEvents | typeof auditEvents, ids: string[]) =>
    ids.length === 0 ? [] : (await db().select({ id: table.id }).from(table).where(inArray(table.id, ids))).map((r) => r.id);
  const childrenOf = async (taskIds: string[]) => ({
    toolCalls: (await db().select({ id: agentToolCalls.id }).from(agentToolCalls).where(inArray(agentToolCalls.taskId, taskIds))).length,
    deliveries: (await db().select({ id: outboundDeliveries.id }).from(outboundDeliveries).where(inArray(outboundDeliveries.taskId, taskIds))).length,
    decisions: (await db().select({ id: humanDecisions.id }).from(humanDecisions).where(inArray(humanDecisions.taskId, taskIds))).length,
  });

  it('when the cleanup runs, then exactly the due rows are gone, a second run deletes nothing, and each namespace has an audit row without customer text', async () => {
    const a = await seedNamespace(db(), 'ret-a'); // the defaults: tasks and messages 90d, escalations 180d, audit 365d
    const b = await seedNamespace(db(), 'ret-b', { retention: { tasks: '365d', messages: '365d', escalations: 'forever' } });

    // Due in a: finished tasks of 100 days ago (2 tool calls, 1 delivery each) and their messages.
    const old = await seedTasks(db(), a, { count: 12, daysAgo: 100 });
    // Due: a task whose hand-off was resolved 200 days ago (the hand-off and its decision first).
    const oldHandoff = await seedTasks(db(), a, { count: 1, daysAgo: 200, escalation: { status: 'resolved', daysAgo: 200 } });
    const orphans = await seedMessages(db(), a, old.conversationId, 3, 120);
    const oldEvents = await seedInboundEvents(db(), a, 2, 100);
    const oldAudit = await seedAuditEvents(db(), a.namespace, 1, 400);
    // Kept in a: recent tasks; a task still running after 100 days and one escalated (open hand-off);
    // a task whose hand-off is younger than the escalations' 180 days; a recent message, event and audit row.
    const recent = await seedTasks(db(), a, { count: 2, daysAgo: 10 });
    const running = await seedTasks(db(), a, { count: 1, daysAgo: 100, status: 'running' });
    const escalated = await seedTasks(db(), a, { count: 1, daysAgo: 100, status: 'escalated', escalation: { status: 'open', daysAgo: 100 } });
    const youngHandoff = await seedTasks(db(), a, { count: 1, daysAgo: 100, escalation: { status: 'resolved', daysAgo: 100 } });
    const recentMessages = await seedMessages(db(), a, old.conversationId, 1, 10);
    const recentEvents = await seedInboundEvents(db(), a, 1, 10);
    const recentAudit = await seedAuditEvents(db(), a.namespace, 1, 100);
    // Kept in b: the same ages, a longer retention.
    const bTasks = await seedTasks(db(), b, { count: 5, daysAgo: 100, escalation: { status: 'resolved', daysAgo: 200 } });
    const bMessages = await seedMessages(db(), b, bTasks.conversationId, 2, 100);

    const { workflowId, progress } = await runByApi({ namespaces: [a.namespace, b.namespace], batchSize: 5 });

    const dueTasks = [...old.taskIds, ...oldHandoff.taskIds];
    expect(await left(agentTasks, dueTasks)).toEqual([]);
    expect(await childrenOf(dueTasks)).toEqual({ toolCalls: 0, deliveries: 0, decisions: 0 });
    expect(await left(messages, [...old.messageIds, ...oldHandoff.messageIds, ...orphans])).toEqual([]);
    expect(await left(inboundEvents, oldEvents)).toEqual([]);
    expect(await left(auditEvents, oldAudit)).toEqual([]);

    const keptTasks = [...recent.taskIds, ...running.taskIds, ...escalated.taskIds, ...youngHandoff.taskIds, ...bTasks.taskIds];
    expect((await left(agentTasks, keptTasks)).sort()).toEqual([...keptTasks].sort());
    expect(await childrenOf(keptTasks)).toEqual({ toolCalls: 2 * keptTasks.length, deliveries: keptTasks.length, decisions: 7 });
    const keptMessages = [
      ...recent.messageIds,
      ...running.messageIds,
      ...escalated.messageIds,
      ...youngHandoff.messageIds,
      ...recentMessages,
      ...bTasks.messageIds,
      ...bMessages,
    ];
    expect((await left(messages, keptMessages)).length).toBe(keptMessages.length);
    expect(await left(inboundEvents, recentEvents)).toEqual(recentEvents);
    expect(await left(auditEvents, recentAudit)).toEqual(recentAudit);
    expect(
      (
        await db()
          .select()
          .from(escalations)
          .where(inArray(escalations.taskId, [...escalated.taskIds, ...youngHandoff.taskIds, ...bTasks.taskIds]))
      ).length,
    ).toBe(7);

    // The progress counts what went, by namespace and table.
    expect(progress).toMatchObject({ status: 'completed', batchSize: 5, current: null });
    const ofA = progress.namespaces.find((n) => n.namespace === a.namespace)!;
    expect(ofA.deleted).toEqual({
      agent_tasks: 13,
      agent_tool_calls: 26,
      outbound_deliveries: 13,
      escalations: 1,
      human_decisions: 1,
      messages: 16,
      inbound_events: 2,
      audit_events: 1,
    });
    expect(Object.values(progress.namespaces.find((n) => n.namespace === b.namespace)!.deleted).every((n) => n === 0)).toBe(true);
    expect(progress.namespaces.find((n) => n.namespace === b.namespace)!.cutoffs.escalations).toBeNull();
    expect(progress.totalDeleted).toBe(73);

    // One audit row per namespace: counts, cutoffs, never what the customer wrote.
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'retention.purged'), eq(auditEvents.subject, workflowId)));
    expect(audit.map((r) => r.namespace).sort()).toEqual([a.namespace, b.namespace].sort());
    const auditA = audit.find((r) => r.namespace === a.namespace)!;
    expect(auditA).toMatchObject({ actor: 'system', detail: { deleted: ofA.deleted } });
    expect(JSON.stringify(audit)).not.toContain(CUSTOMER_TEXT);
    expect(
      await db()
        .select()
        .from(retentionBatches)
        .where(inArray(retentionBatches.namespace, [a.namespace, b.namespace])),
    ).toEqual([]);

    const again = await runByApi({ namespaces: [a.namespace, b.namespace], batchSize: 5 });
    expect(again.progress.totalDeleted).toBe(0);
    expect((await left(agentTasks, keptTasks)).length).toBe(keptTasks.length);
  });

  it('when the worker is stopped in the middle of a run, then a new worker finishes it with exact counts', async () => {
    const ns = await seedNamespace(db(), 'ret-kill');
    const seeded = await seedTasks(db(), ns, { count: 120, daysAgo: 100, toolCalls: 1, deliveries: 0 });
    const kept = await seedTasks(db(), ns, { count: 3, daysAgo: 5, toolCalls: 1, deliveries: 0 });
    const taskQueue = `test-retention-${randomUUID()}`;
    const retention = createRetentionClient(stack.system.client, taskQueue);
    const workerOn = () => startTestSystem({ database: stack.database, api: false, env: { TEMPORAL_TASK_QUEUE: taskQueue } });
    const first = await workerOn();
    let stopped = false;
    try {
      // Small batches: the run takes several seconds.
      const { workflowId, started } = await retention.runNow({ namespaces: [ns.namespace], batchSize: 5 });
      expect(started).toBe(true);
      const midway = await waitFor(
        async () => {
          const run = await retention.run(workflowId);
          return (run?.progress?.namespaces[0]?.deleted.agent_tasks ?? 0) >= 20 ? run!.progress! : undefined;
        },
        20_000,
        'some batches',
      );
      expect(midway.status).toBe('running');
      // A second start while it runs starts nothing and names the running one.
      const query = `WorkflowId = '${workflowId}' AND ExecutionStatus = 'Running'`;
      await waitFor(async () => (await stack.system.client.workflow.count(query)).count > 0, 10_000, 'the run in visibility');
      expect(await retention.runNow({})).toEqual({ workflowId, started: false });
      await first.stop();
      stopped = true;
      const atStop = 120 - (await left(agentTasks, seeded.taskIds)).length;
      expect(atStop).toBeGreaterThan(0);
      expect(atStop).toBeLessThan(120);
      await new Promise((r) => setTimeout(r, 500));
      expect(120 - (await left(agentTasks, seeded.taskIds)).length).toBe(atStop); // nothing runs without a worker

      const second = await workerOn();
      try {
        const handle = stack.system.client.workflow.getHandle<typeof RetentionCleanupWorkflow>(workflowId);
        const done = await handle.result();
        expect(done.namespaces[0]!.deleted).toMatchObject({ agent_tasks: 120, agent_tool_calls: 120, messages: 120 });
        // Escalations, tasks and messages (each with a last batch that finds none left), events, audit: none done twice.
        expect(done.batches).toBe(1 + 25 + 25 + 1 + 1);
        expect(await left(agentTasks, seeded.taskIds)).toEqual([]);
        expect(await left(messages, seeded.messageIds)).toEqual([]);
        expect((await left(agentTasks, kept.taskIds)).length).toBe(3);
        const audit = await db().select().from(auditEvents).where(eq(auditEvents.subject, workflowId));
        expect(audit).toHaveLength(1);
        expect(audit[0]!.detail).toMatchObject({ deleted: { agent_tasks: 120, messages: 120 } });

        // The schedule each worker set up on start, on its own task queue: daily, one run at a time.
        const schedule = await stack.system.client.schedule.getHandle(retentionScheduleId(taskQueue)).describe();
        expect(schedule.spec.calendars).toHaveLength(1); // the cron expression, as Temporal keeps it
        expect(schedule.policies.overlap).toBe('SKIP');
        expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'RetentionCleanupWorkflow', taskQueue });
        await stack.system.client.schedule.getHandle(retentionScheduleId(taskQueue)).delete();
      } finally {
        await second.stop();
      }
    } finally {
      if (!stopped) await first.stop();
    }
  });

  it('when messages arrive while a cleanup runs, then every one is stored and answered', async () => {
    const ns = await seedNamespace(db(), 'ret-live');
    const old = await seedTasks(db(), ns, { count: 100, daysAgo: 100, toolCalls: 2 });
    // A customer we answered 100 days ago, who writes again while their old conversation is cleaned up.
    const returning = await seedTasks(db(), ns, { count: 1, daysAgo: 100 });
    await seedMessages(db(), ns, returning.conversationId, 1, 100);
    // Small batches: the run takes a few seconds, and the messages come in meanwhile.
    const { workflowId } = await stack.system.retention.runNow({ namespaces: [ns.namespace], batchSize: 5 });

    // Customers write meanwhile: new ones, and the one whose old conversation is being cleaned up.
    const senders = [returning.from, ...Array.from({ length: 11 }, () => `4471${Math.floor(Math.random() * 1e8)}`)];
    const sent = await Promise.all(
      senders.map(async (from) => {
        const id = wamid();
        const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId: ns.phoneNumberId, id, from, text: 'hello' }));
        expect(res.status).toBe(200);
        return { id, from };
      }),
    );
    const whileRunning = await stack.system.retention.run(workflowId);
    expect(whileRunning?.status).toBe('RUNNING');

    for (const { id } of sent) expect((await finished(id)).status).toBe('delivered');
    for (const { id, from } of sent) {
      expect((await taskOf(id))?.namespace).toBe(ns.namespace);
      expect(stack.graph.sent().some((r) => r.body.to === from)).toBe(true);
    }
    const done = await stack.system.client.workflow.getHandle<typeof RetentionCleanupWorkflow>(workflowId).result();
    expect(done.namespaces[0]!.deleted).toMatchObject({ agent_tasks: 101, agent_tool_calls: 202, messages: 102 });
    expect(await left(agentTasks, [...old.taskIds, ...returning.taskIds])).toEqual([]);
    // The new messages, their tasks and replies are all still there.
    const stored = await db()
      .select({ id: messages.id })
      .from(messages)
      .where(
        inArray(
          messages.externalId,
          sent.map((s) => s.id),
        ),
      );
    expect(stored).toHaveLength(sent.length);
  });
});

describe('retention with its worker process killed (PostgreSQL: the worker runs in a process of its own)', () => {
  const stack = useTestSystem('postgres', { worker: false });
  const db = () => stack.database.db;

  it('when the worker process is killed (SIGKILL) in the middle of a run, then a new worker finishes it with exact counts', async () => {
    const ns = await seedNamespace(db(), 'ret-sigkill');
    const seeded = await seedTasks(db(), ns, { count: 120, daysAgo: 100, toolCalls: 1, deliveries: 0 });
    const taskQueue = `test-retention-${randomUUID()}`;
    const retention = createRetentionClient(stack.system.client, taskQueue);
    const remaining = async () => (await db().select({ id: agentTasks.id }).from(agentTasks).where(inArray(agentTasks.id, seeded.taskIds))).length;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, ...stack.system.env, DATABASE_URL: inject('postgresUrl'), TEMPORAL_TASK_QUEUE: taskQueue, PORT: '0' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const { workflowId } = await retention.runNow({ namespaces: [ns.namespace], batchSize: 5 });
      await waitFor(async () => ((await remaining()) <= 100 ? true : undefined), 30_000, 'some batches in the worker process');
      child.kill('SIGKILL');
      await exited;
      const atKill = await remaining();
      expect(atKill).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(await remaining()).toBe(atKill); // nothing runs without a worker

      const second = await startTestSystem({ database: stack.database, api: false, env: { TEMPORAL_TASK_QUEUE: taskQueue } });
      try {
        const done = await stack.system.client.workflow.getHandle<typeof RetentionCleanupWorkflow>(workflowId).result();
        // Exact although a batch may have been cut off mid-flight: each batch's counts are kept with its deletes.
        expect(done.namespaces[0]!.deleted).toMatchObject({ agent_tasks: 120, agent_tool_calls: 120, messages: 120 });
        expect(await remaining()).toBe(0);
        await stack.system.client.schedule.getHandle(retentionScheduleId(taskQueue)).delete();
      } finally {
        await second.stop();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
