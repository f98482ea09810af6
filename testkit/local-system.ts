/**
 * The whole system in this process, for the benchmarks and the recording scripts: worker and
 * HTTP server on a given dev server and database, WhatsApp pointed at a local fake Graph API,
 * silent logs; a dev server of its own in a temporary directory; the percentile the benchmarks
 * report; PostgreSQL databases, the workflow bundle and worker/API child processes for the
 * benchmarks that run the processes apart (bench/load.ts's waiting phase, bench/chaos.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import type { DatabaseHandle } from '../src/db';
import { createLogger } from '../src/logger';
import { startSystem, type RunningSystem } from '../src/system';
import { APP_SECRET } from './whatsapp';
import postgres from 'postgres';
import { ensureTemporalCli, freePort, REPO_ROOT, startDevServer, type DevServer } from '../scripts/lib/temporal-dev-server';

export interface LocalSystemOptions {
  /** The Temporal dev server, host:port. */
  address: string;
  database: DatabaseHandle;
  /** The fake Graph API's base URL. */
  graphUrl: string;
  phoneNumberId: string;
  adminApiKey: string;
  /** Default: the contract's `agent-tasks`. */
  taskQueue?: string;
  /** More settings (e.g. WORKER_* tuning), over the ones above. */
  env?: Record<string, string>;
  /** Run the worker in this process too (default true). */
  worker?: boolean;
}

/** The environment such a system runs with (the webhook helpers sign with APP_SECRET). */
export function localSystemEnv(o: Omit<LocalSystemOptions, 'database' | 'worker'>): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: o.address,
    ...(o.taskQueue ? { TEMPORAL_TASK_QUEUE: o.taskQueue } : {}),
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_ACCESS_TOKEN: 'local-access-token',
    WHATSAPP_PHONE_NUMBER_ID: o.phoneNumberId,
    WHATSAPP_API_BASE_URL: o.graphUrl,
    ADMIN_API_KEY: o.adminApiKey,
    LOG_LEVEL: 'silent',
    // The pipeline benches and chaos compare against runs before the local embedding model; its own
    // costs are measured by bench/rag.ts.
    LOCAL_EMBEDDINGS: 'off',
    // The fake Graph API sends receipts only when asked (graph.sendReceiptsTo, as the chaos run does).
    DELIVERY_RECEIPT_WAIT: '0s',
    ...o.env,
  };
}

export function startLocalSystem(o: LocalSystemOptions): Promise<RunningSystem> {
  const env = localSystemEnv(o);
  return startSystem({ config: loadConfig(env), env, log: createLogger('silent'), worker: o.worker ?? true, api: true, database: o.database });
}

/** The p-th percentile (nearest rank) of the values, in any order. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface ScratchDevServer extends DevServer {
  /** A temporary directory for this run (the dev server's files are in it; put others there too). */
  dir: string;
  /** Stops the server and removes the directory. */
  dispose(): Promise<void>;
}

/** A Temporal dev server of its own, file-backed in a fresh temporary directory. */
export async function startScratchDevServer(name: string, options: { ui?: boolean; sqlitePragmas?: string[] } = {}): Promise<ScratchDevServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `agent-tasks-${name}-`));
  const server = await startDevServer({
    cli: ensureTemporalCli(),
    port: await freePort(),
    ...(options.ui ? { uiPort: await freePort() } : {}),
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
    sqlitePragmas: options.sqlitePragmas,
  });
  return {
    ...server,
    dir,
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A PostgreSQL database of its own on the local server (BENCH_POSTGRES_ADMIN_URL), dropped by `drop()`. */
export async function createScratchDatabase(prefix: string, adminUrl = POSTGRES_ADMIN_URL): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`.replace(/[^a-z0-9_]/g, '_');
  const admin = () => postgres(adminUrl, { max: 1, onnotice: () => undefined });
  const create = admin();
  try {
    await create.unsafe(`create database ${name}`);
  } finally {
    await create.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = admin();
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

/** Writes the workflow bundle from the current source to dist/, where `npm run worker` picks it up. */
export function buildWorkflowBundle(): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/build-workflow-bundle.ts')], { cwd: REPO_ROOT, stdio: 'ignore' });
}

/**
 * `npm run worker` or `npm run api` as a child process of its own (one node process, no wrapper,
 * so a signal reaches the process that does the work); output appended to `logFile`.
 */
export function spawnSystemProcess(entry: 'worker' | 'api', env: Record<string, string>, logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    return spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, `src/${entry === 'api' ? 'server' : 'worker'}.ts`)], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
}

/** A process's resident set size in MiB (Linux /proc). */
export function processRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for process ${pid}`);
  return kb / 1024;
}

/** A number from the environment (a bench setting), or the fallback; anything else stops the run with the name. */
export function envNumber(name: string, fallback: number, { min = 0, max = Infinity }: { min?: number; max?: number } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}, not "${raw}"`);
  }
  return value;
}

/** Until GET /readyz answers 200 (database and Temporal reachable); fails at once when the process exits. */
export async function untilReady(url: string, child: () => ChildProcess | undefined = () => undefined, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = child();
    if (c && (c.exitCode !== null || c.signalCode !== null)) throw new Error(`API at ${url} exited (${c.exitCode ?? c.signalCode}) before it was ready`);
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`API at ${url} not ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs `run` on a scratch PostgreSQL database (created on `adminUrl`, migrated by openDatabase's caller), dropped after. */
export async function withScratchPostgres<T>(
  name: string,
  run: (database: import('../src/db').DatabaseHandle) => Promise<T>,
  adminUrl = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
): Promise<T> {
  const { default: postgres } = await import('postgres');
  const { openDatabase } = await import('../src/db');
  const dbName = `agent_tasks_${name}_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${dbName}`);
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    const database = await openDatabase({ url: url.toString() });
    try {
      return await run(database);
    } finally {
      await database.close();
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    }
  } finally {
    await admin.end();
  }
}
