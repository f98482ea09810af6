/**
 * Replays the histories recorded from real runs (tests/histories/, `npm run
 * histories:record`) against the current workflow code. A change to AgentTaskWorkflow
 * that is not replay-safe makes this fail, before it can break executions in flight.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { installRuntime } from '../src/system';

const HISTORY_DIR = path.join(__dirname, 'histories');
const histories = readdirSync(HISTORY_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({
    workflowId: path.basename(file, '.json'),
    history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORY_DIR, file), 'utf8'))),
  }));

async function replayAll(workflowBundle: { code: string } | { codePath: string }): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) results.push(result);
  return results;
}

describe('replaying recorded AgentTaskWorkflow histories', () => {
  beforeAll(() => installRuntime());

  it('when the recorded histories are replayed on the current code, then every one replays cleanly', async () => {
    // delivered, delivery-rejected and delivery-retried were recorded before the human steps existed, the
    // unprefixed ones before LOCAL_STEPS (three steps as activities): they prove old executions still replay.
    expect(histories.map((h) => h.workflowId).sort()).toEqual([
      'approval-signalled',
      'delivered',
      'delivery-rejected',
      'delivery-retried',
      'escalation-expired',
      'escalation-replied',
      'local-steps-approval-signalled',
      'local-steps-delivered',
      'local-steps-delivery-retried',
      'local-steps-escalation-replied',
    ]);
    const results = await replayAll({ codePath: inject('workflowBundlePath') });
    expect(results).toHaveLength(histories.length);
    for (const result of results) expect(result.error, result.workflowId).toBeUndefined();
  });

  it('when the workflow changes the order of its steps, then replay reports a nondeterminism error', async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'fixtures/nondeterministic/index.ts'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    const results = await replayAll(bundle);
    expect(results).toHaveLength(histories.length);
    for (const result of results) expect(result.error, result.workflowId).toBeInstanceOf(DeterminismViolationError);
  });
});
