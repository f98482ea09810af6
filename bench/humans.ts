/**
 * The time from a person's decision to the customer's message: escalated tasks are resolved with
 * a reply, alternately through the API (an Update: POST /api/v1/agent-tasks/:id/escalation) and
 * through a signal (what `temporal workflow signal` sends), and the reply is timed until the fake
 * Graph API receives it. Part of `npm run bench`.
 */
import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from '../src/db';
import { agentTasks, channelAccounts, escalations, messages, namespaces } from '../src/db/schema';
import { resolveEscalationSignal } from '../src/workflows/agent-task';
import { startFakeGraph } from '../testkit/fake-graph';
import { postWebhook, textMessageWebhook, wamid } from '../testkit/whatsapp';
import { percentile, startLocalSystem } from '../testkit/local-system';

export interface HumanLatency {
  database: string;
  escalations: number;
  /** Update sent → the reply received by the channel. */
  updateToMessageP50Ms: number;
  updateToMessageP99Ms: number;
  /** Update sent → the API's 200 (the outcome, after the send). */
  updateToAnswerP50Ms: number;
  /** Signal sent → the reply received by the channel. */
  signalToMessageP50Ms: number;
  signalToMessageP99Ms: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * A fake Graph API and the system against it, its WhatsApp number in a namespace of its own with
 * `config`: what each measurement here (and bench/run.ts) starts from.
 */
export async function startBenchSystem(kind: string, address: string, database: DatabaseHandle, config?: Record<string, unknown>) {
  const graph = await startFakeGraph();
  const phoneNumberId = `9${Date.now()}${Math.floor(Math.random() * 100)}`;
  const system = await startLocalSystem({
    address,
    database,
    graphUrl: graph.url,
    phoneNumberId,
    adminApiKey: 'bench',
    taskQueue: `bench-${kind}-${Date.now()}`,
  });
  if (config) {
    const ns = `bench-${kind}-${Date.now()}`;
    await database.db.insert(namespaces).values({ name: ns, config });
    await database.db.update(channelAccounts).set({ namespace: ns }).where(eq(channelAccounts.externalId, phoneNumberId));
  }
  return { graph, phoneNumberId, system };
}

export async function measureHumanLatency(label: string, address: string, database: DatabaseHandle, count: number): Promise<HumanLatency> {
  const { graph, phoneNumberId, system } = await startBenchSystem(`humans-${label}`, address, database, { escalation: { timeout: '10m' } });
  const byUpdate: number[] = [];
  const answered: number[] = [];
  const bySignal: number[] = [];
  const clock = () => Date.now() - performance.now(); // the fake's receive time on this clock
  try {
    for (let i = -4; i < count; i += 1) {
      const from = `4476${i + 10}${Date.now() % 1e6}`;
      const id = wamid();
      const res = await postWebhook(system.url!, textMessageWebhook({ phoneNumberId, id, from, text: 'I want to talk to a human' }));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const task = await waitForEscalated(database, id);
      const sentBefore = graph.sent().length;
      const reply = `Hi, this is agent ${i}.`;
      const t0 = performance.now();
      if (i % 2 === 0) {
        const decided = await fetch(`${system.url}/api/v1/agent-tasks/${task.id}/escalation`, {
          method: 'POST',
          headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'reply', text: reply, agent: 'bench' }),
        });
        if (decided.status !== 200) throw new Error(`escalation answered ${decided.status}: ${await decided.text()}`);
        if (i >= 0) answered.push(performance.now() - t0);
      } else {
        await system.client.workflow.getHandle(task.workflowId).signal(resolveEscalationSignal, { action: 'reply', text: reply, agent: 'bench' });
      }
      const sent = (await graph.waitForSent(sentBefore + 1, 30_000)).slice(sentBefore).find((r) => r.body.to === from);
      if (!sent) throw new Error(`no reply reached ${from}`);
      if (i >= 0) (i % 2 === 0 ? byUpdate : bySignal).push(sent.at - clock() - t0); // the first four warm up
    }
  } finally {
    await system.stop();
    await graph.close();
  }
  return {
    database: label,
    escalations: count,
    updateToMessageP50Ms: round(percentile(byUpdate, 50)),
    updateToMessageP99Ms: round(percentile(byUpdate, 99)),
    updateToAnswerP50Ms: round(percentile(answered, 50)),
    signalToMessageP50Ms: round(percentile(bySignal, 50)),
    signalToMessageP99Ms: round(percentile(bySignal, 99)),
  };
}

async function waitForEscalated(database: DatabaseHandle, externalId: string) {
  for (let i = 0; i < 600; i += 1) {
    const [row] = await database.db
      .select({ id: agentTasks.id, workflowId: agentTasks.workflowId, status: agentTasks.status })
      .from(agentTasks)
      .innerJoin(messages, eq(messages.id, agentTasks.messageId))
      .where(eq(messages.externalId, externalId));
    if (row?.status === 'escalated') return row;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`task for ${externalId} never escalated`);
}

export interface SlaLatency {
  database: string;
  escalations: number;
  /** The wait message's SLA deadline (the rung's dueAt) → the fake Graph API receiving the message. */
  deadlineToWaitMessageP50Ms: number;
  deadlineToWaitMessageP95Ms: number;
  deadlineToWaitMessageMaxMs: number;
}

/**
 * The time from an escalation's SLA deadline to the customer's wait message: `count` escalations,
 * a few hundred ms apart, each with `sla.waitAfter: 1s`; nobody claims them; each wait message is
 * timed from its planned due time (the same machine's clock) to its arrival at the fake Graph API.
 */
export async function measureSlaLatency(label: string, address: string, database: DatabaseHandle, count: number): Promise<SlaLatency> {
  const { graph, phoneNumberId, system } = await startBenchSystem(`sla-${label}`, address, database, {
    escalation: { timeout: '10m', sla: { waitAfter: '1s' } },
  });
  const latencies: number[] = [];
  try {
    const started = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 250));
        const from = `4477${i + 10}${Date.now() % 1e6}`;
        const id = wamid();
        const res = await postWebhook(system.url!, textMessageWebhook({ phoneNumberId, id, from, text: 'I want to talk to a human' }));
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        return { from, task: await waitForEscalated(database, id) };
      }),
    );
    for (const { from, task } of started) {
      const message = await (async () => {
        for (let i = 0; i < 600; i += 1) {
          const wait = graph.sent().find((r) => r.body.to === from && String(r.body.text?.body ?? '').startsWith('Thanks for waiting'));
          if (wait) return wait;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`no wait message reached ${from}`);
      })();
      const [row] = await database.db.select({ sla: escalations.sla }).from(escalations).where(eq(escalations.taskId, task.id));
      const due = Date.parse(row!.sla!.steps.find((s) => s.kind === 'wait_message')!.dueAt);
      latencies.push(message.at - due);
      await fetch(`${system.url}/api/v1/agent-tasks/${task.id}/escalation`, {
        method: 'POST',
        headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'close', agent: 'bench' }),
      });
    }
  } finally {
    await system.stop();
    await graph.close();
  }
  return {
    database: label,
    escalations: count,
    deadlineToWaitMessageP50Ms: round(percentile(latencies, 50)),
    deadlineToWaitMessageP95Ms: round(percentile(latencies, 95)),
    deadlineToWaitMessageMaxMs: round(Math.max(...latencies)),
  };
}
