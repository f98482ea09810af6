/**
 * GET /api/v1/agent-tasks/stats over real HTTP, on both databases: counts and percentiles
 * against rows seeded with known timestamps, the window, filters, key confinement, 400s.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StepName } from '../../src/activities/types';
import type { ChannelKind } from '../../src/channels/types';
import type { Database } from '../../src/db';
import { agentTasks, agentToolCalls, channelAccounts, contacts, conversations, messages, namespaces, type TaskStatus } from '../../src/db/schema';
import { json } from '../helpers/http';
import { ADMIN_KEY, DB_KINDS, useTestSystem } from '../helpers/system';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface SeededTask {
  channel: ChannelKind;
  status: TaskStatus;
  /** How long before now the task was created. */
  ago: number;
  /** created_at → finished_at; unset: not finished. */
  tookMs?: number;
  /** Tool calls: [step, duration ms, status?, attempt?]. */
  steps?: Array<[StepName, number, ('succeeded' | 'failed' | 'running')?, number?]>;
}

/** A namespace of its own, with one account, contact and conversation per channel, and these tasks. */
async function seed(db: Database, ns: string, tasks: SeededTask[]): Promise<void> {
  await db.insert(namespaces).values({ name: ns });
  const now = Date.now();
  const places = new Map<ChannelKind, { accountId: string; contactId: string; conversationId: string }>();
  for (const channel of ['whatsapp', 'telegram', 'slack'] as const) {
    const [account] = await db
      .insert(channelAccounts)
      .values({ namespace: ns, channel, externalId: `${ns}-${channel}` })
      .returning();
    const [contact] = await db
      .insert(contacts)
      .values({ namespace: ns, channel, externalId: `${ns}-customer` })
      .returning();
    const [conversation] = await db
      .insert(conversations)
      .values({ namespace: ns, channelAccountId: account!.id, externalId: `${ns}-chat`, contactId: contact!.id })
      .returning();
    places.set(channel, { accountId: account!.id, contactId: contact!.id, conversationId: conversation!.id });
  }
  for (const [i, t] of tasks.entries()) {
    const place = places.get(t.channel)!;
    const createdAt = new Date(now - t.ago);
    const [message] = await db
      .insert(messages)
      .values({
        conversationId: place.conversationId,
        channelAccountId: place.accountId,
        direction: 'inbound',
        externalId: `${ns}-m${i}`,
        contactId: place.contactId,
        text: 'seeded',
        createdAt,
      })
      .returning();
    const [task] = await db
      .insert(agentTasks)
      .values({
        namespace: ns,
        channel: t.channel,
        channelAccountId: place.accountId,
        conversationId: place.conversationId,
        messageId: message!.id,
        workflowId: `agent-task:${ns}:${t.channel}:${ns}-m${i}`,
        status: t.status,
        createdAt,
        updatedAt: createdAt,
        finishedAt: t.tookMs === undefined ? null : new Date(createdAt.getTime() + t.tookMs),
      })
      .returning();
    let at = createdAt.getTime() + 1;
    for (const [name, ms, status = 'succeeded', attempt = 1] of t.steps ?? []) {
      await db.insert(agentToolCalls).values({
        taskId: task!.id,
        name,
        attempt,
        status,
        startedAt: new Date(at),
        finishedAt: status === 'running' ? null : new Date(at + ms),
      });
      at += ms + 1;
    }
  }
}

/**
 * In the last 24 h: four delivered WhatsApp tasks (1-4 s; generate 10/20/30/40 ms, deliver 100 ms),
 * one failed Telegram task (0.5 s; generate failed after 999 ms, then succeeded in 50 ms), one
 * Slack task escalated 10 minutes ago (not finished; its await_human still running). Three days
 * ago: one delivered WhatsApp task (100 s; generate 5 s).
 */
const TASKS: SeededTask[] = [
  ...[1, 2, 3, 4].map((n): SeededTask => ({
    channel: 'whatsapp',
    status: 'delivered',
    ago: HOUR + n * MINUTE,
    tookMs: n * 1000,
    steps: [
      ['generate', n * 10],
      ['deliver', 100],
    ],
  })),
  {
    channel: 'telegram',
    status: 'failed',
    ago: 2 * HOUR,
    tookMs: 500,
    steps: [
      ['generate', 999, 'failed', 1],
      ['generate', 50, 'succeeded', 2],
    ],
  },
  {
    channel: 'slack',
    status: 'escalated',
    ago: 10 * MINUTE,
    steps: [
      ['generate', 7],
      ['await_human', 0, 'running'],
    ],
  },
  { channel: 'whatsapp', status: 'delivered', ago: 3 * DAY, tookMs: 100_000, steps: [['generate', 5000]] },
];

describe.each(DB_KINDS)('agent-task stats on %s', (kind) => {
  const stack = useTestSystem(kind, { worker: false });
  const ns = `stats-${randomUUID().slice(0, 8)}`;

  const stats = async (query: string, key = ADMIN_KEY) => {
    const res = await fetch(`${stack.system.url}/api/v1/agent-tasks/stats${query}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: await json(res) };
  };

  beforeAll(async () => {
    await seed(stack.database.db, ns, TASKS);
  });

  it('when asked for a namespace over the default window, then counts by status and channel and p50/p95 come from the last 24 hours', async () => {
    const { status, body } = await stats(`?namespace=${ns}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ window: '24h', windowMs: DAY, namespace: ns, channel: null, total: 6 });
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(DAY);
    expect(body.byStatus).toEqual({ queued: 0, running: 0, awaiting_approval: 0, escalated: 1, delivered: 4, failed: 1, closed: 0 });
    expect(body.byChannel).toEqual({ whatsapp: 4, telegram: 1, slack: 1 });
    expect(body.byStatusAndChannel.whatsapp).toMatchObject({ delivered: 4, failed: 0, escalated: 0 });
    expect(body.byStatusAndChannel.telegram).toMatchObject({ failed: 1, delivered: 0 });
    expect(body.byStatusAndChannel.slack).toMatchObject({ escalated: 1 });

    // generate: the succeeded attempts 7, 10, 20, 30, 40, 50 ms (the failed 999 ms is left out).
    expect(body.steps.generate.count).toBe(6);
    expect(body.steps.generate.p50Ms).toBeCloseTo(25, 3); // between 20 and 30
    expect(body.steps.generate.p95Ms).toBeCloseTo(47.5, 3); // 40 + 0.75 × (50 − 40)
    expect(body.steps.deliver).toEqual({ count: 4, p50Ms: 100, p95Ms: 100 });
    // A step that is still running, or that no task ran, has no durations.
    expect(body.steps.await_human).toEqual({ count: 0, p50Ms: null, p95Ms: null });
    expect(body.steps.rag_search).toEqual({ count: 0, p50Ms: null, p95Ms: null });
    // Finished tasks: 0.5, 1, 2, 3, 4 s (the escalated one is not finished).
    expect(body.task.count).toBe(5);
    expect(body.task.p50Ms).toBeCloseTo(2000, 3);
    expect(body.task.p95Ms).toBeCloseTo(3800, 3); // 3000 + 0.8 × 1000
  });

  it('when the window is 7d, then the older task counts too; when it is 15m, only the recent one', async () => {
    const week = (await stats(`?namespace=${ns}&window=7d`)).body;
    expect(week).toMatchObject({ window: '7d', windowMs: 7 * DAY, total: 7 });
    expect(week.byStatus.delivered).toBe(5);
    expect(week.steps.generate.count).toBe(7);
    expect(week.steps.generate.p50Ms).toBeCloseTo(30, 3);
    expect(week.task.p50Ms).toBeCloseTo(2500, 3); // between 2 and 3 s of six
    expect(week.task.p95Ms).toBeCloseTo(76_000, 3); // 4000 + 0.75 × 96 000

    const recent = (await stats(`?namespace=${ns}&window=15m`)).body;
    expect(recent).toMatchObject({ window: '15m', windowMs: 15 * MINUTE, total: 1 });
    expect(recent.byStatus.escalated).toBe(1);
    expect(recent.steps.generate).toEqual({ count: 1, p50Ms: 7, p95Ms: 7 });
    expect(recent.task).toEqual({ count: 0, p50Ms: null, p95Ms: null });
  });

  it('when a channel is given, then only its tasks count', async () => {
    const { body } = await stats(`?namespace=${ns}&channel=whatsapp`);
    expect(body).toMatchObject({ channel: 'whatsapp', total: 4 });
    expect(body.byChannel).toEqual({ whatsapp: 4, telegram: 0, slack: 0 });
    expect(body.steps.generate.count).toBe(4);
    expect(body.steps.generate.p50Ms).toBeCloseTo(25, 3);
    expect(body.steps.generate.p95Ms).toBeCloseTo(38.5, 3); // 30 + 0.85 × 10
    expect(body.task.p50Ms).toBeCloseTo(2500, 3);
  });

  it('when the window or the channel is not valid, then 400 names the problem', async () => {
    for (const query of ['?window=abc', '?window=0s', '?window=-5m', '?window=400d', '?channel=fax']) {
      const { status, body } = await stats(query);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('invalid_query');
      expect(body.error.message).toMatch(query.includes('channel') ? /channel/ : /window/);
    }
  });

  it('when a key is confined to a namespace, then it sees only that one; another is a 404; an agent key may not ask', async () => {
    const create = async (role: string) => {
      const res = await fetch(`${stack.system.url}/api/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ namespace: ns, role }),
      });
      expect(res.status).toBe(201);
      return (await json(res)).key as string;
    };
    const operator = await create('operator');
    const mine = await stats('', operator);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ namespace: ns, total: 6 });
    expect((await stats(`?namespace=${ns}`, operator)).body.total).toBe(6);
    const other = await stats('?namespace=default', operator);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');

    const agent = await create('agent');
    const refused = await stats('', agent);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });
});
