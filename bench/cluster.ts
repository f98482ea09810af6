/**
 * The bench on the cluster: the same load generator as bench/load.ts against `npm run cluster`'s
 * parts (Temporal's server v1.29.1 on PostgreSQL, N workers, 2 API replicas behind the proxy), with
 * 1, 2 and 4 workers, and the work each message costs Temporal and PostgreSQL.
 *
 *   npm run bench:cluster
 *   CLUSTER_BENCH_WORKERS=1,2,4 CLUSTER_BENCH_MESSAGES=200 CLUSTER_BENCH_CONCURRENCY=16 npm run bench:cluster
 *
 * For each worker count, a cluster of its own (fresh databases): CLUSTER_BENCH_MESSAGES signed
 * WhatsApp "hello" webhooks from distinct customers after CLUSTER_BENCH_WARMUP, CLUSTER_BENCH_CONCURRENCY
 * in flight (a lane sends the next when the fake Graph API has the reply to its customer), through
 * the proxy. Throughput = messages / (last reply − first send); e2e = sent → reply received; ack =
 * webhook POST → answer. The offline adapter drafts (no model server in the loop). As in production,
 * each reply's `delivered` receipt comes back from the fake Graph API (a webhook through the proxy, a
 * signal) and ends its workflow (DELIVERY_RECEIPT_WAIT).
 *
 * Work per message, measured on the databases during the measured messages (pg_stat_database of the
 * Temporal persistence database, its visibility database and the app's database: rows inserted,
 * updated and deleted, transactions committed), and from Temporal itself: history events per
 * workflow (a sample's histories). Writes bench/results/cluster.json (CLUSTER_BENCH_OUTPUT: elsewhere).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { dropClusterDatabases } from '../scripts/lib/temporal-cluster';
import { REPO_ROOT } from '../scripts/lib/temporal-dev-server';
import { startLocalCluster } from '../testkit/cluster';
import { startFakeGraph } from '../testkit/fake-graph';
import { lanes, replyWatcher } from '../testkit/load';
import { buildWorkflowBundle, createScratchDatabase, envNumber, localSystemEnv, percentile } from '../testkit/local-system';
import { postWebhook, textMessageWebhook, wamid } from '../testkit/whatsapp';

const WORKER_COUNTS = (process.env.CLUSTER_BENCH_WORKERS ?? '1,2,4').split(',').map((n) => Number(n.trim()));
const MESSAGES = envNumber('CLUSTER_BENCH_MESSAGES', 200, { min: 1 });
const WARMUP = envNumber('CLUSTER_BENCH_WARMUP', 10);
const CONCURRENCY = envNumber('CLUSTER_BENCH_CONCURRENCY', 16, { min: 1 });
const APIS = envNumber('CLUSTER_APIS', 2, { min: 1, max: 8 });
const ADMIN_URL = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const round = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

interface DbWork {
  rowsWritten: number;
  commits: number;
}

/** Rows written (inserted + updated + deleted) and commits so far, per database. */
async function dbCounters(names: string[]): Promise<Record<string, DbWork>> {
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
  try {
    // The statistics collector reports a moment late: ask it to flush what this backend saw, and wait.
    await new Promise((r) => setTimeout(r, 1200));
    const rows = await sql<Array<{ datname: string; written: string; commits: string }>>`
      select datname, (tup_inserted + tup_updated + tup_deleted)::text as written, xact_commit::text as commits
      from pg_stat_database where datname in ${sql(names)}`;
    return Object.fromEntries(rows.map((r) => [r.datname, { rowsWritten: Number(r.written), commits: Number(r.commits) }]));
  } finally {
    await sql.end();
  }
}

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/** CPU seconds of every PostgreSQL process on this machine (the bench is the only load on it). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function runOne(workers: number, dir: string) {
  const graph = await startFakeGraph();
  const app = await createScratchDatabase('agent_tasks_cluster_bench');
  const temporalDb = `agent_tasks_bench_temporal_${process.pid}_${workers}`;
  const appDb = new URL(app.url).pathname.slice(1);
  const phoneNumberId = `6${Date.now()}`;
  const env = {
    ...localSystemEnv({ address: '', graphUrl: graph.url, phoneNumberId, adminApiKey: 'bench-admin', taskQueue: 'agent-tasks' }),
    LOG_LEVEL: 'warn',
    // As in production: each reply's `delivered` receipt comes back (a webhook, a signal) and ends its workflow.
    DELIVERY_RECEIPT_WAIT: '10m',
  };
  const cluster = await startLocalCluster({
    workers,
    apis: APIS,
    logDir: dir,
    databaseUrl: app.url,
    env,
    temporalDb,
    prebuilt: true,
    deployment: { deploymentName: 'agent-tasks-bench', buildId: `bench-${process.pid}` },
  }).catch(async (err: unknown) => {
    // A cluster that will not come up still drops what was set up for it (best effort: its error is the one to see).
    await dropClusterDatabases(temporalDb).catch(() => undefined);
    await app.drop();
    await graph.close();
    throw err;
  });
  graph.sendReceiptsTo(cluster.url);
  const connection = await Connection.connect({ address: cluster.address });
  const client = new Client({ connection, namespace: 'default' });
  try {
    const waitReply = replyWatcher(graph);
    const acks: number[] = [];
    const e2e: number[] = [];
    const ids: string[] = [];
    const one = async (i: number, measure: boolean) => {
      const id = wamid();
      const from = `49${workers}${String(i).padStart(9, '0')}`;
      const sent = Date.now();
      const replied = waitReply(from);
      const res = await postWebhook(cluster.url, textMessageWebhook({ phoneNumberId, id, from, text: 'hello' }));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const acked = Date.now();
      await replied;
      if (measure) {
        acks.push(acked - sent);
        e2e.push(Date.now() - sent);
        ids.push(id);
      }
    };
    await lanes(WARMUP, CONCURRENCY, (i) => one(i, false));
    const databases = [temporalDb, `${temporalDb}_visibility`, appDb];
    const cpu = () => ({
      workers: cluster.workers.reduce((a, w) => a + cpuSeconds(w?.pid), 0),
      apis: cluster.apis.reduce((a, p) => a + cpuSeconds(p?.pid), 0),
      temporal: cpuSeconds(cluster.server.process.pid),
      postgres: postgresCpuSeconds(),
      loadGenerator: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    });
    const before = await dbCounters(databases);
    const cpuBefore = cpu();
    const started = Date.now();
    await lanes(MESSAGES, CONCURRENCY, (i) => one(WARMUP + i, true));
    const seconds = (Date.now() - started) / 1000;
    const cpuAfter = cpu();
    const cpuMsPerMessage = Object.fromEntries(
      Object.entries(cpuAfter).map(([k, v]) => [k, round(((v - cpuBefore[k as keyof typeof cpuBefore]) * 1000) / MESSAGES)]),
    );
    // Let the workflows finish their last records (status written after the reply) before counting.
    await new Promise((r) => setTimeout(r, 2000));
    const after = await dbCounters(databases);
    const perMessage = (name: string, key: keyof DbWork) => round((after[name]![key] - before[name]![key]) / MESSAGES);
    const sample = ids.slice(0, 20);
    const events: number[] = [];
    for (const id of sample) {
      const history = await client.workflow.getHandle(`agent-task:default:whatsapp:${id}`).fetchHistory();
      events.push(history.events?.length ?? 0);
    }
    return {
      workers,
      apis: APIS,
      messages: MESSAGES,
      concurrency: CONCURRENCY,
      throughputPerSec: round2(MESSAGES / seconds),
      e2eP50Ms: percentile(e2e, 50),
      e2eP95Ms: percentile(e2e, 95),
      ackP50Ms: percentile(acks, 50),
      ackP99Ms: percentile(acks, 99),
      cpuMsPerMessage,
      /** Of the machine's cores, how busy during the measured messages. */
      coresBusy: round2((Object.values(cpuMsPerMessage).reduce((a, b) => a + b, 0) * (MESSAGES / seconds)) / 1000),
      perMessage: {
        historyEvents: round(events.reduce((a, b) => a + b, 0) / events.length),
        temporalRowsWritten: perMessage(temporalDb, 'rowsWritten'),
        temporalCommits: perMessage(temporalDb, 'commits'),
        visibilityRowsWritten: perMessage(`${temporalDb}_visibility`, 'rowsWritten'),
        appRowsWritten: perMessage(appDb, 'rowsWritten'),
        appCommits: perMessage(appDb, 'commits'),
      },
      proxySplit: cluster.proxy.counts(),
    };
  } finally {
    await connection.close();
    await cluster.stop();
    await dropClusterDatabases(temporalDb);
    await app.drop();
    await graph.close();
  }
}

async function main(): Promise<void> {
  const dir = path.join(os.tmpdir(), `agent-tasks-cluster-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  buildWorkflowBundle();
  const runs = [];
  for (const workers of WORKER_COUNTS) {
    console.log(`cluster bench: ${workers} worker(s), ${APIS} API replicas, ${MESSAGES} messages, ${CONCURRENCY} in flight...`);
    const run = await runOne(workers, dir);
    console.log(
      `  ${run.throughputPerSec} msg/s, e2e p50 ${run.e2eP50Ms} ms p95 ${run.e2eP95Ms} ms; CPU ms per message ${JSON.stringify(run.cpuMsPerMessage)} (${run.coresBusy} cores busy); per message ${JSON.stringify(run.perMessage)}`,
    );
    runs.push(run);
  }
  const base = runs[0]!.throughputPerSec;
  const result = {
    benchmark: 'cluster',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    method:
      `Per worker count a cluster of its own: Temporal's server v1.29.1 (one process, 8 history shards) on the local PostgreSQL, N npm run worker processes, ` +
      `${APIS} npm run api processes behind the round-robin proxy, the app on PostgreSQL, offline adapter, fake Graph API over HTTP, all on this machine with the load generator. ` +
      `Closed loop: ${MESSAGES} signed WhatsApp "hello" webhooks after ${WARMUP} warm-up, ${CONCURRENCY} in flight; each reply's delivered receipt posted back. CPU per message: /proc utime+stime of each process over the measured messages (PostgreSQL: all its processes). Work per message: pg_stat_database deltas over the measured messages; history events: 20 workflows' histories.`,
    runs: runs.map((r) => ({ ...r, speedupOverOneWorker: round2(r.throughputPerSec / base) })),
  };
  const file = path.resolve(REPO_ROOT, process.env.CLUSTER_BENCH_OUTPUT ?? 'bench/results/cluster.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  console.table(
    Object.fromEntries(
      result.runs.map((r) => [
        `${r.workers} worker(s)`,
        { 'msg/s': r.throughputPerSec, 'x 1 worker': r.speedupOverOneWorker, 'e2e p50 ms': r.e2eP50Ms, 'e2e p95 ms': r.e2eP95Ms, 'ack p99 ms': r.ackP99Ms },
      ]),
    ),
  );
  console.log(`written: ${path.relative(REPO_ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
