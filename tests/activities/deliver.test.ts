/**
 * The deliver activity run directly (MockActivityEnvironment sets the attempt) against a
 * real database and the fake Graph API: a re-run never sends a part twice.
 */
import { eq } from 'drizzle-orm';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliverActivities } from '../../src/activities/deliver';
import type { DeliverResult } from '../../src/activities/types';
import { acceptInbound } from '../../src/api/ingest';
import type { AgentTaskClient } from '../../src/api/temporal-client';
import { bootstrap } from '../../src/bootstrap';
import { createChannels } from '../../src/channels';
import { createWhatsAppSender } from '../../src/channels/whatsapp';
import { loadConfig } from '../../src/config';
import type { DatabaseHandle } from '../../src/db';
import { messages, outboundDeliveries } from '../../src/db/schema';
import { DeliveryOutcomeUnknownError } from '../../src/errors';
import { startFakeGraph, type FakeGraph } from '../../testkit/fake-graph';
import { DB_KINDS, openTestDatabase } from '../helpers/system';
import { wamid } from '../../testkit/whatsapp';

/** Stands in for Temporal here: these tests drive the activity themselves. */
const noLaunch: AgentTaskClient = {
  launch: async () => 'started',
  progress: async () => undefined,
  decide: async () => {
    throw new Error('no workflow runs in these tests');
  },
  receipt: async () => 'closed',
  ping: async () => undefined,
  end: async () => undefined,
  remove: async () => undefined,
};

describe.each(DB_KINDS)('deliver on %s', (kind) => {
  let database: DatabaseHandle;
  let graph: FakeGraph;
  let deliver: ReturnType<typeof createDeliverActivities>['deliver'];
  const phoneNumberId = `2${Math.floor(Math.random() * 1e14)}`;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    graph = await startFakeGraph();
    const config = loadConfig({ WHATSAPP_PHONE_NUMBER_ID: phoneNumberId, WHATSAPP_ACCESS_TOKEN: 'token' });
    await bootstrap(database.db, config);
    const sender = createWhatsAppSender({ apiBaseUrl: graph.url, timeoutMs: 2000 });
    deliver = createDeliverActivities({ db: database.db, channels: createChannels(config, { whatsapp: sender }) }).deliver;
  });
  afterAll(async () => {
    await graph?.close();
    await database?.close();
  });

  const runDeliver = (attempt: number, taskId: string, text: string): Promise<DeliverResult> =>
    new MockActivityEnvironment({ attempt }).run(deliver, taskId, text) as Promise<DeliverResult>;

  async function newTask(): Promise<string> {
    const accepted = await acceptInbound(database.db, noLaunch, {
      channel: 'whatsapp',
      accountExternalId: phoneNumberId,
      externalId: wamid(),
      conversation: { externalId: '31612345678' },
      from: { externalId: '31612345678', displayName: 'Ana' },
      kind: 'text',
      text: 'where is my order?',
      attachments: [],
      answer: true,
      sentAt: new Date(),
      raw: {},
    });
    return accepted.taskId!;
  }

  it('when deliver runs again after it succeeded, then nothing is sent twice', async () => {
    const taskId = await newTask();
    const before = graph.sent().length;
    const first = await runDeliver(1, taskId, 'Your order ships today.');
    expect(first.providerMessageIds).toHaveLength(1);
    const again = await runDeliver(2, taskId, 'Your order ships today.');
    expect(again).toMatchObject({ parts: 1, providerMessageIds: [] });
    expect(graph.sent().length - before).toBe(1);

    // Fake ids repeat across test files on the shared database: look at this task's rows only.
    const outbound = (await database.db.select().from(messages).where(eq(messages.externalId, first.providerMessageIds[0]!))).filter(
      (m) => m.payload.taskId === taskId,
    );
    expect(outbound).toEqual([expect.objectContaining({ direction: 'outbound', text: 'Your order ships today.' })]);
  });

  it('when an earlier attempt claimed a part and died before recording, then the part is not sent again', async () => {
    const taskId = await newTask();
    const [account] = await database.db.select().from(messages).limit(1);
    await database.db.insert(outboundDeliveries).values({
      taskId,
      part: 0,
      channel: 'whatsapp',
      channelAccountId: account!.channelAccountId,
      recipient: '31612345678',
      text: 'Your order ships today.',
      status: 'sending',
      attempt: 1,
    });
    const before = graph.sent().length;
    await expect(runDeliver(2, taskId, 'Your order ships today.')).rejects.toBeInstanceOf(DeliveryOutcomeUnknownError);
    expect(graph.sent().length).toBe(before);
    const [row] = await database.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, taskId));
    expect(row).toMatchObject({ status: 'unknown', error: expect.stringContaining('attempt 1') });
  });

  it('when a long reply is split, then each part is claimed and sent once, in order', async () => {
    const taskId = await newTask();
    const long = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    const before = graph.sent().length;
    const result = await runDeliver(1, taskId, long);
    expect(result.parts).toBe(2);
    const sent = graph.sent().slice(before);
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.body.text.body).join(' ')).toBe(long);
    expect(sent[0]!.body.context).toBeDefined();
    expect(sent[1]!.body.context).toBeUndefined();
    const rows = await database.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, taskId));
    expect(rows.map((r) => [r.part, r.status]).sort()).toEqual([
      [0, 'sent'],
      [1, 'sent'],
    ]);
  });

  it('when the platform refused a part before, then a later attempt claims it again and sends it', async () => {
    const taskId = await newTask();
    graph.failNext(503);
    const before = graph.sent().length;
    await expect(runDeliver(1, taskId, 'Hi')).rejects.toThrow(/503/);
    const ok = await runDeliver(2, taskId, 'Hi');
    expect(ok.providerMessageIds).toHaveLength(1);
    expect(graph.sent().length - before).toBe(2);
  });
});
