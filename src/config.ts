/**
 * Configuration is read from the environment once, at start, and validated with zod.
 * Everything else receives the parsed `Config`; nothing reads process.env on its own.
 */
import { z } from 'zod';
import { parseDuration } from './duration';
import { parseEncryptionKeys, type EncryptionKeys } from './temporal/codec';
import { DEFAULT_RETENTION_BATCH_SIZE, MAX_RETENTION_BATCH_SIZE } from './retention/policy';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const duration = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = v && v.trim() !== '' ? v.trim() : fallback;
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `not a duration: "${text}" (use e.g. 30s, 15m, 24h)` });
        return z.NEVER;
      }
      return ms;
    });

/** A whole number >= 0; unset or blank → the fallback. */
const count = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = v && v.trim() !== '' ? v.trim() : String(fallback);
      if (!/^\d+$/.test(text)) {
        ctx.addIssue({ code: 'custom', message: `not a whole number >= 0: "${text}"` });
        return z.NEVER;
      }
      return Number(text);
    });

/** A whole number >= 1; unset or blank → undefined (the library's default). */
const positive = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    if (!/^[1-9]\d*$/.test(v.trim())) {
      ctx.addIssue({ code: 'custom', message: `not a whole number >= 1: "${v.trim()}"` });
      return z.NEVER;
    }
    return Number(v.trim());
  });

/**
 * Workflow executions a worker keeps in memory. Tasks waiting on people for hours need none of
 * it: beyond this many, the least recently used are evicted and replayed from their history when
 * they next have work (a person's decision). The SDK's own default grows with the heap (2,310 on a
 * 4 GiB heap): escalating 1,000 tasks grew a worker by 469–628 MB with it and by 204–342 MB with
 * 100–200 (bench/results/tuning.json; most of the rest is heap kept from doing the work).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

/** When the retention cleanup runs: off, an interval, or a cron expression (Temporal's, UTC). */
export type RetentionSchedule = { kind: 'off' } | { kind: 'interval'; everyMs: number } | { kind: 'cron'; expression: string };

/** Daily at 03:00 UTC: a quiet hour for most of Europe and the Americas. */
export const DEFAULT_RETENTION_SCHEDULE = '0 3 * * *';

const retentionSchedule = z
  .string()
  .optional()
  .transform((v, ctx): RetentionSchedule => {
    const text = v && v.trim() !== '' ? v.trim() : DEFAULT_RETENTION_SCHEDULE;
    if (text === 'off') return { kind: 'off' };
    // Five cron fields (or six with seconds, seven with years), or a shorthand such as @daily.
    if (/^@[a-z]+$/.test(text) || /^\S+(\s+\S+){4,6}$/.test(text)) return { kind: 'cron', expression: text };
    const ms = parseDuration(text);
    if (ms === undefined || ms < 60_000 || !/[a-z]$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: `not a schedule: "${text}" (a cron expression like "0 3 * * *", an interval like 24h of at least 1m, or off)` });
      return z.NEVER;
    }
    return { kind: 'interval', everyMs: ms };
  });

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const EnvSchema = z.object({
  PORT: port(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optional,
  DATABASE_URL: optional,
  DATA_DIR: z.string().default('.data'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('agent-tasks'),
  TEMPORAL_UI_URL: z.string().default('http://localhost:8233'),
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '127.0.0.1:9464' : v.trim()))
    .refine((v) => v === 'off' || /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(v), 'host:port (e.g. 127.0.0.1:9464), or off'),
  WORKER_MAX_CACHED_WORKFLOWS: positive,
  WORKER_MAX_CONCURRENT_ACTIVITIES: positive,
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positive,
  /** Worker versioning (Worker Deployments): both set, or neither. */
  TEMPORAL_DEPLOYMENT_NAME: optional,
  TEMPORAL_BUILD_ID: optional,
  DATABASE_POOL_MAX: positive,
  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: optional,
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: optional,
  /** The in-process embedding model for knowledge search (on unless `off`; OPENAI_EMBEDDING_MODEL replaces it). */
  LOCAL_EMBEDDINGS: z.enum(['on', 'off']).default('on'),
  /** How often the API process embeds knowledge chunks that have no vector of the current model yet. */
  EMBEDDING_RETRY_INTERVAL: duration('30s').refine((ms) => ms >= 100, 'must be at least 100ms'),
  WHATSAPP_APP_SECRET: optional,
  WHATSAPP_VERIFY_TOKEN: optional,
  WHATSAPP_ACCESS_TOKEN: optional,
  WHATSAPP_PHONE_NUMBER_ID: optional,
  /** The WhatsApp Business Account of the env phone number: where its message templates are listed (sync). */
  WHATSAPP_BUSINESS_ACCOUNT_ID: optional,
  WHATSAPP_API_BASE_URL: z.string().url().default('https://graph.facebook.com/v21.0'),
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_WEBHOOK_SECRET: optional,
  TELEGRAM_API_BASE_URL: z.string().url().default('https://api.telegram.org'),
  TELEGRAM_ANSWER_EDITS: z.enum(['true', 'false', '1', '0', '']).optional(),
  SLACK_SIGNING_SECRET: optional,
  SLACK_BOT_TOKEN: optional,
  SLACK_API_BASE_URL: z.string().url().default('https://slack.com/api'),
  ADMIN_API_KEY: optional,
  API_RATE_LIMIT: count(600),
  ESCALATION_TIMEOUT: duration('24h'),
  /** How long an agent's claim on an escalation holds without their renewing it (the console renews while open). */
  ESCALATION_CLAIM_HOLD: duration('10m').refine((ms) => ms > 0, 'must be more than 0'),
  /** WhatsApp's customer-service window (24h); shorter only to try the closed-window paths. */
  WHATSAPP_WINDOW: duration('24h').refine((ms) => ms > 0, 'must be more than 0'),
  /** How long a task waits after its last WhatsApp message for the platform's delivery receipts; 0s: not at all. */
  DELIVERY_RECEIPT_WAIT: duration('10m'),
  PAYLOAD_ENCRYPTION_KEY: optional,
  /** Older keys, comma separated (`base64` or `id:base64`): payloads under them still decrypt. */
  PAYLOAD_ENCRYPTION_KEYS: optional,
  /** Origins allowed to call the codec server (the Web UI's); default: TEMPORAL_UI_URL's origin. */
  CODEC_CORS_ORIGINS: optional,
  RETENTION_SCHEDULE: retentionSchedule,
  /** Rows the retention cleanup deletes per transaction. */
  RETENTION_BATCH_SIZE: positive.refine((n) => n === undefined || n <= MAX_RETENTION_BATCH_SIZE, `at most ${MAX_RETENTION_BATCH_SIZE}`),
  CHANNEL_HTTP_TIMEOUT: duration('15s'),
  TEMPORAL_START_TIMEOUT: duration('5s'),
  WS_HEARTBEAT: duration('30s').refine((ms) => ms >= 100, 'must be at least 100ms'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  /** metricsAddress: where the worker's Temporal SDK serves its Prometheus metrics (host:port); undefined = off. */
  temporal: { taskQueue: string; uiUrl: string; metricsAddress: string | undefined };
  /** Worker tuning: the cache bounded (DEFAULT_MAX_CACHED_WORKFLOWS); the others undefined = the SDK's default. */
  worker: {
    maxCachedWorkflows: number;
    maxConcurrentActivities?: number;
    maxConcurrentWorkflowTasks?: number;
    /** TEMPORAL_DEPLOYMENT_NAME and TEMPORAL_BUILD_ID: the Worker Deployment version this worker polls as. */
    deployment?: { deploymentName: string; buildId: string };
  };
  /** PostgreSQL connections per process (postgres.js pool). */
  databasePoolMax: number;
  openai: { apiKey?: string; baseUrl?: string; model: string; embeddingModel?: string; localEmbeddings?: boolean };
  whatsapp: {
    appSecret?: string;
    verifyToken?: string;
    accessToken?: string;
    phoneNumberId?: string;
    businessAccountId?: string;
    apiBaseUrl: string;
  };
  /** answerEdits: an edited message is answered as a new question (default: recorded only). */
  telegram: { botToken?: string; webhookSecret?: string; apiBaseUrl: string; answerEdits: boolean };
  slack: { signingSecret?: string; botToken?: string; apiBaseUrl: string };
  adminApiKey: string | undefined;
  /** Requests per minute per API key (a token bucket); 0: no limit. */
  apiRateLimit: number;
  escalationTimeoutMs: number;
  /** ESCALATION_CLAIM_HOLD: how long a claim holds unless renewed. */
  claimHoldMs: number;
  /** DELIVERY_RECEIPT_WAIT: how long a task's workflow waits for WhatsApp's receipts of what it sent. */
  receiptWaitMs: number;
  /** WHATSAPP_WINDOW: how long after the customer last wrote free text still reaches them. */
  whatsappWindowMs: number;
  /** The payload codec's keys (PAYLOAD_ENCRYPTION_KEY[S]); undefined: payloads in clear. */
  payloadEncryption: EncryptionKeys | undefined;
  /** Origins the codec server answers cross-origin (the Temporal Web UI's). */
  codecCorsOrigins: string[];
  /** The retention cleanup's schedule (RETENTION_SCHEDULE) and batch size (RETENTION_BATCH_SIZE). */
  retention: { schedule: RetentionSchedule; batchSize: number };
  channelHttpTimeoutMs: number;
  /** How long a webhook waits for Temporal to accept a workflow start. */
  temporalStartTimeoutMs: number;
  /** Live feed: ping interval; a client that misses a pong is dropped at the next one. */
  wsHeartbeatMs: number;
  embeddingRetryIntervalMs: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError listing every problem found. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  const e = parsed.data;
  if (Boolean(e.TEMPORAL_DEPLOYMENT_NAME) !== Boolean(e.TEMPORAL_BUILD_ID)) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_DEPLOYMENT_NAME and TEMPORAL_BUILD_ID: set both (worker versioning) or neither');
  }
  let payloadEncryption: EncryptionKeys | undefined;
  try {
    payloadEncryption = parseEncryptionKeys(e.PAYLOAD_ENCRYPTION_KEY, e.PAYLOAD_ENCRYPTION_KEYS);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${(err as Error).message}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    temporal: {
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL,
      metricsAddress: e.TEMPORAL_METRICS_ADDRESS === 'off' ? undefined : e.TEMPORAL_METRICS_ADDRESS,
    },
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS ?? DEFAULT_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      ...(e.TEMPORAL_DEPLOYMENT_NAME && e.TEMPORAL_BUILD_ID
        ? { deployment: { deploymentName: e.TEMPORAL_DEPLOYMENT_NAME, buildId: e.TEMPORAL_BUILD_ID } }
        : {}),
    },
    databasePoolMax: e.DATABASE_POOL_MAX ?? 10,
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
      localEmbeddings: e.LOCAL_EMBEDDINGS === 'on',
    },
    whatsapp: {
      appSecret: e.WHATSAPP_APP_SECRET,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
      businessAccountId: e.WHATSAPP_BUSINESS_ACCOUNT_ID,
      apiBaseUrl: e.WHATSAPP_API_BASE_URL.replace(/\/+$/, ''),
    },
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      apiBaseUrl: e.TELEGRAM_API_BASE_URL.replace(/\/+$/, ''),
      answerEdits: e.TELEGRAM_ANSWER_EDITS === 'true' || e.TELEGRAM_ANSWER_EDITS === '1',
    },
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      botToken: e.SLACK_BOT_TOKEN,
      apiBaseUrl: e.SLACK_API_BASE_URL.replace(/\/+$/, ''),
    },
    adminApiKey: e.ADMIN_API_KEY,
    apiRateLimit: e.API_RATE_LIMIT,
    escalationTimeoutMs: e.ESCALATION_TIMEOUT,
    claimHoldMs: e.ESCALATION_CLAIM_HOLD,
    receiptWaitMs: e.DELIVERY_RECEIPT_WAIT,
    whatsappWindowMs: e.WHATSAPP_WINDOW,
    payloadEncryption,
    codecCorsOrigins: (e.CODEC_CORS_ORIGINS ?? originOf(e.TEMPORAL_UI_URL) ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    retention: { schedule: e.RETENTION_SCHEDULE, batchSize: e.RETENTION_BATCH_SIZE ?? DEFAULT_RETENTION_BATCH_SIZE },
    channelHttpTimeoutMs: e.CHANNEL_HTTP_TIMEOUT,
    temporalStartTimeoutMs: e.TEMPORAL_START_TIMEOUT,
    wsHeartbeatMs: e.WS_HEARTBEAT,
    embeddingRetryIntervalMs: e.EMBEDDING_RETRY_INTERVAL,
    logLevel: e.LOG_LEVEL,
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
