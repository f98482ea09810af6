/**
 * Hand-offs nobody picks up: the SLA ladder (wait message, backup told, the next agent offered), the
 * timeout's fallback and the assistant resuming with a summary, agents' claims (a claim holds the
 * hand-off past its deadline while renewed; a claim racing the timeout has one winner), and business
 * hours (outside them the notice says when a person is back, and the timers count business time).
 * Short timers: the namespace's durations and ESCALATION_CLAIM_HOLD are seconds here.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { agentToolCalls, escalations, type SlaStep } from '../../src/db/schema';
import { addBusinessTime, describeOpening } from '../../src/namespaces/business-hours';
import { DEFAULT_FALLBACK_MESSAGE, DEFAULT_HANDOFF_MESSAGE } from '../../src/namespaces/config';
import { progressQuery } from '../../src/workflows/agent-task';
import { callApi, whatsappNamespace } from '../helpers/namespaces';
import { taskLookups } from '../helpers/tasks';
import { useTestSystem, waitFor } from '../helpers/system';

const CLAIM_HOLD_MS = 3000;

describe('hand-off SLA, claims and business hours', () => {
  const stack = useTestSystem('postgres', { env: { ESCALATION_CLAIM_HOLD: `${CLAIM_HOLD_MS}ms` } });
  const { waitForStatus, finished } = taskLookups(stack);
  const api = (method: string, path: string, body?: unknown, key?: string) => callApi(stack, method, path, body, key);
  const escalationOf = async (taskId: string) => (await stack.database.db.select().from(escalations).where(eq(escalations.taskId, taskId)))[0]!;
  const dmsTo = (user: string) => stack.slack.posted().filter((r) => r.body.channel === user);

  it('when nobody claims, then the wait message, the offers to the next agents and the backup go out in order, and at the timeout the fallback and a summary', async () => {
    const shop = await whatsappNamespace(stack, 'sla', {
      escalation: {
        assignee: 'U0ASSIGN',
        agents: ['U0AGENT2', 'U0AGENT3'],
        backup: 'U0BACKUP',
        timeout: '5s',
        sla: { waitAfter: '1s', offerEvery: '1500ms', backupAfter: '2s', resumeBot: true },
      },
    });
    const customer = shop.customer();
    const id = await customer.say('I want to speak to a real person about my order');
    const task = await waitForStatus(id, 'escalated');
    const handle = stack.system.client.workflow.getHandle(task.workflowId);
    const planned = (await escalationOf(task.id)).sla!.steps;
    expect(planned.map((s) => s.kind)).toEqual(['wait_message', 'offer_next', 'notify_backup', 'offer_next', 'offer_next', 'timeout']);

    // The Web UI shows the ladder as it goes.
    const details = await waitFor(async () => {
      const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      return meta.currentDetails?.includes('wait message sent') ? meta.currentDetails : undefined;
    });
    expect(details).toContain('SLA while unclaimed');
    expect(details).toMatch(/- wait_message at \S+: wait message sent \(number 1 in the queue\)/);

    const result = await finished(id);
    expect(result).toMatchObject({ status: 'closed', route: 'await_human' });
    const wait = 'Thanks for waiting. You are number 1 in the queue; a colleague will be with you as soon as possible.';
    const texts = customer.received().map((m) => m.text);
    expect(texts.slice(0, 3)).toEqual([DEFAULT_HANDOFF_MESSAGE, wait, DEFAULT_FALLBACK_MESSAGE]);
    expect(texts[3]).toContain('To sum up where we are: you asked "I want to speak to a real person about my order".');
    expect(texts).toHaveLength(4);

    // Offered in turn: the assignee first (at the opening), then the next agents, round again to the assignee.
    expect(dmsTo('U0ASSIGN').map((r) => r.body.text as string)).toEqual([
      expect.stringContaining('A conversation was escalated to you'),
      expect.stringContaining('offered to you'),
    ]);
    expect(dmsTo('U0AGENT2')).toHaveLength(1);
    expect(dmsTo('U0AGENT3')).toHaveLength(1);
    expect(dmsTo('U0BACKUP').map((r) => r.body.text)).toEqual([expect.stringContaining('you are the backup')]);

    const done = (await escalationOf(task.id)).sla!.steps as SlaStep[];
    const ladder = done.filter((s) => s.kind !== 'timeout');
    expect(ladder.every((s) => s.doneAt && Date.parse(s.doneAt) >= Date.parse(s.dueAt))).toBe(true);
    expect(ladder.map((s) => s.doneAt)).toEqual([...ladder.map((s) => s.doneAt)].sort());
    expect(ladder.map((s) => s.detail)).toEqual([
      'wait message sent (number 1 in the queue)',
      'offered to U0AGENT2',
      'backup notified: Slack DM to U0BACKUP',
      'offered to U0AGENT3',
      'offered to U0ASSIGN',
    ]);
    expect((await escalationOf(task.id)).status).toBe('expired');
    const progress = await handle.query(progressQuery);
    expect(progress.steps.map((s) => s.name).slice(4)).toEqual([
      'await_human',
      'sla_wait',
      'sla_offer',
      'sla_backup',
      'sla_offer',
      'sla_offer',
      'deliver',
      'deliver',
    ]);
    const rows = await stack.database.db.select({ name: agentToolCalls.name }).from(agentToolCalls).where(eq(agentToolCalls.taskId, task.id));
    expect(new Set(rows.map((r) => r.name))).toEqual(
      new Set(['inject_profile', 'rag_search', 'generate', 'confidence_check', 'await_human', 'sla_wait', 'sla_offer', 'sla_backup', 'deliver']),
    );
  });

  it('when several wait at once, then each wait message says its place in the queue', async () => {
    const shop = await whatsappNamespace(stack, 'queue', { escalation: { timeout: '4s', sla: { waitAfter: '1500ms' } } });
    const customers = [shop.customer(), shop.customer(), shop.customer()];
    for (const c of customers) {
      await waitForStatus(await c.say('Please get me a human'), 'escalated');
    }
    const waits = await waitFor(() => {
      const got = customers.map((c) => c.received().find((m) => m.text?.startsWith('Thanks for waiting'))?.text);
      return got.every(Boolean) ? got : undefined;
    }, 10_000);
    expect(waits.map((t) => /number (\d+)/.exec(t!)![1])).toEqual(['1', '2', '3']);
  });

  it('when an agent claims and stays active, then no wait message goes out and the hand-off outlives its deadline; others get 409; once the claim lapses it expires', async () => {
    const shop = await whatsappNamespace(stack, 'claim', { escalation: { timeout: '2s', sla: { waitAfter: '1s' } } });
    const other = await whatsappNamespace(stack, 'other', { escalation: { timeout: '60s' } });

    const held = shop.customer();
    const heldTask = await waitForStatus(await held.say('I need a human please'), 'escalated');
    const heldEscalation = await escalationOf(heldTask.id);
    const claim = (escalationId: string, agent: string, extra: Record<string, unknown> = {}, key?: string) =>
      api('POST', `/escalations/${escalationId}/claim`, { agent, ...extra }, key);
    const claimed = await claim(heldEscalation.id, 'sam');
    expect(claimed.status).toBe(200);
    expect(Date.parse(claimed.body.claim.claimActiveUntil) - Date.parse(claimed.body.claim.claimedAt)).toBe(CLAIM_HOLD_MS);
    expect((await claim(heldEscalation.id, 'sam')).body.error).toMatchObject({ code: 'already_claimed' });
    expect((await claim(heldEscalation.id, 'kim')).status).toBe(409);
    expect((await claim(heldEscalation.id, 'kim', { renew: true })).body.error).toMatchObject({ code: 'not_claimed' });
    const kimDecides = await api('POST', `/agent-tasks/${heldTask.id}/escalation`, { action: 'close', agent: 'kim' });
    expect(kimDecides.status).toBe(409);
    expect(kimDecides.body.error.code).toBe('claimed');
    // Another namespace's key does not see it at all.
    const key = (await api('POST', '/api-keys', { namespace: other.ns, role: 'agent', name: 'other' })).body.key as string;
    expect((await claim(heldEscalation.id, 'eve', {}, key)).status).toBe(404);

    // Past the deadline (2 s) the claim holds: sam renews while active.
    for (let i = 0; i < 3; i += 1) {
      await new Promise((r) => setTimeout(r, 1000));
      expect((await claim(heldEscalation.id, 'sam', { renew: true })).status).toBe(200);
    }
    expect((await escalationOf(heldTask.id)).status).toBe('open');
    const replied = await api('POST', `/agent-tasks/${heldTask.id}/escalation`, { action: 'reply', text: 'Sam here, sorted.', agent: 'sam' });
    expect(replied.body.outcome).toMatchObject({ status: 'delivered', sent: true });
    expect(held.received().map((m) => m.text)).toEqual([DEFAULT_HANDOFF_MESSAGE, 'Sam here, sorted.']);
    expect((await escalationOf(heldTask.id)).sla!.steps[0]).toMatchObject({ kind: 'wait_message', detail: 'skipped: claimed by sam' });

    // Claimed and left: once the claim lapses it is anyone's, and it expires.
    const left = shop.customer();
    const leftId = await left.say('I need a human please');
    const leftTask = await waitForStatus(leftId, 'escalated');
    const leftEscalation = await escalationOf(leftTask.id);
    expect((await claim(leftEscalation.id, 'sam')).status).toBe(200);
    const result = await finished(leftId);
    expect(result.status).toBe('closed');
    const expired = await escalationOf(leftTask.id);
    expect(expired).toMatchObject({ status: 'expired', claimedBy: 'sam' });
    expect(expired.resolvedAt!.getTime()).toBeGreaterThanOrEqual(expired.claimActiveUntil!.getTime());
    expect(left.received().map((m) => m.text)).toEqual([DEFAULT_HANDOFF_MESSAGE, DEFAULT_FALLBACK_MESSAGE]);
    expect((await claim(leftEscalation.id, 'kim')).body.error).toMatchObject({ code: 'not_open' });
  });

  it('when a claim races the timeout, then exactly one wins: claimed and answered, or expired with the fallback', async () => {
    const shop = await whatsappNamespace(stack, 'race', { escalation: { timeout: '1500ms' } });
    const offsets = [-600, -120, -40, 0, 40, 120, 1500];
    const outcomes = await Promise.all(
      offsets.map(async (offset) => {
        const customer = shop.customer();
        const id = await customer.say('Talk to a human');
        const task = await waitForStatus(id, 'escalated');
        const row = await escalationOf(task.id);
        await new Promise((r) => setTimeout(r, Math.max(0, row.deadlineAt.getTime() + offset - Date.now())));
        const claim = await api('POST', `/escalations/${row.id}/claim`, { agent: 'sam' });
        if (claim.status === 200) {
          await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Got it.', agent: 'sam' });
        } else {
          expect(claim.body.error.code).toBe('not_open');
        }
        const result = await finished(id);
        const texts = customer.received().map((m) => m.text);
        return { claimed: claim.status === 200, status: result.status, escalation: (await escalationOf(task.id)).status, texts };
      }),
    );
    for (const o of outcomes) {
      if (o.claimed) expect(o).toMatchObject({ status: 'delivered', escalation: 'resolved', texts: [DEFAULT_HANDOFF_MESSAGE, 'Got it.'] });
      else expect(o).toMatchObject({ status: 'closed', escalation: 'expired', texts: [DEFAULT_HANDOFF_MESSAGE, DEFAULT_FALLBACK_MESSAGE] });
    }
    // The early ones are always claimed, the late ones always expired.
    expect(outcomes[0]!.claimed).toBe(true);
    expect(outcomes.at(-1)!.claimed).toBe(false);
  });

  it('when a hand-off comes outside business hours (a holiday, then the weekend), then the notice says when a person is back and the timers start then', async () => {
    const now = new Date();
    const day = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset)).toISOString().slice(0, 10);
    const weekdays = { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] };
    const hours = { timeZone: 'UTC', weekly: weekdays, holidays: [day(0), day(1)] };
    const shop = await whatsappNamespace(stack, 'hours', { businessHours: hours, escalation: { timeout: '8h', sla: { waitAfter: '30m' } } });
    const customer = shop.customer();
    const task = await waitForStatus(await customer.say('I want to talk to a person'), 'escalated');

    // The first working day after the two holidays, at 09:00 UTC, counted here by hand.
    let first = 2;
    while ([0, 6].includes(new Date(`${day(first)}T00:00:00Z`).getUTCDay())) first += 1;
    const opensAt = new Date(`${day(first)}T09:00:00Z`);
    const row = await escalationOf(task.id);
    expect(row.sla!.opensAt).toBe(opensAt.toISOString());
    expect(row.sla!.steps).toEqual([
      { kind: 'wait_message', dueAt: new Date(opensAt.getTime() + 30 * 60_000).toISOString() },
      // 8 business hours: that whole working day, to 17:00.
      { kind: 'timeout', dueAt: new Date(opensAt.getTime() + 8 * 3_600_000).toISOString() },
    ]);
    expect(row.deadlineAt.toISOString()).toBe(new Date(opensAt.getTime() + 8 * 3_600_000).toISOString());
    const notice = customer.received()[0]!.text!;
    expect(notice).toBe(`${DEFAULT_HANDOFF_MESSAGE} Our team is away right now; a colleague will reply from ${describeOpening(opensAt, { ...hours })}.`);
    expect(notice).toMatch(/(Monday|Tuesday|Wednesday|Thursday|Friday) \d{1,2} \w+ at 09:00 \(UTC\)/);
    // Four business hours from Friday 15:00 run into Monday 11:00 (the same arithmetic the plan used).
    expect(addBusinessTime(new Date('2026-12-11T15:00:00Z'), 4 * 3_600_000, { timeZone: 'UTC', weekly: weekdays, holidays: [] }).toISOString()).toBe(
      '2026-12-14T11:00:00.000Z',
    );
    expect((await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'close', agent: 'sam' })).status).toBe(200);
  });
});
