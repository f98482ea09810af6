/**
 * Customer ratings (CSAT) on each channel, end to end: a resolved conversation goes quiet, the one
 * question goes out with the channel's buttons (a WhatsApp list, a Telegram inline keyboard, Slack
 * buttons), the customer taps or types a score, and GET /api/v1/analytics counts it, per namespace.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentTasks, agentToolCalls, channelAccounts, csatSurveys, messages, namespaces } from '../../src/db/schema';
import type { NamespaceConfigInput } from '../../src/namespaces/config';
import { BUILT_IN_CSAT } from '../../src/namespaces/csat-wording';
import { postWebhook, webhookWith, message as waMessage } from '../../testkit/whatsapp';
import { json } from '../helpers/http';
import { callApi, whatsappNamespace } from '../helpers/namespaces';
import { directMessage, postSlack, slackIds } from '../helpers/slack';
import { SLACK_SIGNING_SECRET, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { messageUpdate, nextId, postTelegram, privateChat, user } from '../helpers/telegram';
import { signSlackBody } from '../../src/channels/slack';

const RATINGS: NamespaceConfigInput['csat'] = { after: '300ms', every: '24h', expiresAfter: '1h', question: 'How did we do? 1 (poor) to 5 (great).' };

describe('customer ratings (CSAT) on every channel', () => {
  const stack = useTestSystem('postgres');
  const db = () => stack.database.db;
  const { finished, taskOf, waitForStatus } = taskLookups(stack);
  const api = (method: string, path: string, body?: unknown) => callApi(stack, method, path, body);
  let shop: Awaited<ReturnType<typeof whatsappNamespace>>;
  let plain: Awaited<ReturnType<typeof whatsappNamespace>>;

  const surveyOf = (taskId: string) =>
    waitFor(async () => (await db().select().from(csatSurveys).where(eq(csatSurveys.taskId, taskId)))[0], 20_000, `the survey of ${taskId}`);
  const answered = (surveyId: string) =>
    waitFor(
      async () => {
        const [row] = await db().select().from(csatSurveys).where(eq(csatSurveys.id, surveyId));
        return row?.score ? row : undefined;
      },
      10_000,
      `the answer to ${surveyId}`,
    );
  const askRatingCall = async (taskId: string) =>
    (
      await db()
        .select()
        .from(agentToolCalls)
        .where(and(eq(agentToolCalls.taskId, taskId), eq(agentToolCalls.name, 'ask_rating')))
    )[0];

  /** A namespace of this test's own on a channel account that uses the environment's secrets. */
  async function namespaceOn(channel: 'telegram' | 'slack', config: NamespaceConfigInput) {
    const ns = `csat-${channel}-${randomUUID().slice(0, 8)}`;
    const externalId = channel === 'telegram' ? `bot-${randomUUID().slice(0, 8)}` : slackIds.channel().replace(/^C/, 'T');
    await db().insert(namespaces).values({ name: ns, config });
    await db()
      .insert(channelAccounts)
      .values({ namespace: ns, channel, externalId, settings: { source: 'env' } });
    return { ns, externalId };
  }

  beforeAll(async () => {
    shop = await whatsappNamespace(stack, 'csat', { csat: RATINGS, escalation: { timeout: '60s' } });
    plain = await whatsappNamespace(stack, 'nocsat', {});
  });

  /** The WhatsApp list of a survey the customer received: its body and rows. */
  const listSent = (from: string) =>
    waitFor(
      async () => stack.graph.sent().find((r) => r.body.to === from && r.body.type === 'interactive')?.body.interactive,
      20_000,
      `the rating question to ${from}`,
    );
  const tapList = (from: string, id: string, title: string) =>
    postWebhook(
      stack.system.url!,
      webhookWith(shop.phoneNumberId, { messages: [waMessage('interactive', { type: 'list_reply', list_reply: { id, title } }, { from })] }, from),
    );

  it('when a WhatsApp conversation the assistant resolved goes quiet, then one list of 1-5 goes out, and a tap is counted without making a task', async () => {
    const customer = shop.customer();
    const id = await customer.say('hello');
    const result = await finished(id);
    expect(result.status).toBe('delivered');
    const task = (await taskOf(id))!;
    const list = await listSent(customer.from);
    expect(list).toMatchObject({ type: 'list', body: { text: RATINGS!.question }, action: { button: 'Rate' } });
    const rows = list.action.sections[0].rows as Array<{ id: string; title: string; description: string }>;
    expect(rows.map((r) => r.title)).toEqual(['1', '2', '3', '4', '5']);
    expect(rows[4]!.description).toBe('Excellent');
    const survey = await surveyOf(task.id);
    expect(survey).toMatchObject({ resolvedBy: 'assistant', channel: 'whatsapp', score: null });
    expect(survey.askedAt).not.toBeNull();
    expect(rows[3]!.id).toBe(`csat:${survey.id}:4`);
    expect(await askRatingCall(task.id)).toMatchObject({ status: 'succeeded', outputSummary: { asked: true, surveyId: survey.id } });

    const tasksBefore = (await db().select().from(agentTasks).where(eq(agentTasks.namespace, shop.ns))).length;
    const tap = await tapList(customer.from, rows[3]!.id, '4');
    expect(tap.status).toBe(200);
    expect(await json(tap)).toMatchObject({ received: 0, stored: 1, rated: 1 });
    expect(await answered(survey.id)).toMatchObject({ score: 4, answeredVia: 'button' });
    // Changing one's mind: the second tap is the rating; no task for either.
    await tapList(customer.from, rows[4]!.id, '5');
    await waitFor(async () => ((await answered(survey.id)).score === 5 ? true : undefined), 10_000, 'the changed rating');
    expect((await db().select().from(agentTasks).where(eq(agentTasks.namespace, shop.ns))).length).toBe(tasksBefore);
    // Exactly one question: the workflow is over, the list went out once.
    expect(stack.graph.sent().filter((r) => r.body.to === customer.from && r.body.type === 'interactive')).toHaveLength(1);
  });

  it('when the customer types a score after the question, it is the rating; other words after it are a new question', async () => {
    const typed = shop.customer();
    await finished(await typed.say('hello'));
    await listSent(typed.from);
    const five = await typed.say('٥'); // Arabic-Indic five
    const row = await waitFor(
      async () =>
        (await db().select().from(csatSurveys).innerJoin(messages, eq(messages.id, csatSurveys.answerMessageId)).where(eq(messages.externalId, five)))[0],
      10_000,
      'the typed rating',
    );
    expect(row.csat_surveys).toMatchObject({ score: 5, answeredVia: 'text' });
    expect(await taskOf(five)).toBeUndefined();

    // Another customer moves on instead: "2 more questions" is a question, and a later "3" is not a rating of the old answer.
    const movedOn = shop.customer();
    const first = await movedOn.say('hello');
    await finished(first);
    await listSent(movedOn.from);
    const more = await movedOn.say('2 more questions about delivery');
    await waitFor(() => taskOf(more), 10_000, 'a task for the new question');
    const [firstSurvey] = await db()
      .select()
      .from(csatSurveys)
      .where(eq(csatSurveys.taskId, (await taskOf(first))!.id));
    expect(firstSurvey!.score).toBeNull();
  });

  it('when the customer writes again before the conversation went quiet, the earlier answer asks nothing; within `every` nobody is asked twice', async () => {
    const busy = shop.customer();
    const first = await busy.say('hello');
    await waitForStatus(first, 'delivered');
    const second = await busy.say('good morning');
    await finished(first);
    const firstTask = (await taskOf(first))!;
    expect(await askRatingCall(firstTask.id)).toMatchObject({ outputSummary: { asked: false, why: expect.stringContaining('wrote again') } });
    await finished(second);
    const secondTask = (await taskOf(second))!;
    await surveyOf(secondTask.id);
    // A third answer within 24 h of the question: not asked again.
    const third = await busy.say('hi there');
    await finished(third);
    expect(await askRatingCall((await taskOf(third))!.id)).toMatchObject({
      outputSummary: { asked: false, why: expect.stringContaining('asked for a rating within') },
    });
    expect(stack.graph.sent().filter((r) => r.body.to === busy.from && r.body.type === 'interactive')).toHaveLength(1);
  });

  it("when the customer writes Spanish, then the default question goes in Spanish; a namespace's own translation wins over the built-in one", async () => {
    const multilingual = await whatsappNamespace(stack, 'csat-i18n', {
      csat: { after: '300ms', translations: { de: { question: 'Wie fanden Sie unsere Antwort? 1 bis 5.' } } },
    });
    // Nothing in the knowledge base answers them: a person does, and the question follows in their language.
    const answeredByPerson = async (id: string) => {
      const task = await waitForStatus(id, 'escalated');
      expect((await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Lo siento / Entschuldigung.', agent: 'sam' })).status).toBe(
        200,
      );
      expect((await finished(id)).status).toBe('delivered');
    };
    const spanish = multilingual.customer();
    const hola = await spanish.say('hola, ¿cuánto tarda el envío a Madrid?');
    await answeredByPerson(hola);
    const list = await waitFor(
      async () => stack.graph.sent().find((r) => r.body.to === spanish.from && r.body.type === 'interactive')?.body.interactive,
      20_000,
      'the Spanish question',
    );
    expect(list).toMatchObject({ body: { text: BUILT_IN_CSAT.es!.question }, action: { button: 'Valorar' } });
    expect(list.action.sections[0].rows[4]).toMatchObject({ title: '5', description: 'Excelente' });
    expect(await surveyOf((await taskOf(hola))!.id)).toMatchObject({ language: 'es' });

    const german = multilingual.customer();
    const hallo = await german.say('Hallo, wie lange dauert der Versand nach Berlin?');
    await answeredByPerson(hallo);
    const frage = await waitFor(
      async () => stack.graph.sent().find((r) => r.body.to === german.from && r.body.type === 'interactive')?.body.interactive,
      20_000,
      'the German question',
    );
    // The namespace's own question; the labels and the button from the built-in German wording.
    expect(frage).toMatchObject({ body: { text: 'Wie fanden Sie unsere Antwort? 1 bis 5.' }, action: { button: 'Bewerten' } });
  });

  it('when a person resolved the conversation, the rating says so; a namespace without ratings asks nothing', async () => {
    const customer = shop.customer();
    const id = await customer.say('I want to speak to a real person');
    const task = await waitForStatus(id, 'escalated');
    expect((await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Sam here, all sorted.', agent: 'sam' })).status).toBe(200);
    await finished(id);
    const survey = await surveyOf(task.id);
    expect(survey.resolvedBy).toBe('person');
    await tapList(customer.from, `csat:${survey.id}:2`, '2');
    expect(await answered(survey.id)).toMatchObject({ score: 2 });

    const other = plain.customer();
    const quiet = await other.say('hello');
    await finished(quiet);
    expect(await askRatingCall((await taskOf(quiet))!.id)).toBeUndefined();
    expect(stack.graph.sent().filter((r) => r.body.to === other.from && r.body.type === 'interactive')).toHaveLength(0);
  });

  it('when a tap comes after the question closed, or names a survey of another conversation, it is kept and not counted', async () => {
    const customer = shop.customer();
    const id = await customer.say('hello');
    await finished(id);
    const survey = await surveyOf((await taskOf(id))!.id);
    // Someone else's conversation cannot rate it.
    const stranger = shop.customer();
    const forged = await tapList(stranger.from, `csat:${survey.id}:1`, '1');
    const forgedBody = await json(forged);
    expect(forgedBody).toMatchObject({ stored: 1, received: 0 });
    expect(forgedBody.rated).toBeUndefined();
    await db()
      .update(csatSurveys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(csatSurveys.id, survey.id));
    const late = await tapList(customer.from, `csat:${survey.id}:5`, '5');
    const lateBody = await json(late);
    expect(lateBody).toMatchObject({ stored: 1, received: 0 });
    expect(lateBody.rated).toBeUndefined();
    const [row] = await db().select().from(csatSurveys).where(eq(csatSurveys.id, survey.id));
    expect(row!.score).toBeNull();
  });

  it('when a Telegram customer taps a star, then the button is answered in the webhook reply with the thanks, and the rating counted', async () => {
    const { ns, externalId } = await namespaceOn('telegram', { csat: { ...RATINGS, thanks: 'Danke!' } });
    const from = user();
    const update = messageUpdate({ from, text: 'hello' });
    expect((await postTelegram(stack.system.url!, update, { accountId: externalId })).status).toBe(200);
    await finished(`${from.id}:${update.message!.message_id}`);
    const question = await waitFor(
      async () => stack.telegram.sent().find((r) => String(r.body.chat_id) === String(from.id) && r.body.reply_markup),
      20_000,
      'the rating question on Telegram',
    );
    const buttons = question.body.reply_markup.inline_keyboard[0] as Array<{ text: string; callback_data: string }>;
    expect(buttons.map((b) => b.text)).toEqual(['1', '2', '3', '4', '5']);
    const [surveyRow] = await db().select().from(csatSurveys).where(eq(csatSurveys.namespace, ns));
    expect(buttons[2]!.callback_data).toBe(`csat:${surveyRow!.id}:3`);

    const queryId = String(nextId());
    const tap = {
      update_id: nextId(),
      callback_query: {
        id: queryId,
        from: { ...from, is_bot: false },
        message: { message_id: nextId(), chat: privateChat(from), date: Math.floor(Date.now() / 1000), text: 'How did we do?' },
        chat_instance: '1',
        data: buttons[2]!.callback_data,
      },
    };
    const res = await postTelegram(stack.system.url!, tap, { accountId: externalId });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ method: 'answerCallbackQuery', callback_query_id: queryId, text: 'Danke!', rated: 1, received: 0 });
    expect(await answered(surveyRow!.id)).toMatchObject({ score: 3, answeredVia: 'button' });
    expect(await taskOf(`cbq:${queryId}`)).toBeUndefined();
  });

  it('when a Slack user clicks a rating button, then the signed interaction is counted in the thread it was asked in', async () => {
    const { ns, externalId: teamId } = await namespaceOn('slack', { csat: RATINGS });
    const channel = slackIds.dm();
    const event = directMessage({ channel });
    event.team_id = teamId;
    const askedAt = event.event.ts as string;
    expect((await postSlack(stack.system.url!, event)).status).toBe(200);
    await finished(`${channel}:${askedAt}`);
    const question = await waitFor(
      async () => stack.slack.posted().find((r) => r.body.channel === channel && Array.isArray(r.body.blocks)),
      20_000,
      'the rating question on Slack',
    );
    expect(question.body.thread_ts).toBe(askedAt);
    const buttons = question.body.blocks[1].elements as Array<{ value: string; text: { text: string } }>;
    expect(buttons.map((b) => b.text.text)).toEqual(['1', '2', '3', '4', '5']);
    const [surveyRow] = await db().select().from(csatSurveys).where(eq(csatSurveys.namespace, ns));

    const payload = {
      type: 'block_actions',
      team: { id: teamId, domain: 'acme' },
      api_app_id: 'A0KRD7HC3',
      user: { id: 'U2147483697', username: 'kim', name: 'kim' },
      channel: { id: channel, name: 'directmessage' },
      container: { type: 'message', message_ts: '1.000001', channel_id: channel },
      message: { type: 'message', ts: '1.000001', thread_ts: askedAt, text: 'How did we do?' },
      actions: [{ type: 'button', action_id: buttons[4]!.value, value: buttons[4]!.value, action_ts: slackIds.ts() }],
    };
    const raw = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const at = Math.floor(Date.now() / 1000);
    const post = (signature: string) =>
      fetch(`${stack.system.url}/webhooks/slack`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(at), 'x-slack-signature': signature },
        body: raw,
      });
    expect((await post('v0=forged')).status).toBe(401);
    const res = await post(signSlackBody(raw, SLACK_SIGNING_SECRET, at));
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ rated: 1, received: 0 });
    expect(await answered(surveyRow!.id)).toMatchObject({ score: 5, answeredVia: 'button' });
    const [stored] = await db()
      .select({ conversationId: messages.conversationId })
      .from(messages)
      .where(eq(messages.externalId, `${channel}:action:${payload.actions[0]!.action_ts}`));
    expect(stored!.conversationId).toBe(surveyRow!.conversationId);
  });

  it('when analytics are asked for, the CSAT figures match the survey rows, and one namespace never sees another', async () => {
    const rows = await db().select().from(csatSurveys).where(eq(csatSurveys.namespace, shop.ns));
    const asked = rows.filter((r) => r.askedAt);
    const scored = asked.filter((r) => r.score !== null);
    const report = (await api('GET', `/analytics?namespace=${shop.ns}&window=1h`)).body;
    expect(report.csat.asked).toBe(asked.length);
    expect(report.csat.answered).toBe(scored.length);
    expect(report.csat.score).toBeCloseTo(scored.filter((r) => r.score! >= 4).length / scored.length, 3);
    for (const n of [1, 2, 3, 4, 5]) expect(report.csat.distribution[n]).toBe(scored.filter((r) => r.score === n).length);
    const person = scored.filter((r) => r.resolvedBy === 'person');
    expect(report.csat.byResolver.person).toMatchObject({ answered: person.length, average: person.reduce((a, r) => a + r.score!, 0) / person.length });
    expect(report.csat.byResolver.assistant.answered).toBe(scored.length - person.length);
    expect(report.csat.series.reduce((a: number, p: { answered: number }) => a + p.answered, 0)).toBe(scored.length);
    // The other namespace's report counts none of these.
    const other = (await api('GET', `/analytics?namespace=${plain.ns}&window=1h`)).body;
    expect(other.csat).toMatchObject({ asked: 0, answered: 0, score: null, average: null });
  });
});
