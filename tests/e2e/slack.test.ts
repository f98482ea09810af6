/**
 * Slack end to end: v0-signed Events API requests over real HTTP, through AgentTaskWorkflow on
 * the dev server, to the local fake Slack Web API over real HTTP: the placeholder posted in the
 * thread when the task starts, the answer put in its place with chat.update.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { agentTasks, agentToolCalls, conversations, inboundEvents, messages, outboundDeliveries, PLACEHOLDER_PART } from '../../src/db/schema';
import { GREETING_REPLY } from '../../src/llm/offline';
import { DEFAULT_HANDOFF_MESSAGE } from '../../src/namespaces/config';
import { json } from '../helpers/http';
import { taskLookups } from '../helpers/tasks';
import { appMention, directMessage, postSlack, slackFixture, slackIds } from '../helpers/slack';
import { ADMIN_KEY, SLACK_BOT_TOKEN, useTestSystem, waitFor } from '../helpers/system';

const PLACEHOLDER = 'Looking into it…';
const SUMMARY = { received: 0, duplicates: 0, stored: 0, statuses: 0, ignored: 0, rejected: 0 };

describe('Slack, both ways', () => {
  const stack = useTestSystem('postgres');
  const url = () => stack.system.url!;

  const { taskOf, finished } = taskLookups(stack);
  const deliveriesOf = async (externalId: string) => {
    const task = (await taskOf(externalId))!;
    const rows = await stack.database.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, task.id));
    return new Map(rows.map((d) => [d.part, d]));
  };
  const conversationOf = async (externalId: string) => {
    const [row] = await stack.database.db.select().from(conversations).where(eq(conversations.externalId, externalId));
    return row;
  };
  const messageCount = async (externalId: string) => (await stack.database.db.select().from(messages).where(eq(messages.externalId, externalId))).length;
  const eventsWithId = (eventId: string) => stack.database.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, eventId));
  const postedIn = (channel: string) => stack.slack.posted().filter((r) => r.body.channel === channel);
  const updatedIn = (channel: string) => stack.slack.updated().filter((r) => r.body.channel === channel);
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('when a request is signed, then url_verification echoes the challenge; unsigned, wrongly signed, stale, broken or too big, then 401/400/413 and nothing is stored', async () => {
    const verification = slackFixture('url-verification');
    const ok = await postSlack(url(), verification);
    expect(ok.status).toBe(200);
    expect(await json(ok)).toEqual({ challenge: verification.challenge });

    const channel = slackIds.channel();
    const mention = appMention({ channel });
    const id = `${channel}:${mention.event.ts}`;
    for (const body of [verification, mention]) {
      const unsigned = await postSlack(url(), body, { signature: null });
      expect(unsigned.status).toBe(401);
      expect((await json(unsigned)).error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('X-Slack-Signature') });
      const wrongSecret = await postSlack(url(), body, { secret: 'not-the-signing-secret' });
      expect(wrongSecret.status).toBe(401);
      expect((await json(wrongSecret)).error).toMatchObject({ code: 'unauthorized', message: 'X-Slack-Signature does not match the body' });
      const stale = await postSlack(url(), body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
      expect(stale.status).toBe(401);
      expect((await json(stale)).error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('5 minutes') });
    }

    const broken = await postSlack(url(), '{"type": "event_callback", ');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe('invalid_json');
    const huge = await postSlack(url(), appMention({ channel, text: `<@U0LAN0Z89> ${'x'.repeat(1024 * 1024 + 1)}` }));
    expect(huge.status).toBe(413);
    expect((await json(huge)).error.code).toBe('payload_too_large');

    expect(await messageCount(id)).toBe(0);
    expect(await eventsWithId(mention.event_id)).toEqual([]);
    expect(await conversationOf(id)).toBeUndefined();
    await settle();
    expect(postedIn(channel)).toEqual([]);
  });

  it('when the bot is mentioned in a channel, then a placeholder is posted in the thread and replaced by the answer', async () => {
    const channel = slackIds.channel();
    const mention = appMention({ channel, text: '<@U0LAN0Z89> hello' });
    const ts: string = mention.event.ts;
    const res = await postSlack(url(), mention);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ...SUMMARY, received: 1 });

    // 200 means stored and started.
    const task = (await taskOf(`${channel}:${ts}`))!;
    expect(task.workflowId).toBe(`agent-task:default:slack:${channel}:${ts}`);
    const [stored] = await stack.database.db
      .select()
      .from(messages)
      .where(eq(messages.externalId, `${channel}:${ts}`));
    expect(stored).toMatchObject({ kind: 'app_mention', text: 'hello', direction: 'inbound' });
    expect((await conversationOf(`${channel}:${ts}`))!.id).toBe(task.conversationId);

    const [placeholder] = await waitFor(() => (postedIn(channel).length > 0 ? postedIn(channel) : undefined), 10_000, 'placeholder');
    expect(placeholder!.headers.authorization).toBe(`Bearer ${SLACK_BOT_TOKEN}`);
    expect(placeholder!.body).toEqual({ channel, text: PLACEHOLDER, thread_ts: ts, unfurl_links: false, unfurl_media: false });

    const result = await stack.system.client.workflow.getHandle(task.workflowId).result();
    expect(result).toMatchObject({ status: 'delivered', route: 'deliver' });
    expect(result.error).toBeUndefined();

    const deliveries = await deliveriesOf(`${channel}:${ts}`);
    const posted = deliveries.get(PLACEHOLDER_PART)!;
    expect(posted).toMatchObject({ status: 'sent', text: PLACEHOLDER, recipient: `${channel}:${ts}` });
    expect(posted.providerMessageId).toMatch(new RegExp(`^${channel}:\\d+\\.\\d+$`));
    expect(deliveries.get(0)).toMatchObject({ status: 'sent', text: GREETING_REPLY, providerMessageId: posted.providerMessageId });

    const [update, ...moreUpdates] = updatedIn(channel);
    expect(moreUpdates).toEqual([]);
    expect(update!.body).toEqual({ channel, ts: posted.providerMessageId!.slice(channel.length + 1), text: GREETING_REPLY });
    expect(update!.at).toBeGreaterThanOrEqual(placeholder!.at);
    expect((await taskOf(`${channel}:${ts}`))!).toMatchObject({ status: 'delivered', draft: GREETING_REPLY });

    await settle();
    expect(postedIn(channel)).toHaveLength(1);
    expect(updatedIn(channel)).toHaveLength(1);
  });

  it('when a direct message arrives, then it is answered in its own thread: placeholder, then the answer in its place', async () => {
    const channel = slackIds.dm();
    const dm = directMessage({ channel, text: 'hello' });
    const ts: string = dm.event.ts;
    const res = await postSlack(url(), dm);
    expect(await json(res)).toEqual({ ...SUMMARY, received: 1 });
    const result = await finished(`${channel}:${ts}`);
    expect(result.status).toBe('delivered');

    expect(postedIn(channel).map((r) => r.body)).toEqual([{ channel, text: PLACEHOLDER, thread_ts: ts, unfurl_links: false, unfurl_media: false }]);
    const placeholderId = (await deliveriesOf(`${channel}:${ts}`)).get(PLACEHOLDER_PART)!.providerMessageId!;
    expect(updatedIn(channel).map((r) => r.body)).toEqual([{ channel, ts: placeholderId.split(':')[1], text: GREETING_REPLY }]);
    expect((await conversationOf(`${channel}:${ts}`))!.blockedAt).toBeNull();
    const [stored] = await stack.database.db
      .select()
      .from(messages)
      .where(eq(messages.externalId, `${channel}:${ts}`));
    expect(stored).toMatchObject({ kind: 'message', text: 'hello' });
  });

  it('when Slack redelivers an event (X-Slack-Retry-Num), then it is a duplicate: one task, one placeholder, one update', async () => {
    const channel = slackIds.channel();
    const mention = appMention({ channel });
    const ts: string = mention.event.ts;
    expect(await json(await postSlack(url(), mention))).toEqual({ ...SUMMARY, received: 1 });
    const retry = await postSlack(url(), mention, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    expect(await json(retry)).toEqual({ ...SUMMARY, duplicates: 1 });

    expect((await finished(`${channel}:${ts}`)).status).toBe('delivered');
    const again = await postSlack(url(), mention, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_error' } });
    expect(await json(again)).toEqual({ ...SUMMARY, duplicates: 1 });

    const tasks = await stack.database.db
      .select()
      .from(agentTasks)
      .where(eq(agentTasks.workflowId, `agent-task:default:slack:${channel}:${ts}`));
    expect(tasks).toHaveLength(1);
    const events = await eventsWithId(mention.event_id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'slack', kind: 'app_mention', outcome: 'task', payload: { tasks: [tasks[0]!.id] } });
    await settle();
    expect(postedIn(channel)).toHaveLength(1);
    expect(updatedIn(channel)).toHaveLength(1);
  });

  const ignoredCases = [
    {
      what: 'a bot message',
      fixture: 'bot-message',
      kind: 'bot_message',
      reason: 'subtype bot_message: messages from bots are not answered',
    },
    { what: 'our own message', fixture: 'own-message', kind: 'message', reason: 'our own message (bot user U0LAN0Z89)' },
    { what: 'an edit', fixture: 'message-changed', kind: 'message_changed', reason: 'message subtype message_changed is not answered' },
    { what: 'a reaction', fixture: 'reaction-added', kind: 'reaction_added', reason: 'event type reaction_added is not answered' },
  ];
  for (const { what, fixture, kind, reason } of ignoredCases) {
    it(`when ${what} arrives, then it is ignored on record: 200, no task, no request to Slack`, async () => {
      const body = slackFixture(fixture);
      const channel = fixture === 'bot-message' ? slackIds.channel() : slackIds.dm();
      const ts = slackIds.ts();
      body.event_id = slackIds.eventId();
      if (body.event.type === 'reaction_added') {
        body.event.item = { type: 'message', channel, ts };
      } else {
        Object.assign(body.event, { channel, ts, event_ts: ts });
      }
      const requestsBefore = stack.slack.requests.length;

      const res = await postSlack(url(), body);
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ ...SUMMARY, ignored: 1 });

      const events = await eventsWithId(body.event_id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ channel: 'slack', eventId: body.event_id, kind, outcome: 'ignored', reason });
      expect(await messageCount(`${channel}:${ts}`)).toBe(0);
      const tasks = await stack.database.db
        .select()
        .from(agentTasks)
        .where(eq(agentTasks.workflowId, `agent-task:default:slack:${channel}:${ts}`));
      expect(tasks).toEqual([]);
      await settle();
      expect(stack.slack.requests.length).toBe(requestsBefore);
    });
  }

  it('when the placeholder is rate limited (429), then it is given up and the answer is posted once in the thread instead', async () => {
    const channel = slackIds.channel();
    stack.slack.failNext(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '1' });
    const mention = appMention({ channel });
    const ts: string = mention.event.ts;
    await postSlack(url(), mention);
    const result = await finished(`${channel}:${ts}`);
    expect(result.status).toBe('delivered');

    // The 429'd placeholder never appeared; the answer is the one message the customer sees.
    expect(postedIn(channel).map((r) => r.body)).toEqual([
      { channel, text: PLACEHOLDER, thread_ts: ts, unfurl_links: false, unfurl_media: false },
      { channel, text: GREETING_REPLY, thread_ts: ts, unfurl_links: false, unfurl_media: false },
    ]);
    expect(updatedIn(channel)).toEqual([]);
    const deliveries = await deliveriesOf(`${channel}:${ts}`);
    expect(deliveries.get(PLACEHOLDER_PART)).toMatchObject({ status: 'failed', providerMessageId: null, error: expect.stringContaining('429') });
    expect(deliveries.get(0)).toMatchObject({ status: 'sent', text: GREETING_REPLY, providerMessageId: expect.stringMatching(new RegExp(`^${channel}:`)) });

    const task = (await taskOf(`${channel}:${ts}`))!;
    const [profile] = await stack.database.db
      .select()
      .from(agentToolCalls)
      .where(and(eq(agentToolCalls.taskId, task.id), eq(agentToolCalls.name, 'inject_profile')));
    expect(profile).toMatchObject({ status: 'succeeded', attempt: 1 });
    await settle();
    expect(postedIn(channel)).toHaveLength(2);
  });

  it('when chat.update answers ok:false ratelimited once, then it is retried and the answer replaces the placeholder once', async () => {
    const channel = slackIds.channel();
    stack.slack.failNext(200, { ok: false, error: 'ratelimited' }, undefined, 'chat.update');
    const mention = appMention({ channel });
    const ts: string = mention.event.ts;
    await postSlack(url(), mention);
    const result = await finished(`${channel}:${ts}`);
    expect(result.status).toBe('delivered');

    const deliveries = await deliveriesOf(`${channel}:${ts}`);
    const placeholderId = deliveries.get(PLACEHOLDER_PART)!.providerMessageId!;
    expect(deliveries.get(0)).toMatchObject({ status: 'sent', attempt: 2, providerMessageId: placeholderId, error: null });
    const updates = updatedIn(channel);
    expect(updates.map((r) => r.body)).toEqual([
      { channel, ts: placeholderId.split(':')[1], text: GREETING_REPLY },
      { channel, ts: placeholderId.split(':')[1], text: GREETING_REPLY },
    ]);
    expect(updates[1]!.at - updates[0]!.at).toBeGreaterThanOrEqual(900);
    expect(postedIn(channel)).toHaveLength(1);

    const task = (await taskOf(`${channel}:${ts}`))!;
    const calls = await stack.database.db
      .select({ attempt: agentToolCalls.attempt, status: agentToolCalls.status })
      .from(agentToolCalls)
      .where(and(eq(agentToolCalls.taskId, task.id), eq(agentToolCalls.name, 'deliver')));
    expect(calls.sort((a, b) => a.attempt - b.attempt)).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'succeeded' },
    ]);
    await settle();
    expect(updatedIn(channel)).toHaveLength(2);
    expect(postedIn(channel)).toHaveLength(1);
  });

  it('when the answer gets channel_not_found, then the task fails naming it and the thread is blocked; a follow-up task there sends no answer', async () => {
    const channel = slackIds.channel();
    // The first answer is rate limited once (held for Retry-After), then the channel is gone.
    stack.slack.failNext(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '1' }, 'chat.update');
    stack.slack.failNext(200, { ok: false, error: 'channel_not_found' }, undefined, 'chat.update');
    const first = appMention({ channel });
    const thread: string = first.event.ts;
    expect(await json(await postSlack(url(), first))).toEqual({ ...SUMMARY, received: 1 });
    await waitFor(() => updatedIn(channel).length === 1 || undefined, 10_000, 'the first chat.update');

    // A follow-up in the thread while the first answer waits; its placeholder is held (2 s timeout)
    // so that its task reaches deliver after the thread is known to be blocked.
    stack.slack.hangNext('chat.postMessage');
    const second = appMention({ channel, threadTs: thread });
    expect(await json(await postSlack(url(), second))).toEqual({ ...SUMMARY, received: 1 });

    const result = await finished(`${channel}:${thread}`);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^RecipientBlockedError: .*channel_not_found/);
    expect((await taskOf(`${channel}:${thread}`))!).toMatchObject({ status: 'failed', error: expect.stringContaining('channel_not_found') });
    const conversation = (await conversationOf(`${channel}:${thread}`))!;
    expect(conversation.blockedAt).toBeInstanceOf(Date);
    expect(conversation.blockedReason).toContain('channel_not_found');
    expect((await deliveriesOf(`${channel}:${thread}`)).get(0)).toMatchObject({ status: 'failed', error: expect.stringContaining('channel_not_found') });
    // The follow-up was still working when the thread was blocked.
    const secondTask = (await taskOf(`${channel}:${second.event.ts}`))!;
    expect(secondTask.conversationId).toBe(conversation.id);
    expect((await stack.system.client.workflow.getHandle(secondTask.workflowId).describe()).status.name).toBe('RUNNING');

    const again = await finished(`${channel}:${second.event.ts}`);
    expect(again.status).toBe('failed');
    expect(again.error).toMatch(/^RecipientBlockedError: conversation .* cannot be written to: .*channel_not_found/);
    const secondDeliveries = await deliveriesOf(`${channel}:${second.event.ts}`);
    expect(secondDeliveries.get(0)).toBeUndefined(); // never claimed: no request for its answer
    expect(secondDeliveries.get(PLACEHOLDER_PART)).toMatchObject({ status: 'unknown' });

    await settle();
    // Two placeholders (the second one held), two tries at the first answer, nothing for the second.
    expect(postedIn(channel).map((r) => r.body.text)).toEqual([PLACEHOLDER, PLACEHOLDER]);
    expect(updatedIn(channel).map((r) => r.body.text)).toEqual([GREETING_REPLY, GREETING_REPLY]);
  });

  it('when a thread escalates, then the placeholder becomes the hand-off notice and the person’s reply is posted in the thread once', async () => {
    const channel = slackIds.channel();
    const mention = appMention({ channel, text: '<@U0LAN0Z89> can I talk to a human please' });
    const ts: string = mention.event.ts;
    expect((await postSlack(url(), mention)).status).toBe(200);
    const task = await waitFor(async () => {
      const t = await taskOf(`${channel}:${ts}`);
      return t?.status === 'escalated' ? t : undefined;
    });
    const [placeholder] = postedIn(channel);
    expect(placeholder!.body.text).toBe(PLACEHOLDER);
    expect(updatedIn(channel).map((r) => r.body.text)).toEqual([DEFAULT_HANDOFF_MESSAGE]);

    const res = await fetch(`${url()}/api/v1/agent-tasks/${task.id}/escalation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'reply', text: 'Hi, Sam from support here.', agent: 'U0SAM' }),
    });
    expect(res.status).toBe(200);
    expect(await finished(`${channel}:${ts}`)).toMatchObject({ status: 'delivered', route: 'await_human' });
    await settle();
    expect(postedIn(channel).map((r) => [r.body.text, r.body.thread_ts])).toEqual([
      [PLACEHOLDER, ts],
      ['Hi, Sam from support here.', ts],
    ]);
    expect(updatedIn(channel)).toHaveLength(1);
  });
});
