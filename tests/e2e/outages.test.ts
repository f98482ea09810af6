/**
 * Nothing accepted is lost: while Temporal or the database is down the webhook answers
 * 5xx (so Meta retries), and the retry after recovery is answered once.
 */
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { json } from '../helpers/http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db';
import { agentTasks, messages } from '../../src/db/schema';
import { freePort, startDevServer, type DevServer } from '../../scripts/lib/temporal-dev-server';
import { startFakeGraph, type FakeGraph } from '../../testkit/fake-graph';
import { openTestDatabase, startTestSystem, type TestSystem } from '../helpers/system';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

describe('when a dependency is down', () => {
  let database: DatabaseHandle;
  let graph: FakeGraph;
  let server: DevServer;
  let system: TestSystem;
  let serverOptions: Parameters<typeof startDevServer>[0];

  beforeAll(async () => {
    serverOptions = {
      cli: inject('temporalCli'),
      port: await freePort(),
      dbFile: path.join(inject('tmpDir'), `outage-${Date.now()}.db`),
      logFile: path.join(inject('tmpDir'), 'outage-temporal.log'),
    };
    server = await startDevServer(serverOptions);
    database = await openTestDatabase('pglite');
    graph = await startFakeGraph();
    system = await startTestSystem({ database, graphUrl: graph.url, env: { TEMPORAL_ADDRESS: server.address } });
  });
  afterAll(async () => {
    await system?.stop();
    await server?.stop();
    await graph?.close();
    await database?.close();
  });

  it('when Temporal is down, then the webhook answers 5xx, keeps the message, and the retry after recovery is answered', async () => {
    await server.stop();
    const id = wamid();
    const body = textMessageWebhook({ phoneNumberId: system.phoneNumberId, id, text: 'hello' });
    const down = await postWebhook(system.url!, body);
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect((await json(down)).error.code).toBe('internal');
    const stored = await database.db.select().from(messages).where(eq(messages.externalId, id));
    expect(stored).toHaveLength(1);

    server = await startDevServer(serverOptions);
    const before = graph.sent().length;
    const retried = await postWebhook(system.url!, body);
    expect(retried.status).toBe(200);
    const result = await system.client.workflow.getHandle(`agent-task:default:whatsapp:${id}`).result();
    expect(result.status).toBe('delivered');
    await graph.waitForSent(before + 1);
    expect(graph.sent().length).toBe(before + 1);
    const tasks = await database.db.select().from(agentTasks).where(eq(agentTasks.messageId, stored[0]!.id));
    expect(tasks).toHaveLength(1);
  }, 120_000);

  it('when the database is down, then the webhook answers 5xx', async () => {
    const broken = await openTestDatabase('pglite');
    const other = await startTestSystem({ database: broken, worker: false, env: { TEMPORAL_ADDRESS: server.address } });
    try {
      await broken.close();
      const res = await postWebhook(other.url!, textMessageWebhook({ phoneNumberId: other.phoneNumberId, text: 'hello' }));
      expect(res.status).toBeGreaterThanOrEqual(500);
      const ready = await fetch(`${other.url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await json(ready)).checks.database).toMatch(/^unavailable/);
    } finally {
      await other.stop();
    }
  });
});
