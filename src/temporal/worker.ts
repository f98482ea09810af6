/**
 * Builds the worker: an explicit activity map over injected dependencies, and the workflow
 * code either from a prebuilt bundle (production, tests) or bundled from source at start.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { warmUp } from '../activities/warm-up';

/** The workflows' entry file: index.ts from source, index.js when compiled. */
export const WORKFLOWS_PATH = ['index.ts', 'index.js'].map((file) => path.resolve(__dirname, '../workflows', file)).find((file) => existsSync(file))!;
export const PREBUILT_BUNDLE = path.resolve(__dirname, '../../dist/workflow-bundle.js');

export interface AgentWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Path of a bundle made by bundleWorkflowCode; defaults to dist/ when present. */
  workflowBundlePath?: string;
  tuning?: Partial<WorkerOptions>;
  /** The payload codec (PAYLOAD_ENCRYPTION_KEY); undefined: the SDK's default. */
  dataConverter?: DataConverter;
}

export async function createAgentWorker(options: AgentWorkerOptions): Promise<Worker> {
  // Before the worker takes tasks: what the first ones would otherwise build on its event loop.
  warmUp();
  const bundlePath = options.workflowBundlePath ?? (existsSync(PREBUILT_BUNDLE) ? PREBUILT_BUNDLE : undefined);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    ...options.tuning,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
}
