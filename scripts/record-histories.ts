/**
 * `npm run histories:record`: runs AgentTaskWorkflow for real (own dev server, embedded
 * PGlite, fake Graph API) in a few scenarios and writes each history to tests/histories/.
 * The replay test replays them against the current workflow code: a change that is not
 * replay-safe fails it. Re-record only when a change is meant to break old histories
 * (and then version the workflow with `patched()` instead, if executions are in flight).
 *
 *   npm run histories:record                          # every scenario
 *   npm run histories:record -- escalation-replied    # only these
 *   HISTORY_PREFIX=local-steps- npm run histories:record -- delivered   # written as local-steps-delivered.json
 *
 * A prefix keeps the recordings of an older version beside the new ones: both must replay.
 *
 *   HISTORY_PAYLOAD_KEY=on HISTORY_PREFIX=encrypted- npm run histories:record -- delivered escalation-replied
 *
 * records with the payload codec on, under the replay tests' own key (REPLAY_PAYLOAD_KEY, public
 * and for tests only): those histories hold no customer text in clear and replay only with it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { WorkflowHandle } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../src/db';
import { namespaces } from '../src/db/schema';
import { addDocument } from '../src/knowledge/store';
import { decideApprovalSignal, progressQuery, resolveEscalationUpdate } from '../src/workflows/agent-task';
import { startFakeGraph, type FakeGraph } from '../testkit/fake-graph';
import { REPLAY_PAYLOAD_KEY } from '../testkit/payload-key';
import { postWebhook, status, textMessageWebhook, wamid, webhookWith } from '../testkit/whatsapp';
import { ensureTemporalCli, REPO_ROOT } from './lib/temporal-dev-server';
import { startLocalSystem, startScratchDevServer } from '../testkit/local-system';

interface Scenario {
  name: string;
  text: string;
  /** The fake Graph API posts a `delivered` receipt for each message it accepts. */
  receipts?: boolean;
  /** The `default` namespace's config for this scenario (else BASE_CONFIG). */
  config?: Record<string, unknown>;
  arrange(graph: FakeGraph): void;
  /** What a person does while the workflow waits. */
  act?(handle: WorkflowHandle, context: { graph: FakeGraph; url: string }): Promise<void>;
}

/** Waits until the workflow reports `status` (it is then waiting for a person). */
async function untilStatus(handle: WorkflowHandle, status: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if ((await handle.query(progressQuery)).status === status) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${handle.workflowId} never reached ${status}`);
}

/** Short human timeouts, billing answers held for approval. */
const BASE_CONFIG = { escalation: { timeout: '3s' }, trustMatrix: { billing: 'approve' } };
/** An SLA ladder of a few seconds: the wait message, an offer to the next agent, the backup. */
const SLA_CONFIG = {
  ...BASE_CONFIG,
  escalation: {
    timeout: '4s',
    assignee: 'sam',
    agents: ['kim'],
    backup: 'lee',
    sla: { waitAfter: '1s', offerEvery: '1500ms', backupAfter: '2s', resumeBot: true },
  },
};

/** The escalation's id, from the inbox, and a claim on it through the API. */
async function claim(url: string, taskId: string, agent: string, renew = false): Promise<void> {
  const headers = { authorization: 'Bearer record', 'content-type': 'application/json' };
  const inbox = (await (await fetch(`${url}/api/v1/escalations?status=open`, { headers })).json()) as { data: Array<{ id: string; taskId: string }> };
  const entry = inbox.data.find((e) => e.taskId === taskId);
  if (!entry) throw new Error(`no open escalation of task ${taskId}`);
  const res = await fetch(`${url}/api/v1/escalations/${entry.id}/claim`, { method: 'POST', headers, body: JSON.stringify({ agent, renew }) });
  if (res.status !== 200) throw new Error(`claim answered ${res.status}: ${await res.text()}`);
}

const SCENARIOS: Scenario[] = [
  { name: 'delivered', text: 'hello', arrange: () => undefined },
  { name: 'delivery-retried', text: 'hello', arrange: (g) => g.failNext(503, { error: { message: 'unavailable', code: 2 } }) },
  {
    name: 'delivery-rejected',
    text: 'hello',
    arrange: (g) => g.failNext(400, { error: { message: '(#131030) Recipient not in allowed list', code: 131030 } }),
  },
  {
    // Escalated by keyword; an agent replies through the API (an Update).
    name: 'escalation-replied',
    text: 'I want to talk to a human',
    arrange: () => undefined,
    act: async (handle) => {
      await untilStatus(handle, 'escalated');
      await handle.executeUpdate(resolveEscalationUpdate, { args: [{ action: 'reply', text: 'Hi, Sam here.', agent: 'sam' }] });
    },
  },
  {
    // Nobody answers: the timer fires and the fallback message goes out.
    name: 'escalation-expired',
    text: 'speak to someone',
    arrange: () => undefined,
  },
  {
    // The trust matrix holds billing answers for approval; approved by signal (CLI, Web UI).
    name: 'approval-signalled',
    text: 'Where can I download my invoice?',
    arrange: () => undefined,
    act: async (handle) => {
      await untilStatus(handle, 'awaiting_approval');
      await handle.signal(decideApprovalSignal, { decision: 'approve', agent: 'lee' });
    },
  },
  {
    // Nobody claims: the SLA ladder runs (wait message, offers, backup), then the fallback and the assistant's summary.
    name: 'sla-expired',
    text: 'I want to talk to a human',
    config: SLA_CONFIG,
    arrange: () => undefined,
  },
  {
    // Claimed at once: the ladder's steps are skipped, the deadline passes while the claim holds and is renewed, then the reply.
    name: 'sla-claimed',
    text: 'I want to talk to a human',
    config: SLA_CONFIG,
    arrange: () => undefined,
    act: async (handle, { url }) => {
      await untilStatus(handle, 'escalated');
      const taskId = (await handle.query(progressQuery)).taskId;
      await claim(url, taskId, 'sam');
      for (let i = 0; i < 5; i += 1) {
        await new Promise((r) => setTimeout(r, 1000));
        await claim(url, taskId, 'sam', true);
      }
      await handle.executeUpdate(resolveEscalationUpdate, { args: [{ action: 'reply', text: 'Sam here, sorted.', agent: 'sam' }] });
    },
  },
  {
    // Ratings on: the answer goes out, the conversation stays quiet for `csat.after`, the rating question follows.
    name: 'csat-asked',
    text: 'hello',
    config: { ...BASE_CONFIG, csat: { after: '500ms' } },
    arrange: () => undefined,
  },
  {
    // The reply's `delivered` receipt reaches the waiting workflow, which ends before its wait is over.
    name: 'receipt-delivered',
    text: 'hello',
    receipts: true,
    arrange: () => undefined,
  },
  {
    // WhatsApp refuses the reply after accepting it (131047): the workflow fails the task.
    name: 'receipt-failed',
    text: 'hello',
    arrange: () => undefined,
    act: async (handle, { graph, url }) => {
      await untilStatus(handle, 'delivered');
      const deliveryId = graph.sent().at(-1)!.body.biz_opaque_callback_data;
      const failed = status('wamid.refused', 'failed', {
        biz_opaque_callback_data: deliveryId,
        errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message' }],
      });
      const res = await postWebhook(url, webhookWith('100200300', { statuses: [failed] }));
      if (res.status !== 200) throw new Error(`receipt webhook answered ${res.status}`);
    },
  },
];

async function main(): Promise<void> {
  // `npm run histories:record -- name ...` records only those scenarios (keeps older recordings as they were).
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(', ')}; there are ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const server = await startScratchDevServer('record');
  const graph = await startFakeGraph();
  const database = await openDatabase({ pgliteDir: 'memory://' });
  const system = await startLocalSystem({
    address: server.address,
    database,
    graphUrl: graph.url,
    phoneNumberId: '100200300',
    adminApiKey: 'record',
    taskQueue: 'record-histories',
    env: {
      DELIVERY_RECEIPT_WAIT: '20s',
      ESCALATION_CLAIM_HOLD: '2s',
      ...(process.env.HISTORY_PAYLOAD_KEY ? { PAYLOAD_ENCRYPTION_KEY: REPLAY_PAYLOAD_KEY } : {}),
    },
  });
  // The article that answers billing questions.
  await addDocument(database.db, {
    namespace: 'default',
    title: 'Invoices',
    contentType: 'text/markdown',
    content: '# Invoices\n\nYou can download your invoice from the orders page of your account.',
  });
  try {
    for (const scenario of SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name))) {
      scenario.arrange(graph);
      await database.db
        .update(namespaces)
        .set({ config: scenario.config ?? BASE_CONFIG })
        .where(eq(namespaces.name, 'default'));
      graph.sendReceiptsTo(scenario.receipts ? system.url : undefined);
      const id = wamid();
      // Each scenario is its own customer, so no conversation carries over.
      const from = `4470${SCENARIOS.indexOf(scenario)}${Date.now() % 1e6}`;
      const res = await postWebhook(system.url!, textMessageWebhook({ phoneNumberId: '100200300', id, from, text: scenario.text }));
      if (res.status !== 200) throw new Error(`${scenario.name}: webhook answered ${res.status}`);
      const handle = system.client.workflow.getHandle(`agent-task:default:whatsapp:${id}`);
      await scenario.act?.(handle, { graph, url: system.url! });
      const result = await handle.result();
      const file = path.join(REPO_ROOT, 'tests/histories', `${process.env.HISTORY_PREFIX ?? ''}${scenario.name}.json`);
      // The same JSON the Web UI's "Download" and `temporal workflow show --output json` produce.
      const json = execFileSync(
        ensureTemporalCli(),
        ['workflow', 'show', '--workflow-id', handle.workflowId, '--address', server.address, '--output', 'json'],
        {
          encoding: 'utf8',
        },
      );
      writeFileSync(file, json.endsWith('\n') ? json : `${json}\n`);
      console.log(`${scenario.name}: ${result.status} → ${path.relative(REPO_ROOT, file)}`);
    }
  } finally {
    await system.stop();
    await database.close();
    await graph.close();
    await server.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
