/** Worker and pool tuning from the environment: parsed, validated, mapped onto the SDK's worker options. */
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MAX_CACHED_WORKFLOWS, loadConfig } from '../../src/config';
import { workerTuning } from '../../src/system';

describe('worker tuning settings', () => {
  it('when WORKER_* and DATABASE_POOL_MAX are unset, then the cache holds 100 workflows, the rest are the SDK defaults, and the pool has 10 connections', () => {
    const config = loadConfig({});
    expect(config.worker).toEqual({
      maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivities: undefined,
      maxConcurrentWorkflowTasks: undefined,
    });
    expect(DEFAULT_MAX_CACHED_WORKFLOWS).toBe(100);
    expect(workerTuning(config)).toEqual({ maxCachedWorkflows: 100 });
    expect(config.databasePoolMax).toBe(10);
  });

  it('when they are set, then each becomes the worker option it names', () => {
    const config = loadConfig({
      WORKER_MAX_CACHED_WORKFLOWS: '250',
      WORKER_MAX_CONCURRENT_ACTIVITIES: ' 40 ',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      DATABASE_POOL_MAX: '4',
    });
    expect(workerTuning(config)).toEqual({
      maxCachedWorkflows: 250,
      maxConcurrentActivityTaskExecutions: 40,
      maxConcurrentLocalActivityExecutions: 40,
      maxConcurrentWorkflowTaskExecutions: 20,
    });
    expect(config.databasePoolMax).toBe(4);
  });

  it('when one is not a whole number of at least 1, then loading fails naming every bad key', () => {
    const load = () => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0', DATABASE_POOL_MAX: 'ten', WORKER_MAX_CONCURRENT_ACTIVITIES: '2.5' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/WORKER_MAX_CACHED_WORKFLOWS: not a whole number >= 1: "0"/);
    expect(load).toThrow(/DATABASE_POOL_MAX: not a whole number >= 1: "ten"/);
    expect(load).toThrow(/WORKER_MAX_CONCURRENT_ACTIVITIES: not a whole number >= 1: "2.5"/);
  });

  it('when TEMPORAL_DEPLOYMENT_NAME and TEMPORAL_BUILD_ID are set, then the worker polls as that version, AUTO_UPGRADE; one alone stops the start', () => {
    expect(workerTuning(loadConfig({})).workerDeploymentOptions).toBeUndefined();
    const versioned = workerTuning(loadConfig({ TEMPORAL_DEPLOYMENT_NAME: 'agent-tasks', TEMPORAL_BUILD_ID: 'abc123' }));
    expect(versioned.workerDeploymentOptions).toEqual({
      version: { deploymentName: 'agent-tasks', buildId: 'abc123' },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    });
    for (const half of [{ TEMPORAL_DEPLOYMENT_NAME: 'agent-tasks' }, { TEMPORAL_BUILD_ID: 'abc123' }]) {
      expect(() => loadConfig(half)).toThrow(/TEMPORAL_DEPLOYMENT_NAME and TEMPORAL_BUILD_ID: set both \(worker versioning\) or neither/);
    }
  });
});
