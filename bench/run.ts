/**
 * `npm run bench`: webhook ack latency and end-to-end latency (signed webhook in → reply at
 * the fake Graph API), over N sequential messages through the whole stack: own dev server,
 * offline adapter, real HTTP both ways. Runs on embedded PGlite and, when reachable, on
 * PostgreSQL, in one run. Writes bench/results/spine-latency.json.
 *
 * The messages are real questions: the evaluation's knowledge base (eval/knowledge-base, 39
 * documents) is loaded into the namespace, and the customer asks, in turn, the answerable
 * evaluation questions the gate delivers (chosen through POST /api/v1/rag/draft), so every
 * step does its real work: retrieval over 188 chunks, an extractive draft, the gate.
 *
 *   npm run bench                 # 200 messages and 60 escalations per database
 *   BENCH_MESSAGES=50 BENCH_ESCALATIONS=20 npm run bench
 *
 * Then bench/humans.ts: the time from a person's decision to the customer's message, written to
 * bench/results/human-latency.json.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '../src/db';
import { installRuntime } from '../src/system';
import { REPO_ROOT } from '../scripts/lib/temporal-dev-server';
import { postWebhook, textMessageWebhook, wamid } from '../testkit/whatsapp';
import { loadKnowledgeBase, loadQuestions } from '../src/knowledge/eval';
import { measureHumanLatency, startBenchSystem, type HumanLatency } from './humans';
import { percentile, startScratchDevServer } from '../testkit/local-system';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const ESCALATIONS = Number(process.env.BENCH_ESCALATIONS ?? 60);
const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const round = (n: number) => Math.round(n * 10) / 10;

interface Run {
  database: string;
  messages: number;
  /** Distinct questions asked in turn. */
  questions: number;
  ackP50Ms: number;
  ackP99Ms: number;
  e2eP50Ms: number;
  e2eP99Ms: number;
  /** p50 of each pipeline step (finished_at - started_at of its tool-call rows), offline adapter. */
  stepP50Ms: Record<string, number>;
}

/** Per-step p50 over this run's tasks (one account per run), measured by the steps themselves. */
async function stepP50s(database: DatabaseHandle, phoneNumberId: string): Promise<Record<string, number>> {
  const rows = await database.db.execute(sql`
    select c.name as name,
           percentile_cont(0.5) within group (order by extract(epoch from (c.finished_at - c.started_at)) * 1000) as p50
    from agent_tool_calls c
    join agent_tasks t on t.id = c.task_id
    join channel_accounts a on a.id = t.channel_account_id
    where a.external_id = ${phoneNumberId} and c.status = 'succeeded'
    group by c.name`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ name: string; p50: number | string }>;
  return Object.fromEntries(list.map((r) => [r.name, round(Number(r.p50))]));
}

/** Loads the evaluation knowledge into `default`; the answerable questions the gate would deliver. */
async function deliverableQuestions(url: string, database: DatabaseHandle): Promise<string[]> {
  await loadKnowledgeBase(database.db, 'default', path.join(REPO_ROOT, 'eval/knowledge-base'));
  const answerable = loadQuestions(path.join(REPO_ROOT, 'eval/questions.json')).filter((q) => q.expected.length > 0);
  const deliverable: string[] = [];
  for (const { question } of answerable) {
    const res = await fetch(`${url}/api/v1/rag/draft`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: 'default', text: question }),
    });
    if (!res.ok) throw new Error(`rag/draft answered ${res.status}: ${await res.text()}`);
    const { gate } = (await res.json()) as { gate: { route: string } };
    if (gate.route === 'deliver') deliverable.push(question);
  }
  if (deliverable.length === 0) throw new Error('no evaluation question would be delivered');
  return deliverable;
}

async function measure(label: string, address: string, database: DatabaseHandle): Promise<Run> {
  const { graph, phoneNumberId, system } = await startBenchSystem(label, address, database);
  const acks: number[] = [];
  const e2e: number[] = [];
  let questions: string[] = [];
  try {
    questions = await deliverableQuestions(system.url!, database);
    for (let i = -10; i < MESSAGES; i += 1) {
      const text = questions[(i + 10) % questions.length]!;
      const body = textMessageWebhook({ phoneNumberId: phoneNumberId, id: wamid(), text });
      const sentBefore = graph.sent().length;
      const t0 = performance.now();
      const res = await postWebhook(system.url!, body);
      const t1 = performance.now();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await res.arrayBuffer();
      const [reply] = (await graph.waitForSent(sentBefore + 1, 30_000)).slice(sentBefore);
      const t2 = reply!.at - (Date.now() - performance.now()); // the fake's receive time on this clock
      if (i >= 0) {
        acks.push(t1 - t0);
        e2e.push(t2 - t0);
      } // the first ten warm up caches and connections
    }
  } finally {
    await system.stop();
    await graph.close();
  }
  const stepP50Ms = await stepP50s(database, phoneNumberId);
  acks.sort((a, b) => a - b);
  e2e.sort((a, b) => a - b);
  return {
    database: label,
    messages: MESSAGES,
    questions: questions.length,
    ackP50Ms: round(percentile(acks, 50)),
    ackP99Ms: round(percentile(acks, 99)),
    e2eP50Ms: round(percentile(e2e, 50)),
    e2eP99Ms: round(percentile(e2e, 99)),
    stepP50Ms,
  };
}

async function main(): Promise<void> {
  installRuntime('ERROR');
  const server = await startScratchDevServer('bench');
  const runs: Run[] = [];
  const humans: HumanLatency[] = [];
  try {
    const pglite = await openDatabase({ pgliteDir: path.join(server.dir, 'pglite') });
    runs.push(await measure('pglite', server.address, pglite));
    humans.push(await measureHumanLatency('pglite', server.address, pglite, ESCALATIONS));
    await pglite.close();

    const dbName = `agent_tasks_bench_${process.pid}`;
    const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => undefined });
    try {
      await admin.unsafe(`create database ${dbName}`);
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${dbName}`;
      const pg = await openDatabase({ url: url.toString() });
      runs.push(await measure('postgres', server.address, pg));
      humans.push(await measureHumanLatency('postgres', server.address, pg, ESCALATIONS));
      await pg.close();
      await admin.unsafe(`drop database ${dbName} with (force)`);
    } catch (err) {
      console.warn(`PostgreSQL run skipped: ${(err as Error).message}`);
    } finally {
      await admin.end();
    }
  } finally {
    await server.dispose();
  }
  const result = {
    benchmark: 'spine-latency',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    method: `${MESSAGES} sequential signed WhatsApp text webhooks after 10 warm-up, each an evaluation question the gate delivers, against the 39-document evaluation knowledge base; ack = HTTP response time; e2e = webhook sent → reply received by the fake Graph API`,
    runs,
  };
  const file = path.join(REPO_ROOT, 'bench/results/spine-latency.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.table(runs.map(({ stepP50Ms: _steps, ...rest }) => rest));
  console.table(Object.fromEntries(runs.map((r) => [r.database, r.stepP50Ms])));
  console.log(`written: ${path.relative(REPO_ROOT, file)}`);
  const humanFile = path.join(REPO_ROOT, 'bench/results/human-latency.json');
  writeFileSync(
    humanFile,
    `${JSON.stringify(
      {
        benchmark: 'human-latency',
        at: result.at,
        machine: result.machine,
        method: `${ESCALATIONS} escalated tasks after 4 warm-up, resolved with a reply alternately by the API (Update) and by a signal; timed from the call to the fake Graph API receiving the reply`,
        runs: humans,
      },
      null,
      2,
    )}\n`,
  );
  console.table(humans);
  console.log(`written: ${path.relative(REPO_ROOT, humanFile)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
