/**
 * The retention cleanup's rate: rows deleted per second by RetentionCleanupWorkflow, on PostgreSQL
 * and on embedded PGlite.
 *
 *   npx tsx bench/retention.ts
 *   RETENTION_BENCH_TASKS=20000 RETENTION_BENCH_BATCH=500 RETENTION_BENCH_DBS=postgres,pglite npx tsx bench/retention.ts
 *
 * Starts its own Temporal dev server and the whole system (worker + HTTP server) on a scratch
 * PostgreSQL database (BENCH_POSTGRES_ADMIN_URL) and on PGlite in a temporary directory. Writes
 * RETENTION_BENCH_TASKS finished tasks of 100 days ago straight into the tables (in conversations
 * of 1,000, each task with its message, 2 tool calls and 1 delivery: 5 rows a task), plus 1,000
 * recent ones that must stay, then times one cleanup of that namespace from start to result
 * (client.workflow.start → result: every batch, the audit row, the Temporal round trips between),
 * and a second run that finds nothing due. Then the same rows once more, deleted by calling the
 * batch function in a loop without Temporal: what the database itself takes, and by difference
 * what each batch's Temporal round trips cost.
 *
 * Writes bench/results/retention.json.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../src/db';
import { agentTasks } from '../src/db/schema';
import { installRuntime } from '../src/system';
import type { RetentionCleanupWorkflow, RetentionProgress } from '../src/workflows/retention';
import { REPO_ROOT } from '../scripts/lib/temporal-dev-server';
import { createScratchDatabase, envNumber, startLocalSystem, startScratchDevServer } from '../testkit/local-system';
import { purgeBatch } from '../src/retention/purge';
import { daysAgo, seedNamespace, seedTasks, type SeededNamespace } from '../testkit/retention-data';

const TASKS = envNumber('RETENTION_BENCH_TASKS', 20_000, { min: 1 });
const BATCH = envNumber('RETENTION_BENCH_BATCH', 500, { min: 1, max: 10_000 });
const DBS = (process.env.RETENTION_BENCH_DBS ?? 'postgres,pglite').split(',').map((s) => s.trim());
const PER_CONVERSATION = 1_000;
const KEPT = 1_000;

const round = (n: number) => Math.round(n * 100) / 100;

interface Run {
  database: string;
  dueTasks: number;
  keptTasks: number;
  batchSize: number;
  seedSeconds: number;
  rowsDeleted: number;
  byTable: Record<string, number>;
  batches: number;
  seconds: number;
  rowsPerSecond: number;
  tasksPerSecond: number;
  /** A second run right after, with nothing due. */
  emptyRunSeconds: number;
  keptIntact: boolean;
  /** The same rows again, deleted by calling the batch function in a loop: the database's share. */
  databaseOnly: { seconds: number; rowsPerSecond: number; msPerBatch: number };
  /** What each batch costs beyond the database: Temporal's round trips (workflow task, activity task). */
  temporalMsPerBatch: number;
}

async function seedDue(database: DatabaseHandle, ns: SeededNamespace): Promise<void> {
  for (let done = 0; done < TASKS; done += PER_CONVERSATION) {
    await seedTasks(database.db, ns, { count: Math.min(PER_CONVERSATION, TASKS - done), daysAgo: 100 });
  }
}

/** The batches of one namespace's tasks and messages steps, straight against the database. */
async function purgeDirectly(database: DatabaseHandle, namespace: string): Promise<{ rows: number; batches: number; seconds: number }> {
  const started = performance.now();
  const runKey = randomUUID();
  let rows = 0;
  let seq = 0;
  for (const step of ['tasks', 'messages'] as const) {
    for (;;) {
      const result = await purgeBatch(database.db, {
        runKey,
        seq: ++seq,
        namespace,
        step,
        cutoff: daysAgo(90).toISOString(),
        escalationsCutoff: daysAgo(180).toISOString(),
        limit: BATCH,
      });
      rows += Object.values(result.rows).reduce((a, b) => a + b, 0);
      if (result.deleted < BATCH) break;
    }
  }
  return { rows, batches: seq, seconds: (performance.now() - started) / 1000 };
}

async function measure(kind: string, address: string, database: DatabaseHandle): Promise<Run> {
  await database.migrate();
  const seedStart = performance.now();
  const ns = await seedNamespace(database.db, 'bench-retention');
  await seedDue(database, ns);
  const kept = await seedTasks(database.db, ns, { count: KEPT, daysAgo: 10 });
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const system = await startLocalSystem({
    address,
    database,
    graphUrl: 'http://127.0.0.1:9/v21.0',
    phoneNumberId: '1000000001',
    adminApiKey: 'bench-retention',
    taskQueue: `bench-retention-${kind}`,
    env: { RETENTION_SCHEDULE: 'off' },
  });
  try {
    const run = async (): Promise<{ progress: RetentionProgress; seconds: number }> => {
      const started = performance.now();
      const { workflowId } = await system.retention.runNow({ namespaces: [ns.namespace], batchSize: BATCH });
      const progress = await system.client.workflow.getHandle<typeof RetentionCleanupWorkflow>(workflowId).result();
      return { progress, seconds: (performance.now() - started) / 1000 };
    };
    const { progress, seconds } = await run();
    const empty = await run();
    const left = await database.db.select({ id: agentTasks.id }).from(agentTasks).where(inArray(agentTasks.id, kept.taskIds));
    const byTable = progress.namespaces[0]!.deleted;
    await seedDue(database, ns);
    const direct = await purgeDirectly(database, ns.namespace);
    const msPerBatch = (direct.seconds * 1000) / direct.batches;
    console.log(
      `${kind}: ${progress.totalDeleted} rows in ${seconds.toFixed(2)} s = ${Math.round(progress.totalDeleted / seconds)} rows/s (${progress.batches} batches)`,
    );
    return {
      database: kind,
      dueTasks: TASKS,
      keptTasks: KEPT,
      batchSize: BATCH,
      seedSeconds: round(seedSeconds),
      rowsDeleted: progress.totalDeleted,
      byTable,
      batches: progress.batches,
      seconds: round(seconds),
      rowsPerSecond: Math.round(progress.totalDeleted / seconds),
      tasksPerSecond: Math.round((byTable.agent_tasks ?? 0) / seconds),
      emptyRunSeconds: round(empty.seconds),
      keptIntact: left.length === KEPT && empty.progress.totalDeleted === 0,
      databaseOnly: { seconds: round(direct.seconds), rowsPerSecond: Math.round(direct.rows / direct.seconds), msPerBatch: round(msPerBatch) },
      temporalMsPerBatch: round((seconds * 1000) / progress.batches - msPerBatch),
    };
  } finally {
    await system.stop();
  }
}

async function main(): Promise<void> {
  installRuntime('ERROR');
  const server = await startScratchDevServer('bench-retention');
  const runs: Run[] = [];
  try {
    for (const kind of DBS) {
      if (kind === 'postgres') {
        const scratch = await createScratchDatabase('agent_tasks_bench_retention');
        const database = await openDatabase({ url: scratch.url });
        try {
          runs.push(await measure('postgres', server.address, database));
        } finally {
          await database.close();
          await scratch.drop();
        }
      } else if (kind === 'pglite') {
        const database = await openDatabase({ pgliteDir: path.join(server.dir, 'pglite') });
        try {
          runs.push(await measure('pglite', server.address, database));
        } finally {
          await database.close();
        }
      } else throw new Error(`RETENTION_BENCH_DBS: unknown database ${kind}`);
    }
  } finally {
    await server.dispose();
  }
  const result = {
    benchmark: 'retention',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    method:
      `${TASKS} finished tasks of 100 days ago (each: its message, 2 tool calls, 1 delivery) and ${KEPT} recent ones in one namespace ` +
      `with the default retention; one RetentionCleanupWorkflow (batch ${BATCH}) timed from start to result on a local Temporal dev ` +
      'server, worker in process; rows/s = every row deleted (all tables) / that time. Then a second run with nothing due, and ' +
      'the same rows again deleted by the batch function in a loop (no Temporal): the database-only rate.',
    runs,
  };
  writeFileSync(path.join(REPO_ROOT, 'bench/results/retention.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(runs, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
