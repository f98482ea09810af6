/**
 * The whole system in this process, for the benchmarks and the recording scripts: worker and
 * HTTP server on a given dev server and database, WhatsApp pointed at a local fake Graph API,
 * silent logs; a dev server of its own in a temporary directory; the percentile the benchmarks
 * report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import type { DatabaseHandle } from '../../src/db';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/system';
import { APP_SECRET } from '../../tests/helpers/whatsapp';
import { ensureTemporalCli, freePort, startDevServer, type DevServer } from './temporal-dev-server';

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
}

/** The environment such a system runs with (the webhook helpers sign with APP_SECRET). */
export function localSystemEnv(o: Omit<LocalSystemOptions, 'database'>): Record<string, string> {
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
  };
}

export function startLocalSystem(o: LocalSystemOptions): Promise<RunningSystem> {
  const env = localSystemEnv(o);
  return startSystem({ config: loadConfig(env), env, log: createLogger('silent'), worker: true, api: true, database: o.database });
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
export async function startScratchDevServer(name: string, options: { ui?: boolean } = {}): Promise<ScratchDevServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `agent-tasks-${name}-`));
  const server = await startDevServer({
    cli: ensureTemporalCli(),
    port: await freePort(),
    ...(options.ui ? { uiPort: await freePort() } : {}),
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
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
