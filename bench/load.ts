/**
 * Load against bare Temporal: the whole pipeline next to a bare workflow with the same number of
 * no-op activities, on the same dev server, in one run. PGlite (memory://) only.
 *
 *   npx tsx bench/load.ts
 *   LOAD_MESSAGES=300 LOAD_CONCURRENCY=8 LOAD_WAITING=1000 npx tsx bench/load.ts
 *
 * Phases (one Temporal dev server, started here, file-backed in a temp dir):
 * 1. Baseline: a worker on its own task queue, built with bundleWorkflowCode from
 *    bench/baseline-workflow.ts (5 no-op activities, same startToCloseTimeouts as the pipeline's).
 *    LOAD_MESSAGES workflows started through the client, LOAD_CONCURRENCY in flight (closed loop:
 *    a lane starts the next when its workflow's result is in). Latency = start call → result.
 * 2. Pipeline: the system (worker + API, offline adapter, fake Graph API over HTTP), LOAD_MESSAGES
 *    signed WhatsApp "hello" webhooks from distinct customers, LOAD_CONCURRENCY in flight (closed
 *    loop: a lane sends the next when the fake Graph API has received the reply to its customer).
 *    ack = webhook POST → HTTP response; e2e = webhook sent → reply received by the fake Graph API
 *    (matched by recipient, the fake's receive time). Both phases start with LOAD_WARMUP
 *    sequential messages/workflows that are not counted.
 *    Throughput = counted messages / (last reply − first send).
 * 3. Half rate: LOAD_HALF_RATE_MESSAGES webhooks sent open loop at half the pipeline throughput
 *    just measured; their ack p99 is what the ack target is judged on.
 * 4. Memory: LOAD_WAITING webhooks "I want to speak to a human" into a namespace whose
 *    escalation.timeout is 10m; once every task is `escalated` (polled in the database), the RSS
 *    growth of this process. The worker runs in-process, so process.memoryUsage().rss is the
 *    worker's (plus the API's and PGlite's, which also live here). GC is forced before each reading.
 *    The waiting workflows are then terminated through the client.
 *
 * Writes bench/results/load.json.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { and, eq, sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { openDatabase, type DatabaseHandle } from '../src/db';
import { agentTasks, channelAccounts, namespaces } from '../src/db/schema';
import { installRuntime, type RunningSystem } from '../src/system';
import { REPO_ROOT } from '../scripts/lib/temporal-dev-server';
import { startFakeGraph, type FakeGraph, type RecordedRequest } from '../tests/helpers/fake-graph';
import { postWebhook, textMessageWebhook, wamid } from '../tests/helpers/whatsapp';
import type { BaselineActivities } from './baseline-workflow';
import { percentile, startLocalSystem, startScratchDevServer } from '../scripts/lib/local-system';

const MESSAGES = Number(process.env.LOAD_MESSAGES ?? 300);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 8);
const WARMUP = Number(process.env.LOAD_WARMUP ?? 10);
const HALF_RATE_MESSAGES = Number(process.env.LOAD_HALF_RATE_MESSAGES ?? 100);
const WAITING = Number(process.env.LOAD_WAITING ?? 1000);

const round = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 2 ** 20;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i += 1) {
    gc();
    await sleep(200);
  }
  return process.memoryUsage();
}

/** Runs `total` jobs, `concurrency` at a time. */
async function lanes(total: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const i = next;
      next += 1;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}

/** Resolves when the fake Graph API receives a send to `to` (patched into its request log). */
function replyWatcher(graph: FakeGraph) {
  const waiters = new Map<string, (req: RecordedRequest) => void>();
  const log = graph.requests;
  log.push = (...items: RecordedRequest[]) => {
    const n = Array.prototype.push.apply(log, items);
    for (const req of items) {
      const to = (req.body as { to?: string } | undefined)?.to;
      if (req.method === 'POST' && to && req.body.status !== 'read') {
        const waiter = waiters.get(to);
        if (waiter) {
          waiters.delete(to);
          waiter(req);
        }
      }
    }
    return n;
  };
  return (to: string, timeoutMs = 60_000) =>
    new Promise<RecordedRequest>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(to);
        reject(new Error(`no reply reached ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.set(to, (req) => {
        clearTimeout(timer);
        resolve(req);
      });
    });
}

/** The system under load, on its own task queue. */
function startPipeline(address: string, database: DatabaseHandle, graph: FakeGraph, label: string, phoneNumberId: string): Promise<RunningSystem> {
  return startLocalSystem({ address, database, graphUrl: graph.url, phoneNumberId, adminApiKey: 'bench', taskQueue: `bench-load-${label}-${Date.now()}` });
}

interface Baseline {
  workflows: number;
  wfPerSec: number;
  e2eP50Ms: number;
  e2eP99Ms: number;
}

async function measureBaseline(address: string): Promise<Baseline> {
  const taskQueue = `bench-load-baseline-${Date.now()}`;
  const noop = async () => undefined;
  const activities: BaselineActivities = { inject_profile: noop, rag_search: noop, generate: noop, confidence_check: noop, deliver: noop };
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./baseline-workflow'), logger: createQuietLogger() });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, namespace: 'default', taskQueue, workflowBundle, activities });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const running = worker.run();
  const latencies: number[] = [];
  let first = Infinity;
  let last = 0;
  try {
    const one = async (i: number) => {
      const t0 = performance.now();
      const result = await client.workflow.execute('BaselineWorkflow', { taskQueue, workflowId: `bench-load-baseline-${i}-${Date.now()}`, args: [] });
      const t1 = performance.now();
      if (result !== 5) throw new Error(`baseline workflow returned ${String(result)}`);
      return [t0, t1] as const;
    };
    for (let i = 0; i < WARMUP; i += 1) await one(-1 - i);
    await lanes(MESSAGES, CONCURRENCY, async (i) => {
      const [t0, t1] = await one(i);
      first = Math.min(first, t0);
      last = Math.max(last, t1);
      latencies.push(t1 - t0);
    });
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
  }
  return {
    workflows: MESSAGES,
    wfPerSec: round2((MESSAGES / (last - first)) * 1000),
    e2eP50Ms: round(percentile(latencies, 50)),
    e2eP99Ms: round(percentile(latencies, 99)),
  };
}

function createQuietLogger() {
  const quiet = () => undefined;
  return { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, log: quiet };
}

interface Pipeline {
  messages: number;
  msgsPerSec: number;
  ackP50Ms: number;
  ackP99Ms: number;
  e2eP50Ms: number;
  e2eP99Ms: number;
  halfRate: { targetMsgsPerSec: number; achievedMsgsPerSec: number; messages: number; ackP50Ms: number; ackP99Ms: number; e2eP50Ms: number; e2eP99Ms: number };
}

async function measurePipeline(address: string, database: DatabaseHandle): Promise<Pipeline> {
  const graph = await startFakeGraph();
  const waitForReply = replyWatcher(graph);
  const phoneNumberId = `7${Date.now()}`;
  const system = await startPipeline(address, database, graph, 'pipeline', phoneNumberId);
  let customer = 0;
  /** One message: [ack ms, e2e ms, sent at (epoch ms), replied at (epoch ms)]. */
  const one = async () => {
    customer += 1;
    const from = `4917${String(customer).padStart(8, '0')}`;
    const body = textMessageWebhook({ phoneNumberId, id: wamid(), from, text: 'hello' });
    const reply = waitForReply(from);
    const sentAt = Date.now();
    const t0 = performance.now();
    const res = await postWebhook(system.url!, body);
    const ack = performance.now() - t0;
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    await res.arrayBuffer();
    const { at } = await reply;
    return { ack, e2e: at - sentAt, sentAt, at };
  };
  try {
    for (let i = 0; i < WARMUP; i += 1) await one();
    const acks: number[] = [];
    const e2e: number[] = [];
    let first = Infinity;
    let last = 0;
    await lanes(MESSAGES, CONCURRENCY, async () => {
      const m = await one();
      acks.push(m.ack);
      e2e.push(m.e2e);
      first = Math.min(first, m.sentAt);
      last = Math.max(last, m.at);
    });
    const msgsPerSec = (MESSAGES / (last - first)) * 1000;

    // Open loop at half the measured maximum: one webhook every 2/msgsPerSec s, not waiting.
    const interval = 2000 / msgsPerSec;
    const halfAcks: number[] = [];
    const halfE2e: number[] = [];
    const started = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < HALF_RATE_MESSAGES; i += 1) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(
        one().then((m) => {
          halfAcks.push(m.ack);
          halfE2e.push(m.e2e);
        }),
      );
    }
    const sendSpan = performance.now() - started;
    await Promise.all(pending);
    return {
      messages: MESSAGES,
      msgsPerSec: round2(msgsPerSec),
      ackP50Ms: round(percentile(acks, 50)),
      ackP99Ms: round(percentile(acks, 99)),
      e2eP50Ms: round(percentile(e2e, 50)),
      e2eP99Ms: round(percentile(e2e, 99)),
      halfRate: {
        targetMsgsPerSec: round2(msgsPerSec / 2),
        achievedMsgsPerSec: round2(((HALF_RATE_MESSAGES - 1) / sendSpan) * 1000),
        messages: HALF_RATE_MESSAGES,
        ackP50Ms: round(percentile(halfAcks, 50)),
        ackP99Ms: round(percentile(halfAcks, 99)),
        e2eP50Ms: round(percentile(halfE2e, 50)),
        e2eP99Ms: round(percentile(halfE2e, 99)),
      },
    };
  } finally {
    await system.stop();
    await graph.close();
  }
}

interface Waiting {
  tasks: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssGrowthMb: number;
  heapUsedGrowthMb: number;
  escalateSeconds: number;
  terminated: number;
}

async function measureWaiting(address: string, database: DatabaseHandle): Promise<Waiting> {
  const graph = await startFakeGraph();
  const phoneNumberId = `6${Date.now()}`;
  const system = await startPipeline(address, database, graph, 'waiting', phoneNumberId);
  const ns = `bench-load-waiting-${Date.now()}`;
  await database.db.insert(namespaces).values({ name: ns, config: { escalation: { timeout: '10m' } } });
  await database.db.update(channelAccounts).set({ namespace: ns }).where(eq(channelAccounts.externalId, phoneNumberId));
  const [account] = await database.db.select({ id: channelAccounts.id }).from(channelAccounts).where(eq(channelAccounts.externalId, phoneNumberId));
  const escalated = async () => {
    const [row] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(agentTasks)
      .where(and(eq(agentTasks.channelAccountId, account!.id), eq(agentTasks.status, 'escalated')));
    return Number(row!.n);
  };
  const workflowIds: string[] = [];
  let terminated = 0;
  try {
    // One escalation first, so the code paths are loaded before the "before" reading.
    const send = async (i: number) => {
      const id = wamid();
      const from = `4479${String(i).padStart(8, '0')}`;
      const res = await postWebhook(system.url!, textMessageWebhook({ phoneNumberId, id, from, text: 'I want to speak to a human' }));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await res.arrayBuffer();
      workflowIds.push(`agent-task:${ns}:whatsapp:${id}`);
    };
    await send(0);
    for (let i = 0; (await escalated()) < 1; i += 1) {
      if (i > 600) throw new Error('the warm-up task never escalated');
      await sleep(50);
    }
    const before = await settledMemory();
    const t0 = performance.now();
    await lanes(WAITING, CONCURRENCY, (i) => send(i + 1));
    let count = 0;
    for (let i = 0; (count = await escalated()) < WAITING + 1; i += 1) {
      if (i > 3000) throw new Error(`only ${count} of ${WAITING + 1} tasks escalated`);
      await sleep(100);
    }
    const escalateSeconds = (performance.now() - t0) / 1000;
    const after = await settledMemory();
    return {
      tasks: WAITING,
      rssBeforeMb: round(before.rss / MB),
      rssAfterMb: round(after.rss / MB),
      rssGrowthMb: round((after.rss - before.rss) / MB),
      heapUsedGrowthMb: round((after.heapUsed - before.heapUsed) / MB),
      escalateSeconds: round(escalateSeconds),
      get terminated() {
        return terminated;
      },
    };
  } finally {
    await lanes(workflowIds.length, 16, async (i) => {
      try {
        await system.client.workflow.getHandle(workflowIds[i]!).terminate('bench/load.ts: waiting-task memory measured');
        terminated += 1;
      } catch (err) {
        console.warn(`terminate ${workflowIds[i]}: ${(err as Error).message}`);
      }
    });
    await system.stop();
    await graph.close();
  }
}

async function main(): Promise<void> {
  installRuntime('ERROR');
  const server = await startScratchDevServer('bench-load');
  let baseline: Baseline;
  let pipeline: Pipeline;
  let waiting: Waiting;
  try {
    console.log(`baseline: ${WARMUP} + ${MESSAGES} workflows, ${CONCURRENCY} in flight`);
    baseline = await measureBaseline(server.address);
    const database = await openDatabase({ pgliteDir: 'memory://' });
    try {
      await database.migrate();
      console.log(`pipeline: ${WARMUP} + ${MESSAGES} webhooks, ${CONCURRENCY} in flight, then ${HALF_RATE_MESSAGES} at half rate`);
      pipeline = await measurePipeline(server.address, database);
      console.log(`waiting: ${WAITING} tasks waiting on a human`);
      waiting = await measureWaiting(server.address, database);
    } finally {
      await database.close();
    }
  } finally {
    await server.dispose();
  }
  const throughputRatio = Math.round((pipeline.msgsPerSec / baseline.wfPerSec) * 1000) / 1000;
  const e2eOverBaseline = round(pipeline.e2eP50Ms - baseline.e2eP50Ms);
  const targets = {
    throughputRatio: { target: '>= 0.8 (pipeline throughput at least 80% of the baseline)', value: throughputRatio, met: throughputRatio >= 0.8 },
    ackP99AtHalfMaxMs: {
      target: '<= 50 ms webhook ack p99 at half the maximum throughput (open loop, halfRate)',
      value: pipeline.halfRate.ackP99Ms,
      met: pipeline.halfRate.ackP99Ms <= 50,
    },
    e2eP50OverBaselineMs: { target: '<= 150 ms (pipeline e2e p50 − baseline e2e p50)', value: e2eOverBaseline, met: e2eOverBaseline <= 150 },
    waitingTasksWorkerRssMb: { target: `<= 200 MB for 1,000 tasks waiting on humans (measured: ${WAITING})`, value: waiting.rssGrowthMb, met: waiting.rssGrowthMb <= 200 },
  };
  const result = {
    benchmark: 'load',
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
    },
    database: 'pglite (memory://)',
    method:
      `one dev server (file-backed SQLite, temp dir). Baseline: bare workflow, 5 no-op proxyActivities (same startToCloseTimeouts), own task queue, default worker options; ` +
      `${MESSAGES} workflows after ${WARMUP} warm-up, ${CONCURRENCY} in flight, latency = client start → result. Pipeline: worker + API in this process, offline adapter, fake Graph API over HTTP; ` +
      `${MESSAGES} signed WhatsApp "hello" webhooks from distinct customers after ${WARMUP} warm-up, ${CONCURRENCY} in flight (next sent when the previous reply reached the fake Graph API); ` +
      `ack = POST → HTTP response; e2e = sent → reply received (matched by recipient); throughput = messages / (last reply − first send). ` +
      `halfRate: ${HALF_RATE_MESSAGES} webhooks open loop at half the pipeline throughput. Memory: process RSS (worker, API and PGlite all run in this process) after forced GC, ` +
      `before and after ${WAITING} tasks reached 'escalated' (escalation.timeout 10m); then the workflows were terminated.`,
    throughputRatio,
    pipelineMsgsPerSec: pipeline.msgsPerSec,
    baselineWfPerSec: baseline.wfPerSec,
    ackP50Ms: pipeline.ackP50Ms,
    ackP99Ms: pipeline.ackP99Ms,
    e2eP50Ms: pipeline.e2eP50Ms,
    e2eP99Ms: pipeline.e2eP99Ms,
    baselineE2eP50Ms: baseline.e2eP50Ms,
    waitingTasksWorkerRssMb: waiting.rssGrowthMb,
    targets,
    pipeline,
    baseline,
    waiting: { ...waiting, terminated: waiting.terminated },
  };
  const file = path.join(REPO_ROOT, 'bench/results/load.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.table({
    pipeline: { 'msgs/s': pipeline.msgsPerSec, 'ack p50': pipeline.ackP50Ms, 'ack p99': pipeline.ackP99Ms, 'e2e p50': pipeline.e2eP50Ms, 'e2e p99': pipeline.e2eP99Ms },
    'pipeline @ half rate': {
      'msgs/s': pipeline.halfRate.achievedMsgsPerSec,
      'ack p50': pipeline.halfRate.ackP50Ms,
      'ack p99': pipeline.halfRate.ackP99Ms,
      'e2e p50': pipeline.halfRate.e2eP50Ms,
      'e2e p99': pipeline.halfRate.e2eP99Ms,
    },
    baseline: { 'msgs/s': baseline.wfPerSec, 'ack p50': '-', 'ack p99': '-', 'e2e p50': baseline.e2eP50Ms, 'e2e p99': baseline.e2eP99Ms },
  });
  console.table(Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, { value: t.value, met: t.met, target: t.target }])));
  console.log(`waiting tasks: ${WAITING}, RSS ${waiting.rssBeforeMb} → ${waiting.rssAfterMb} MB, terminated ${waiting.terminated}`);
  console.log(`written: ${path.relative(REPO_ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
