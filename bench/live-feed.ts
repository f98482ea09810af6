/**
 * The live feed's delay: from a step being stored to its WebSocket event at each of 50 clients.
 *
 *   npx tsx bench/live-feed.ts
 *   LIVE_FEED_CLIENTS=50 LIVE_FEED_TASKS=100 LIVE_FEED_CONCURRENCY=4 LIVE_FEED_DBS=postgres,pglite npx tsx bench/live-feed.ts
 *
 * Starts its own Temporal dev server and the whole system (worker + HTTP server, offline adapter,
 * fake Graph API over HTTP), on PostgreSQL (a scratch database on TEST_POSTGRES_ADMIN_URL) and on
 * embedded PGlite. A child process opens LIVE_FEED_CLIENTS WebSocket clients (admin key, no filter)
 * so their work does not share the server's event loop; the parent then sends LIVE_FEED_TASKS
 * signed WhatsApp "hello" webhooks, LIVE_FEED_CONCURRENCY at a time, each from its own customer, and
 * waits for every workflow to finish. The first LIVE_FEED_WARMUP tasks are not counted.
 *
 * What one delay measures, per `task.step` event and per client:
 *   receipt  − stored
 * - stored: the tool-call row's own timestamp for the change the event announces: `started_at` for
 *   `running` (the INSERT), `finished_at` for `succeeded`/`failed` (the UPDATE). Both are set by
 *   the database with now(), i.e. when the writing statement's transaction began (one statement,
 *   autocommit); read back afterwards with microseconds. So the delay also covers the write's own
 *   execution and commit, then NOTIFY → the feed's one LISTEN → its read of the task and tool-call
 *   rows → JSON → ws send → the client's socket.
 * - receipt: the client's `message` event for that event, `performance.timeOrigin + performance.now()`
 *   taken before parsing.
 * Both ends read the same machine's wall clock (PostgreSQL server and PGlite run on this machine);
 * the result records the measured offset between PostgreSQL's clock_timestamp() and ours.
 *
 * Writes bench/results/live-feed.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inArray, sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { openDatabase, type DatabaseHandle } from '../src/db';
import { agentToolCalls } from '../src/db/schema';
import { installRuntime } from '../src/system';
import { REPO_ROOT } from '../scripts/lib/temporal-dev-server';
import { startFakeGraph } from '../testkit/fake-graph';
import { postWebhook, textMessageWebhook, wamid } from '../testkit/whatsapp';
import { percentile, startLocalSystem, startScratchDevServer, withScratchPostgres } from '../testkit/local-system';

const CLIENTS = Number(process.env.LIVE_FEED_CLIENTS ?? 50);
const TASKS = Number(process.env.LIVE_FEED_TASKS ?? 100);
const CONCURRENCY = Number(process.env.LIVE_FEED_CONCURRENCY ?? 4);
const WARMUP = Number(process.env.LIVE_FEED_WARMUP ?? 5);
const DBS = (process.env.LIVE_FEED_DBS ?? 'postgres,pglite').split(',').map((s) => s.trim());
const ADMIN_KEY = 'bench-live-feed';

const round = (n: number) => Math.round(n * 100) / 100;
const now = () => performance.timeOrigin + performance.now();

/** One received task.step event: tool-call id, the status it announces, receipt time (ms since epoch). */
type Receipt = [toolCallId: string, status: string, receivedAtMs: number];
type ToChild = { url: string; token: string; clients: number } | 'collect';
type FromChild = { ready: true } | { receipts: Receipt[]; events: number; closedEarly: number };

/** The child process: opens the clients, records receipts until told to hand them over. */
function clientsMain(): void {
  const receipts: Receipt[] = [];
  const sockets: WebSocket[] = [];
  let events = 0;
  let closedEarly = 0;
  let collecting = false;
  const reply = (m: FromChild) => process.send!(m);
  process.on('message', (m: ToChild) => {
    if (m === 'collect') {
      collecting = true;
      for (const ws of sockets) ws.terminate();
      process.send!({ receipts, events, closedEarly } satisfies FromChild, () => process.exit(0));
      return;
    }
    const opened = Array.from({ length: m.clients }, () => {
      const ws = new WebSocket(m.url, { headers: { authorization: `Bearer ${m.token}` } });
      sockets.push(ws);
      ws.on('message', (data) => {
        const at = now();
        events += 1;
        const event = JSON.parse(String(data)) as { type: string; step?: { id: string; status: string } };
        if (event.type === 'task.step' && event.step) receipts.push([event.step.id, event.step.status, at]);
      });
      ws.on('close', () => {
        if (!collecting) closedEarly += 1;
      });
      return once(ws, 'open');
    });
    Promise.all(opened).then(
      () => reply({ ready: true }),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}

function request(child: ChildProcess, message: ToChild): Promise<FromChild> {
  const answer = Promise.race([
    once(child, 'message').then(([m]) => m as FromChild),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the clients' process exited with ${String(code)}`);
    }),
  ]);
  child.send(message);
  return answer;
}

interface Run {
  database: string;
  clients: number;
  tasks: number;
  /** task.step events (one per tool-call write) counted, after warm-up. */
  events: number;
  /** events × clients: the delays the percentiles are over. */
  receipts: number;
  /** Expected receipts that never arrived. */
  missing: number;
  /** Clients the server dropped during the run (should be 0). */
  clientsDropped: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The database's clock_timestamp() minus this process's clock, at the end of the run (≈0: same clock). */
  dbClockOffsetMs: number;
}

/** The database's clock minus ours, from the quickest of 20 round trips (NTP-style midpoint). */
async function clockOffset(database: DatabaseHandle): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 20; i += 1) {
    const t0 = now();
    const rows = await database.db.execute(sql`select extract(epoch from clock_timestamp()) * 1000 as ms`);
    const t1 = now();
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ ms: string | number }>;
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: Number(list[0]!.ms) - (t0 + t1) / 2 };
  }
  return best.offset;
}

async function measure(label: string, address: string, database: DatabaseHandle): Promise<Run> {
  const graph = await startFakeGraph();
  const phoneNumberId = `8${Date.now()}`;
  const system = await startLocalSystem({
    address,
    database,
    graphUrl: graph.url,
    phoneNumberId,
    adminApiKey: ADMIN_KEY,
    taskQueue: `bench-live-feed-${label}-${Date.now()}`,
  });
  const child = fork(__filename, ['--clients'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const workflowIds: string[] = [];
  let result: FromChild;
  try {
    await request(child, { url: `${system.url!.replace(/^http/, 'ws')}/ws/agent-tasks`, token: ADMIN_KEY, clients: CLIENTS });
    console.log(`${label}: ${CLIENTS} clients connected; sending ${WARMUP} + ${TASKS} webhooks, ${CONCURRENCY} at a time`);
    let next = 0;
    const lane = async () => {
      while (next < WARMUP + TASKS) {
        next += 1;
        const id = wamid();
        const body = textMessageWebhook({ phoneNumberId, id, from: `4917${String(next).padStart(8, '0')}`, text: 'hello' });
        const res = await postWebhook(system.url!, body);
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        await res.arrayBuffer();
        const workflowId = `agent-task:default:whatsapp:${id}`;
        workflowIds.push(workflowId);
        await system.client.workflow.getHandle(workflowId).result();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    await new Promise((r) => setTimeout(r, 1_000)); // the last events on their way
    result = await request(child, 'collect');
  } finally {
    if (child.exitCode === null) child.kill();
    await system.stop();
    await graph.close();
  }
  if (!('receipts' in result)) throw new Error('the clients did not report');

  // The tool-call rows of the counted tasks, with their write times in microseconds.
  const counted = workflowIds.slice(WARMUP);
  const rows = await database.db
    .select({
      id: agentToolCalls.id,
      startedMs: sql<string>`extract(epoch from ${agentToolCalls.startedAt}) * 1000`,
      finishedMs: sql<string | null>`extract(epoch from ${agentToolCalls.finishedAt}) * 1000`,
      status: agentToolCalls.status,
    })
    .from(agentToolCalls)
    .where(inArray(agentToolCalls.taskId, sql`(select id from agent_tasks where workflow_id in ${counted})`));
  const stored = new Map<string, number>();
  for (const r of rows) {
    stored.set(`${r.id} running`, Number(r.startedMs));
    if (r.finishedMs !== null) stored.set(`${r.id} ${r.status}`, Number(r.finishedMs));
  }
  const delays: number[] = [];
  for (const [id, status, at] of result.receipts) {
    const t = stored.get(`${id} ${status}`);
    if (t !== undefined) delays.push(at - t);
  }
  delays.sort((a, b) => a - b);
  const offset = await clockOffset(database);
  return {
    database: label,
    clients: CLIENTS,
    tasks: counted.length,
    events: stored.size,
    receipts: delays.length,
    missing: stored.size * CLIENTS - delays.length,
    clientsDropped: result.closedEarly,
    p50Ms: round(percentile(delays, 50)),
    p90Ms: round(percentile(delays, 90)),
    p99Ms: round(percentile(delays, 99)),
    maxMs: round(delays[delays.length - 1]!),
    dbClockOffsetMs: round(offset),
  };
}

async function main(): Promise<void> {
  installRuntime('ERROR');
  const server = await startScratchDevServer('bench-live');
  const runs: Run[] = [];
  try {
    for (const kind of DBS) {
      if (kind === 'postgres') runs.push(await withScratchPostgres('bench_live', (db) => measure('postgres', server.address, db)));
      else if (kind === 'pglite') {
        const pglite = await openDatabase({ pgliteDir: path.join(server.dir, 'pglite') });
        try {
          runs.push(await measure('pglite', server.address, pglite));
        } finally {
          await pglite.close();
        }
      } else throw new Error(`LIVE_FEED_DBS: unknown database ${kind}`);
    }
  } finally {
    await server.dispose();
  }
  const result = {
    benchmark: 'live-feed',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    method:
      `${CLIENTS} WebSocket clients (admin key, no filter; in a child process) on /ws/agent-tasks; ${TASKS} signed WhatsApp "hello" ` +
      `webhooks after ${WARMUP} warm-up, ${CONCURRENCY} at a time, each task run to its end. Delay per task.step event and client = ` +
      "receipt at the client (before JSON parsing) − the tool-call row's own timestamp of that change (started_at for running, " +
      'finished_at for succeeded/failed; now() of the writing statement, microseconds), same machine clock.',
    runs,
  };
  const file = path.join(REPO_ROOT, 'bench/results/live-feed.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.table(runs);
  console.log(`written: ${path.relative(REPO_ROOT, file)}`);
}

if (process.argv.includes('--clients')) clientsMain();
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
