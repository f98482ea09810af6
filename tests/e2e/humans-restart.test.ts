/**
 * A task waiting for a person outlives its worker: the API process runs alone, workers come
 * and go on its task queue, and the decision is carried out by whichever worker runs then —
 * once, with nothing lost.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { channelAccounts, namespaces } from '../../src/db/schema';
import type { DatabaseHandle } from '../../src/db';
import { DEFAULT_HANDOFF_MESSAGE } from '../../src/namespaces/config';
import { resolveEscalationSignal } from '../../src/workflows/agent-task';
import { startFakeGraph, type FakeGraph } from '../../testkit/fake-graph';
import { json } from '../helpers/http';
import { ADMIN_KEY, openTestDatabase, startTestSystem, waitFor, type TestStack, type TestSystem } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

const REPO_ROOT = path.resolve(__dirname, '../..');

describe('a task waiting for a person across worker restarts', () => {
  let database: DatabaseHandle;
  let graph: FakeGraph;
  let api: TestSystem;
  let worker: TestSystem | undefined;
  const stack = {} as TestStack;
  const { taskOf, finished } = taskLookups(stack);
  const ns = `restart-${randomUUID().slice(0, 8)}`;
  const phoneNumberId = `8${Math.floor(Math.random() * 1e13)}`;

  /** A worker process of its own on the API's task queue. */
  const startWorker = () =>
    startTestSystem({
      database,
      graphUrl: graph.url,
      api: false,
      env: { TEMPORAL_TASK_QUEUE: api.taskQueue, WHATSAPP_PHONE_NUMBER_ID: api.phoneNumberId },
    });

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    graph = await startFakeGraph();
    api = await startTestSystem({ database, graphUrl: graph.url, worker: false });
    Object.assign(stack, { database, graph, system: api });
    await database.db.insert(namespaces).values({ name: ns, config: { escalation: { timeout: '2m' } } });
    await database.db.insert(channelAccounts).values({ namespace: ns, channel: 'whatsapp', externalId: phoneNumberId, settings: { source: 'env' } });
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await graph?.close();
    await database?.close();
  });

  const escalated = async (timeoutMs = 20_000) => {
    const from = `4475${Math.floor(Math.random() * 1e8)}`;
    const id = wamid();
    await postWebhook(api.url!, textMessageWebhook({ phoneNumberId, id, from, text: 'I want a human' }));
    const task = await waitFor(async () => {
      const t = await taskOf(id);
      return t?.status === 'escalated' ? t : undefined;
    }, timeoutMs);
    const received = () =>
      graph
        .sent()
        .filter((r) => r.body.to === from)
        .map((r) => r.body.text.body as string);
    return { id, task, received };
  };

  it('when the worker stops while a task waits and another starts, then the API reply is carried out once', async () => {
    const { id, task, received } = await escalated();
    await worker!.stop();
    worker = await startWorker();
    const res = await fetch(`${api.url}/api/v1/agent-tasks/${task.id}/escalation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'reply', text: 'Back after the restart.', agent: 'sam' }),
    });
    expect(res.status).toBe(200);
    expect((await json(res)).outcome).toMatchObject({ status: 'delivered', sent: true });
    expect(await finished(id)).toMatchObject({ status: 'delivered' });
    expect(received()).toEqual([DEFAULT_HANDOFF_MESSAGE, 'Back after the restart.']);
  });

  it('when a signal arrives while no worker runs at all, then it waits in the history and the next worker carries it out', async () => {
    const { id, task, received } = await escalated();
    await worker!.stop();
    worker = undefined;
    await api.client.workflow.getHandle(task.workflowId).signal(resolveEscalationSignal, { action: 'reply', text: 'Nobody was running.', agent: 'kim' });
    await new Promise((r) => setTimeout(r, 500));
    expect(received()).toEqual([DEFAULT_HANDOFF_MESSAGE]);
    worker = await startWorker();
    expect(await finished(id)).toMatchObject({ status: 'delivered' });
    expect(received()).toEqual([DEFAULT_HANDOFF_MESSAGE, 'Nobody was running.']);
  });

  it('when the worker process is killed (SIGKILL) while a task waits, then a new worker carries out the reply once', async () => {
    // Only a worker in a child process serves the queue while the task escalates.
    await worker?.stop();
    worker = undefined;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...api.env, DATABASE_URL: inject('postgresUrl'), PORT: '0' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const { id, task, received } = await escalated(60_000);
      expect(received()).toEqual([DEFAULT_HANDOFF_MESSAGE]);
      child.kill('SIGKILL');
      await exited;
      worker = await startWorker();
      const res = await fetch(`${api.url}/api/v1/agent-tasks/${task.id}/escalation`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'reply', text: 'After the crash.', agent: 'sam' }),
      });
      expect(res.status).toBe(200);
      expect(await finished(id)).toMatchObject({ status: 'delivered' });
      expect(received()).toEqual([DEFAULT_HANDOFF_MESSAGE, 'After the crash.']);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
