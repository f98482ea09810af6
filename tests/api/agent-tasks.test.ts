/** The API over real HTTP: bearer auth, listing with filters and cursors, one task with its progress. */
import { json } from '../helpers/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db';
import { startFakeGraph, type FakeGraph } from '../../testkit/fake-graph';
import { ADMIN_KEY, openTestDatabase, startTestSystem, type TestSystem } from '../helpers/system';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

describe('agent-tasks API', () => {
  let database: DatabaseHandle;
  let graph: FakeGraph;
  let system: TestSystem;
  const taskIds: string[] = [];
  let conversationId: string;

  const api = (path: string, key: string | null = ADMIN_KEY) =>
    fetch(`${system.url}/api/v1${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    graph = await startFakeGraph();
    system = await startTestSystem({ database, graphUrl: graph.url });
    // Five messages from one customer, each answered.
    for (let i = 0; i < 5; i += 1) {
      const id = wamid();
      const res = await postWebhook(system.url!, textMessageWebhook({ phoneNumberId: system.phoneNumberId, id, from: '447700900123', text: 'hello' }));
      expect(res.status).toBe(200);
      await system.client.workflow.getHandle(`agent-task:default:whatsapp:${id}`).result();
    }
    const list = await json(await api('/agent-tasks?limit=200'));
    taskIds.push(...list.data.map((t: { id: string }) => t.id));
    conversationId = list.data[0].conversationId;
  });
  afterAll(async () => {
    await system?.stop();
    await graph?.close();
    await database?.close();
  });

  it('when no key or a wrong key is sent, then 401 with a JSON error', async () => {
    for (const key of [null, 'wrong-key']) {
      const res = await api('/agent-tasks', key);
      expect(res.status).toBe(401);
      expect((await json(res)).error).toMatchObject({ code: 'unauthorized', message: expect.any(String) });
    }
    const malformed = await fetch(`${system.url}/api/v1/agent-tasks`, { headers: { authorization: `Basic ${ADMIN_KEY}` } });
    expect(malformed.status).toBe(401);
  });

  it('when tasks are listed, then newest come first and filters narrow them', async () => {
    expect(taskIds).toHaveLength(5);
    const delivered = await json(await api(`/agent-tasks?status=delivered&channel=whatsapp&namespace=default&conversationId=${conversationId}`));
    expect(delivered.data.map((t: { id: string }) => t.id)).toEqual(taskIds);
    const created = delivered.data.map((t: { createdAt: string }) => Date.parse(t.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const none = await json(await api('/agent-tasks?status=escalated'));
    expect(none).toEqual({ data: [], nextCursor: null });
  });

  it('when a filter is not valid, then 400 names the problem', async () => {
    const res = await api('/agent-tasks?status=finished&limit=0');
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('invalid_query');
    expect(error.message).toContain('status');
    expect(error.message).toContain('limit');
    const cursor = await api('/agent-tasks?cursor=not-a-cursor');
    expect(cursor.status).toBe(400);
    expect((await json(cursor)).error.code).toBe('invalid_cursor');
  });

  it('when pages are followed by cursor, then every task appears exactly once, even as new tasks arrive', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { data: Array<{ id: string }>; nextCursor: string | null } = await json(
        await api(`/agent-tasks?limit=2&conversationId=${conversationId}${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...page.data.map((t) => t.id));
      cursor = page.nextCursor;
      pages += 1;
      if (pages === 1) {
        // A new message in the same conversation lands between pages.
        const res = await postWebhook(system.url!, textMessageWebhook({ phoneNumberId: system.phoneNumberId, from: '447700900123', text: 'hi' }));
        expect(res.status).toBe(200);
      }
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(taskIds);
  });

  it('when one task is fetched, then it comes with its tool calls, deliveries and live progress', async () => {
    const res = await api(`/agent-tasks/${taskIds[0]}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.task).toMatchObject({ id: taskIds[0], status: 'delivered', channel: 'whatsapp' });
    expect(body.toolCalls.map((c: { name: string }) => c.name)).toEqual(['inject_profile', 'rag_search', 'generate', 'confidence_check', 'deliver']);
    expect(body.deliveries).toEqual([expect.objectContaining({ status: 'sent', part: 0 })]);
    expect(body.progressSource).toBe('workflow');
    expect(body.progress.steps).toHaveLength(5);
    expect(body.progress).toMatchObject({ taskId: taskIds[0], status: 'delivered', route: 'deliver' });
  });

  it('when the task does not exist, then 404', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1'; drop table agent_tasks; --"]) {
      const res = await api(`/agent-tasks/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
  });

  it('when the route does not exist, then a JSON 404', async () => {
    const res = await api('/nothing-here');
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });

  it('when the process is asked about its health, then /healthz and /readyz answer', async () => {
    expect(await json(await fetch(`${system.url}/healthz`))).toEqual({ status: 'ok' });
    const ready = await fetch(`${system.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
  });
});
