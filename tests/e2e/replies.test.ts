/**
 * GET /api/v1/replies against the real system, on PostgreSQL and on PGlite: customers write, the
 * workflow answers (on its own, approved, edited, by a person, rejected), and the list holds exactly
 * the replies the assistant wrote, as the customer received them, with the flags agents put on them;
 * the flagged filter, the window, keyset pages while replies are added, every bad parameter a 400,
 * and an agent of one namespace seeing and flagging nothing of another's.
 */
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentTasks, replyFeedback, taskOutcomes } from '../../src/db/schema';
import { addDocument } from '../../src/knowledge/store';
import { callApi, whatsappNamespace, type Customer } from '../helpers/namespaces';
import { DB_KINDS, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';

const SHIPPING = '# Delivery times\n\nStandard delivery takes 2 to 3 working days. Express delivery arrives the next working day.';
const EDITED = 'Two to three working days, Monday to Friday.';

interface ReplyItem {
  taskId: string;
  namespace: string;
  channel: string;
  contactName: string | null;
  question: string | null;
  reply: string;
  draft: string | null;
  intent: string | null;
  attribution: string;
  createdAt: string;
  finishedAt: string;
  flags: Array<{ id: string; taskId: string; category: string; note: string | null; agent: string; createdAt: string }>;
}

describe.each(DB_KINDS)('AI replies to review and flag, on %s', (kind) => {
  const stack = useTestSystem(kind);
  const { waitForStatus } = taskLookups(stack);
  const api = (method: string, path: string, body?: unknown, key?: string) => callApi(stack, method, path, body, key);
  const outcomeOf = (taskId: string) =>
    waitFor(async () => (await stack.database.db.select().from(taskOutcomes).where(eq(taskOutcomes.taskId, taskId)))[0], 20_000, `the outcome of ${taskId}`);
  /** The list's items, as the key sees them. */
  const list = async (query: string, key?: string): Promise<{ namespace: string; data: ReplyItem[]; nextCursor: string | null }> => {
    const res = await api('GET', `/replies?${query}`, undefined, key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const ids = (items: ReplyItem[]) => items.map((r) => r.taskId);

  let shop: Awaited<ReturnType<typeof whatsappNamespace>>;
  let other: Awaited<ReturnType<typeof whatsappNamespace>>;
  const keys = {} as Record<'agentOfShop' | 'agentOfOther' | 'operatorOfShop', string>;
  type Asked = { customer: Customer; task: typeof agentTasks.$inferSelect };
  const asked = {} as Record<'hello' | 'approved' | 'edited' | 'byPerson' | 'rejected' | 'closed' | 'elsewhere', Asked>;

  /** A customer writes; the task once it reached `status`. */
  const ask = async (ns: typeof shop, text: string, status: string, name?: string): Promise<Asked> => {
    const customer = ns.customer(name);
    const id = await customer.say(text);
    return { customer, task: await waitForStatus(id, status) };
  };
  const decide = async (taskId: string, what: 'escalation' | 'approval', body: Record<string, unknown>) =>
    expect((await api('POST', `/agent-tasks/${taskId}/${what}`, { agent: 'sam', ...body })).status).toBe(200);
  const sentTo = (customer: Customer) => customer.received().map((m) => m.text);

  beforeAll(async () => {
    const config = { trustMatrix: { question: 'approve', order_status: 'approve' }, escalation: { timeout: '60s' }, approval: { timeout: '60s' } } as const;
    shop = await whatsappNamespace(stack, 'replies', config);
    other = await whatsappNamespace(stack, 'elsewhere', config);
    for (const ns of [shop.ns, other.ns])
      await addDocument(stack.database.db, { namespace: ns, title: 'Delivery', contentType: 'text/markdown', content: SHIPPING });
    for (const [name, ns, role] of [
      ['agentOfShop', shop.ns, 'agent'],
      ['agentOfOther', other.ns, 'agent'],
      ['operatorOfShop', shop.ns, 'operator'],
    ] as const) {
      const created = await api('POST', '/api-keys', { namespace: ns, role, name });
      expect(created.status).toBe(201);
      keys[name] = created.body.key;
    }

    // Asked in this order; of these only hello, approved and edited went out as the assistant wrote them (edited changed).
    asked.hello = await ask(shop, 'hello', 'delivered', 'Kerry Fisher');
    asked.approved = await ask(shop, 'How long does standard delivery take?', 'awaiting_approval', 'Ada Lovelace');
    asked.edited = await ask(shop, 'How long does standard delivery take, please?', 'awaiting_approval', 'Grace Hopper');
    asked.byPerson = await ask(shop, 'I want to speak to a real person', 'escalated');
    asked.rejected = await ask(shop, 'How long does express delivery take?', 'awaiting_approval');
    asked.closed = await ask(shop, 'Can I talk to a human please?', 'escalated');
    asked.elsewhere = await ask(other, 'hello', 'delivered');
    await decide(asked.approved.task.id, 'approval', { decision: 'approve' });
    await decide(asked.edited.task.id, 'approval', { decision: 'edit', text: EDITED });
    await decide(asked.byPerson.task.id, 'escalation', { action: 'reply', text: 'Sam here, how can I help?' });
    await decide(asked.rejected.task.id, 'approval', { decision: 'reject' });
    await decide(asked.closed.task.id, 'escalation', { action: 'close' });
    for (const { task } of Object.values(asked)) await outcomeOf(task.id);
  });

  it('when the assistant, an approver and a person answered, then the list holds the replies the assistant wrote, newest first, as the customer received them', async () => {
    const page = await list(`namespace=${shop.ns}&window=1h`);
    expect(page.namespace).toBe(shop.ns);
    expect(ids(page.data)).toEqual([asked.edited.task.id, asked.approved.task.id, asked.hello.task.id]);
    expect(page.nextCursor).toBeNull();
    const [edited, approved, hello] = page.data;

    expect(hello).toMatchObject({
      namespace: shop.ns,
      channel: 'whatsapp',
      contactName: 'Kerry Fisher',
      question: 'hello',
      intent: 'greeting',
      attribution: 'assistant',
      flags: [],
    });
    expect([hello!.reply]).toEqual(sentTo(asked.hello.customer));
    expect(hello!.draft).toBe(asked.hello.task.draft);

    expect(approved).toMatchObject({ contactName: 'Ada Lovelace', question: 'How long does standard delivery take?', attribution: 'assistant' });
    expect([approved!.reply]).toEqual(sentTo(asked.approved.customer));
    expect(approved!.reply).toContain('2 to 3 working days');

    // An approver changed it: what went out is theirs; the assistant's draft is kept beside it.
    expect(edited).toMatchObject({ contactName: 'Grace Hopper', attribution: 'assistant_edited', reply: EDITED });
    expect(sentTo(asked.edited.customer)).toEqual([EDITED]);
    expect(edited!.draft).toBe(asked.edited.task.draft);
    expect(edited!.draft).not.toBe(EDITED);
    expect(edited!.intent).toBe((await outcomeOf(asked.edited.task.id)).intent);

    for (const item of page.data) {
      expect(Date.parse(item.finishedAt)).toBeGreaterThanOrEqual(Date.parse(item.createdAt));
      expect(item.createdAt).toBe((await outcomeOf(item.taskId)).createdAt.toISOString());
    }
    // A person's reply, a rejected draft and a closed hand-off are not the assistant's: not listed, and not flaggable.
    expect((await outcomeOf(asked.byPerson.task.id)).attribution).toBe('person');
    const byPerson = await api('POST', `/agent-tasks/${asked.byPerson.task.id}/feedback`, { category: 'incorrect', agent: 'lee' });
    expect([byPerson.status, byPerson.body.error.code]).toEqual([409, 'not_an_ai_reply']);
  });

  it('when an agent flags replies, then the flags are on them and the flagged filter splits the list', async () => {
    const flag = (taskId: string, body: Record<string, unknown>) => api('POST', `/agent-tasks/${taskId}/feedback`, body, keys.agentOfShop);
    const first = await flag(asked.approved.task.id, { category: 'incorrect', note: 'Express takes one day, not three.', agent: 'lee' });
    expect(first.status).toBe(201);
    expect((await flag(asked.approved.task.id, { category: 'outdated', agent: 'kim' })).status).toBe(201);

    // The agent's key lists its own namespace without naming it.
    const flagged = await list('flagged=true&window=1h', keys.agentOfShop);
    expect(flagged.namespace).toBe(shop.ns);
    expect(ids(flagged.data)).toEqual([asked.approved.task.id]);
    expect(flagged.data[0]!.flags.map((f) => [f.category, f.note, f.agent])).toEqual([
      ['incorrect', 'Express takes one day, not three.', 'lee'],
      ['outdated', null, 'kim'],
    ]);
    expect(flagged.data[0]!.flags[0]).toEqual(first.body);

    const unflagged = await list('flagged=false&window=1h', keys.agentOfShop);
    expect(ids(unflagged.data)).toEqual([asked.edited.task.id, asked.hello.task.id]);
    expect(unflagged.data.every((r) => r.flags.length === 0)).toBe(true);

    const all = await list('window=1h', keys.agentOfShop);
    expect(ids(all.data)).toEqual([asked.edited.task.id, asked.approved.task.id, asked.hello.task.id]);
    expect(all.data.map((r) => r.flags.length)).toEqual([0, 2, 0]);
  });

  it('when the window is shorter than a reply is old, then it is left out, and a longer window holds it again', async () => {
    const hello = asked.hello.task.id;
    const [outcome] = await stack.database.db.select().from(taskOutcomes).where(eq(taskOutcomes.taskId, hello));
    await stack.database.db
      .update(taskOutcomes)
      .set({ createdAt: sql`${taskOutcomes.createdAt} - interval '2 days'` })
      .where(eq(taskOutcomes.taskId, hello));
    try {
      expect(ids((await list(`namespace=${shop.ns}&window=1d`)).data)).not.toContain(hello);
      expect(ids((await list(`namespace=${shop.ns}&window=3d`)).data).at(-1)).toBe(hello);
      expect(ids((await list(`namespace=${shop.ns}`)).data).at(-1)).toBe(hello); // 7 days by default
    } finally {
      await stack.database.db.update(taskOutcomes).set({ createdAt: outcome!.createdAt }).where(eq(taskOutcomes.taskId, hello));
    }
  });

  it('when pages are walked one reply at a time while a new reply arrives, then every reply comes once, in order, and the new one heads a fresh list', async () => {
    const everything = ids((await list(`namespace=${shop.ns}&window=1h`)).data);
    const walked: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let newcomer: Asked | undefined;
    do {
      const page = await list(`namespace=${shop.ns}&window=1h&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      pages += 1;
      expect(page.data.length).toBe(1);
      walked.push(...ids(page.data));
      cursor = page.nextCursor;
      if (pages === 1) {
        newcomer = await ask(shop, 'hello', 'delivered');
        await outcomeOf(newcomer.task.id);
      }
    } while (cursor);
    expect(walked).toEqual(everything);
    expect(pages).toBe(everything.length);
    expect(ids((await list(`namespace=${shop.ns}&window=1h&limit=1`)).data)).toEqual([newcomer!.task.id]);

    // Pages of a filter: the unflagged ones, two at a time.
    const first = await list(`namespace=${shop.ns}&window=1h&flagged=false&limit=2`);
    expect(ids(first.data)).toEqual([newcomer!.task.id, asked.edited.task.id]);
    const second = await list(`namespace=${shop.ns}&window=1h&flagged=false&limit=2&cursor=${first.nextCursor}`);
    expect([ids(second.data), second.nextCursor]).toEqual([[asked.hello.task.id], null]);
  });

  it('when a query parameter is bad, then 400 invalid_query names each problem, and nothing else is answered', async () => {
    const bad = await api('GET', '/replies?limit=0&flagged=yes&window=soon&cursor=not-a-cursor&namespace=Not_A_Name!&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_query');
    expect(bad.body.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['(query)', 'cursor', 'flagged', 'limit', 'namespace', 'window']);
    expect(bad.body.error.message).toMatch(/^6 problem\(s\): /);
    for (const query of [
      'limit=201',
      'limit=ten',
      'limit=1.5',
      'flagged=TRUE',
      'flagged=1',
      'window=30s',
      'window=400d',
      `cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`,
      `cursor=${'a'.repeat(201)}`,
      'namespace=',
    ]) {
      const res = await api('GET', `/replies?${query}`);
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'invalid_query']);
      expect(res.body.error.problems).toHaveLength(1);
    }
    const unknown = await api('GET', '/replies?namespace=nobody-here');
    expect([unknown.status, unknown.body.error]).toEqual([404, { code: 'not_found', message: 'namespace nobody-here does not exist' }]);
    expect((await api('GET', '/replies', undefined, 'atk_not-a-key')).status).toBe(401);
  });

  it("when an agent of one namespace asks for another's replies or flags its reply, then 404 as for nothing there, and nothing of it is shown or stored", async () => {
    const elsewhere = asked.elsewhere.task.id;
    // Its own namespace, whether named or not; never the other's rows.
    for (const query of ['window=1h', `namespace=${shop.ns}&window=1h`]) {
      const own = await list(query, keys.agentOfShop);
      expect(own.namespace).toBe(shop.ns);
      expect(own.data.length).toBeGreaterThan(0);
      expect(own.data.every((r) => r.namespace === shop.ns)).toBe(true);
    }
    const theirs = await api('GET', `/replies?namespace=${other.ns}`, undefined, keys.agentOfShop);
    const nobody = await api('GET', '/replies?namespace=nobody-here', undefined, keys.agentOfShop);
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'not_found']);
    expect(theirs.body.error.message.replace(other.ns, 'X')).toBe(nobody.body.error.message.replace('nobody-here', 'X'));

    const flagged = await api('POST', `/agent-tasks/${elsewhere}/feedback`, { category: 'incorrect', agent: 'lee' }, keys.agentOfShop);
    expect([flagged.status, flagged.body.error.code]).toEqual([404, 'not_found']);
    expect(await stack.database.db.select().from(replyFeedback).where(eq(replyFeedback.taskId, elsewhere))).toEqual([]);

    // The other namespace's agent sees its reply, unflagged, and nothing of the first.
    const theirOwn = await list('window=1h', keys.agentOfOther);
    expect([theirOwn.namespace, ids(theirOwn.data)]).toEqual([other.ns, [elsewhere]]);
    expect(theirOwn.data[0]!.flags).toEqual([]);
    expect((await api('GET', `/replies?namespace=${shop.ns}`, undefined, keys.agentOfOther)).status).toBe(404);
    // An operator of the namespace and an admin naming it see the same list as its agent.
    const asAgent = ids((await list('window=1h', keys.agentOfShop)).data);
    expect(ids((await list('window=1h', keys.operatorOfShop)).data)).toEqual(asAgent);
    expect(ids((await list(`namespace=${shop.ns}&window=1h`)).data)).toEqual(asAgent);
  });
});
