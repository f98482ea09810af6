/**
 * Telegram end to end: signed-by-secret webhooks over real HTTP, through the workflow on the
 * dev server, to the local fake Bot API over real HTTP.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conversations, inboundEvents, messages } from '../../src/db/schema';
import { GREETING_REPLY } from '../../src/llm/offline';
import { json } from '../helpers/http';
import { taskLookups } from '../helpers/tasks';
import { TELEGRAM_BOT_ID, useTestSystem, waitFor } from '../helpers/system';
import { groupChat, messageUpdate, myChatMemberUpdate, nextId, postTelegram, user } from '../helpers/telegram';

describe('Telegram, both ways', () => {
  const stack = useTestSystem('postgres');
  const url = () => stack.system.url!;

  const { finished } = taskLookups(stack);
  const sentTo = (chatId: number) => stack.telegram.sent().filter((r) => String(r.body.chat_id) === String(chatId));
  const messageCount = async (externalId: string) => (await stack.database.db.select().from(messages).where(eq(messages.externalId, externalId))).length;

  it('when the secret token is wrong or missing, the account unknown, or the body broken, then 401/404/400/413 and nothing is stored', async () => {
    const update = messageUpdate({ text: 'hello' });
    const id = `${update.message!.chat.id}:${update.message!.message_id}`;
    expect((await postTelegram(url(), update, { secret: 'wrong' })).status).toBe(401);
    expect((await postTelegram(url(), update, { secret: null })).status).toBe(401);
    const unknown = await postTelegram(url(), update, { accountId: 'no-such-bot' });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.message).toContain('no-such-bot');
    const broken = await postTelegram(url(), '{"update_id": 1, ');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe('invalid_json');
    const notAnUpdate = await postTelegram(url(), { message: { text: 'no update_id' } });
    expect(notAnUpdate.status).toBe(400);
    expect((await json(notAnUpdate)).error.code).toBe('invalid_payload');
    const huge = await postTelegram(url(), messageUpdate({ text: 'x'.repeat(1024 * 1024 + 1) }));
    expect(huge.status).toBe(413);
    expect(await messageCount(id)).toBe(0);
  });

  it('when a private text arrives, then "typing" is shown and one HTML reply threads to it; a redelivery changes nothing', async () => {
    const from = user();
    const update = messageUpdate({ from, text: 'hello' });
    const messageId = update.message!.message_id;
    const res = await postTelegram(url(), update);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ received: 1, duplicates: 0 });
    const result = await finished(`${from.id}:${messageId}`);
    expect(result.status).toBe('delivered');

    const [reply, ...more] = sentTo(from.id);
    expect(more).toEqual([]);
    expect(reply!.path).toBe(`/bot${TELEGRAM_BOT_ID}:AAtest-telegram-token/sendMessage`);
    expect(reply!.body).toMatchObject({
      chat_id: String(from.id),
      text: GREETING_REPLY,
      parse_mode: 'HTML',
      reply_parameters: { message_id: messageId, allow_sending_without_reply: true },
    });
    const typing = stack.telegram.calls('sendChatAction').filter((r) => String(r.body.chat_id) === String(from.id));
    expect(typing.map((r) => r.body.action)).toEqual(['typing']);

    const again = await postTelegram(url(), update);
    expect(await json(again)).toMatchObject({ received: 0, duplicates: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(sentTo(from.id)).toHaveLength(1);
  });

  it('when a message is edited, then the edit is stored for the record and not answered a second time', async () => {
    const from = user();
    const messageId = nextId();
    await postTelegram(url(), messageUpdate({ from, text: 'hello', messageId }));
    await finished(`${from.id}:${messageId}`);
    const edit = messageUpdate({ from, text: 'hello there', messageId, field: 'edited_message', extra: { edit_date: Math.floor(Date.now() / 1000) } });
    const res = await postTelegram(url(), edit);
    expect(await json(res)).toMatchObject({ received: 0, stored: 1 });
    const [stored] = await stack.database.db
      .select()
      .from(messages)
      .where(eq(messages.externalId, `${from.id}:${messageId}:edit:${edit.edited_message!.edit_date}`));
    expect(stored).toMatchObject({ text: 'hello there', kind: 'text' });
    await new Promise((r) => setTimeout(r, 300));
    expect(sentTo(from.id)).toHaveLength(1);
  });

  it('when a button is pressed (callback_query), then the query is answered and its data is answered as the text', async () => {
    const from = user();
    const queryId = String(nextId());
    const update = {
      update_id: nextId(),
      callback_query: {
        id: queryId,
        from: { ...from, is_bot: false },
        message: {
          message_id: nextId(),
          from: { id: TELEGRAM_BOT_ID, is_bot: true, first_name: 'Support' },
          chat: { id: from.id, type: 'private' },
          date: 1750000000,
          text: 'Pick one',
        },
        chat_instance: '-1234567890',
        data: 'hello',
      },
    };
    expect((await postTelegram(url(), update)).status).toBe(200);
    expect((await finished(`cbq:${queryId}`)).status).toBe('delivered');
    const answered = stack.telegram.calls('answerCallbackQuery').filter((r) => r.body.callback_query_id === queryId);
    expect(answered).toHaveLength(1);
    expect(sentTo(from.id).map((r) => r.body.text)).toEqual([GREETING_REPLY]);
  });

  it('when a group message does not address the bot, then it is ignored on record; when it mentions the bot, then the group is answered', async () => {
    const chat = groupChat();
    const quiet = messageUpdate({ chat, text: 'does anyone know the opening hours?' });
    expect(await json(await postTelegram(url(), quiet))).toMatchObject({ received: 0, ignored: 1 });
    const [event] = await stack.database.db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.eventId, String(quiet.update_id)));
    expect(event).toMatchObject({ outcome: 'ignored', reason: 'group message not addressed to the bot' });

    const mention = messageUpdate({
      chat,
      text: '@support_test_bot hello',
      extra: { entities: [{ type: 'mention', offset: 0, length: 17 }] },
    });
    expect(await json(await postTelegram(url(), mention))).toMatchObject({ received: 1 });
    expect((await finished(`${chat.id}:${mention.message!.message_id}`)).status).toBe('delivered');
    expect(sentTo(chat.id).map((r) => r.body.text)).toEqual([GREETING_REPLY]);
    const [stored] = await stack.database.db
      .select()
      .from(messages)
      .where(eq(messages.externalId, `${chat.id}:${mention.message!.message_id}`));
    expect(stored!.text).toBe('hello');
    expect(stack.telegram.calls('getMe').length).toBeGreaterThanOrEqual(1);
  });

  it('when the user blocks the bot while a task is working, then the chat is recorded blocked and the answer is never sent', async () => {
    const from = user();
    stack.telegram.hangNext('sendChatAction'); // holds the task at its start for the channel timeout (2 s)
    const update = messageUpdate({ from, text: 'hello' });
    await postTelegram(url(), update);
    await waitFor(() => stack.telegram.calls('sendChatAction').some((r) => String(r.body.chat_id) === String(from.id)), 5000, 'typing');
    const blocked = await postTelegram(url(), myChatMemberUpdate(from, 'kicked'));
    expect(blocked.status).toBe(200);
    const [conversation] = await stack.database.db
      .select()
      .from(conversations)
      .where(eq(conversations.externalId, String(from.id)));
    expect(conversation!.blockedAt).toBeInstanceOf(Date);
    expect(conversation!.blockedReason).toBe('the user blocked the bot');

    const result = await finished(`${from.id}:${update.message!.message_id}`);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/RecipientBlockedError: .*the user blocked the bot/);
    expect(sentTo(from.id)).toHaveLength(0);
  });

  it('when Telegram says 403 blocked on send, then the task fails without retrying and the chat is marked blocked', async () => {
    const from = user();
    stack.telegram.failNext(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const update = messageUpdate({ from, text: 'hello' });
    await postTelegram(url(), update);
    const result = await finished(`${from.id}:${update.message!.message_id}`);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/RecipientBlockedError/);
    expect(sentTo(from.id)).toHaveLength(1);
    const [conversation] = await stack.database.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.externalId, String(from.id))));
    expect(conversation!.blockedAt).toBeInstanceOf(Date);
  });

  it('when Telegram answers 429 with retry_after and then 500, then the reply is retried and sent exactly once', async () => {
    const from = user();
    stack.telegram.failNext(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    stack.telegram.failNext(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    const update = messageUpdate({ from, text: 'hello' });
    await postTelegram(url(), update);
    const result = await finished(`${from.id}:${update.message!.message_id}`);
    expect(result.status).toBe('delivered');
    const attempts = sentTo(from.id);
    expect(attempts).toHaveLength(3);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
  });
});
