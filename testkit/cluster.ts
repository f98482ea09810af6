/**
 * A whole cluster on this machine: Temporal's server on PostgreSQL (scripts/lib/temporal-cluster.ts),
 * several `npm run worker` processes, several `npm run api` processes, and the round-robin proxy in
 * front of the APIs. `npm run cluster` runs one for people; the cluster chaos run and bench drive one
 * and break parts of it on purpose.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startRoundRobinProxy, type RoundRobinProxy } from '../scripts/lib/round-robin-proxy';
import {
  ensureTemporalServer,
  freeClusterPort,
  setupClusterSchema,
  startClusterServer,
  type ClusterPostgres,
  type ClusterServer,
  type ServerBinaries,
} from '../scripts/lib/temporal-cluster';
import { freePort, stopProcess } from '../scripts/lib/temporal-dev-server';
import { buildWorkflowBundle, spawnSystemProcess, untilReady } from './local-system';

export interface LocalClusterOptions {
  workers: number;
  apis: number;
  /** Where each process's log goes. */
  logDir: string;
  /** The app's PostgreSQL database (DATABASE_URL of every process). */
  databaseUrl: string;
  /** The environment every worker and API process gets besides what the cluster sets. */
  env: Record<string, string>;
  /** The Temporal server's database name (visibility: <name>_visibility). */
  temporalDb: string;
  temporalPort?: number;
  /** The proxy's port; default a free one. */
  port?: number;
  pg?: ClusterPostgres;
  /** Worker versioning: the deployment the workers poll as, made current once they poll. */
  deployment?: { deploymentName: string; buildId: string };
  /** Skip building the workflow bundle (already built). */
  prebuilt?: boolean;
}

export interface LocalCluster {
  /** The proxy: what clients use. */
  url: string;
  /** Each API replica, directly. */
  apiUrls: string[];
  address: string;
  proxy: RoundRobinProxy;
  server: ClusterServer;
  workers: Array<ChildProcess | undefined>;
  apis: Array<ChildProcess | undefined>;
  /** SIGKILLs worker i (no goodbye), and waits for it to be gone. */
  killWorker(i: number): Promise<void>;
  startWorker(i: number): void;
  /** Stops API replica i (SIGTERM, as a rolling restart does), starts it again and waits until it is ready. */
  restartApi(i: number): Promise<void>;
  /** Stops the Temporal server process and starts it again on the same database. */
  restartServer(): Promise<void>;
  /**
   * A rolling deploy (README "Rolling deploys"): as many workers of build `buildId` as there are,
   * made the deployment's current version once they poll, then the old ones stopped (SIGTERM).
   * Workers started after it are of the new build.
   */
  rollout(buildId: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalCluster(o: LocalClusterOptions): Promise<LocalCluster> {
  const bin: ServerBinaries = ensureTemporalServer();
  await setupClusterSchema(bin, o.temporalDb, o.pg);
  if (!o.prebuilt) buildWorkflowBundle();
  const temporalPort = o.temporalPort ?? (await freeClusterPort());
  const serverOptions = { bin, port: temporalPort, db: o.temporalDb, pg: o.pg, logFile: path.join(o.logDir, 'temporal-server.log') };
  let server = await startClusterServer(serverOptions);
  const apiPorts = await Promise.all(Array.from({ length: o.apis }, () => freePort()));
  let deployment = o.deployment;
  const env = (extra: Record<string, string>) => ({
    ...o.env,
    DATABASE_URL: o.databaseUrl,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_METRICS_ADDRESS: 'off',
    ...(deployment ? { TEMPORAL_DEPLOYMENT_NAME: deployment.deploymentName, TEMPORAL_BUILD_ID: deployment.buildId } : {}),
    ...extra,
  });
  const workers: Array<ChildProcess | undefined> = [];
  const apis: Array<ChildProcess | undefined> = [];
  const startWorker = (i: number) => {
    workers[i] = spawnSystemProcess('worker', env({ PORT: '0' }), path.join(o.logDir, `worker-${i}.log`));
  };
  const startApi = (i: number) => {
    apis[i] = spawnSystemProcess('api', env({ PORT: String(apiPorts[i]) }), path.join(o.logDir, `api-${i}.log`));
  };
  const apiUrls = apiPorts.map((port) => `http://127.0.0.1:${port}`);
  const stopAll = async () => {
    await Promise.all([...workers, ...apis].map((child) => (child ? stopProcess(child) : undefined)));
    await proxy?.close();
    await server.stop();
  };

  let proxy: RoundRobinProxy | undefined;
  try {
    for (let i = 0; i < o.workers; i += 1) startWorker(i);
    for (let i = 0; i < o.apis; i += 1) startApi(i);
    await Promise.all(apiUrls.map((url, i) => untilReady(url, () => apis[i], 120_000)));
    const taskQueue = o.env.TEMPORAL_TASK_QUEUE ?? 'agent-tasks';
    await untilPolled(server.address, taskQueue, o.workers, 120_000);
    if (o.deployment) await makeCurrent(server.address, o.deployment);
    proxy = await startRoundRobinProxy(
      apiPorts.map((port) => ({ host: '127.0.0.1', port })),
      o.port ?? 0,
    );
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    url: proxy.url,
    apiUrls,
    get address() {
      return server.address;
    },
    proxy,
    get server() {
      return server;
    },
    workers,
    apis,
    async killWorker(i) {
      const child = workers[i];
      if (!child) return;
      workers[i] = undefined;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
    startWorker,
    async restartApi(i) {
      const child = apis[i];
      apis[i] = undefined;
      if (child) await stopProcess(child);
      startApi(i);
      await untilReady(apiUrls[i]!, () => apis[i], 120_000);
    },
    async restartServer() {
      await server.stop();
      server = await startClusterServer(serverOptions);
    },
    async rollout(buildId) {
      if (!deployment) throw new Error('a rollout needs worker versioning (the deployment option)');
      const old = workers.map((w, i) => ({ w, i }));
      deployment = { ...deployment, buildId };
      const fresh = old.map(({ i }) => spawnSystemProcess('worker', env({ PORT: '0' }), path.join(o.logDir, `worker-${i}-${buildId}.log`)));
      await untilPolled(server.address, o.env.TEMPORAL_TASK_QUEUE ?? 'agent-tasks', old.filter((x) => x.w).length + fresh.length, 120_000);
      await makeCurrent(server.address, deployment);
      fresh.forEach((child, k) => (workers[old[k]!.i] = child));
      await Promise.all(old.map(({ w }) => (w ? stopProcess(w) : undefined)));
    },
    stop: stopAll,
  };
}

const { TaskQueueType } = temporal.api.enums.v1;

/** Until `count` workers poll the task queue for workflow tasks. */
export async function untilPolled(address: string, taskQueue: string, count: number, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      const identities = new Set((pollers ?? []).map((p) => p.identity));
      if (identities.size >= count) return;
      if (Date.now() > deadline) throw new Error(`${identities.size} of ${count} workers poll ${taskQueue} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await connection.close();
  }
}

/** Makes the build the deployment's current version: from now on new tasks go to its workers. */
export async function makeCurrent(address: string, deployment: { deploymentName: string; buildId: string }, timeoutMs = 60_000): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await connection.workflowService.setWorkerDeploymentCurrentVersion({ namespace: 'default', ...deployment, identity: 'npm run cluster' });
        return;
      } catch (err) {
        // The version exists once its workers have polled; until then the server says it does not.
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}
