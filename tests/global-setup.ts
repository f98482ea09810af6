/**
 * Once per test run: a real Temporal dev server (headless, file-backed, WAL), the workflow
 * bundle and the agent console built once, and a fresh PostgreSQL database on 127.0.0.1:5432.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { createScratchDatabase } from '../testkit/local-system';
import { ensureConsoleBuilt } from '../scripts/build-console';
import { ensureTemporalCli, freePort, startDevServer, type DevServer } from '../scripts/lib/temporal-dev-server';
import { WORKFLOWS_PATH } from '../src/temporal/worker';

const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let server: DevServer | undefined;
let database: { url: string; drop(): Promise<void> } | undefined;
let tmpDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'agent-tasks-test-'));
  const cli = ensureTemporalCli();
  const [devServer, bundle] = await Promise.all([
    startDevServer({
      cli,
      port: await freePort(),
      dbFile: path.join(tmpDir, 'temporal.db'),
      logFile: path.join(tmpDir, 'temporal.log'),
    }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
    ensureConsoleBuilt(), // the console tests load the page the server serves from dist/console
  ]);
  server = devServer;
  const workflowBundlePath = path.join(tmpDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  database = await createScratchDatabase('agent_tasks_test', ADMIN_URL);

  project.provide('temporalAddress', server.address);
  project.provide('temporalCli', cli);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('postgresUrl', database.url);
  project.provide('tmpDir', tmpDir);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await database?.drop();
  if (tmpDir && !process.env.KEEP_TEST_TMP) rmSync(tmpDir, { recursive: true, force: true });
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
