/**
 * `npm run chaos`: the pipeline loses nothing and doubles nothing while its parts fail.
 *
 *   npm run chaos
 *   CHAOS_MESSAGES=60 CHAOS_WORKER_KILLS=10 npm run chaos        # the small run CI does
 *   CHAOS_SEED=42 npm run chaos                                   # the same fault pattern again
 *
 * What runs, each part real and apart (as in production):
 * - a file-backed Temporal dev server (a temp dir), restarted once mid-load (SIGTERM, same file);
 * - `npm run api` and `npm run worker` as processes of their own on a scratch PostgreSQL database
 *   (BENCH_POSTGRES_ADMIN_URL), the namespace drafting with the `openai` adapter;
 * - a fake Graph API that fails CHAOS_GRAPH_FAILURES (20%) of sends with 500/503, and a fake
 *   OpenAI-compatible server that fails CHAOS_OPENAI_FAILURES (30%) of calls with 429/500;
 * - the worker killed with SIGKILL CHAOS_WORKER_KILLS (10) times at random moments during the load
 *   and started again, like a supervisor would.
 *
 * The load: CHAOS_MESSAGES (200) signed WhatsApp webhooks from distinct customers, open loop,
 * retried like Meta retries (same message id, backoff) until answered 200 (accepted). Then it
 * waits (CHAOS_DRAIN_TIMEOUT, 180s) for every task to be terminal or waiting on a person and checks:
 * - every accepted message has exactly one task and exactly one reply at the fake Graph API (a 200);
 * - no task is stuck: each is delivered/closed/failed or escalated/awaiting_approval in the
 *   database, and its workflow is completed, or running only while it waits for a person.
 * Prints the figures, writes bench/results/chaos.json (CHAOS_OUTPUT: elsewhere), exits 1 on a
 * broken invariant.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { eq, inArray, sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { openDatabase } from '../src/db';
import { agentTasks, agentToolCalls, messages as messagesTable, type TaskStatus } from '../src/db/schema';
import { buildWorkflowBundle, createScratchDatabase, envNumber, localSystemEnv, percentile, spawnSystemProcess } from '../testkit/local-system';
import { ensureTemporalCli, freePort, REPO_ROOT, startDevServer, stopProcess, type DevServer } from '../scripts/lib/temporal-dev-server';
import { startFakeGraph, type RecordedRequest } from '../testkit/fake-graph';
import { openAiError, startFakeOpenAi } from '../testkit/fake-openai';
import { postWebhook, textMessageWebhook, wamid } from '../testkit/whatsapp';

const MESSAGES = envNumber('CHAOS_MESSAGES', 200, { min: 1 });
const WORKER_KILLS = envNumber('CHAOS_WORKER_KILLS', 10);
const GRAPH_FAILURES = envNumber('CHAOS_GRAPH_FAILURES', 0.2, { max: 0.9 });
const OPENAI_FAILURES = envNumber('CHAOS_OPENAI_FAILURES', 0.3, { max: 0.9 });
const DRAIN_TIMEOUT_MS = envNumber('CHAOS_DRAIN_TIMEOUT_MS', 180_000, { min: 1000 });
const SEED = envNumber('CHAOS_SEED', Math.floor(Math.random() * 2 ** 31));
/** A worker lives 1.5–4.5 s between kills: the load lasts about as long as the kills take. */
const KILL_GAP_MS: [number, number] = [1500, 4500];
const RATE = envNumber('CHAOS_RATE', Math.min(5, MESSAGES / Math.max(1, (WORKER_KILLS * (KILL_GAP_MS[0] + KILL_GAP_MS[1])) / 2000)), { min: 0.1 });

const TERMINAL = new Set<TaskStatus>(['delivered', 'closed', 'failed']);
const WAITING = new Set(['escalated', 'awaiting_approval']);
/** The namespace's knowledge: the question below finds it, and the fake model answers from it. */
const DOCUMENT = {
  title: 'Support hours',
  contentType: 'text/markdown',
  content:
    '# Support hours\n\nOur support line is open from 9:00 to 17:00, Monday to Friday. Outside these hours, write to us here and we answer the next working day.',
};
const QUESTION = 'When is your support line open?';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n * 10) / 10;

/** mulberry32: a small seeded generator, so a run's fault pattern can be repeated with CHAOS_SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isSend = (req: RecordedRequest) => req.method === 'POST' && /\/messages$/.test(req.path) && req.body.status !== 'read';

interface Message {
  id: string;
  from: string;
  attempts: number;
  acceptedAt?: number;
  lastStatus?: number | string;
}

async function main(): Promise<void> {
  const random = seeded(SEED);
  const dir = path.join(os.tmpdir(), `agent-tasks-chaos-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  console.log(
    `chaos: ${MESSAGES} messages at ${round(RATE)}/s, ${WORKER_KILLS} worker kills, 1 dev server restart, Graph ${GRAPH_FAILURES * 100}% / OpenAI ${OPENAI_FAILURES * 100}% failures, seed ${SEED}`,
  );
  console.log(`logs: ${dir}`);

  const graph = await startFakeGraph();
  graph.server.injectFaults(
    GRAPH_FAILURES,
    [
      { status: 500, body: { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2 } } },
      { status: 503, body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2 } } },
    ],
    isSend,
    random,
  );
  const openai = await startFakeOpenAi();
  openai.server.injectFaults(
    OPENAI_FAILURES,
    [429, 500].map((status) => ({ status, body: openAiError(status) })),
    undefined,
    random,
  );

  const cli = ensureTemporalCli();
  const temporalPort = await freePort();
  const startTemporal = () => startDevServer({ cli, port: temporalPort, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });
  let temporal: DevServer = await startTemporal();
  /**
   * The restart is the fault under test, not its start: a start that fails (a port the old
   * process held not yet free, say) is retried like an operator would, its reason printed.
   */
  const restartTemporal = async (): Promise<DevServer> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await startTemporal();
      } catch (err) {
        if (attempt >= 3) throw err;
        console.log(`dev server restart attempt ${attempt} failed, retrying: ${(err as Error).message}`);
        await sleep(1000 * attempt);
      }
    }
  };
  const scratch = await createScratchDatabase('agent_tasks_chaos');
  const database = await openDatabase({ url: scratch.url, maxConnections: 2 });
  await database.migrate();
  buildWorkflowBundle();

  const phoneNumberId = `5${Date.now()}`;
  const apiPort = await freePort();
  const env = {
    ...localSystemEnv({ address: temporal.address, graphUrl: graph.url, phoneNumberId, adminApiKey: 'chaos-admin', taskQueue: `chaos-${Date.now()}` }),
    DATABASE_URL: scratch.url,
    PORT: String(apiPort),
    OPENAI_API_KEY: 'chaos-key',
    OPENAI_BASE_URL: openai.url,
    OPENAI_MODEL: 'chaos-model',
    CHANNEL_HTTP_TIMEOUT: '5s',
    // Receipts come back like Meta's (retried through the faults): every task waits for its one.
    DELIVERY_RECEIPT_WAIT: '2m',
    TEMPORAL_METRICS_ADDRESS: 'off',
    LOG_LEVEL: 'warn',
  };
  const url = `http://127.0.0.1:${apiPort}`;
  graph.sendReceiptsTo(url);
  const api = spawnSystemProcess('api', env, path.join(dir, 'api.log'));

  let worker: ChildProcess | undefined;
  let workerStarts = 0;
  let unexpectedWorkerExits = 0;
  let stopping = false;
  const startWorker = () => {
    workerStarts += 1;
    const child = spawnSystemProcess('worker', env, path.join(dir, 'worker.log'));
    child.once('exit', (code, signal) => {
      // A supervisor restarts a worker that died on its own, and counts it: it should not happen.
      if (!stopping && signal !== 'SIGKILL' && child === worker) {
        unexpectedWorkerExits += 1;
        console.warn(`worker exited by itself (${code ?? signal}); starting another`);
        worker = startWorker();
      }
    });
    return child;
  };

  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: 'default' });
  const messages: Message[] = Array.from({ length: MESSAGES }, (_, i) => ({ id: wamid(), from: `3161${String(i).padStart(8, '0')}`, attempts: 0 }));
  let failed = false;
  const figures: Record<string, unknown> = {};
  try {
    for (
      let i = 0;
      !(await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ));
      i += 1
    ) {
      if (i > 600) throw new Error(`the API did not become ready (see ${dir}/api.log)`);
      await sleep(100);
    }
    const admin = { authorization: 'Bearer chaos-admin', 'content-type': 'application/json' };
    const put = await fetch(`${url}/api/v1/namespaces/default`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ agentRunner: { activeAdapter: 'openai' } }),
    });
    if (!put.ok) throw new Error(`PUT /api/v1/namespaces/default answered ${put.status}: ${await put.text()}`);
    const doc = await fetch(`${url}/api/v1/namespaces/default/documents`, { method: 'POST', headers: admin, body: JSON.stringify(DOCUMENT) });
    if (!doc.ok) throw new Error(`POST /api/v1/namespaces/default/documents answered ${doc.status}: ${await doc.text()}`);
    worker = startWorker();

    // The load: each message retried like Meta retries a webhook until it is answered 200.
    const loadStarted = Date.now();
    const send = async (m: Message) => {
      const body = textMessageWebhook({ phoneNumberId, id: m.id, from: m.from, text: QUESTION });
      for (let backoff = 250; ; backoff = Math.min(backoff * 2, 4000)) {
        m.attempts += 1;
        try {
          const res = await postWebhook(url, body);
          await res.arrayBuffer();
          m.lastStatus = res.status;
          if (res.status === 200) {
            m.acceptedAt = Date.now();
            return;
          }
        } catch (err) {
          m.lastStatus = (err as Error).message;
        }
        if (Date.now() - loadStarted > DRAIN_TIMEOUT_MS) return;
        await sleep(backoff);
      }
    };
    const sending = (async () => {
      const pending: Promise<void>[] = [];
      for (let i = 0; i < MESSAGES; i += 1) {
        const wait = loadStarted + (i * 1000) / RATE - Date.now();
        if (wait > 0) await sleep(wait);
        pending.push(send(messages[i]!));
      }
      await Promise.all(pending);
    })();

    // The faults: kills at random moments, and one dev server restart half-way through them.
    const kills: number[] = [];
    let temporalRestart: { at: number; downMs: number } | undefined;
    for (let k = 0; k < WORKER_KILLS; k += 1) {
      await sleep(KILL_GAP_MS[0] + random() * (KILL_GAP_MS[1] - KILL_GAP_MS[0]));
      const victim = worker!;
      victim.kill('SIGKILL');
      await new Promise((r) => victim.once('exit', r));
      kills.push(Date.now() - loadStarted);
      if (k === Math.floor(WORKER_KILLS / 2)) {
        const down = Date.now();
        await temporal.stop();
        temporal = await restartTemporal();
        temporalRestart = { at: down - loadStarted, downMs: Date.now() - down };
        console.log(`dev server restarted (${temporalRestart.downMs} ms down)`);
      }
      await sleep(random() * 1000);
      worker = startWorker();
    }
    await sending;
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    const accepted = messages.filter((m) => m.acceptedAt !== undefined);
    console.log(`load done in ${round(loadSeconds)} s: ${accepted.length}/${MESSAGES} accepted, ${WORKER_KILLS} kills; draining`);

    // Drain: every task terminal or waiting on a person.
    const drainStarted = Date.now();
    let statuses: Record<string, number> = {};
    let settled = false;
    while (Date.now() - drainStarted < DRAIN_TIMEOUT_MS) {
      const rows = await database.db
        .select({ status: agentTasks.status, n: sql<number>`count(*)::int` })
        .from(agentTasks)
        .groupBy(agentTasks.status);
      statuses = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      const total = rows.reduce((a, r) => a + Number(r.n), 0);
      const open = rows.filter((r) => !TERMINAL.has(r.status) && !WAITING.has(r.status)).reduce((a, r) => a + Number(r.n), 0);
      if (total >= accepted.length && open === 0) {
        settled = true;
        break;
      }
      await sleep(500);
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    await sleep(1000); // a reply whose row is written a moment after the send

    // Receipts: a task whose reply went out ends once the fake Graph API's `delivered` receipt
    // (retried through the faults, like Meta's) reached its workflow.
    const waitingForReceipt = async () => {
      const ended = await database.db
        .select({ workflowId: agentTasks.workflowId })
        .from(agentTasks)
        .where(inArray(agentTasks.status, [...TERMINAL]));
      const running: string[] = [];
      for (const t of ended) if ((await client.workflow.getHandle(t.workflowId).describe()).status.name === 'RUNNING') running.push(t.workflowId);
      return running;
    };
    for (let running = await waitingForReceipt(); running.length > 0 && Date.now() - drainStarted < DRAIN_TIMEOUT_MS; running = await waitingForReceipt())
      await sleep(1000);

    // The checks.
    const tasks = await database.db
      .select({
        id: agentTasks.id,
        status: agentTasks.status,
        error: agentTasks.error,
        workflowId: agentTasks.workflowId,
        externalId: messagesTable.externalId,
      })
      .from(agentTasks)
      .innerJoin(messagesTable, eq(messagesTable.id, agentTasks.messageId));
    const tasksByMessage = new Map<string, typeof tasks>();
    for (const t of tasks) tasksByMessage.set(t.externalId ?? '', [...(tasksByMessage.get(t.externalId ?? '') ?? []), t]);
    const replies = new Map<string, number>();
    for (const req of graph.requests.filter((r) => isSend(r) && r.status === 200))
      replies.set(String(req.body.to), (replies.get(String(req.body.to)) ?? 0) + 1);
    const graphFaults = graph.requests.filter((r) => isSend(r) && r.status !== undefined && r.status >= 500).length;
    const openaiCalls = openai.requests.length;
    const openaiFaults = openai.requests.filter((r) => r.status === 429 || r.status === 500).length;

    const lost = accepted.filter((m) => (replies.get(m.from) ?? 0) === 0);
    const doubled = accepted.filter((m) => (replies.get(m.from) ?? 0) > 1);
    const withoutTask = accepted.filter((m) => (tasksByMessage.get(m.id)?.length ?? 0) !== 1);
    const stuckInDb = tasks.filter((t) => !TERMINAL.has(t.status) && !WAITING.has(t.status));
    const stuckInTemporal: string[] = [];
    for (const t of tasks) {
      const d = await client.workflow.getHandle(t.workflowId).describe();
      const running = d.status.name === 'RUNNING';
      if ((running && !WAITING.has(t.status)) || (!running && d.status.name !== 'COMPLETED'))
        stuckInTemporal.push(`${t.workflowId}: ${d.status.name}, task ${t.status}`);
    }
    // Steps that ran more than once (a kill mid-step, an injected failure): the retries that had to be harmless.
    const retried = await database.db
      .select({ name: agentToolCalls.name, n: sql<number>`count(distinct ${agentToolCalls.taskId})::int` })
      .from(agentToolCalls)
      .where(sql`${agentToolCalls.attempt} > 1`)
      .groupBy(agentToolCalls.name);
    const notAccepted = messages.filter((m) => m.acceptedAt === undefined);
    const acceptAttempts = messages.map((m) => m.attempts);

    Object.assign(figures, {
      messages: MESSAGES,
      accepted: accepted.length,
      notAccepted: notAccepted.length,
      webhookAttempts: acceptAttempts.reduce((a, b) => a + b, 0),
      webhookAttemptsMax: Math.max(...acceptAttempts),
      webhookAttemptsP99: percentile(acceptAttempts, 99),
      ratePerSec: round(RATE),
      loadSeconds: round(loadSeconds),
      drainSeconds: round(drainSeconds),
      settled,
      workerKills: kills.length,
      killMomentsSec: kills.map((ms) => round(ms / 1000)),
      workerStarts,
      unexpectedWorkerExits,
      temporalRestart: temporalRestart ? { atSec: round(temporalRestart.at / 1000), downMs: temporalRestart.downMs } : null,
      graphSends: graph.requests.filter(isSend).length,
      receiptsAccepted: graph.receiptsAccepted(),
      graphFaultsInjected: graphFaults,
      openaiCalls,
      openaiFaultsInjected: openaiFaults,
      tasks: tasks.length,
      statuses,
      // A task fails when a kill left a send's outcome unknown (README, Delivery exactly once): at most once, by design.
      failedTasks: tasks
        .filter((t) => t.status === 'failed')
        .map((t) => ({
          workflowId: t.workflowId,
          error: (t.error ?? '').slice(0, 160),
          repliesReceived: replies.get(messages.find((m) => m.id === t.externalId)?.from ?? '') ?? 0,
        })),
      tasksWithARetriedStep: Object.fromEntries(retried.map((r) => [r.name, Number(r.n)])),
      exactlyOneReply: accepted.length - lost.length - doubled.length,
      lost: lost.length,
      doubled: doubled.length,
      messagesWithoutExactlyOneTask: withoutTask.length,
      stuckInDatabase: stuckInDb.length,
      stuckInTemporal: stuckInTemporal.length,
    });
    const problems = [
      ...notAccepted.map((m) => `${m.id} never accepted (last answer: ${m.lastStatus})`),
      ...lost.map((m) => `${m.from}: no reply`),
      ...doubled.map((m) => `${m.from}: ${replies.get(m.from)} replies`),
      ...withoutTask.map((m) => `${m.id}: ${tasksByMessage.get(m.id)?.length ?? 0} tasks`),
      ...stuckInDb.map((t) => `${t.workflowId}: stuck at ${t.status}`),
      ...stuckInTemporal,
      ...(unexpectedWorkerExits > 0 ? [`the worker exited by itself ${unexpectedWorkerExits} time(s) (see ${dir}/worker.log)`] : []),
    ];
    figures.problems = problems.slice(0, 50);
    failed = problems.length > 0;
  } finally {
    stopping = true;
    if (worker) await stopProcess(worker);
    await stopProcess(api);
    await connection.close();
    await database.close();
    await scratch.drop();
    await temporal.stop();
    await graph.close();
    await openai.close();
  }

  const result = {
    benchmark: 'chaos',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    seed: SEED,
    method:
      `Temporal dev server (file-backed, restarted once), npm run api and npm run worker as processes on PostgreSQL; fake Graph API failing ${GRAPH_FAILURES * 100}% of sends (500/503), ` +
      `fake OpenAI-compatible server failing ${OPENAI_FAILURES * 100}% of calls (429/500); the worker SIGKILLed ${WORKER_KILLS} times at random moments and restarted; ` +
      `${MESSAGES} signed webhooks from distinct customers, open loop, each retried until answered 200.`,
    ...figures,
  };
  const file = path.resolve(REPO_ROOT, process.env.CHAOS_OUTPUT ?? 'bench/results/chaos.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const f = figures as Record<string, number>;
  console.table({
    messages: { value: MESSAGES },
    'accepted (webhook answered 200)': { value: f.accepted },
    'webhook attempts (retries included)': { value: f.webhookAttempts },
    'worker SIGKILLs': { value: f.workerKills },
    'dev server restarts': { value: figures.temporalRestart ? 1 : 0 },
    'Graph sends failed with 5xx (injected)': { value: f.graphFaultsInjected },
    'OpenAI calls failed with 429/500 (injected)': { value: `${f.openaiFaultsInjected} of ${f.openaiCalls}` },
    'exactly one reply': { value: f.exactlyOneReply },
    'no reply (lost)': { value: f.lost },
    'more than one reply (doubled)': { value: f.doubled },
    'tasks stuck (database / Temporal)': { value: `${f.stuckInDatabase} / ${f.stuckInTemporal}` },
    'drain after the load (s)': { value: f.drainSeconds },
  });
  console.log(
    `task statuses: ${JSON.stringify(figures.statuses)}; tasks with a step run more than once, by step: ${JSON.stringify(figures.tasksWithARetriedStep)}`,
  );
  for (const t of (figures.failedTasks as Array<{ workflowId: string; error: string; repliesReceived: number }> | undefined) ?? []) {
    console.log(`failed: ${t.workflowId} (${t.repliesReceived} reply received): ${t.error}`);
  }
  if (failed) {
    console.error(`chaos found problems (logs kept in ${dir}):\n  ${(figures.problems as string[]).join('\n  ')}`);
    process.exit(1);
  }
  rmSync(dir, { recursive: true, force: true }); // the logs are kept only when something was found
  console.log(`every accepted message got exactly one reply; no task stuck. written: ${path.relative(REPO_ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
