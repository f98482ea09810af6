/**
 * Composes the running system from a Config: database, Temporal connections, the worker
 * and/or the HTTP server. `npm start` runs both in one process; `npm run worker` and
 * `npm run api` run one each; tests start it in-process against their own dev server.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createApp } from './api/app';
import { createAgentTaskClient, type AgentTaskClient } from './api/temporal-client';
import { createRetentionClient, type RetentionClient } from './api/retention-client';
import { attachLiveFeed, type LiveFeedSocket } from './api/ws';
import { bootstrap } from './bootstrap';
import { createChannels, createSenders, type ChannelSenders } from './channels';
import type { Config } from './config';
import { openDatabase, type DatabaseHandle } from './db';
import { createKnowledgeEmbedder, createLlmRegistry } from './llm';
import { startEmbeddingRetries } from './knowledge/store';
import type { Logger } from './logger';
import { dataConverterFor } from './temporal/codec';
import { temporalSettings, type TemporalSettings } from './temporal/connection';
import { createAgentWorker } from './temporal/worker';

export interface SystemOptions {
  config: Config;
  log: Logger;
  worker: boolean;
  api: boolean;
  /** Environment the Temporal connection settings are read from (TEMPORAL_*). */
  env?: Record<string, string | undefined>;
  /** An already open database (tests share one); otherwise opened from the config. */
  database?: DatabaseHandle;
  workflowBundlePath?: string;
  senders?: ChannelSenders;
}

export interface RunningSystem {
  database: DatabaseHandle;
  tasks: AgentTaskClient;
  retention: RetentionClient;
  client: Client;
  temporal: TemporalSettings;
  adminApiKey: string;
  adminApiKeyGenerated: boolean;
  worker?: Worker;
  server?: Server;
  /** http://host:port of the API, when it runs. */
  url?: string;
  stop(): Promise<void>;
}

/** What the installed runtime serves: the SDK's Prometheus endpoint, or why it could not bind it. */
let runtimeMetrics: { address?: string; error?: string } | undefined;

/**
 * Runtime.install must happen once per process, before any connection or worker; later calls
 * (tests start several systems per process) change nothing. With `metricsAddress` (host:port)
 * the SDK serves its own metrics there in Prometheus format; when that address is taken, the
 * runtime starts without it rather than not at all (see `temporalRuntimeMetrics`).
 */
export function installRuntime(level: 'WARN' | 'INFO' | 'ERROR' = 'WARN', metricsAddress?: string): void {
  if (runtimeMetrics) return;
  const install = (bindAddress?: string) =>
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: {
        // Core (Rust) logs go through the same logger, so the level applies to them too.
        logging: { filter: makeTelemetryFilterString({ core: level }), forward: {} },
        ...(bindAddress ? { metrics: { prometheus: { bindAddress } } } : {}),
      },
    });
  if (metricsAddress) {
    try {
      install(metricsAddress);
      runtimeMetrics = { address: metricsAddress };
      return;
    } catch (err) {
      runtimeMetrics = { error: `the Temporal SDK could not serve metrics on ${metricsAddress}: ${(err as Error).message}` };
    }
  }
  install();
  runtimeMetrics ??= {};
}

/** Where this process's Temporal SDK serves its metrics, if it does. */
export function temporalRuntimeMetrics(): { address?: string; error?: string } {
  return { ...runtimeMetrics };
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { config, log } = options;
  // Only a worker has SDK metrics worth serving; an API-only process leaves the address to it.
  installRuntime('WARN', options.worker ? config.temporal.metricsAddress : undefined);
  const sdkMetrics = temporalRuntimeMetrics();
  if (sdkMetrics.error) log.warn(sdkMetrics.error);
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({ url: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite'), maxConnections: config.databasePoolMax }));
  await database.migrate();
  await bootstrap(database.db, config);

  const temporal = temporalSettings(options.env);
  const connection = await Connection.connect(temporal.connectionOptions);
  // PAYLOAD_ENCRYPTION_KEY: the API's client and the worker encrypt and decrypt alike.
  const dataConverter = dataConverterFor(config.payloadEncryption);
  const client = new Client({ connection, namespace: temporal.namespace, ...(dataConverter ? { dataConverter } : {}) });
  const tasks = createAgentTaskClient(client, config.temporal.taskQueue, config.temporalStartTimeoutMs);
  const retention = createRetentionClient(client, config.temporal.taskQueue);

  const adminApiKeyGenerated = !config.adminApiKey;
  const adminApiKey = config.adminApiKey ?? `atk_admin_${randomBytes(24).toString('base64url')}`;

  // One embedding model per process, shared by the worker's searches and the API's documents.
  const embed = createKnowledgeEmbedder({ ...config.openai, timeoutMs: 30_000 });

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;
  if (options.worker) {
    nativeConnection = await NativeConnection.connect(temporal.connectionOptions);
    worker = await createAgentWorker({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      workflowBundlePath: options.workflowBundlePath,
      tuning: workerTuning(config),
      dataConverter,
      deps: {
        db: database.db,
        llm: createLlmRegistry({ ...config.openai, timeoutMs: 60_000 }),
        embed,
        escalationTimeoutMs: config.escalationTimeoutMs,
        receiptWaitMs: config.receiptWaitMs,
        windowMs: config.whatsappWindowMs,
        claimHoldMs: config.claimHoldMs,
        channels: createChannels(config, options.senders ?? createSenders(config)),
      },
    });
    workerRun = worker.run();
    workerRun.catch((err: unknown) => log.error({ err }, 'worker stopped with an error'));
    // The cleanup's schedule goes with the worker that runs it (RETENTION_SCHEDULE). Not being able
    // to set it up must not keep the worker from answering customers.
    try {
      const outcome = await retention.ensureSchedule(config.retention.schedule, config.retention.batchSize);
      log.debug({ scheduleId: retention.scheduleId, outcome }, 'retention schedule');
    } catch (err) {
      log.warn({ err, scheduleId: retention.scheduleId }, 'could not set up the retention schedule; cleanups run only when started by hand');
    }
  }

  // The API's process embeds what is not embedded yet with the current model: chunks whose
  // embedding failed, and all of them after the model changed (EMBEDDING_RETRY_INTERVAL).
  const stopEmbedding =
    options.api && embed
      ? startEmbeddingRetries(database.db, embed, {
          intervalMs: config.embeddingRetryIntervalMs,
          onError: (err) => log.warn({ err }, 'embedding pending knowledge chunks failed; retrying later'),
          onProgress: (p) => log.info(p, 'embedded pending knowledge chunks'),
        })
      : undefined;

  let server: Server | undefined;
  let liveFeed: LiveFeedSocket | undefined;
  let url: string | undefined;
  if (options.api) {
    const app = createApp({
      config,
      database,
      tasks,
      log,
      adminApiKey,
      // Same process: the runtime's own endpoint. API only: the worker's, on this host.
      temporalMetricsAddress: options.worker ? sdkMetrics.address : config.temporal.metricsAddress,
      embed,
      retention,
    });
    const listening = app.listen(config.port, config.host);
    server = listening;
    liveFeed = attachLiveFeed(listening, { database, adminApiKey, heartbeatMs: config.wsHeartbeatMs, log });
    await new Promise<void>((resolve, reject) => {
      listening.once('listening', resolve);
      listening.once('error', reject);
    });
    const { port } = listening.address() as AddressInfo;
    url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  }

  return {
    database,
    tasks,
    retention,
    client,
    temporal,
    adminApiKey,
    adminApiKeyGenerated,
    worker,
    server,
    url,
    async stop() {
      await stopEmbedding?.();
      await liveFeed?.close();
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      if (worker) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerRun?.catch(() => undefined);
      }
      await nativeConnection?.close();
      await connection.close();
      if (ownsDatabase) await database.close();
    },
  };
}

/** The worker options from the configuration (WORKER_*; the cache bounded by default); the rest stay the SDK's defaults. */
export function workerTuning({ worker }: Config): Partial<WorkerOptions> {
  return {
    maxCachedWorkflows: worker.maxCachedWorkflows,
    ...(worker.maxConcurrentActivities !== undefined
      ? { maxConcurrentActivityTaskExecutions: worker.maxConcurrentActivities, maxConcurrentLocalActivityExecutions: worker.maxConcurrentActivities }
      : {}),
    ...(worker.maxConcurrentWorkflowTasks !== undefined ? { maxConcurrentWorkflowTaskExecutions: worker.maxConcurrentWorkflowTasks } : {}),
    // Worker versioning: a new build takes tasks once it is made the deployment's current version;
    // running workflows move to it at their next task (AUTO_UPGRADE): their code is patched and
    // replay-tested, so a wait of 24 hours never pins a retired build. README: "Rolling deploys".
    ...(worker.deployment
      ? { workerDeploymentOptions: { version: worker.deployment, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' as const } }
      : {}),
  };
}
