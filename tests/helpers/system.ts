/** Starts the real system in-process against the run's dev server, for one test file. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadConfig } from '../../src/config';
import { openDatabase, type DatabaseHandle } from '../../src/db';
import { createLogger, type Logger } from '../../src/logger';
import { installRuntime, startSystem, type RunningSystem } from '../../src/system';
import { startFakeGraph, type FakeGraph } from '../../testkit/fake-graph';
import { startFakeSlack, type FakeSlack } from '../../testkit/fake-slack';
import { startFakeTelegram, type FakeTelegram } from '../../testkit/fake-telegram';
import { APP_SECRET, VERIFY_TOKEN } from '../../testkit/whatsapp';

/** The env-configured Telegram bot and Slack app of every test system. */
export const TELEGRAM_BOT_TOKEN = '7012345678:AAtest-telegram-token';
export const TELEGRAM_BOT_ID = 7012345678;
export const TELEGRAM_WEBHOOK_SECRET = 'test-telegram-webhook-secret';
export const SLACK_SIGNING_SECRET = 'test-slack-signing-secret';
export const SLACK_BOT_TOKEN = 'xoxb-test-slack-token';

export type DbKind = 'postgres' | 'pglite';
export const DB_KINDS: DbKind[] = ['postgres', 'pglite'];
export const ADMIN_KEY = 'test-admin-key';

export async function openTestDatabase(kind: DbKind): Promise<DatabaseHandle> {
  const handle = kind === 'postgres' ? await openDatabase({ url: inject('postgresUrl'), maxConnections: 5 }) : await openDatabase({ pgliteDir: 'memory://' });
  await handle.migrate();
  return handle;
}

export interface TestSystemOptions {
  database: DatabaseHandle;
  graphUrl?: string;
  telegramUrl?: string;
  slackUrl?: string;
  worker?: boolean;
  api?: boolean;
  env?: Record<string, string>;
  /** The system's logger; default: silent. */
  log?: Logger;
}

export interface TestSystem extends RunningSystem {
  phoneNumberId: string;
  taskQueue: string;
  env: Record<string, string>;
}

/** Each system gets its own task queue and WhatsApp phone number id on the shared server. */
export async function startTestSystem(options: TestSystemOptions): Promise<TestSystem> {
  const phoneNumberId = `1${Math.floor(Math.random() * 1e14)}`;
  const taskQueue = `test-${randomUUID()}`;
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_ACCESS_TOKEN: 'test-access-token',
    WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_API_BASE_URL: options.graphUrl ?? 'http://127.0.0.1:9/v21.0',
    TELEGRAM_BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET,
    TELEGRAM_API_BASE_URL: options.telegramUrl ?? 'http://127.0.0.1:9',
    SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN,
    SLACK_API_BASE_URL: options.slackUrl ?? 'http://127.0.0.1:9/api',
    CHANNEL_HTTP_TIMEOUT: '2s',
    // The fake Graph API sends no receipts unless a test asks it to (graph.sendReceiptsTo).
    DELIVERY_RECEIPT_WAIT: '0s',
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    // The local embedding model is tried by the knowledge tests that ask for it; elsewhere it would
    // only slow every document added.
    LOCAL_EMBEDDINGS: 'off',
    ...options.env,
  };
  const config = loadConfig(env);
  installRuntime('ERROR'); // the SDK's reconnect warnings would drown the test output
  const system = await startSystem({
    config,
    env,
    log: options.log ?? createLogger('silent'),
    worker: options.worker ?? true,
    api: options.api ?? true,
    database: options.database,
    workflowBundlePath: inject('workflowBundlePath'),
  });
  return Object.assign(system, { phoneNumberId, taskQueue, env });
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TestStack {
  database: DatabaseHandle;
  graph: FakeGraph;
  telegram: FakeTelegram;
  slack: FakeSlack;
  system: TestSystem;
}

/**
 * Registers beforeAll/afterAll that start a database, fake WhatsApp, Telegram and Slack APIs and the system,
 * and stop them again. The returned object is filled in by beforeAll.
 */
export function useTestSystem(kind: DbKind, options: Omit<TestSystemOptions, 'database' | 'graphUrl'> = {}): TestStack {
  const stack = {} as TestStack;
  beforeAll(async () => {
    stack.database = await openTestDatabase(kind);
    stack.graph = await startFakeGraph();
    stack.telegram = await startFakeTelegram();
    stack.slack = await startFakeSlack();
    stack.system = await startTestSystem({
      ...options,
      database: stack.database,
      graphUrl: stack.graph.url,
      telegramUrl: stack.telegram.url,
      slackUrl: stack.slack.url,
    });
  });
  afterAll(async () => {
    await stack.system?.stop();
    await stack.graph?.close();
    await stack.telegram?.close();
    await stack.slack?.close();
    await stack.database?.close();
  });
  return stack;
}
