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
 *
 *   npm run chaos -- --cluster                                    # the same on `npm run cluster`'s parts
 *
 * On the cluster (testkit/cluster.ts): Temporal's server v1.29.1 on PostgreSQL instead of the dev
 * server, CLUSTER_WORKERS (2) workers of which a random one is killed each time, CLUSTER_APIS (2)
 * API replicas behind the round-robin proxy, one of them restarted a quarter of the way; the
 * Temporal server process restarted half-way; three quarters of the way, a rolling deploy: workers
 * of another build id started, made the deployment's current version, the old ones stopped (every
 * workflow then waiting for its receipt moves to the new build). Besides the checks above:
 * - a live-feed subscriber on each replica, directly: the ones connected all along got every event
 *   any got (and every task's last status); the one whose replica restarted, every event from a
 *   second after it reconnected (the feed keeps no history to replay);
 * - a fresh key's burst of CHAOS_RATE_LIMIT + 15 requests through the proxy gets exactly
 *   CHAOS_RATE_LIMIT (API_RATE_LIMIT of the run, 30) through: the replicas share the budget.
 * Writes bench/results/chaos-cluster.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { eq, inArray, sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { openDatabase } from '../src/db';
import { agentTasks, agentToolCalls, messages as messagesTable, type TaskStatus } from '../src/db/schema';
import { buildWorkflowBundle, createScratchDatabase, envNumber, localSystemEnv, percentile, spawnSystemProcess, untilReady } from '../testkit/local-system';
import { WebSocket } from 'ws';
import { dropClusterDatabases } from '../scripts/lib/temporal-cluster';
import { ensureTemporalCli, freePort, REPO_ROOT, startDevServer, stopProcess, type DevServer } from '../scripts/lib/temporal-dev-server';
import { startLocalCluster } from '../testkit/cluster';
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

const CLUSTER = process.argv.includes('--cluster');
const CLUSTER_WORKERS = envNumber('CLUSTER_WORKERS', 2, { min: 1, max: 16 });
const CLUSTER_APIS = envNumber('CLUSTER_APIS', 2, { min: 1, max: 8 });
/** API_RATE_LIMIT of the run: a burst of one key through the proxy must get exactly this many through. */
const RATE_LIMIT = envNumber('CHAOS_RATE_LIMIT', 30, { min: 1 });

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
    `chaos${CLUSTER ? ` on the cluster (${CLUSTER_WORKERS} workers, ${CLUSTER_APIS} API replicas, Temporal's server on PostgreSQL)` : ''}: ${MESSAGES} messages at ${round(RATE)}/s, ${WORKER_KILLS} worker kills, 1 Temporal server restart${CLUSTER ? ', 1 API replica restart' : ''}, Graph ${GRAPH_FAILURES * 100}% / OpenAI ${OPENAI_FAILURES * 100}% failures, seed ${SEED}`,
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

  const scratch = await createScratchDatabase('agent_tasks_chaos');
  const database = await openDatabase({ url: scratch.url, maxConnections: 2 });
  await database.migrate();
  buildWorkflowBundle();

  const phoneNumberId = `5${Date.now()}`;
  const env = {
    ...localSystemEnv({ address: '', graphUrl: graph.url, phoneNumberId, adminApiKey: 'chaos-admin', taskQueue: `chaos-${Date.now()}` }),
    DATABASE_URL: scratch.url,
    OPENAI_API_KEY: 'chaos-key',
    OPENAI_BASE_URL: openai.url,
    OPENAI_MODEL: 'chaos-model',
    CHANNEL_HTTP_TIMEOUT: '5s',
    // Receipts come back like Meta's (retried through the faults): every task waits for its one.
    DELIVERY_RECEIPT_WAIT: '2m',
    TEMPORAL_METRICS_ADDRESS: 'off',
    LOG_LEVEL: 'warn',
    API_RATE_LIMIT: String(RATE_LIMIT),
  };
  // A start that fails (a server that will not come up) still drops what was set up for it.
  const target = await (CLUSTER ? clusterTarget(env, scratch.url, dir) : oneMachineTarget(env, dir)).catch(async (err: unknown) => {
    await database.close();
    await scratch.drop();
    await graph.close();
    await openai.close();
    throw err;
  });
  const url = target.url;
  graph.sendReceiptsTo(url);

  const connection = await Connection.connect({ address: target.address() });
  const client = new Client({ connection, namespace: 'default' });
  const messages: Message[] = Array.from({ length: MESSAGES }, (_, i) => ({ id: wamid(), from: `3161${String(i).padStart(8, '0')}`, attempts: 0 }));
  let failed = false;
  const figures: Record<string, unknown> = {};
  try {
    await untilReady(url);
    const admin = { authorization: 'Bearer chaos-admin', 'content-type': 'application/json' };
    const put = await fetch(`${url}/api/v1/namespaces/default`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ agentRunner: { activeAdapter: 'openai' } }),
    });
    if (!put.ok) throw new Error(`PUT /api/v1/namespaces/default answered ${put.status}: ${await put.text()}`);
    const doc = await fetch(`${url}/api/v1/namespaces/default/documents`, { method: 'POST', headers: admin, body: JSON.stringify(DOCUMENT) });
    if (!doc.ok) throw new Error(`POST /api/v1/namespaces/default/documents answered ${doc.status}: ${await doc.text()}`);
    const feed = CLUSTER ? await subscribeOnEveryReplica(target.apiUrls) : undefined;
    target.startWorkers();

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

    // The faults: kills at random moments, and one Temporal server restart half-way through them
    // (and on the cluster, one API replica restarted a quarter of the way).
    const kills: number[] = [];
    let temporalRestart: { at: number; downMs: number } | undefined;
    let apiRestart: { at: number; replica: number; downMs: number } | undefined;
    let rollout: { at: number; buildId: string; tookMs: number } | undefined;
    for (let k = 0; k < WORKER_KILLS; k += 1) {
      await sleep(KILL_GAP_MS[0] + random() * (KILL_GAP_MS[1] - KILL_GAP_MS[0]));
      const victim = await target.killWorker(random);
      kills.push(Date.now() - loadStarted);
      if (k === Math.floor(WORKER_KILLS / 2)) {
        const down = Date.now();
        await target.restartTemporal();
        temporalRestart = { at: down - loadStarted, downMs: Date.now() - down };
        console.log(`Temporal server restarted (${temporalRestart.downMs} ms down)`);
      }
      if (target.restartApi && k === Math.floor(WORKER_KILLS / 4)) {
        const down = Date.now();
        const replica = await target.restartApi();
        apiRestart = { at: down - loadStarted, replica, downMs: Date.now() - down };
        console.log(`API replica ${replica} restarted (${apiRestart.downMs} ms down)`);
      }
      await sleep(random() * 1000);
      target.startWorker(victim);
      if (target.rollout && k === Math.floor((WORKER_KILLS * 3) / 4)) {
        const began = Date.now();
        const buildId = await target.rollout();
        rollout = { at: began - loadStarted, buildId, tookMs: Date.now() - began };
        console.log(`workers rolled out to build ${buildId} (${rollout.tookMs} ms)`);
      }
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

    // The live feed: every subscriber connected all along, on whichever replica, got every event.
    const feedProblems: string[] = [];
    let feedFigures: Record<string, unknown> = {};
    if (feed) {
      await sleep(1000);
      const finals = await database.db.select({ id: agentTasks.id, status: agentTasks.status }).from(agentTasks);
      const report = feed.report(finals.map((t) => `task.status:${t.id}:${t.status}`));
      feed.close();
      feedFigures = report;
      feedProblems.push(...report.problems);
    }
    // The rate limit: one key's budget is shared by the replicas (a burst through the proxy).
    const rateLimit = CLUSTER ? await burstThroughProxy(target, RATE_LIMIT + 15) : undefined;

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
    /** Each workflow's last build (worker versioning; the cluster only): after a rollout, the new one. */
    const byBuild: Record<string, number> = {};
    for (const t of tasks) {
      const d = await client.workflow.getHandle(t.workflowId).describe();
      const build = d.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId;
      if (build) byBuild[build] = (byBuild[build] ?? 0) + 1;
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
      target: CLUSTER ? { kind: 'cluster', workers: CLUSTER_WORKERS, apis: CLUSTER_APIS } : { kind: 'one machine' },
      workerStarts: target.workerStarts(),
      unexpectedWorkerExits: target.unexpectedExits(),
      apiRestart: apiRestart ? { atSec: round(apiRestart.at / 1000), replica: apiRestart.replica, downMs: apiRestart.downMs } : null,
      rollout: rollout ? { atSec: round(rollout.at / 1000), buildId: rollout.buildId, tookMs: rollout.tookMs } : null,
      workflowsByLastBuild: byBuild,
      ...(feed ? { liveFeed: feedFigures } : {}),
      ...(rateLimit ? { rateLimit } : {}),
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
      ...(target.unexpectedExits() > 0 ? [`a worker exited by itself ${target.unexpectedExits()} time(s) (see ${dir}/worker*.log)`] : []),
      ...feedProblems,
      ...(rateLimit && rateLimit.allowed !== RATE_LIMIT
        ? [`rate limit ${RATE_LIMIT}/min across replicas let ${rateLimit.allowed} of ${rateLimit.sent} through`]
        : []),
    ];
    figures.problems = problems.slice(0, 50);
    failed = problems.length > 0;
  } finally {
    await connection.close();
    await target.stop();
    await database.close();
    await scratch.drop();
    await graph.close();
    await openai.close();
  }

  const result = {
    benchmark: 'chaos',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    seed: SEED,
    method:
      (CLUSTER
        ? `Temporal's server v1.29.1 on PostgreSQL (restarted once), ${CLUSTER_WORKERS} npm run worker and ${CLUSTER_APIS} npm run api processes behind a round-robin proxy (one API replica restarted once), on PostgreSQL; live-feed subscribers on every replica; a fresh key's burst of ${RATE_LIMIT + 15} through the proxy against API_RATE_LIMIT ${RATE_LIMIT}; `
        : `Temporal dev server (file-backed, restarted once), npm run api and npm run worker as processes on PostgreSQL; `) +
      `failing ${GRAPH_FAILURES * 100}% of sends (500/503) and posting a delivered receipt for each accepted one, ` +
      `fake OpenAI-compatible server failing ${OPENAI_FAILURES * 100}% of calls (429/500); the worker SIGKILLed ${WORKER_KILLS} times at random moments and restarted; ` +
      `${MESSAGES} signed webhooks from distinct customers, open loop, each retried until answered 200.`,
    ...figures,
  };
  const file = path.resolve(REPO_ROOT, process.env.CHAOS_OUTPUT ?? (CLUSTER ? 'bench/results/chaos-cluster.json' : 'bench/results/chaos.json'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const f = figures as Record<string, number>;
  console.table({
    messages: { value: MESSAGES },
    'accepted (webhook answered 200)': { value: f.accepted },
    'webhook attempts (retries included)': { value: f.webhookAttempts },
    'worker SIGKILLs': { value: f.workerKills },
    'Temporal server restarts': { value: figures.temporalRestart ? 1 : 0 },
    ...(CLUSTER
      ? {
          'API replica restarts': { value: figures.apiRestart ? 1 : 0 },
          'rolling deploys of the workers (worker versioning)': { value: figures.rollout ? 1 : 0 },
          'live-feed subscribers missing events': { value: (figures.liveFeed as { missing: number } | undefined)?.missing ?? '-' },
          'rate limit across replicas (allowed/sent)': {
            value: figures.rateLimit
              ? `${(figures.rateLimit as { allowed: number }).allowed}/${(figures.rateLimit as { sent: number }).sent} (limit ${RATE_LIMIT})`
              : '-',
          },
        }
      : {}),
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

/** What the run drives: one machine (dev server, one API, one worker) or the cluster. */
interface Target {
  /** Where webhooks and API calls go: the API, or the proxy in front of the replicas. */
  url: string;
  apiUrls: string[];
  address(): string;
  /** Starts the worker(s) once the namespace is set up (the cluster's run from the start). */
  startWorkers(): void;
  /** SIGKILLs a worker (one at random on the cluster) and returns which. */
  killWorker(random: () => number): Promise<number>;
  startWorker(i: number): void;
  restartTemporal(): Promise<void>;
  /** Restarts one API replica and returns which (the cluster only). */
  restartApi?(): Promise<number>;
  /** A rolling deploy of the workers to another build (the cluster only). */
  rollout?(): Promise<string>;
  workerStarts(): number;
  unexpectedExits(): number;
  proxyCounts?(): number[];
  stop(): Promise<void>;
}

/** The dev server (file-backed), `npm run api` and `npm run worker`, restarted like a supervisor would. */
async function oneMachineTarget(env: Record<string, string>, dir: string): Promise<Target> {
  const cli = ensureTemporalCli();
  const temporalPort = await freePort();
  const startTemporal = () => startDevServer({ cli, port: temporalPort, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });
  let temporal: DevServer = await startTemporal();
  const apiPort = await freePort();
  const processEnv = { ...env, TEMPORAL_ADDRESS: temporal.address, PORT: String(apiPort) };
  const api = spawnSystemProcess('api', processEnv, path.join(dir, 'api.log'));
  let worker: ChildProcess | undefined;
  let starts = 0;
  let unexpected = 0;
  let stopping = false;
  const startWorker = () => {
    starts += 1;
    const child = spawnSystemProcess('worker', processEnv, path.join(dir, 'worker.log'));
    child.once('exit', (code, signal) => {
      // A supervisor restarts a worker that died on its own, and counts it: it should not happen.
      if (!stopping && signal !== 'SIGKILL' && child === worker) {
        unexpected += 1;
        console.warn(`worker exited by itself (${code ?? signal}); starting another`);
        worker = startWorker();
      }
    });
    return child;
  };
  const url = `http://127.0.0.1:${apiPort}`;
  return {
    url,
    apiUrls: [url],
    address: () => temporal.address,
    startWorkers: () => void (worker = startWorker()),
    async killWorker() {
      const victim = worker!;
      victim.kill('SIGKILL');
      await new Promise((r) => victim.once('exit', r));
      return 0;
    },
    startWorker: () => void (worker = startWorker()),
    async restartTemporal() {
      await temporal.stop();
      // The restart is the fault under test, not its start: a start that fails (a port the old
      // process held not yet free, say) is retried like an operator would, its reason printed.
      for (let attempt = 1; ; attempt += 1) {
        try {
          temporal = await startTemporal();
          return;
        } catch (err) {
          if (attempt >= 3) throw err;
          console.log(`dev server restart attempt ${attempt} failed, retrying: ${(err as Error).message}`);
          await sleep(1000 * attempt);
        }
      }
    },
    workerStarts: () => starts,
    unexpectedExits: () => unexpected,
    async stop() {
      stopping = true;
      if (worker) await stopProcess(worker);
      await stopProcess(api);
      await temporal.stop();
    },
  };
}

/** `npm run cluster`'s parts: Temporal's server on PostgreSQL, CLUSTER_WORKERS workers, CLUSTER_APIS APIs behind the proxy. */
async function clusterTarget(env: Record<string, string>, databaseUrl: string, dir: string): Promise<Target> {
  const temporalDb = `agent_tasks_chaos_temporal_${process.pid}`;
  const cluster = await startLocalCluster({
    workers: CLUSTER_WORKERS,
    apis: CLUSTER_APIS,
    logDir: dir,
    databaseUrl,
    env,
    temporalDb,
    prebuilt: true,
    deployment: { deploymentName: 'agent-tasks-chaos', buildId: `chaos-${process.pid}` },
  }).catch(async (err: unknown) => {
    await dropClusterDatabases(temporalDb).catch(() => undefined); // best effort: the start's error is the one to see
    throw err;
  });
  let starts = CLUSTER_WORKERS;
  let unexpected = 0;
  let stopping = false;
  const watch = (i: number) => {
    const child = cluster.workers[i];
    child?.once('exit', (code, signal) => {
      // Killed on purpose, or replaced by a rollout: not a worker dying on its own.
      if (!stopping && signal !== 'SIGKILL' && cluster.workers[i] === child) {
        unexpected += 1;
        console.warn(`worker ${i} exited by itself (${code ?? signal}); starting another`);
        cluster.startWorker(i);
        watch(i);
      }
    });
  };
  for (let i = 0; i < CLUSTER_WORKERS; i += 1) watch(i);
  return {
    url: cluster.url,
    apiUrls: cluster.apiUrls,
    address: () => cluster.address,
    startWorkers: () => undefined,
    async killWorker(random) {
      const alive = cluster.workers.flatMap((w, i) => (w ? [i] : []));
      const victim = alive[Math.floor(random() * alive.length)]!;
      await cluster.killWorker(victim);
      return victim;
    },
    startWorker(i) {
      starts += 1;
      cluster.startWorker(i);
      watch(i);
    },
    restartTemporal: () => cluster.restartServer(),
    async rollout() {
      const buildId = `chaos-${process.pid}-next`;
      await cluster.rollout(buildId);
      for (let i = 0; i < CLUSTER_WORKERS; i += 1) watch(i);
      starts += CLUSTER_WORKERS;
      return buildId;
    },
    async restartApi() {
      const replica = CLUSTER_APIS - 1;
      await cluster.restartApi(replica);
      return replica;
    },
    workerStarts: () => starts,
    unexpectedExits: () => unexpected,
    proxyCounts: () => cluster.proxy.counts(),
    async stop() {
      stopping = true;
      await cluster.stop();
      await dropClusterDatabases(temporalDb);
    },
  };
}

interface FeedSubscriber {
  replica: number;
  /** Each event it got, and when. */
  keys: Map<string, number>;
  /** Its replica was restarted under it: it reconnected (then), and missed what came meanwhile. */
  interrupted: boolean;
  reconnectedAt?: number;
  socket?: WebSocket;
}

/**
 * One live-feed subscriber on each API replica, directly (not through the proxy). A subscriber
 * whose replica restarts reconnects and is reported apart: the feed has no replay, so a client
 * that reconnects reads the current state through the API (the console does).
 */
async function subscribeOnEveryReplica(apiUrls: string[]) {
  let closing = false;
  const subscribers: FeedSubscriber[] = apiUrls.map((_, replica) => ({ replica, keys: new Map(), interrupted: false }));
  const connect = (sub: FeedSubscriber): Promise<void> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`${apiUrls[sub.replica]!.replace(/^http/, 'ws')}/ws/agent-tasks?token=chaos-admin`);
      sub.socket = ws;
      ws.on('open', () => {
        if (sub.interrupted) sub.reconnectedAt = Date.now();
        resolve();
      });
      ws.on('message', (data) => {
        const event = JSON.parse(String(data)) as { type: string; task: { id: string; status: string }; step?: { id: string; status: string } };
        const key = event.type === 'task.step' ? `task.step:${event.step?.id}:${event.step?.status}` : `${event.type}:${event.task.id}:${event.task.status}`;
        if (!sub.keys.has(key)) sub.keys.set(key, Date.now());
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        if (closing) return;
        sub.interrupted = true;
        // Reconnect once the replica is back.
        setTimeout(() => void connect(sub).catch(() => undefined), 250);
        resolve();
      });
    });
  await Promise.all(subscribers.map(connect));
  return {
    /**
     * What each subscriber missed of all that any got, and whether every task's last status reached
     * it. One whose replica restarted is held to the events that came a second after it reconnected.
     */
    report(finalStatuses: string[]) {
      const firstSeen = new Map<string, number>();
      for (const s of subscribers) for (const [k, at] of s.keys) firstSeen.set(k, Math.min(at, firstSeen.get(k) ?? Infinity));
      const perSubscriber = subscribers.map((s) => {
        const since = s.interrupted ? (s.reconnectedAt ?? Infinity) + 1000 : -Infinity;
        const owed = [...firstSeen].filter(([, at]) => at >= since).map(([k]) => k);
        return {
          replica: s.replica,
          interrupted: s.interrupted,
          events: s.keys.size,
          owed: owed.length,
          missing: owed.filter((k) => !s.keys.has(k)).length,
          missingFinalStatus: s.interrupted ? null : finalStatuses.filter((k) => !s.keys.has(k)).length,
        };
      });
      const problems = perSubscriber
        .filter((p) => p.missing > 0 || (p.missingFinalStatus ?? 0) > 0)
        .map((p) => `live feed on replica ${p.replica}: missed ${p.missing} of ${p.owed} event(s), ${p.missingFinalStatus ?? 0} final status(es)`);
      if (subscribers.every((s) => s.interrupted)) problems.push('no live-feed subscriber stayed connected');
      return { subscribers: perSubscriber, union: firstSeen.size, missing: perSubscriber.reduce((a, p) => a + p.missing, 0), problems };
    },
    close() {
      closing = true;
      for (const s of subscribers) s.socket?.close();
    },
  };
}

/** A fresh key's burst of `count` requests through the proxy: the replicas share its budget. */
async function burstThroughProxy(target: Target, count: number) {
  const admin = { authorization: 'Bearer chaos-admin', 'content-type': 'application/json' };
  const created = await fetch(`${target.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ role: 'operator', namespace: 'default', name: 'burst' }),
  });
  if (!created.ok) throw new Error(`POST /api/v1/api-keys answered ${created.status}`);
  const { key } = (await created.json()) as { key: string };
  const before = target.proxyCounts?.() ?? [];
  const statuses = await Promise.all(
    Array.from({ length: count }, () =>
      fetch(`${target.url}/api/v1/agent-tasks?limit=1`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => (await r.arrayBuffer(), r.status)),
    ),
  );
  const after = target.proxyCounts?.() ?? [];
  return {
    sent: count,
    allowed: statuses.filter((s) => s === 200).length,
    refused429: statuses.filter((s) => s === 429).length,
    perReplica: after.map((n, i) => n - (before[i] ?? 0)),
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
