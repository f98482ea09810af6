/**
 * Stale-response protection: when newer messages arrive in the conversation while a task
 * works, the older tasks do not send, and the newest answers with all of them in context.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentToolCalls, channelAccounts, namespaces } from '../../src/db/schema';
import { addDocument } from '../../src/knowledge/store';
import { taskLookups } from '../helpers/tasks';
import { useTestSystem } from '../helpers/system';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

describe('a burst of quick messages', () => {
  const stack = useTestSystem('postgres');
  const { taskOf, finished } = taskLookups(stack);
  // Its own namespace and number, so its knowledge base answers only this file's customers.
  const ns = `burst-${randomUUID().slice(0, 8)}`;
  const phoneNumberId = `6${Math.floor(Math.random() * 1e13)}`;

  beforeAll(async () => {
    await stack.database.db.insert(namespaces).values({ name: ns, config: {} });
    await stack.database.db.insert(channelAccounts).values({ namespace: ns, channel: 'whatsapp', externalId: phoneNumberId, settings: { source: 'env' } });
    await addDocument(stack.database.db, {
      namespace: ns,
      title: 'Late parcels',
      contentType: 'text/markdown',
      content:
        '# Late parcels\n\nIf your parcel has not arrived within 5 working days, reply with your order number and we open a search with the courier the same day.',
    });
  });

  it('when three messages arrive in quick succession, then the customer gets one reply, to the last, with all three in its question', async () => {
    const from = `4477${Math.floor(Math.random() * 1e8)}`;
    const ids = [wamid(), wamid(), wamid()];
    const texts = ['hi', 'my parcel has not arrived', 'order 4411'];
    const before = stack.graph.sent().length;
    for (const [i, id] of ids.entries()) {
      const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id, from, text: texts[i] }));
      expect(res.status).toBe(200);
    }
    const results = await Promise.all(ids.map(finished));
    expect(results.map((r) => r.status)).toEqual(['closed', 'closed', 'delivered']);

    const replies = stack.graph
      .sent()
      .slice(before)
      .filter((r) => r.body.to === from);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body.context).toEqual({ message_id: ids[2] });
    expect(replies[0]!.body.text.body).toContain('we open a search with the courier');

    const last = (await taskOf(ids[2]!))!;
    const [profile] = await stack.database.db
      .select()
      .from(agentToolCalls)
      .where(and(eq(agentToolCalls.taskId, last.id), eq(agentToolCalls.name, 'inject_profile')));
    expect(profile!.outputSummary).toMatchObject({ unansweredJoined: 2 });
    const first = (await taskOf(ids[0]!))!;
    const [skipped] = await stack.database.db
      .select()
      .from(agentToolCalls)
      .where(and(eq(agentToolCalls.taskId, first.id), eq(agentToolCalls.name, 'deliver')));
    expect(skipped!.outputSummary).toMatchObject({ supersededBy: expect.any(String) });
    await new Promise((r) => setTimeout(r, 300));
    expect(
      stack.graph
        .sent()
        .slice(before)
        .filter((r) => r.body.to === from),
    ).toHaveLength(1);
  });

  it('when a second message comes after the first was answered, then both are answered', async () => {
    const from = `4478${Math.floor(Math.random() * 1e8)}`;
    const [a, b] = [wamid(), wamid()];
    await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id: a, from, text: 'hello' }));
    expect((await finished(a)).status).toBe('delivered');
    await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id: b, from, text: 'hello again' }));
    expect((await finished(b)).status).toBe('delivered');
    expect(stack.graph.sent().filter((r) => r.body.to === from)).toHaveLength(2);
  });
});
