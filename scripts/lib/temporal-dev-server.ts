/**
 * Finds (or builds) the Temporal CLI and runs `temporal server start-dev`: file-backed,
 * SQLite in WAL mode, the contract's search attributes registered. Used by `npm start`,
 * the test suite's global setup and the benchmark.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export const SEARCH_ATTRIBUTES = {
  AgentTaskStatus: 'Keyword',
  AgentChannel: 'Keyword',
  AgentNamespace: 'Keyword',
  ConversationId: 'Keyword',
} as const;

/** SQLite settings for speed: WAL lets readers and the writer work at once; NORMAL syncs less. */
export const SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL'];

/** Path of the Temporal CLI: $TEMPORAL_CLI, PATH, .tools/bin, else built with `go install`. */
export function ensureTemporalCli(): string {
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/ensure-temporal.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

export interface DevServerOptions {
  cli: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  dbFile: string;
  /** Where the server's own log goes. */
  logFile: string;
  ip?: string;
  /** SQLite pragmas; default SQLITE_PRAGMAS. */
  sqlitePragmas?: string[];
  /** The Web UI's codec server (`--ui-codec-endpoint`): it decodes encrypted payloads there. */
  uiCodecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function devServerArgs(options: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip ?? '127.0.0.1',
    '--port',
    String(options.port),
    '--db-filename',
    options.dbFile,
    '--log-level',
    'warn',
  ];
  for (const pragma of options.sqlitePragmas ?? SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  for (const [key, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${key}=${type}`);
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.uiPort !== undefined && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  return args;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  mkdirSync(path.dirname(options.dbFile), { recursive: true });
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.cli, devServerArgs(options), { stdio: ['ignore', log, log], detached: false });
  const address = `${options.ip ?? '127.0.0.1'}:${options.port}`;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  try {
    await waitForTemporal(address, 60_000, () => exited);
  } catch (err) {
    await stopProcess(child);
    throw new Error(`${(err as Error).message}; last lines of ${options.logFile}:\n${logTail(options.logFile)}`);
  }
  return {
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://localhost:${options.uiPort}`,
    process: child,
    stop: () => stopProcess(child),
  };
}

/** The last `lines` lines of a log file ('' when it cannot be read): what a failed start said. */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Resolves once the frontend answers; rejects after `timeoutMs` or when `failed()` says why. */
export async function waitForTemporal(address: string, timeoutMs: number, failed: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = failed();
    if (reason) throw new Error(`Temporal dev server ${reason} (see its log)`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        // Search attributes are registered after the frontend comes up: wait for them too.
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
        const missing = Object.keys(SEARCH_ATTRIBUTES).filter((k) => !customAttributes?.[k]);
        if (missing.length === 0) return;
      } finally {
        await connection.close();
      }
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`Temporal at ${address} did not become ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}
