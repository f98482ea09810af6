/**
 * Humans in the loop, end to end on the dev server: escalations (reply, handback, close,
 * timeout), approvals (approve, edit, reject, timeout), the conversation held by a person,
 * two agents at once, decisions by API (Update) and by `temporal workflow signal`.
 * Timeouts are the namespace's own, short (no time-skipping server offline).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { agentToolCalls, channelAccounts, escalations, humanDecisions, namespaces } from '../../src/db/schema';
import { addDocument } from '../../src/knowledge/store';
import { HOLDING_REPLIES } from '../../src/gate/holding-reply';
import { DEFAULT_FALLBACK_MESSAGE, DEFAULT_HANDOFF_MESSAGE, type NamespaceConfigInput } from '../../src/namespaces/config';
import { progressQuery } from '../../src/workflows/agent-task';
import { json } from '../helpers/http';
import { ADMIN_KEY, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

const run = promisify(execFile);

const SHIPPING = `# Delivery times

Standard delivery takes 2 to 3 working days. Express delivery arrives the next working day.`;

describe('humans in the loop', () => {
  const stack = useTestSystem('postgres');
  const { taskOf, finished, waitForStatus } = taskLookups(stack);
  const ASSIGNEE = 'U0AGENT42';

  /** A namespace of its own with a WhatsApp number and the shipping article; `customer()` opens a conversation. */
  async function namespaceWith(config: NamespaceConfigInput) {
    const ns = `hitl-${randomUUID().slice(0, 8)}`;
    const phoneNumberId = `7${Math.floor(Math.random() * 1e13)}`;
    await stack.database.db.insert(namespaces).values({ name: ns, config });
    await stack.database.db.insert(channelAccounts).values({ namespace: ns, channel: 'whatsapp', externalId: phoneNumberId, settings: { source: 'env' } });
    await addDocument(stack.database.db, { namespace: ns, title: 'Delivery', contentType: 'text/markdown', content: SHIPPING });
    const customer = () => {
      const from = `4479${Math.floor(Math.random() * 1e8)}`;
      const say = async (text: string) => {
        const id = wamid();
        const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id, from, text }));
        expect(res.status).toBe(200);
        return id;
      };
      const received = () =>
        stack.graph
          .sent()
          .filter((r) => r.body.to === from)
          .map((r) => r.body.text.body as string);
      return { say, received };
    };
    return { ns, customer };
  }

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.system.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const escalationOf = async (taskId: string, kind: 'escalation' | 'approval' = 'escalation') =>
    (
      await stack.database.db
        .select()
        .from(escalations)
        .where(and(eq(escalations.taskId, taskId), eq(escalations.kind, kind)))
    )[0];
  const decisionsOf = (taskId: string) =>
    stack.database.db.select().from(humanDecisions).where(eq(humanDecisions.taskId, taskId)).orderBy(asc(humanDecisions.createdAt));

  describe('escalation', () => {
    let escalating: Awaited<ReturnType<typeof namespaceWith>>;
    /** A new customer of the escalating namespace. */
    const someone = () => escalating.customer();
    beforeAll(async () => {
      escalating = await namespaceWith({ escalation: { assignee: ASSIGNEE, timeout: '60s' } });
    });

    it('when a customer asks for a human, then one hand-off notice goes out, the assignee gets a DM, and the reply sent by API reaches the customer once', async () => {
      const { say, received } = someone();
      const id = await say('I want to speak to a real person please');
      const task = await waitForStatus(id, 'escalated');
      expect(received()).toEqual([DEFAULT_HANDOFF_MESSAGE]);

      const dm = await waitFor(() => stack.slack.posted().find((r) => r.body.channel === ASSIGNEE && String(r.body.text).includes(task.id)));
      expect(dm.body.text).toContain('escalated');
      // What an operator sees in the Web UI: the memo, the summary, and what the workflow waits for.
      const handle = stack.system.client.workflow.getHandle(task.workflowId);
      const description = await handle.describe();
      expect(description.memo).toMatchObject({ channel: 'whatsapp', firstWords: 'I want to speak to a real person please' });
      expect(await description.staticSummary()).toMatch(/^whatsapp · .+: "I want to speak to a real person please"$/);
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(metadata.currentDetails).toContain('**Waiting for a person**');
      expect(metadata.currentDetails).toContain(`POST /api/v1/agent-tasks/${task.id}/escalation`);
      const progress = await handle.query(progressQuery);
      expect(progress).toMatchObject({ status: 'escalated', route: 'await_human' });
      expect(progress.steps.map((s) => [s.name, s.status]).at(-1)).toEqual(['await_human', 'running']);

      // The inbox shows it with the transcript, reason and waiting time.
      const inbox = await json(await api('GET', '/escalations?status=open'));
      const entry = inbox.data.find((e: { taskId: string }) => e.taskId === task.id);
      expect(entry).toMatchObject({ kind: 'escalation', status: 'open', assignee: ASSIGNEE, reason: expect.stringContaining('real person') });
      expect(entry.transcript.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual([
        ['inbound', 'I want to speak to a real person please'],
        ['outbound', DEFAULT_HANDOFF_MESSAGE],
      ]);
      expect(entry.waitingMs).toBeGreaterThanOrEqual(0);

      const res = await api('POST', `/agent-tasks/${task.id}/escalation`, {
        action: 'reply',
        text: 'Hi, this is Sam. How can I help?',
        agent: 'sam@acme.test',
      });
      expect(res.status).toBe(200);
      expect((await json(res)).outcome).toEqual({ taskId: task.id, status: 'delivered', action: 'reply', agent: 'sam@acme.test', sent: true });
      expect(received()).toEqual([DEFAULT_HANDOFF_MESSAGE, 'Hi, this is Sam. How can I help?']);
      expect(await finished(id)).toMatchObject({ status: 'delivered', route: 'await_human' });

      expect(await escalationOf(task.id)).toMatchObject({
        status: 'resolved',
        resolvedBy: 'sam@acme.test',
        resolution: { action: 'reply', text: 'Hi, this is Sam. How can I help?' },
      });
      expect((await escalationOf(task.id))!.resolvedAt).toBeInstanceOf(Date);
      const again = await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'twice?', agent: 'kim' });
      expect(again.status).toBe(409);
      expect((await decisionsOf(task.id)).map((d) => [d.agent, d.action, d.outcome])).toEqual([
        ['sam@acme.test', 'reply', 'applied'],
        ['kim', 'reply', 'refused'],
      ]);
      const [step] = await stack.database.db
        .select()
        .from(agentToolCalls)
        .where(and(eq(agentToolCalls.taskId, task.id), eq(agentToolCalls.name, 'await_human')));
      expect(step).toMatchObject({ status: 'succeeded', outputSummary: { status: 'resolved', action: 'reply', agent: 'sam@acme.test' } });
      expect(received()).toHaveLength(2);
    });

    it('when a decision arrives while the hold is still being opened, then it is taken, not refused for being early', async () => {
      const early = someone();
      stack.graph.hangNext(); // the hand-off notice hangs until the 2 s channel timeout
      const id = await early.say('I need a real person');
      const task = await waitFor(() => taskOf(id));
      await waitFor(async () => {
        const rows = await stack.database.db
          .select()
          .from(agentToolCalls)
          .where(and(eq(agentToolCalls.taskId, task.id), eq(agentToolCalls.name, 'await_human')));
        return rows.length > 0 || undefined;
      });
      expect((await taskOf(id))!.status).toBe('running'); // not yet reported as escalated
      const res = await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Early but welcome.', agent: 'sam' });
      expect(res.status).toBe(200);
      expect((await json(res)).outcome).toMatchObject({ status: 'delivered', sent: true });
      expect(early.received().at(-1)).toBe('Early but welcome.');
      expect(early.received().filter((t) => t === 'Early but welcome.')).toHaveLength(1);
    });

    it('when the agent hands back, then the AI draft goes out; when they close, nothing more is sent', async () => {
      const backer = someone();
      const back = await backer.say('Can I talk to an agent about my delivery times?');
      const task = await waitForStatus(back, 'escalated');
      const res = await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'handback', agent: 'sam' });
      expect((await json(res)).outcome).toMatchObject({ status: 'delivered', action: 'handback', sent: true });
      const draft = (await taskOf(back))!.draft!;
      expect(draft).toBeTruthy();
      expect(backer.received()).toEqual([DEFAULT_HANDOFF_MESSAGE, draft]);

      const closer = someone();
      const closing = await closer.say('human please');
      const closingTask = await waitForStatus(closing, 'escalated');
      const closed = await api('POST', `/agent-tasks/${closingTask.id}/escalation`, { action: 'close', text: 'spam', agent: 'sam' });
      expect((await json(closed)).outcome).toMatchObject({ status: 'closed', action: 'close', sent: false });
      expect(await finished(closing)).toMatchObject({ status: 'closed' });
      expect(closer.received()).toEqual([DEFAULT_HANDOFF_MESSAGE]);
      expect(await escalationOf(closingTask.id)).toMatchObject({ status: 'resolved', resolution: { action: 'close', text: 'spam' } });
    });

    it('when the body is invalid or the task unknown, then 400 lists the problems and 404 names the task', async () => {
      const id = await someone().say('representative now');
      const task = await waitForStatus(id, 'escalated');
      const bad = await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', agent: '', extra: true });
      expect(bad.status).toBe(400);
      const { error } = await json(bad);
      expect(error.code).toBe('invalid_decision');
      expect(error.message).toContain('agent: required');
      expect(error.message).toContain('text: required for reply');
      expect(error.message).toContain('extra: not a known field');
      expect((await api('POST', `/agent-tasks/${randomUUID()}/escalation`, { action: 'close', agent: 'a' })).status).toBe(404);
      expect((await api('POST', '/agent-tasks/not-a-uuid/escalation', { action: 'close', agent: 'a' })).status).toBe(404);
      // An approval is not what this task waits for.
      expect((await api('POST', `/agent-tasks/${task.id}/approval`, { decision: 'approve', agent: 'a' })).status).toBe(409);
      expect((await api('GET', '/escalations?status=nope')).status).toBe(400);
      await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'close', agent: 'cleanup' });
    });

    it('when two agents answer at once, then one wins, the other gets 409, and the customer gets one message', async () => {
      const racer = someone();
      const id = await racer.say('real person');
      const task = await waitForStatus(id, 'escalated');
      const [a, b] = await Promise.all([
        api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Reply from Ana', agent: 'ana' }),
        api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Reply from Ben', agent: 'ben' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      await finished(id);
      const sent = racer.received().slice(1);
      expect(sent).toHaveLength(1);
      expect(['Reply from Ana', 'Reply from Ben']).toContain(sent[0]);
      const winner = a.status === 200 ? 'ana' : 'ben';
      expect(await escalationOf(task.id)).toMatchObject({ resolvedBy: winner });
    });

    it('when the same resolution comes by `temporal workflow signal`, then it is carried out; a second signal is refused into the audit', async () => {
      const cli = someone();
      const id = await cli.say('I need a human');
      const task = await waitForStatus(id, 'escalated');
      const signal = (input: unknown) =>
        run(inject('temporalCli'), [
          'workflow',
          'signal',
          '--address',
          inject('temporalAddress'),
          '--namespace',
          'default',
          '--workflow-id',
          task.workflowId,
          '--name',
          'resolveEscalation',
          '--input',
          JSON.stringify(input),
        ]);
      await signal({ action: 'reply', text: 'Answered from the CLI', agent: 'ops-cli' });
      await signal({ action: 'reply', text: 'And again', agent: 'ops-cli-2' });
      expect(await finished(id)).toMatchObject({ status: 'delivered' });
      expect(cli.received()).toEqual([DEFAULT_HANDOFF_MESSAGE, 'Answered from the CLI']);
      const decisions = await waitFor(async () => {
        const rows = await decisionsOf(task.id);
        return rows.length === 2 ? rows : undefined;
      });
      expect(decisions.map((d) => [d.agent, d.outcome])).toEqual([
        ['ops-cli', 'applied'],
        ['ops-cli-2', 'refused'],
      ]);
    });

    it('when messages arrive while a person holds the conversation, then the bot stays silent, they join the escalation, and after the reply the bot answers again', async () => {
      const conversation = someone();
      const first = await conversation.say('speak to someone please');
      const task = await waitForStatus(first, 'escalated');
      const second = await conversation.say('hello?');
      const third = await conversation.say('how long does standard delivery take');
      for (const id of [second, third]) {
        expect(await finished(id)).toMatchObject({ status: 'closed', route: 'await_human' });
        expect((await taskOf(id))!.joinedEscalationId).toBe((await escalationOf(task.id))!.id);
      }
      expect(conversation.received()).toEqual([DEFAULT_HANDOFF_MESSAGE]);
      const inbox = await json(await api('GET', '/escalations?status=open'));
      const entry = inbox.data.find((e: { taskId: string }) => e.taskId === task.id);
      expect(entry.transcript.map((m: { text: string }) => m.text)).toEqual([
        'speak to someone please',
        DEFAULT_HANDOFF_MESSAGE,
        'hello?',
        'how long does standard delivery take',
      ]);

      await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Standard takes 2 to 3 days.', agent: 'sam' });
      expect(await finished(first)).toMatchObject({ status: 'delivered' });
      const after = await conversation.say('thanks');
      expect(await finished(after)).toMatchObject({ status: 'delivered', route: 'deliver' });
      expect(conversation.received()).toEqual([DEFAULT_HANDOFF_MESSAGE, 'Standard takes 2 to 3 days.', expect.stringMatching(/^You're welcome/)]);
    });

    it('when nobody answers in time, then the customer gets the fallback message, the escalation expires and a late reply is refused', async () => {
      const quick = (await namespaceWith({ escalation: { timeout: '1500ms' } })).customer();
      const id = await quick.say('human');
      const task = await waitForStatus(id, 'escalated');
      expect(await finished(id)).toMatchObject({ status: 'closed', route: 'await_human' });
      expect(quick.received()).toEqual([DEFAULT_HANDOFF_MESSAGE, DEFAULT_FALLBACK_MESSAGE]);
      expect(await escalationOf(task.id)).toMatchObject({ status: 'expired', resolvedBy: null, resolution: { expired: true } });
      const late = await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'sorry, late', agent: 'sam' });
      expect(late.status).toBe(409);
      expect(quick.received()).toHaveLength(2);
      expect((await json(await api('GET', '/escalations?status=expired'))).data.map((e: { taskId: string }) => e.taskId)).toContain(task.id);
    });
  });

  describe('approval', () => {
    const approving = async (extra: NamespaceConfigInput = {}) =>
      (await namespaceWith({ trustMatrix: { question: 'approve', order_status: 'approve' }, ...extra })).customer();
    const QUESTION = 'How long does standard delivery take?';

    it('when the trust matrix says approve, then the draft waits; approve sends it, edit sends the edited text', async () => {
      const ns = await approving({ approval: { timeout: '60s' } });
      const id = await ns.say(QUESTION);
      const task = await waitForStatus(id, 'awaiting_approval');
      expect(ns.received()).toEqual([]);
      const approval = await escalationOf(task.id, 'approval');
      expect(approval).toMatchObject({ status: 'open', reason: expect.stringContaining('trust matrix says approve'), draft: task.draft });
      expect((approval!.passages as unknown[]).length).toBeGreaterThan(0);
      const invalid = await api('POST', `/agent-tasks/${task.id}/approval`, { decision: 'edit', agent: 'lee' });
      expect(invalid.status).toBe(400);
      expect((await json(invalid)).error.message).toContain('text: required for edit');
      expect((await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'close', agent: 'lee' })).status).toBe(409);
      const res = await api('POST', `/agent-tasks/${task.id}/approval`, { decision: 'approve', agent: 'lee' });
      expect((await json(res)).outcome).toMatchObject({ status: 'delivered', action: 'approve', sent: true });
      expect(ns.received()).toEqual([task.draft]);
      expect(ns.received()[0]).toContain('2 to 3 working days');

      const edited = await ns.say('And how long does express delivery take?');
      const editedTask = await waitForStatus(edited, 'awaiting_approval');
      await api('POST', `/agent-tasks/${editedTask.id}/approval`, { decision: 'edit', text: 'Express arrives tomorrow if you order today.', agent: 'lee' });
      expect(await finished(edited)).toMatchObject({ status: 'delivered' });
      expect(ns.received().at(-1)).toBe('Express arrives tomorrow if you order today.');
      expect((await decisionsOf(editedTask.id)).map((d) => [d.action, d.text, d.outcome])).toEqual([
        ['edit', 'Express arrives tomorrow if you order today.', 'applied'],
      ]);
    });

    it('when the draft is rejected, then nothing is sent, or the configured notice', async () => {
      const silent = await approving();
      const id = await silent.say(QUESTION);
      const task = await waitForStatus(id, 'awaiting_approval');
      await api('POST', `/agent-tasks/${task.id}/approval`, { decision: 'reject', text: 'wrong tone', agent: 'lee' });
      expect(await finished(id)).toMatchObject({ status: 'closed' });
      expect(silent.received()).toEqual([]);
      expect(await escalationOf(task.id, 'approval')).toMatchObject({ status: 'resolved', resolution: { action: 'reject', text: 'wrong tone' } });

      const noticed = await approving({ approval: { rejectNotice: 'A colleague will answer you shortly.' } });
      const other = await noticed.say(QUESTION);
      const otherTask = await waitForStatus(other, 'awaiting_approval');
      const res = await api('POST', `/agent-tasks/${otherTask.id}/approval`, { decision: 'reject', agent: 'lee' });
      expect((await json(res)).outcome).toMatchObject({ status: 'closed', action: 'reject', sent: true });
      expect(noticed.received()).toEqual(['A colleague will answer you shortly.']);
    });

    it('when nobody approves in time, then it escalates, and the escalation is resolved like any other', async () => {
      const ns = await approving({ approval: { timeout: '1s' }, escalation: { timeout: '60s' } });
      const id = await ns.say(QUESTION);
      const task = await waitForStatus(id, 'escalated');
      expect(await escalationOf(task.id, 'approval')).toMatchObject({ status: 'expired', resolution: { expired: true, note: 'escalated' } });
      expect(await escalationOf(task.id)).toMatchObject({ status: 'open', reason: expect.stringMatching(/^no approval within 1 s/) });
      expect(ns.received()).toEqual([DEFAULT_HANDOFF_MESSAGE]);
      expect((await api('POST', `/agent-tasks/${task.id}/approval`, { decision: 'approve', agent: 'late' })).status).toBe(409);
      await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'handback', agent: 'lee' });
      expect(await finished(id)).toMatchObject({ status: 'delivered', route: 'await_human' });
      expect(ns.received()).toEqual([DEFAULT_HANDOFF_MESSAGE, task.draft]);
    });

    it("when a billing action finds nothing in the knowledge base, then the approver gets a holding reply in the customer's language, not the not-found draft, and approve sends it", async () => {
      const ns = await namespaceWith({ trustMatrix: { billing: 'approve' }, approval: { timeout: '60s' } });
      const customer = ns.customer();
      const id = await customer.say('Me cobraron dos veces la suscripción de este mes, quiero que me devuelvan el segundo cargo');
      const task = await waitForStatus(id, 'awaiting_approval');
      expect(task.draft).toBe(HOLDING_REPLIES.es);
      expect(await escalationOf(task.id, 'approval')).toMatchObject({ status: 'open', draft: HOLDING_REPLIES.es });
      const gate = (
        await stack.database.db
          .select()
          .from(agentToolCalls)
          .where(and(eq(agentToolCalls.taskId, task.id), eq(agentToolCalls.name, 'confidence_check')))
      )[0];
      expect(gate?.outputSummary).toMatchObject({ notFound: true, holdingReply: expect.stringContaining('holding reply') });
      await api('POST', `/agent-tasks/${task.id}/approval`, { decision: 'approve', agent: 'lee' });
      expect(await finished(id)).toMatchObject({ status: 'delivered' });
      expect(customer.received()).toEqual([HOLDING_REPLIES.es]);

      // A namespace's own holding reply replaces the built-in one.
      const own = await namespaceWith({ trustMatrix: { billing: 'approve' }, approval: { timeout: '60s', holdingReply: 'We are on it.' } });
      const other = await own.customer().say('I was charged twice for my subscription, please refund the second charge');
      expect((await waitForStatus(other, 'awaiting_approval')).draft).toBe('We are on it.');
    });
  });
});
