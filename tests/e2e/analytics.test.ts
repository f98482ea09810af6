/**
 * Outcomes and reply attribution for every way a message ends (deliver, approve, edit, reject, reply,
 * handback, close, timeout, an approval's timeout, reopen), an agent's flag on an AI reply, and
 * GET /api/v1/analytics checked against the rows it counts, one namespace never seeing another's.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { taskOutcomes } from '../../src/db/schema';
import { addDocument } from '../../src/knowledge/store';
import { callApi, whatsappNamespace } from '../helpers/namespaces';
import { taskLookups } from '../helpers/tasks';
import { useTestSystem, waitFor } from '../helpers/system';

const SHIPPING = '# Delivery times\n\nStandard delivery takes 2 to 3 working days. Express delivery arrives the next working day.';

describe('outcomes, feedback and analytics', () => {
  const stack = useTestSystem('postgres');
  const { waitForStatus, taskOf } = taskLookups(stack);
  const api = (method: string, path: string, body?: unknown, key?: string) => callApi(stack, method, path, body, key);
  const outcomeOf = (taskId: string) =>
    waitFor(async () => (await stack.database.db.select().from(taskOutcomes).where(eq(taskOutcomes.taskId, taskId)))[0], 20_000, `the outcome of ${taskId}`);
  let shop: Awaited<ReturnType<typeof whatsappNamespace>>;
  let slow: Awaited<ReturnType<typeof whatsappNamespace>>;

  beforeAll(async () => {
    shop = await whatsappNamespace(stack, 'out', {
      trustMatrix: { question: 'approve', order_status: 'approve' },
      escalation: { timeout: '60s' },
      approval: { timeout: '60s' },
    });
    slow = await whatsappNamespace(stack, 'late', {
      trustMatrix: { question: 'approve', order_status: 'approve' },
      escalation: { timeout: '1s' },
      approval: { timeout: '1s' },
    });
    for (const ns of [shop.ns, slow.ns])
      await addDocument(stack.database.db, { namespace: ns, title: 'Delivery', contentType: 'text/markdown', content: SHIPPING });
  });

  /** A customer writes; the task once it reached `status`. */
  const ask = async (ns: typeof shop, text: string, status: string, customer = ns.customer()) => {
    const id = await customer.say(text);
    try {
      return { customer, id, task: await waitForStatus(id, status) };
    } catch (err) {
      const t = await taskOf(id);
      throw new Error(`${(err as Error).message}; it is ${t?.status} (${t?.route}, ${JSON.stringify(t?.gateReasons)})`);
    }
  };
  const decide = (taskId: string, kind: 'escalation' | 'approval', body: Record<string, unknown>) =>
    api('POST', `/agent-tasks/${taskId}/${kind}`, { agent: 'sam', ...body });

  it('when messages end every way there is, then each outcome and attribution says who resolved it and why it was handed over', async () => {
    const delivered = await ask(shop, 'hello', 'delivered');
    const approved = await ask(shop, 'How long does standard delivery take?', 'awaiting_approval');
    const edited = await ask(shop, 'How long does standard delivery take?', 'awaiting_approval');
    const rejected = await ask(shop, 'How long does standard delivery take?', 'awaiting_approval');
    const replied = await ask(shop, 'I want to speak to a real person', 'escalated');
    const handedBack = await ask(shop, 'I want to speak to a real person', 'escalated');
    const closed = await ask(shop, 'I want to speak to a real person', 'escalated');
    expect((await decide(approved.task.id, 'approval', { decision: 'approve' })).status).toBe(200);
    expect((await decide(edited.task.id, 'approval', { decision: 'edit', text: 'Two to three working days.' })).status).toBe(200);
    expect((await decide(rejected.task.id, 'approval', { decision: 'reject' })).status).toBe(200);
    expect((await decide(replied.task.id, 'escalation', { action: 'reply', text: 'Sam here.' })).status).toBe(200);
    expect((await decide(handedBack.task.id, 'escalation', { action: 'handback' })).status).toBe(200);
    expect((await decide(closed.task.id, 'escalation', { action: 'close' })).status).toBe(200);
    const expired = await ask(slow, 'I want to speak to a real person', 'escalated');
    const approvalLate = await ask(slow, 'How long does standard delivery take?', 'awaiting_approval');
    await waitForStatus(approvalLate.id, 'escalated');
    expect((await decide(approvalLate.task.id, 'escalation', { action: 'reply', text: 'Sorry for the wait.' })).status).toBe(200);

    expect(await outcomeOf(delivered.task.id)).toMatchObject({ resolvedBy: 'assistant', attribution: 'assistant', handedOver: false, intent: 'greeting' });
    expect(await outcomeOf(approved.task.id)).toMatchObject({ resolvedBy: 'assistant', attribution: 'assistant', approval: 'approve', handedOver: false });
    expect(await outcomeOf(edited.task.id)).toMatchObject({ resolvedBy: 'person', attribution: 'assistant_edited', approval: 'edit' });
    expect(await outcomeOf(rejected.task.id)).toMatchObject({ resolvedBy: 'none', attribution: null, approval: 'reject' });
    expect(await outcomeOf(replied.task.id)).toMatchObject({ resolvedBy: 'person', attribution: 'person', handedOver: true, handoffReason: 'customer_asked' });
    expect(await outcomeOf(handedBack.task.id)).toMatchObject({ resolvedBy: 'assistant', attribution: 'assistant', handedOver: true });
    expect(await outcomeOf(closed.task.id)).toMatchObject({ resolvedBy: 'person', attribution: null, handedOver: true });
    expect(await outcomeOf(expired.task.id)).toMatchObject({ resolvedBy: 'none', handedOver: true, handoffReason: 'customer_asked' });
    expect(await outcomeOf(approvalLate.task.id)).toMatchObject({
      resolvedBy: 'person',
      attribution: 'person',
      handedOver: true,
      handoffReason: 'timeout',
      approval: 'expired',
    });

    // Response times: every one answered something; a person's reply came later than the first notice.
    const replyOutcome = await outcomeOf(replied.task.id);
    expect(replyOutcome.firstResponseMs).toBeGreaterThanOrEqual(0);
    expect(replyOutcome.firstHumanResponseMs).toBeGreaterThanOrEqual(replyOutcome.firstResponseMs!);
    expect((await outcomeOf(delivered.task.id)).firstHumanResponseMs).toBeNull();
    expect((await outcomeOf(edited.task.id)).firstHumanResponseMs).toBeGreaterThan(0);

    // Reopened: the customer answered with "hello" comes back with a question within 7 days.
    expect((await outcomeOf(delivered.task.id)).reopened).toBe(false);
    await ask(shop, 'Where is my order 4411?', 'awaiting_approval', delivered.customer);
    await waitFor(async () => ((await outcomeOf(delivered.task.id)).reopened ? true : undefined), 20_000, 'the reopening');
  });

  it('when an agent flags an AI reply, then it is kept and counted; a reply a person wrote cannot be flagged', async () => {
    const { task } = await ask(shop, 'hello', 'delivered');
    await outcomeOf(task.id);
    const flagged = await api('POST', `/agent-tasks/${task.id}/feedback`, { category: 'incomplete', note: 'says nothing about express', agent: 'lee' });
    expect(flagged.status).toBe(201);
    expect(flagged.body).toMatchObject({ taskId: task.id, category: 'incomplete', agent: 'lee' });
    expect((await api('POST', `/agent-tasks/${task.id}/feedback`, { category: 'wrong', agent: 'lee' })).status).toBe(400);
    const byPerson = await ask(shop, 'I want to speak to a real person', 'escalated');
    await decide(byPerson.task.id, 'escalation', { action: 'reply', text: 'Sam here.' });
    await outcomeOf(byPerson.task.id);
    expect((await api('POST', `/agent-tasks/${byPerson.task.id}/feedback`, { category: 'incorrect', agent: 'lee' })).body.error.code).toBe('not_an_ai_reply');
    const report = await api('GET', `/analytics?namespace=${shop.ns}&window=1h`);
    expect(report.body.flags).toMatchObject({ total: 1, byCategory: { incomplete: 1, incorrect: 0 } });
  });

  it('when analytics are asked for, then every figure matches the rows it counts, and one namespace never sees another', async () => {
    const report = (await api('GET', `/analytics?namespace=${shop.ns}&window=24h`)).body;
    const rows = await stack.database.db.select().from(taskOutcomes).where(eq(taskOutcomes.namespace, shop.ns));
    const countOf = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).length;
    expect(report.tasks).toBe(rows.length);
    expect(report.resolved).toEqual({
      assistant: countOf((r) => r.resolvedBy === 'assistant'),
      person: countOf((r) => r.resolvedBy === 'person'),
      none: countOf((r) => r.resolvedBy === 'none'),
    });
    expect(report.resolutionRate).toBeCloseTo(countOf((r) => r.resolvedBy === 'assistant') / rows.length, 3);
    expect(report.handedOver.total).toBe(countOf((r) => r.handedOver));
    expect(report.handedOver.byReason.customer_asked).toBe(countOf((r) => r.handoffReason === 'customer_asked'));
    expect(report.attribution).toEqual({
      assistant: countOf((r) => r.attribution === 'assistant'),
      assistant_edited: countOf((r) => r.attribution === 'assistant_edited'),
      person: countOf((r) => r.attribution === 'person'),
    });
    expect(report.reopened.total).toBe(countOf((r) => r.reopened));
    // The delivery question's intent, held for approval by the trust matrix.
    const held = rows.find((r) => r.approval === 'edit')!.intent!;
    const figures = report.intents.find((i: { intent: string }) => i.intent === held);
    expect(figures).toMatchObject({
      trust: 'approve',
      approved: countOf((r) => r.intent === held && r.approval === 'approve'),
      edited: countOf((r) => r.intent === held && r.approval === 'edit'),
      rejected: countOf((r) => r.intent === held && r.approval === 'reject'),
    });
    expect(figures.decided).toBe(figures.approved + figures.edited + figures.rejected);
    expect(report.series.unit).toBe('hour');
    expect(report.series.points.reduce((n: number, p: { tasks: number }) => n + p.tasks, 0)).toBe(rows.length);
    expect(report.suggestions).toEqual([]); // far fewer than 20 decisions

    // The other namespace's figures hold only its own tasks; an operator key of it sees only them.
    const other = (await api('GET', `/analytics?namespace=${slow.ns}&window=24h`)).body;
    expect(other.tasks).toBe((await stack.database.db.select().from(taskOutcomes).where(eq(taskOutcomes.namespace, slow.ns))).length);
    const key = (await api('POST', '/api-keys', { namespace: slow.ns, role: 'operator', name: 'late desk' })).body.key as string;
    expect((await api('GET', `/analytics?namespace=${shop.ns}`, undefined, key)).status).toBe(404);
    expect((await api('GET', '/analytics?window=24h', undefined, key)).body).toMatchObject({ namespace: slow.ns, tasks: other.tasks });
    const agent = (await api('POST', '/api-keys', { namespace: slow.ns, role: 'agent', name: 'late agent' })).body.key as string;
    expect((await api('GET', '/analytics', undefined, agent)).status).toBe(403);
    const shopTask = (await stack.database.db.select().from(taskOutcomes).where(eq(taskOutcomes.namespace, shop.ns)))[0]!;
    expect((await api('POST', `/agent-tasks/${shopTask.taskId}/feedback`, { category: 'incorrect', agent: 'x' }, agent)).status).toBe(404);
    expect((await api('GET', '/analytics?window=soon')).status).toBe(400);
    expect((await api('GET', '/analytics?namespace=nobody-here')).status).toBe(404);
  });

  it('when the knowledge base could not answer, then the questions are grouped by topic with the replies, and a reply becomes an article that answers next time', async () => {
    const gaps = await whatsappNamespace(stack, 'gaps', { escalation: { timeout: '60s' } });
    const iceland = await ask(gaps, 'Do you ship to Iceland?', 'escalated');
    const iceland2 = await ask(gaps, 'Can you deliver my parcel to Iceland?', 'escalated');
    const password = await ask(gaps, 'How do I reset my password?', 'escalated');
    const hello = await ask(gaps, 'hello', 'delivered');
    const reply = 'Yes: we ship to Iceland with DHL Express, 4 to 6 working days, 25 EUR.';
    expect((await decide(iceland.task.id, 'escalation', { action: 'reply', text: reply })).status).toBe(200);
    expect((await decide(password.task.id, 'escalation', { action: 'reply', text: 'Use "Forgot password" on the sign-in page.' })).status).toBe(200);
    await outcomeOf(hello.task.id);
    expect(await outcomeOf(iceland.task.id)).toMatchObject({ handoffReason: 'knowledge_missing', attribution: 'person' });
    expect(await outcomeOf(password.task.id)).toMatchObject({ handoffReason: 'knowledge_missing' });

    const report = (await api('GET', `/namespaces/${gaps.ns}/knowledge-gaps?window=1h`)).body;
    expect(report.groupedBy).toBe('words');
    expect(report.groups.map((g: { count: number; questions: Array<{ text: string }> }) => [g.count, g.questions.map((q) => q.text)])).toEqual([
      [1, ['Do you ship to Iceland?']],
      [1, ['How do I reset my password?']],
    ]);
    expect(report.groups[0].questions[0]).toMatchObject({ why: 'knowledge_missing', reply });
    // The unanswered one is still open: it joins its topic once it has an outcome.
    expect((await decide(iceland2.task.id, 'escalation', { action: 'close' })).status).toBe(200);
    await outcomeOf(iceland2.task.id);
    const grouped = (await api('GET', `/namespaces/${gaps.ns}/knowledge-gaps?window=1h`)).body.groups;
    expect(grouped[0]).toMatchObject({ count: 2, topic: expect.stringContaining('iceland') });
    expect(grouped[0].questions.map((q: { reply: string | null }) => q.reply)).toEqual([reply, null]);

    const draftOf = (taskId: string) => api('POST', `/namespaces/${gaps.ns}/knowledge-gaps/drafts`, { taskId, agent: 'lee' });
    expect((await draftOf(iceland2.task.id)).body.error.code).toBe('no_reply');
    expect((await draftOf(hello.task.id)).body.error.code).toBe('not_a_gap');
    expect((await draftOf((await ask(shop, 'hello', 'delivered')).task.id)).status).toBe(404); // another namespace's
    const draft = await draftOf(iceland.task.id);
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ title: 'Do you ship to Iceland?', content: `# Do you ship to Iceland?\n\n${reply}\n`, documentId: null });
    // Not searchable until published.
    const before = await api('POST', '/rag/draft', { namespace: gaps.ns, text: 'Do you deliver to Iceland?' });
    expect(before.body.passages).toEqual([]);
    const published = await api('POST', `/namespaces/${gaps.ns}/knowledge-gaps/drafts/${draft.body.id}/publish`, { title: 'Shipping to Iceland' });
    expect(published.status).toBe(201);
    expect(published.body.documentId).toEqual(expect.any(String));
    expect((await api('POST', `/namespaces/${gaps.ns}/knowledge-gaps/drafts/${draft.body.id}/publish`, {})).body.error.code).toBe('already_published');
    const after = await api('POST', '/rag/draft', { namespace: gaps.ns, text: 'Do you deliver to Iceland?' });
    expect(after.body.passages[0].title).toMatch(/^Shipping to Iceland/);
    expect(after.body.passages[0].text).toContain('DHL Express');
  });
});
