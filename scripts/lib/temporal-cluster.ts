/**
 * Temporal's own server on PostgreSQL, as a team that outgrows one machine runs it: the server
 * binary (v1.29.1, the version the CLI embeds, built by scripts/ensure-temporal-server.sh), its
 * schema tool, a database of its own for persistence and one for visibility, the config in
 * cluster/temporal/config/cluster.yaml, the `default` namespace and the contract's search
 * attributes. Used by `npm run cluster`, the cluster chaos run and the cluster bench.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import postgres from 'postgres';
import { logTail, REPO_ROOT, SEARCH_ATTRIBUTES, stopProcess } from './temporal-dev-server';

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  /** The Web UI server (cluster/ui/config/cluster.yaml), when asked for. */
  ui?: string;
  /** schema/postgresql/v12 of the server's source: temporal/versioned, visibility/versioned. */
  schemaDir: string;
}

/** The server and the schema tool (and the Web UI server, with `ui`): .tools/bin, a machine-wide copy, or built with `go install`. */
export function ensureTemporalServer({ ui = false } = {}): ServerBinaries {
  const script = path.join(REPO_ROOT, 'scripts/ensure-temporal-server.sh');
  const out = execFileSync('bash', [script, ...(ui ? ['--ui'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [server, sqlTool, uiServer, schemaDir] = out.trim().split('\n').slice(-4);
  return { server: server!, sqlTool: sqlTool!, ...(uiServer && uiServer !== '-' ? { ui: uiServer } : {}), schemaDir: schemaDir! };
}

/** The PostgreSQL the cluster keeps its state in (the local one by default: trust auth, user postgres). */
export interface ClusterPostgres {
  host: string;
  port: number;
  user: string;
  password?: string;
}

export const LOCAL_POSTGRES: ClusterPostgres = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  ...(process.env.PGPASSWORD ? { password: process.env.PGPASSWORD } : {}),
};

/** A database name as an SQL identifier. */
export const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

const adminUrl = (pg: ClusterPostgres, database = 'postgres') =>
  `postgres://${encodeURIComponent(pg.user)}${pg.password ? `:${encodeURIComponent(pg.password)}` : ''}@${pg.host}:${pg.port}/${database}`;

/**
 * Creates `<db>` (persistence) and `<db>_visibility` when they are missing and brings both schemas
 * to the server's version with its schema tool: a fresh database gets the versioning tables and every
 * versioned step, an existing one only the steps it lacks. Safe to run at every start.
 */
export async function setupClusterSchema(bin: ServerBinaries, db: string, pg: ClusterPostgres = LOCAL_POSTGRES): Promise<void> {
  for (const [name, kind] of [
    [db, 'temporal'],
    [`${db}_visibility`, 'visibility'],
  ] as const) {
    const admin = postgres(adminUrl(pg), { max: 1, onnotice: () => undefined });
    let fresh = false;
    try {
      const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
      if (!exists) {
        await admin.unsafe(`create database ${quoted(name)}`);
        fresh = true;
      }
    } finally {
      await admin.end();
    }
    if (!fresh) {
      const sql = postgres(adminUrl(pg, name), { max: 1, onnotice: () => undefined });
      try {
        const [versioned] = await sql`select 1 from information_schema.tables where table_name = 'schema_version'`;
        fresh = !versioned;
      } finally {
        await sql.end();
      }
    }
    const tool = (...args: string[]) =>
      execFileSync(
        bin.sqlTool,
        ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, ...(pg.password ? ['--pw', pg.password] : []), '--db', name, ...args],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    if (fresh) tool('setup-schema', '-v', '0.0');
    tool('update-schema', '-d', path.join(bin.schemaDir, kind, 'versioned'));
  }
}

export async function dropClusterDatabases(db: string, pg: ClusterPostgres = LOCAL_POSTGRES): Promise<void> {
  const admin = postgres(adminUrl(pg), { max: 1, onnotice: () => undefined });
  try {
    for (const name of [db, `${db}_visibility`]) await admin.unsafe(`drop database if exists ${quoted(name)} with (force)`);
  } finally {
    await admin.end();
  }
}

/** The ports cluster.yaml takes after the frontend's: history, matching, worker, HTTP, membership, metrics. */
export const CLUSTER_PORT_OFFSETS = [0, 1, 2, 6, 10, 100, 101, 102, 106, 767];

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A frontend port whose whole block (CLUSTER_PORT_OFFSETS) is free. Below 32,000: the server keeps
 * each service's membership port in a smallint column, so an ephemeral port (32768 and up) + 100
 * stops it at start ("value out of range for type smallint").
 */
export async function freeClusterPort(): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const base = 20_000 + Math.floor(Math.random() * 11_000);
    const free = await Promise.all(CLUSTER_PORT_OFFSETS.map((offset) => canListen(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free block of ports for the Temporal server between 20000 and 31767');
}

export interface ClusterServerOptions {
  bin: ServerBinaries;
  /** The frontend's gRPC port; the other services take the ports after it (cluster.yaml). */
  port: number;
  db: string;
  pg?: ClusterPostgres;
  logFile: string;
}

export interface ClusterServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the server (all four services in one process) and waits until `default` and the search attributes are there. */
export async function startClusterServer(options: ClusterServerOptions): Promise<ClusterServer> {
  const pg = options.pg ?? LOCAL_POSTGRES;
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.bin.server, ['--root', REPO_ROOT, '--config', 'cluster/temporal/config', '--env', 'cluster', '--allow-no-auth', 'start'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        CLUSTER_TEMPORAL_PORT: String(options.port),
        CLUSTER_DB: options.db,
        PGHOST: pg.host,
        PGPORT: String(pg.port),
        PGUSER: pg.user,
        PGPASSWORD: pg.password ?? '',
      },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const address = `127.0.0.1:${options.port}`;
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null ? `exited (${child.exitCode ?? child.signalCode}):\n${logTail(options.logFile)}` : undefined;
  try {
    await prepareNamespace(address, 90_000, exited);
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return { address, process: child, stop: () => stopProcess(child, 15_000) };
}

const GRPC_ALREADY_EXISTS = 6;
const { IndexedValueType } = temporal.api.enums.v1;

/**
 * Registers `default` (7 days' retention) and the contract's search attributes, each only when
 * missing, and returns once the frontend lists them all. A new namespace takes a few seconds to
 * reach every service's cache: the attributes are retried until it has.
 */
async function prepareNamespace(address: string, timeoutMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  for (;;) {
    const reason = failed();
    if (reason) throw new Error(`Temporal server ${reason}`);
    if (Date.now() > deadline) throw new Error(`Temporal server at ${address} was not ready in ${timeoutMs} ms: ${lastError}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService
          .registerNamespace({ namespace: 'default', workflowExecutionRetentionPeriod: msToTs('7d') })
          .catch((err: { code?: number }) => {
            if (err.code !== GRPC_ALREADY_EXISTS) throw err;
          });
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
        const missing = Object.keys(SEARCH_ATTRIBUTES).filter((name) => !customAttributes?.[name]);
        if (missing.length === 0) return;
        await connection.operatorService.addSearchAttributes({
          namespace: 'default',
          searchAttributes: Object.fromEntries(missing.map((name) => [name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
        });
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The Web UI against the cluster's frontend, on `port`; `codecEndpoint` when payloads are encrypted. */
export async function startClusterUi(
  bin: ServerBinaries,
  options: { address: string; port: number; codecEndpoint?: string; logFile: string },
): Promise<ChildProcess> {
  const log = openSync(options.logFile, 'a');
  if (!bin.ui) throw new Error('no Web UI server: ensureTemporalServer({ ui: true })');
  let child: ChildProcess;
  try {
    child = spawn(bin.ui, ['--root', REPO_ROOT, '--config', 'cluster/ui/config', '--env', 'cluster', 'start'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        TEMPORAL_ADDRESS: options.address,
        TEMPORAL_UI_PORT: String(options.port),
        TEMPORAL_CODEC_ENDPOINT: options.codecEndpoint ?? '',
      },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Web UI exited (${child.exitCode}):\n${logTail(options.logFile)}`);
    const res = await fetch(`http://127.0.0.1:${options.port}/`).catch(() => undefined);
    if (res?.ok) return child;
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`the Web UI did not answer on port ${options.port} in 30 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
