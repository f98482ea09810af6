/**
 * Replays the histories recorded from real runs (tests/histories/, `npm run
 * histories:record`) against the current workflow code. A change to AgentTaskWorkflow
 * that is not replay-safe makes this fail, before it can break executions in flight.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { installRuntime } from '../src/system';
import { dataConverterFor, parseEncryptionKeys } from '../src/temporal/codec';
import { OLD_PAYLOAD_KEY, REPLAY_PAYLOAD_KEY } from '../testkit/payload-key';

const HISTORY_DIR = path.join(__dirname, 'histories');
const histories = readdirSync(HISTORY_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({
    workflowId: path.basename(file, '.json'),
    history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORY_DIR, file), 'utf8'))),
  }));

/** Recorded with the payload codec on (HISTORY_PAYLOAD_KEY=on): they replay only with its key. */
const isEncrypted = (h: { workflowId: string }) => h.workflowId.startsWith('encrypted-');
const replayKeys = parseEncryptionKeys(REPLAY_PAYLOAD_KEY, undefined);

async function replayAll(
  workflowBundle: { code: string } | { codePath: string },
  only = histories,
  /** null: the SDK's default (no codec). */
  dataConverter: DataConverter | null | undefined = dataConverterFor(replayKeys),
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, ...(dataConverter ? { dataConverter } : {}) }, only)) results.push(result);
  return results;
}

describe('replaying recorded AgentTaskWorkflow histories', () => {
  beforeAll(() => installRuntime());

  it('when the recorded histories are replayed on the current code, then every one replays cleanly', async () => {
    // delivered, delivery-rejected and delivery-retried were recorded before the human steps existed, the
    // unprefixed ones before LOCAL_STEPS (three steps as activities), all but receipt-* before the wait for
    // delivery receipts (RECEIPT_WAIT), all but sla-* before hand-offs had a deadline, an SLA ladder and
    // claims (HANDOFF_SLA), all but csat-asked before the rating question (CSAT_SURVEY): they prove old
    // executions still replay.
    expect(histories.map((h) => h.workflowId).sort()).toEqual([
      'approval-signalled',
      'csat-asked',
      'delivered',
      'delivery-rejected',
      'delivery-retried',
      'encrypted-delivered',
      'encrypted-escalation-replied',
      'escalation-expired',
      'escalation-replied',
      'local-steps-approval-signalled',
      'local-steps-delivered',
      'local-steps-delivery-retried',
      'local-steps-escalation-replied',
      'receipt-delivered',
      'receipt-failed',
      'sla-claimed',
      'sla-expired',
    ]);
    const results = await replayAll({ codePath: inject('workflowBundlePath') });
    expect(results).toHaveLength(histories.length);
    for (const result of results) expect(result.error, result.workflowId).toBeUndefined();
  });

  it('when encrypted histories are replayed without their key, then every one fails to replay', async () => {
    const encrypted = histories.filter(isEncrypted);
    expect(encrypted).toHaveLength(2);
    // The current key is another one; the recording's key is unknown to this worker.
    const results = await replayAll({ codePath: inject('workflowBundlePath') }, encrypted, dataConverterFor(parseEncryptionKeys(OLD_PAYLOAD_KEY, undefined)));
    for (const result of results) {
      expect(result.error, result.workflowId).toBeDefined();
      // The worker's failure is itself encrypted (with this worker's current key): no clear text there either.
      expect(String(result.error?.message), result.workflowId).toMatch(/workflow task failure.*Encoded failure/);
    }
    // With no codec at all the encrypted payloads cannot be read either.
    const clear = await replayAll({ codePath: inject('workflowBundlePath') }, encrypted, null);
    for (const result of clear) expect(result.error, result.workflowId).toBeDefined();
  });

  it('when encrypted histories are replayed after a key rotation, then the old key in PAYLOAD_ENCRYPTION_KEYS reads them', async () => {
    const rotated = parseEncryptionKeys(OLD_PAYLOAD_KEY, REPLAY_PAYLOAD_KEY);
    const results = await replayAll({ codePath: inject('workflowBundlePath') }, histories.filter(isEncrypted), dataConverterFor(rotated));
    expect(results).toHaveLength(2);
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
