/**
 * The live feed /ws/agent-tasks over real WebSockets: authentication, the events of one task in
 * order from a real webhook through the real workflow, filters, namespaces, heartbeats, slow
 * clients; and LISTEN on both databases.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FeedEvent, FeedFilter, LiveFeed } from '../../src/api/live-feed';
import { attachLiveFeedSocket } from '../../src/api/ws';
import { json } from '../helpers/http';
import { createLogger } from '../../src/logger';
import { taskLookups } from '../helpers/tasks';
import { ADMIN_KEY, DB_KINDS, openTestDatabase, useTestSystem, waitFor } from '../helpers/system';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const phone = () => `4915${Math.floor(Math.random() * 1e9)}`;

interface Client {
  ws: WebSocket;
  events: FeedEvent[];
  closed: Promise<number>;
  /** Pings received since the socket was created (counted from the start: the first can come before `open` resolves). */
  pings(): number;
}

/** Opens a socket; resolves when open, rejects with the HTTP status of a refused upgrade. */
function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const events: FeedEvent[] = [];
    let pings = 0;
    ws.on('ping', () => (pings += 1));
    ws.on('message', (data) => events.push(JSON.parse(String(data)) as FeedEvent));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () => reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.once('open', () => resolve({ ws, events, closed, pings: () => pings }));
    ws.once('error', reject);
  });
}

async function refusal(url: string, options: WebSocket.ClientOptions = {}): Promise<{ status: number; body: string }> {
  try {
    const client = await connect(url, options);
    client.ws.close();
  } catch (err) {
    return err as { status: number; body: string };
  }
  throw new Error('the upgrade was accepted');
}

const summary = (events: FeedEvent[], taskId: string) =>
  events.filter((e) => e.task.id === taskId).map((e) => (e.step ? `${e.type} ${e.step.name} ${e.step.status}` : `${e.type} ${e.task.status}`));

const STEPS = ['inject_profile', 'rag_search', 'generate', 'confidence_check', 'deliver'];
const DELIVERED_IN_ORDER = [
  'task.created queued',
  'task.status running',
  ...STEPS.flatMap((s) => [`task.step ${s} running`, `task.step ${s} succeeded`]),
  'task.status delivered',
];

describe.each(DB_KINDS)('LISTEN on %s', (kind) => {
  it('when a payload is notified on the channel, then the listener gets it, and after unlisten no more', async () => {
    const database = await openTestDatabase(kind);
    try {
      const got: string[] = [];
      const unlisten = await database.listen('live_feed_test', (p) => got.push(p));
      await database.db.execute(sql`select pg_notify('live_feed_test', 'one')`);
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_notify('live_feed_test', 'two')`);
        await tx.execute(sql`select pg_notify('live_feed_test', 'three')`);
      });
      await waitFor(() => got.length >= 3 || undefined, 5_000, 'notifications');
      expect(got).toEqual(['one', 'two', 'three']);
      await unlisten();
      await database.db.execute(sql`select pg_notify('live_feed_test', 'four')`);
      await sleep(200);
      expect(got).toEqual(['one', 'two', 'three']);
    } finally {
      await database.close();
    }
  });
});

describe('live feed /ws/agent-tasks, on postgres', () => {
  const stack = useTestSystem('postgres', { env: { WS_HEARTBEAT: '300ms' } });
  const { taskOf } = taskLookups(stack);
  const feedUrl = (query = '') => `${stack.system.url!.replace(/^http/, 'ws')}/ws/agent-tasks${query}`;
  const admin = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };

  /** Sends a 'hello' from a fresh customer; the task, once its webhook answered. */
  async function hello() {
    const id = wamid();
    const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, from: phone(), text: 'hello' }));
    expect(res.status).toBe(200);
    return (await taskOf(id))!;
  }
  const settle = (workflowId: string) => stack.system.client.workflow.getHandle(workflowId).result();

  it('when no key or a wrong key is sent (header or ?token=), then the upgrade is refused with 401', async () => {
    for (const [url, options] of [
      [feedUrl(), {}],
      [feedUrl(), { headers: { authorization: 'Bearer wrong-key' } }],
      [feedUrl(), { headers: { authorization: `Basic ${ADMIN_KEY}` } }],
      [feedUrl('?token=wrong-key'), {}],
      [feedUrl('?token='), {}],
    ] as const) {
      const refused = await refusal(url, options);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body).error).toMatchObject({ code: 'unauthorized', message: expect.any(String) });
    }
    // The right key, either way, opens the socket.
    for (const [url, options] of [
      [feedUrl(), admin],
      [feedUrl(`?token=${ADMIN_KEY}`), {}],
    ] as const) {
      const client = await connect(url, options);
      client.ws.close();
      expect(await client.closed).toBe(1005);
    }
  });

  it('when a filter is not valid, then the upgrade is refused with 400', async () => {
    expect((await refusal(feedUrl('?status=done'), admin)).status).toBe(400);
    expect((await refusal(feedUrl('?taskId=not-a-uuid'), admin)).status).toBe(400);
  });

  it('when a task runs, then its events arrive in order: created, running, each step running and succeeded, delivered', async () => {
    const client = await connect(feedUrl(), admin);
    const task = await hello();
    await settle(task.workflowId);
    await waitFor(() => summary(client.events, task.id).includes('task.status delivered') || undefined, 5_000, 'the delivered event');
    expect(summary(client.events, task.id)).toEqual(DELIVERED_IN_ORDER);
    const events = client.events.filter((e) => e.task.id === task.id);
    expect(events[0]!.task).toMatchObject({ id: task.id, namespace: 'default', channel: 'whatsapp', workflowId: task.workflowId });
    const step = events.find((e) => e.type === 'task.step' && e.step!.status === 'succeeded')!.step!;
    expect(step).toMatchObject({ taskId: task.id, name: 'inject_profile', attempt: 1, finishedAt: expect.any(String) });
    client.ws.close();
  });

  it('when a hand-off opens, is claimed and closed, then task.escalation events carry the row as it changed', async () => {
    const client = await connect(feedUrl(), admin);
    const id = wamid();
    await postWebhook(
      stack.system.url!,
      textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, from: phone(), text: 'I want to talk to a human' }),
    );
    const task = await waitFor(async () => ((await taskOf(id))?.status === 'escalated' ? taskOf(id) : undefined));
    const opened = await waitFor(() => client.events.find((e) => e.type === 'task.escalation' && e.task.id === task!.id));
    expect(opened.escalation).toMatchObject({ taskId: task!.id, status: 'open', claimedBy: null });
    const call = (path: string, body: unknown) =>
      fetch(`${stack.system.url}/api/v1${path}`, {
        method: 'POST',
        headers: { ...admin.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await call(`/escalations/${opened.escalation!.id}/claim`, { agent: 'sam' })).status).toBe(200);
    await waitFor(() => client.events.find((e) => e.type === 'task.escalation' && e.escalation?.claimedBy === 'sam'), 5_000, 'the claimed event');
    // A renewal alone is not news.
    const before = client.events.length;
    expect((await call(`/escalations/${opened.escalation!.id}/claim`, { agent: 'sam', renew: true })).status).toBe(200);
    expect((await call(`/agent-tasks/${task!.id}/escalation`, { action: 'close', agent: 'sam' })).status).toBe(200);
    const closed = await waitFor(
      () => client.events.find((e) => e.type === 'task.escalation' && e.escalation?.status === 'resolved'),
      5_000,
      'the closed event',
    );
    expect(closed.escalation).toMatchObject({ resolvedBy: 'sam', claimedBy: 'sam' });
    expect(client.events.slice(before).filter((e) => e.type === 'task.escalation')).toHaveLength(1);
    client.ws.close();
  });

  it('when clients filter by status or namespace, then each gets only what it asked for', async () => {
    const [delivered, early, ours, other] = await Promise.all([
      connect(feedUrl('?status=delivered'), admin),
      connect(feedUrl('?status=queued,running&namespace=default'), admin),
      connect(feedUrl('?namespace=default&namespace=elsewhere'), admin),
      connect(feedUrl('?namespace=elsewhere'), admin),
    ]);
    const task = await hello();
    await settle(task.workflowId);
    await waitFor(() => summary(ours.events, task.id).includes('task.status delivered') || undefined, 5_000, 'the delivered event');
    await sleep(200);

    expect(summary(ours.events, task.id)).toEqual(DELIVERED_IN_ORDER);
    expect(summary(delivered.events, task.id)).toContain('task.status delivered');
    expect(delivered.events.every((e) => e.task.status === 'delivered')).toBe(true);
    expect(summary(early.events, task.id).slice(0, 3)).toEqual(['task.created queued', 'task.status running', 'task.step inject_profile running']);
    expect(early.events.every((e) => e.task.status === 'queued' || e.task.status === 'running')).toBe(true);
    expect(other.events).toEqual([]);
    for (const c of [delivered, early, ours, other]) c.ws.close();
  });

  it('when a client filters by taskId, then it sees that task and nothing of another running at the same time', async () => {
    const [a, b] = await Promise.all([hello(), hello()]);
    const client = await connect(feedUrl(`?taskId=${a.id}`), admin);
    await Promise.all([settle(a.workflowId), settle(b.workflowId)]);
    await waitFor(() => summary(client.events, a.id).includes('task.status delivered') || undefined, 5_000, 'the delivered event');
    await sleep(200);
    expect(client.events.length).toBeGreaterThan(1);
    expect(client.events.every((e) => e.task.id === a.id)).toBe(true);
    // Whatever it saw, it saw in order: a tail of the full sequence.
    const seen = summary(client.events, a.id);
    expect(DELIVERED_IN_ORDER.slice(-seen.length)).toEqual(seen);
    client.ws.close();
  });

  it('when a key is confined to another namespace, then it sees nothing of this one; naming another namespace is 404; an agent key sees its own', async () => {
    const api = (method: string, path: string, body: unknown) =>
      fetch(`${stack.system.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect([200, 201]).toContain((await api('PUT', '/namespaces/elsewhere', {})).status);
    const key = async (role: string, namespace: string) => {
      const res = await api('POST', '/api-keys', { role, namespace, name: `live feed ${role}` });
      expect(res.status).toBe(201);
      return (await json(res)).key as string;
    };
    const [elsewhere, own, agent] = [await key('operator', 'elsewhere'), await key('operator', 'default'), await key('agent', 'default')];

    const hidden = await refusal(feedUrl(`?token=${elsewhere}&namespace=default`));
    expect(hidden.status).toBe(404);
    expect(JSON.parse(hidden.body).error.code).toBe('not_found');
    expect((await refusal(feedUrl(`?namespace=default,elsewhere`), { headers: { authorization: `Bearer ${own}` } })).status).toBe(404);
    const [confined, ours, agents] = await Promise.all([
      connect(feedUrl(`?token=${elsewhere}`)),
      connect(feedUrl(), { headers: { authorization: `Bearer ${own}` } }),
      connect(feedUrl(`?token=${agent}`)),
    ]);
    const task = await hello();
    await settle(task.workflowId);
    await waitFor(() => summary(ours.events, task.id).includes('task.status delivered') || undefined, 5_000, 'the delivered event');
    await sleep(200);
    expect(summary(ours.events, task.id)).toEqual(DELIVERED_IN_ORDER);
    expect(ours.events.every((e) => e.task.namespace === 'default')).toBe(true);
    expect(confined.events).toEqual([]);
    await waitFor(() => summary(agents.events, task.id).includes('task.status delivered') || undefined, 5_000, "the agent key's delivered event");
    expect(agents.events.every((e) => e.task.namespace === 'default')).toBe(true);
    for (const c of [confined, ours, agents]) c.ws.close();
  });

  it('when a client does not answer pings, then it is terminated; a client that answers stays', async () => {
    const deaf = await connect(feedUrl(), { ...admin, autoPong: false });
    const healthy = await connect(feedUrl(), admin);
    const started = Date.now();
    const code = await Promise.race([deaf.closed, sleep(5_000).then(() => 'still open')]);
    expect(code).toBe(1006); // terminated: no close frame
    expect(deaf.pings()).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(1_500); // within two heartbeats of 300 ms, with slack
    await sleep(1_000);
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.ws.close();
  });
});

describe('live feed socket: a slow client', () => {
  /** A feed the test drives by hand. */
  function manualFeed() {
    const subs = new Set<(json: string) => void>();
    const feed: LiveFeed = {
      start: async () => undefined,
      subscribe: (_filter: FeedFilter, deliver) => {
        subs.add(deliver);
        return () => subs.delete(deliver);
      },
      get subscriberCount() {
        return subs.size;
      },
      close: async () => subs.clear(),
    };
    return { feed, push: (json: string) => subs.forEach((d) => d(json)) };
  }

  it('when a client stops reading, then it is dropped once 64 KiB are buffered, and the others get everything', async () => {
    const { feed, push } = manualFeed();
    const server = createServer();
    const socket = attachLiveFeedSocket(server, { feed, authenticate: async () => ({ role: 'admin' }), heartbeatMs: 60_000, log, maxBufferedBytes: 64 * 1024 });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/agent-tasks?token=x`;
    try {
      const fast = await connect(url);
      const slow = await connect(url);
      // The slow client reads nothing more: its kernel buffers fill, then the server's.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      expect(socket.clientCount).toBe(2);
      const payload = 'x'.repeat(64 * 1024);
      const rounds = 600; // ~38 MiB, more than loopback buffers hold
      for (let i = 0; i < rounds && socket.clientCount === 2; i += 1) {
        const received = once(fast.ws, 'message');
        push(JSON.stringify({ i, payload }));
        await received;
      }
      expect(socket.clientCount).toBe(1);
      expect(feed.subscriberCount).toBe(1);
      push(JSON.stringify({ i: 'last' }));
      await waitFor(() => fast.events.some((e) => (e as unknown as { i: unknown }).i === 'last') || undefined, 5_000, 'the last message');
      fast.ws.close();
      slow.ws.terminate();
    } finally {
      await socket.close();
      await new Promise((r) => server.close(r));
    }
  });
});
