/**
 * `npm run cluster`: the product as a team beyond one machine runs it, on this machine. Temporal's
 * own server on the local PostgreSQL (persistence and visibility in databases of their own, set up
 * and migrated with Temporal's schema tool), CLUSTER_WORKERS workers and CLUSTER_APIS API
 * processes of the same build, and a round-robin proxy in front of the APIs on PORT. Ctrl-C stops
 * it all; the databases stay, so the next start carries on.
 *
 *   CLUSTER_WORKERS=2 CLUSTER_APIS=2 PORT=3000 npm run cluster
 *
 * Settings (besides the app's own, passed to every process): CLUSTER_TEMPORAL_PORT (7233),
 * CLUSTER_TEMPORAL_DB (agent_tasks_temporal), DATABASE_URL (default: the local PostgreSQL's
 * agent_tasks_cluster, created when missing), TEMPORAL_DEPLOYMENT_NAME (agent-tasks) and
 * TEMPORAL_BUILD_ID (the git commit): the Worker Deployment version the workers poll as;
 * CLUSTER_UI_PORT (8080): the Temporal Web UI against the cluster.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { startLocalCluster } from '../testkit/cluster';
import { ensureTemporalServer, quoted, startClusterUi } from './lib/temporal-cluster';
import { envNumber } from '../testkit/local-system';
import { REPO_ROOT, stopProcess } from './lib/temporal-dev-server';

async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => undefined });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!exists) await sql.unsafe(`create database ${quoted(name)}`);
  } finally {
    await sql.end();
  }
}

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'local';
  }
}

async function main(): Promise<void> {
  const workers = envNumber('CLUSTER_WORKERS', 2, { min: 1, max: 32 });
  const apis = envNumber('CLUSTER_APIS', 2, { min: 1, max: 16 });
  const port = envNumber('PORT', 3000, { min: 1, max: 65_535 });
  const temporalPort = envNumber('CLUSTER_TEMPORAL_PORT', 7233, { min: 1, max: 65_435 });
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/agent_tasks_cluster';
  await ensureDatabase(databaseUrl);
  const logDir = path.join(REPO_ROOT, '.data', 'cluster');
  mkdirSync(logDir, { recursive: true });
  const deployment = { deploymentName: process.env.TEMPORAL_DEPLOYMENT_NAME ?? 'agent-tasks', buildId: process.env.TEMPORAL_BUILD_ID ?? gitCommit() };
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

  console.log(`starting Temporal's server on PostgreSQL, ${workers} worker(s) and ${apis} API process(es) (logs in ${path.relative(REPO_ROOT, logDir)}/)...`);
  const cluster = await startLocalCluster({
    workers,
    apis,
    logDir,
    databaseUrl,
    env,
    temporalDb: process.env.CLUSTER_TEMPORAL_DB ?? 'agent_tasks_temporal',
    temporalPort,
    port,
    deployment,
  });
  const uiPort = envNumber('CLUSTER_UI_PORT', 8080, { min: 1, max: 65_535 });
  const codec = process.env.PAYLOAD_ENCRYPTION_KEY ? `${cluster.url}/codec` : undefined;
  const ui = await startClusterUi(ensureTemporalServer({ ui: true }), {
    address: cluster.address,
    port: uiPort,
    codecEndpoint: codec,
    logFile: path.join(logDir, 'web-ui.log'),
  }).catch((err: unknown) => {
    console.warn(`the Web UI did not start: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });
  console.log(
    [
      `agent-tasks cluster is up:`,
      `  API (round-robin over ${apis} replicas)  ${cluster.url}   (replicas: ${cluster.apiUrls.join(', ')})`,
      `  Temporal frontend                       ${cluster.address}   (server on PostgreSQL; logs .data/cluster/temporal-server.log)`,
      `  workers                                 ${workers}, deployment ${deployment.deploymentName} build ${deployment.buildId} (current)`,
      `  Temporal Web UI                         ${ui ? `http://localhost:${uiPort}` : 'not started (see above)'}`,
      `Ctrl-C stops it all.`,
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping...');
    if (ui) await stopProcess(ui);
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
