/**
 * Load against bare Temporal: the whole pipeline next to a bare workflow with the same number of
 * no-op activities, on the same dev server, in one run.
 *
 *   npx tsx bench/load.ts
 *   LOAD_MESSAGES=300 LOAD_CONCURRENCY=8 LOAD_HALF_RATE_MESSAGES=100 LOAD_BURST=50 LOAD_WAITING=1000 npx tsx bench/load.ts
 *   WORKER_MAX_CACHED_WORKFLOWS=... LOAD_TUNING_LABEL="what changed" npx tsx bench/load.ts   # a tuning step
 *
 * Phases (one Temporal dev server, started here, file-backed in a temp dir):
 * 1. Baseline, closed loop: a worker on its own task queue, bundled from bench/baseline-workflow.ts
 *    (5 no-op activities, same startToCloseTimeouts as the pipeline's); LOAD_MESSAGES workflows
 *    after LOAD_WARMUP, LOAD_CONCURRENCY in flight. Latency = start call → result.
 * 2. Pipeline, closed loop: worker + API in this process on PGlite (memory://), offline adapter,
 *    fake Graph API over HTTP; LOAD_MESSAGES signed WhatsApp "hello" webhooks from distinct
 *    customers after LOAD_WARMUP, LOAD_CONCURRENCY in flight (a lane sends the next when the fake
 *    Graph API has the reply to its customer). Throughput = messages / (last reply − first send).
 *    ack = webhook POST → HTTP response; e2e = sent → reply received by the fake Graph API.
 * 3. Pipeline at half rate: LOAD_HALF_RATE_MESSAGES webhooks open loop at half the throughput just
 *    measured; then a burst of LOAD_BURST webhooks at once.
 * 4. Baseline at the same rate: LOAD_HALF_RATE_MESSAGES workflows open loop at the pipeline's half
 *    rate. The latency targets compare phase 3 with this one: in a closed loop, latency is queueing.
 * 5. Waiting: `npm run worker` and `npm run api` as processes of their own on a scratch PostgreSQL
 *    database (BENCH_POSTGRES_ADMIN_URL); LOAD_WAITING webhooks "I want to speak to a human" with
 *    ESCALATION_TIMEOUT 10m; each process's RSS, idle for LOAD_SETTLE_MS (20 s), before and after they are all `escalated`. The
 *    waiting workflows are then terminated.
 *
 * WORKER_* and DATABASE_POOL_MAX in the environment are passed to the system under test;
 * LOAD_SQLITE_PRAGMAS (comma-separated, or `none`) replaces the dev server's WAL/NORMAL pragmas;
 * LOAD_DATABASE=postgres runs the pipeline phases on a scratch PostgreSQL database instead of PGlite.
 * Writes bench/results/load.json (LOAD_OUTPUT: elsewhere) (and appends to bench/results/tuning.json with LOAD_TUNING_LABEL).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { eq, sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { openDatabase, type DatabaseHandle } from '../src/db';
import { agentTasks } from '../src/db/schema';
import { installRuntime, type RunningSystem } from '../src/system';
import { SQLITE_PRAGMAS as DEFAULT_SQLITE_PRAGMAS, freePort, REPO_ROOT, stopProcess } from '../scripts/lib/temporal-dev-server';
import { startFakeGraph, type FakeGraph } from '../testkit/fake-graph';
import { lanes, replyWatcher } from '../testkit/load';
import { postWebhook, textMessageWebhook, wamid } from '../testkit/whatsapp';
import type { BaselineActivities } from './baseline-workflow';
import {
  buildWorkflowBundle,
  createScratchDatabase,
  envNumber,
  localSystemEnv,
  percentile,
  processRssMb,
  spawnSystemProcess,
  startLocalSystem,
  startScratchDevServer,
  untilReady,
} from '../testkit/local-system';

const MESSAGES = envNumber('LOAD_MESSAGES', 300, { min: 1 });
const CONCURRENCY = envNumber('LOAD_CONCURRENCY', 8, { min: 1 });
const WARMUP = envNumber('LOAD_WARMUP', 10);
const HALF_RATE_MESSAGES = envNumber('LOAD_HALF_RATE_MESSAGES', 100, { min: 2 });
const WAITING = envNumber('LOAD_WAITING', 1000);
const BURST = envNumber('LOAD_BURST', 50, { min: 1 });
const SETTLE_MS = envNumber('LOAD_SETTLE_MS', 20_000);
/** Where the pipeline phases keep their data: the embedded default, or a scratch PostgreSQL database. */
const PIPELINE_DATABASE = process.env.LOAD_DATABASE === 'postgres' ? 'postgres' : 'pglite';
if (!['postgres', 'pglite', undefined].includes(process.env.LOAD_DATABASE))
  throw new Error(`LOAD_DATABASE must be pglite or postgres, not "${process.env.LOAD_DATABASE}"`);
/** The dev server's SQLite pragmas, comma-separated; `none` for SQLite's own defaults (a tuning step). */
const SQLITE_PRAGMAS =
  process.env.LOAD_SQLITE_PRAGMAS === undefined ? undefined : process.env.LOAD_SQLITE_PRAGMAS === 'none' ? [] : process.env.LOAD_SQLITE_PRAGMAS.split(',');

const round = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Tuning settings given to this run (WORKER_*, DATABASE_POOL_MAX), passed on to the system. */
const TUNING_ENV = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => /^(WORKER_|DATABASE_POOL_MAX$)/.test(e[0]) && e[1] !== undefined),
);

/** The system under load, on its own task queue. */
function startPipeline(address: string, database: DatabaseHandle, graph: FakeGraph, label: string, phoneNumberId: string): Promise<RunningSystem> {
  return startLocalSystem({
    address,
    database,
    graphUrl: graph.url,
    phoneNumberId,
    adminApiKey: 'bench',
    taskQueue: `bench-load-${label}-${Date.now()}`,
    env: TUNING_ENV,
  });
}

/** LOAD_TUNING_LABEL=...: this run is a tuning step; its figures are appended to bench/results/tuning.json. */
function appendTuningStep(label: string, row: Record<string, unknown>): void {
  const file = path.join(REPO_ROOT, 'bench/results/tuning.json');
  const steps = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown[]) : [];
  steps.push({ label, at: new Date().toISOString(), ...row });
  writeFileSync(file, `${JSON.stringify(steps, null, 2)}\n`);
}

interface LatencyRun {
  count: number;
  perSec: number;
  e2eP50Ms: number;
  e2eP99Ms: number;
}

/** Open loop: `count` jobs started at `perSec`, not waiting for each other; resolves with their latencies. */
async function openLoop(count: number, perSec: number, job: () => Promise<number>): Promise<{ latencies: number[]; achievedPerSec: number }> {
  const interval = 1000 / perSec;
  const latencies: number[] = [];
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i += 1) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(job().then((ms) => void latencies.push(ms)));
  }
  const sendSpan = performance.now() - started;
  await Promise.all(pending);
  return { latencies, achievedPerSec: ((count - 1) / sendSpan) * 1000 };
}

/** Bare Temporal on its own task queue: 5 no-op activities per workflow, default worker options. */
async function startBaseline(address: string) {
  const taskQueue = `bench-load-baseline-${Date.now()}`;
  const noop = async () => undefined;
  const activities: BaselineActivities = { inject_profile: noop, rag_search: noop, generate: noop, confidence_check: noop, deliver: noop };
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./baseline-workflow'), logger: createQuietLogger() });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, namespace: 'default', taskQueue, workflowBundle, activities });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const running = worker.run();
  let n = 0;
  /** One workflow: start call → result, in ms. */
  const one = async () => {
    n += 1;
    const t0 = performance.now();
    const result = await client.workflow.execute('BaselineWorkflow', { taskQueue, workflowId: `bench-load-baseline-${n}-${Date.now()}`, args: [] });
    if (result !== 5) throw new Error(`baseline workflow returned ${String(result)}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < WARMUP; i += 1) await one();
  return {
    /** Closed loop: MESSAGES workflows, CONCURRENCY in flight. */
    async closed(): Promise<LatencyRun> {
      const latencies: number[] = [];
      const t0 = performance.now();
      await lanes(MESSAGES, CONCURRENCY, async () => void latencies.push(await one()));
      const span = performance.now() - t0;
      return {
        count: MESSAGES,
        perSec: round2((MESSAGES / span) * 1000),
        e2eP50Ms: round(percentile(latencies, 50)),
        e2eP99Ms: round(percentile(latencies, 99)),
      };
    },
    /** Open loop at a fixed rate. */
    async atRate(count: number, perSec: number): Promise<LatencyRun> {
      const { latencies, achievedPerSec } = await openLoop(count, perSec, one);
      return { count, perSec: round2(achievedPerSec), e2eP50Ms: round(percentile(latencies, 50)), e2eP99Ms: round(percentile(latencies, 99)) };
    },
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
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
  burst: { messages: number; ackP50Ms: number; ackP99Ms: number; e2eP50Ms: number; e2eP99Ms: number; drainedSeconds: number };
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
    const halfAcks: number[] = [];
    const half = await openLoop(HALF_RATE_MESSAGES, msgsPerSec / 2, async () => {
      const m = await one();
      halfAcks.push(m.ack);
      return m.e2e;
    });

    // A burst: BURST webhooks at once (a broadcast answered by many customers in the same second).
    const burstAcks: number[] = [];
    const burstStarted = Date.now();
    const burstE2e = await Promise.all(
      Array.from({ length: BURST }, async () => {
        const m = await one();
        burstAcks.push(m.ack);
        return m;
      }),
    );
    return {
      messages: MESSAGES,
      msgsPerSec: round2(msgsPerSec),
      ackP50Ms: round(percentile(acks, 50)),
      ackP99Ms: round(percentile(acks, 99)),
      e2eP50Ms: round(percentile(e2e, 50)),
      e2eP99Ms: round(percentile(e2e, 99)),
      halfRate: {
        targetMsgsPerSec: round2(msgsPerSec / 2),
        achievedMsgsPerSec: round2(half.achievedPerSec),
        messages: HALF_RATE_MESSAGES,
        ackP50Ms: round(percentile(halfAcks, 50)),
        ackP99Ms: round(percentile(halfAcks, 99)),
        e2eP50Ms: round(percentile(half.latencies, 50)),
        e2eP99Ms: round(percentile(half.latencies, 99)),
      },
      burst: {
        messages: BURST,
        ackP50Ms: round(percentile(burstAcks, 50)),
        ackP99Ms: round(percentile(burstAcks, 99)),
        e2eP50Ms: round(
          percentile(
            burstE2e.map((m) => m.e2e),
            50,
          ),
        ),
        e2eP99Ms: round(
          percentile(
            burstE2e.map((m) => m.e2e),
            99,
          ),
        ),
        drainedSeconds: round((Math.max(...burstE2e.map((m) => m.at)) - burstStarted) / 1000),
      },
    };
  } finally {
    await system.stop();
    await graph.close();
  }
}

interface Waiting {
  tasks: number;
  database: string;
  workerRssBeforeMb: number;
  workerRssAfterMb: number;
  workerRssGrowthMb: number;
  workerRssAtLastEscalationMb: number;
  workerRssCurve: Array<{ waiting: number; workerRssMb: number }>;
  workerMbPerWaitingTaskLastHalf: number | null;
  apiRssBeforeMb: number;
  apiRssAfterMb: number;
  escalateSeconds: number;
  terminated: number;
}

/** MB per waiting task over the second half of the curve (past the warm-up's one-off growth). */
function marginalCost(curve: Array<{ waiting: number; workerRssMb: number }>): number | null {
  if (curve.length < 4) return null;
  const from = curve[Math.floor(curve.length / 2)]!;
  const to = curve[curve.length - 1]!;
  return Math.round(((to.workerRssMb - from.workerRssMb) / (to.waiting - from.waiting)) * 1000) / 1000;
}

/**
 * Both processes' RSS once idle for LOAD_SETTLE_MS (20 s): V8 gives back what the work just
 * done no longer needs after a few seconds of idleness, so a reading right away would count
 * transient garbage as the waiting tasks' cost.
 */
async function settledRss(worker: ChildProcess, api: ChildProcess): Promise<{ worker: number; api: number }> {
  await sleep(SETTLE_MS);
  return { worker: processRssMb(worker.pid!), api: processRssMb(api.pid!) };
}

/**
 * WAITING tasks waiting on a person, the worker and the API each in a process of its own
 * (`npm run worker`, `npm run api`) on a scratch PostgreSQL database: their RSS before and after.
 */
async function measureWaiting(address: string, dir: string): Promise<Waiting> {
  const graph = await startFakeGraph();
  const scratch = await createScratchDatabase('agent_tasks_bench');
  const database = await openDatabase({ url: scratch.url, maxConnections: 2 });
  await database.migrate();
  const phoneNumberId = `6${Date.now()}`;
  const port = await freePort();
  const env = {
    ...localSystemEnv({ address, graphUrl: graph.url, phoneNumberId, adminApiKey: 'bench', taskQueue: `bench-load-waiting-${Date.now()}`, env: TUNING_ENV }),
    DATABASE_URL: scratch.url,
    PORT: String(port),
    ESCALATION_TIMEOUT: '10m',
    TEMPORAL_METRICS_ADDRESS: 'off',
    LOG_LEVEL: 'warn',
  };
  const api = spawnSystemProcess('api', env, path.join(dir, 'api.log'));
  const worker = spawnSystemProcess('worker', env, path.join(dir, 'worker.log'));
  const url = `http://127.0.0.1:${port}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const escalated = async () => {
    const [row] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(agentTasks)
      .where(eq(agentTasks.status, 'escalated'));
    return Number(row!.n);
  };
  const workflowIds: string[] = [];
  let terminated = 0;
  try {
    await untilReady(url);
    const send = async (i: number) => {
      const id = wamid();
      const from = `4479${String(i).padStart(8, '0')}`;
      const res = await postWebhook(url, textMessageWebhook({ phoneNumberId, id, from, text: 'I want to speak to a human' }));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await res.arrayBuffer();
      workflowIds.push(`agent-task:default:whatsapp:${id}`);
    };
    // One escalation first, so the worker has loaded its code paths before the "before" reading.
    await send(0);
    for (let i = 0; (await escalated()) < 1; i += 1) {
      if (i > 600) throw new Error(`the warm-up task never escalated (see ${path.join(dir, 'worker.log')})`);
      await sleep(50);
    }
    const before = await settledRss(worker, api);
    const t0 = performance.now();
    // The worker's RSS as the waiting tasks pile up, every 100 escalated: the slope is the cost of one more.
    const curve: Array<{ waiting: number; workerRssMb: number }> = [];
    let sent = 0;
    const sending = lanes(WAITING, CONCURRENCY, async (i) => {
      await send(i + 1);
      sent += 1;
    });
    let count = 0;
    for (let i = 0; (count = (await escalated()) - 1) < WAITING; i += 1) {
      if (i > 3000) throw new Error(`only ${count} of ${WAITING} tasks escalated`);
      if (count >= (curve.length + 1) * 100) curve.push({ waiting: count, workerRssMb: round(processRssMb(worker.pid!)) });
      await sleep(100);
    }
    await sending;
    if (sent !== WAITING) throw new Error(`sent ${sent} of ${WAITING}`);
    const escalateSeconds = (performance.now() - t0) / 1000;
    const peak = { worker: processRssMb(worker.pid!), api: processRssMb(api.pid!) };
    const after = await settledRss(worker, api);
    return {
      tasks: WAITING,
      database: 'postgresql (scratch database on the local server)',
      workerRssBeforeMb: round(before.worker),
      workerRssAfterMb: round(after.worker),
      workerRssGrowthMb: round(after.worker - before.worker),
      workerRssAtLastEscalationMb: round(peak.worker),
      workerRssCurve: curve,
      workerMbPerWaitingTaskLastHalf: marginalCost(curve),
      apiRssBeforeMb: round(before.api),
      apiRssAfterMb: round(after.api),
      escalateSeconds: round(escalateSeconds),
      get terminated() {
        return terminated;
      },
    };
  } finally {
    await lanes(workflowIds.length, 16, async (i) => {
      try {
        await client.workflow.getHandle(workflowIds[i]!).terminate('bench/load.ts: waiting-task memory measured');
        terminated += 1;
      } catch (err) {
        console.warn(`terminate ${workflowIds[i]}: ${(err as Error).message}`);
      }
    });
    await Promise.all([stopProcess(worker), stopProcess(api)]);
    await connection.close();
    await database.close();
    await scratch.drop();
    await graph.close();
  }
}

async function main(): Promise<void> {
  installRuntime('ERROR');
  const server = await startScratchDevServer('bench-load', { sqlitePragmas: SQLITE_PRAGMAS });
  let closedLoop: LatencyRun;
  let atRate: LatencyRun;
  let pipeline: Pipeline;
  let waiting: Waiting;
  try {
    buildWorkflowBundle(); // for the waiting phase's `npm run worker`
    const baseline = await startBaseline(server.address);
    try {
      console.log(`baseline: ${WARMUP} + ${MESSAGES} workflows, ${CONCURRENCY} in flight`);
      closedLoop = await baseline.closed();
      const scratch = PIPELINE_DATABASE === 'postgres' ? await createScratchDatabase('agent_tasks_bench') : undefined;
      const database = await openDatabase(
        scratch ? { url: scratch.url, maxConnections: Number(TUNING_ENV.DATABASE_POOL_MAX ?? 10) } : { pgliteDir: 'memory://' },
      );
      try {
        await database.migrate();
        console.log(
          `pipeline on ${PIPELINE_DATABASE}: ${WARMUP} + ${MESSAGES} webhooks, ${CONCURRENCY} in flight; ${HALF_RATE_MESSAGES} at half rate; a burst of ${BURST}`,
        );
        pipeline = await measurePipeline(server.address, database);
      } finally {
        await database.close();
        await scratch?.drop();
      }
      console.log(`baseline: ${HALF_RATE_MESSAGES} workflows at ${pipeline.halfRate.targetMsgsPerSec}/s (the pipeline's half rate)`);
      atRate = await baseline.atRate(HALF_RATE_MESSAGES, pipeline.halfRate.targetMsgsPerSec);
    } finally {
      await baseline.stop();
    }
    console.log(`waiting: ${WAITING} tasks waiting on a human (worker and API as processes of their own, PostgreSQL)`);
    waiting = await measureWaiting(server.address, server.dir);
  } finally {
    await server.dispose();
  }
  const throughputRatio = Math.round((pipeline.msgsPerSec / closedLoop.perSec) * 1000) / 1000;
  const e2eOverBaseline = round(pipeline.halfRate.e2eP50Ms - atRate.e2eP50Ms);
  const targets = {
    throughputRatio: { target: '>= 0.8 (pipeline throughput at least 80% of the baseline)', value: throughputRatio, met: throughputRatio >= 0.8 },
    ackP99AtHalfMaxMs: {
      target: '<= 50 ms webhook ack p99 at half the maximum throughput (open loop)',
      value: pipeline.halfRate.ackP99Ms,
      met: pipeline.halfRate.ackP99Ms <= 50,
    },
    e2eP50OverBaselineMs: {
      target: "<= 150 ms (pipeline e2e p50 − baseline e2e p50, both open loop at the pipeline's half rate)",
      value: e2eOverBaseline,
      met: e2eOverBaseline <= 150,
    },
    waitingTasksWorkerRssMb: {
      target: `<= 200 MB worker RSS growth for 1,000 tasks waiting on humans (measured: ${WAITING})`,
      value: waiting.workerRssGrowthMb,
      met: waiting.workerRssGrowthMb <= 200,
    },
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
    database: `${PIPELINE_DATABASE === 'postgres' ? 'postgresql (scratch database)' : 'pglite (memory://)'} for throughput and latency; postgresql for the waiting tasks`,
    tuning: TUNING_ENV,
    sqlitePragmas: SQLITE_PRAGMAS ?? DEFAULT_SQLITE_PRAGMAS,
    method:
      `One dev server (file-backed SQLite, temp dir) for everything. Baseline: bare workflow, 5 no-op proxyActivities (same startToCloseTimeouts as the pipeline), own task queue, default worker options, ` +
      `in this process. Pipeline: worker + API in this process on ${PIPELINE_DATABASE === 'postgres' ? 'PostgreSQL' : 'PGlite'}, offline adapter, fake Graph API over HTTP; signed WhatsApp "hello" webhooks from distinct customers. ` +
      `Throughput: closed loop, ${MESSAGES} after ${WARMUP} warm-up, ${CONCURRENCY} in flight (the next sent when the previous reply reached the fake Graph API / the workflow's result came back); ` +
      `messages / (last reply − first send). Latency (the top-level ack and e2e figures): open loop, ${HALF_RATE_MESSAGES} each, the pipeline at half its throughput and the baseline at the same rate; ` +
      `ack = POST → HTTP response; e2e = sent → reply received by the fake Graph API (baseline: start call → result). In the closed loop latency is queueing (concurrency ÷ throughput), ` +
      `so it is reported (pipeline.closedLoop, baseline.closedLoop) but not judged. Burst: ${BURST} webhooks at once. ` +
      `Waiting: \`npm run worker\` and \`npm run api\` as processes of their own on a scratch PostgreSQL database, ESCALATION_TIMEOUT 10m; /proc VmRSS of each, idle for ${SETTLE_MS / 1000} s, before (after one warm-up escalation) ` +
      `and after ${WAITING} more tasks reached 'escalated'; the workflows are then terminated.`,
    throughputRatio,
    pipelineMsgsPerSec: pipeline.msgsPerSec,
    baselineWfPerSec: closedLoop.perSec,
    ackP50Ms: pipeline.halfRate.ackP50Ms,
    ackP99Ms: pipeline.halfRate.ackP99Ms,
    e2eP50Ms: pipeline.halfRate.e2eP50Ms,
    e2eP99Ms: pipeline.halfRate.e2eP99Ms,
    baselineE2eP50Ms: atRate.e2eP50Ms,
    baselineE2eP99Ms: atRate.e2eP99Ms,
    waitingTasksWorkerRssMb: waiting.workerRssGrowthMb,
    targets,
    pipeline: {
      closedLoop: {
        messages: pipeline.messages,
        msgsPerSec: pipeline.msgsPerSec,
        ackP50Ms: pipeline.ackP50Ms,
        ackP99Ms: pipeline.ackP99Ms,
        e2eP50Ms: pipeline.e2eP50Ms,
        e2eP99Ms: pipeline.e2eP99Ms,
      },
      halfRate: pipeline.halfRate,
      burst: pipeline.burst,
    },
    baseline: { closedLoop, atPipelineHalfRate: atRate },
    waiting: { ...waiting, terminated: waiting.terminated },
  };
  const file = path.resolve(REPO_ROOT, process.env.LOAD_OUTPUT ?? 'bench/results/load.json');
  if (process.env.LOAD_TUNING_LABEL) {
    appendTuningStep(process.env.LOAD_TUNING_LABEL, {
      tuning: TUNING_ENV,
      sqlitePragmas: SQLITE_PRAGMAS ?? DEFAULT_SQLITE_PRAGMAS,
      database: PIPELINE_DATABASE,
      throughputRatio,
      pipelineMsgsPerSec: pipeline.msgsPerSec,
      baselineWfPerSec: closedLoop.perSec,
      e2eP50Ms: pipeline.halfRate.e2eP50Ms,
      baselineE2eP50Ms: atRate.e2eP50Ms,
      ackP99AtHalfRateMs: pipeline.halfRate.ackP99Ms,
      waitingTasksWorkerRssMb: waiting.workerRssGrowthMb,
    });
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.table({
    'pipeline, closed loop': {
      'msgs/s': pipeline.msgsPerSec,
      'ack p50': pipeline.ackP50Ms,
      'ack p99': pipeline.ackP99Ms,
      'e2e p50': pipeline.e2eP50Ms,
      'e2e p99': pipeline.e2eP99Ms,
    },
    'baseline, closed loop': { 'msgs/s': closedLoop.perSec, 'ack p50': '-', 'ack p99': '-', 'e2e p50': closedLoop.e2eP50Ms, 'e2e p99': closedLoop.e2eP99Ms },
    'pipeline @ half rate': {
      'msgs/s': pipeline.halfRate.achievedMsgsPerSec,
      'ack p50': pipeline.halfRate.ackP50Ms,
      'ack p99': pipeline.halfRate.ackP99Ms,
      'e2e p50': pipeline.halfRate.e2eP50Ms,
      'e2e p99': pipeline.halfRate.e2eP99Ms,
    },
    'baseline @ same rate': { 'msgs/s': atRate.perSec, 'ack p50': '-', 'ack p99': '-', 'e2e p50': atRate.e2eP50Ms, 'e2e p99': atRate.e2eP99Ms },
    [`pipeline, burst of ${BURST}`]: {
      'msgs/s': '-',
      'ack p50': pipeline.burst.ackP50Ms,
      'ack p99': pipeline.burst.ackP99Ms,
      'e2e p50': pipeline.burst.e2eP50Ms,
      'e2e p99': pipeline.burst.e2eP99Ms,
    },
  });
  console.table(Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, { value: t.value, met: t.met, target: t.target }])));
  console.log(
    `waiting tasks: ${WAITING}; worker RSS ${waiting.workerRssBeforeMb} → ${waiting.workerRssAfterMb} MB (${waiting.workerMbPerWaitingTaskLastHalf ?? '?'} MB per task over the last half), ` +
      `API RSS ${waiting.apiRssBeforeMb} → ${waiting.apiRssAfterMb} MB; terminated ${waiting.terminated}`,
  );
  console.log(`written: ${path.relative(REPO_ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
