/**
 * Unit tests for the Telegram Bot API adapter: the secret-token check, Update normalization
 * against fixtures in the shape of the Bot API's documented objects, formatting to HTML, and
 * outbound calls against a real local HTTP fake of the Bot API.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  botIdFromToken,
  createTelegramSender,
  parseUpdate,
  TELEGRAM_TEXT_LIMIT,
  TelegramPayloadError,
  verifySecretToken,
  type TelegramParseOptions,
  type TelegramSenderOptions,
} from '../../src/channels/telegram';
import {
  ChannelSendError,
  type ConversationStateChange,
  type IgnoredEvent,
  type InboundAck,
  type InboundMessage,
  type OutboundText,
  type ParsedInbound,
} from '../../src/channels/types';
import { FAKE_BOT_USERNAME, startFakeTelegram, type FakeTelegram } from '../../testkit/fake-telegram';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'telegram');
const ACCOUNT = 'tg-account-1';
const BOT_ID = 7012345678;
const TOKEN = `${BOT_ID}:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ`;
const ANNA = { externalId: '123456789', displayName: 'Anna Schmidt', locale: 'de' };
const PRIVATE_CHAT = '123456789';
const GROUP_CHAT = '-1001987654321';

/** A fresh, mutable copy of a fixture. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into and mutate arbitrary fixture paths
function fixture(name: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

const options = (overrides: Partial<TelegramParseOptions> = {}): TelegramParseOptions => ({
  accountExternalId: ACCOUNT,
  bot: { id: BOT_ID, username: FAKE_BOT_USERNAME },
  answerEdits: true,
  ...overrides,
});

const at = (epochSeconds: number) => new Date(epochSeconds * 1000);

const parse = (body: unknown, overrides: Partial<TelegramParseOptions> = {}) => parseUpdate(body, options(overrides));

/** The update's one message; fails when it produced anything else. */
function onlyMessage(parsed: ParsedInbound): InboundMessage {
  expect(parsed.ignored).toEqual([]);
  expect(parsed.conversationChanges).toEqual([]);
  expect(parsed.statuses).toEqual([]);
  expect(parsed.messages).toHaveLength(1);
  return parsed.messages[0]!;
}

/** The update's one ignored event; fails when it produced anything else. */
function onlyIgnored(parsed: ParsedInbound): IgnoredEvent {
  expect(parsed.messages).toEqual([]);
  expect(parsed.conversationChanges).toEqual([]);
  expect(parsed.ignored).toHaveLength(1);
  return parsed.ignored[0]!;
}

function onlyChange(parsed: ParsedInbound): ConversationStateChange {
  expect(parsed.messages).toEqual([]);
  expect(parsed.ignored).toEqual([]);
  expect(parsed.conversationChanges).toHaveLength(1);
  return parsed.conversationChanges[0]!;
}

// ---------------------------------------------------------------------------------------------
describe('verifySecretToken', () => {
  const SECRET = 'wh-secret_0123456789-ABCdef';

  it('when the header equals the secret, then it passes', () => {
    expect(verifySecretToken(SECRET, SECRET)).toBe(true);
  });

  it('when the header differs by one character, then it fails', () => {
    expect(verifySecretToken(`${SECRET.slice(0, -1)}g`, SECRET)).toBe(false);
    expect(verifySecretToken(SECRET.toUpperCase(), SECRET)).toBe(false);
  });

  it('when the header is longer or shorter than the secret, then it fails without throwing', () => {
    expect(() => verifySecretToken(`${SECRET}x`, SECRET)).not.toThrow();
    expect(verifySecretToken(`${SECRET}x`, SECRET)).toBe(false);
    expect(verifySecretToken(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(verifySecretToken('a', SECRET)).toBe(false);
  });

  it('when the header is missing or empty, then it fails', () => {
    expect(verifySecretToken(undefined, SECRET)).toBe(false);
    expect(verifySecretToken('', SECRET)).toBe(false);
  });

  it('when our secret is unset or empty, then it fails whatever is sent', () => {
    expect(verifySecretToken(SECRET, undefined)).toBe(false);
    expect(verifySecretToken('', '')).toBe(false);
    expect(verifySecretToken(undefined, undefined)).toBe(false);
  });
});

describe('botIdFromToken', () => {
  it('when the token is <id>:<secret>, then the id is the number before the colon', () => {
    expect(botIdFromToken('123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11')).toBe(123456);
    expect(botIdFromToken(TOKEN)).toBe(BOT_ID);
  });

  it('when the token has no numeric id before a colon, then it is undefined', () => {
    for (const token of ['', '123456', '123456:', ':ABC', 'abc:DEF', ' 123:ABC', '-5:ABC', '0:ABC']) {
      expect(botIdFromToken(token), token).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('parseUpdate: private messages', () => {
  it('when a text message arrives, then it is normalized with chat, sender, ids, time and raw message', () => {
    const body = fixture('text');
    expect(onlyMessage(parse(body))).toEqual<InboundMessage>({
      channel: 'telegram',
      accountExternalId: ACCOUNT,
      externalId: `${PRIVATE_CHAT}:201`,
      conversation: { externalId: PRIVATE_CHAT, title: 'Anna Schmidt' },
      from: ANNA,
      kind: 'text',
      text: 'Hi! Where is my order #4411?',
      attachments: [],
      answer: true,
      sentAt: at(1750000000),
      raw: fixture('text').message,
    });
  });

  it('when the sender has no last name or language, then the display name is the first name and locale is undefined', () => {
    const body = fixture('text');
    delete body.message.from.last_name;
    delete body.message.from.language_code;
    delete body.message.chat.last_name;
    const message = onlyMessage(parse(body));
    expect(message.from).toEqual({ externalId: '123456789', displayName: 'Anna', locale: undefined });
    expect(message.conversation).toEqual({ externalId: PRIVATE_CHAT, title: 'Anna' });
  });

  it('when a message replies to another, then replyToExternalId is <chat>:<replied message id>', () => {
    const body = fixture('text');
    body.message.reply_to_message = { message_id: 150, from: body.message.from, chat: body.message.chat, date: 1749990000, text: 'earlier' };
    expect(onlyMessage(parse(body)).replyToExternalId).toBe(`${PRIVATE_CHAT}:150`);
  });

  it('when a /start command arrives in a private chat, then it is answered with the command as text', () => {
    expect(onlyMessage(parse(fixture('command-start')))).toMatchObject({ kind: 'text', text: '/start', answer: true });
  });

  it('when a photo arrives, then the largest size (not the last) is the attachment and the caption is the text', () => {
    const message = onlyMessage(parse(fixture('photo')));
    expect(message).toMatchObject({ kind: 'photo', text: 'The box arrived crushed', externalId: `${PRIVATE_CHAT}:203`, answer: true });
    expect(message.attachments).toEqual([
      { type: 'photo', mediaId: 'AgACAgIAAxkBAAIBa2ZlargeAAQ', mimeType: 'image/jpeg', caption: 'The box arrived crushed' },
    ]);
  });

  it('when a photo has no caption, then the text is empty and the attachment has no caption', () => {
    const body = fixture('photo');
    delete body.message.caption;
    const message = onlyMessage(parse(body));
    expect(message.text).toBe('');
    expect(message.attachments[0]!.caption).toBeUndefined();
  });

  it.each([
    [
      'document',
      { type: 'document', mediaId: 'BQACAgIAAxkBAAIBbGZdocAAQ', mimeType: 'application/pdf', filename: 'invoice-4411.pdf', caption: 'Invoice attached' },
      'Invoice attached',
    ],
    ['audio', { type: 'audio', mediaId: 'CQACAgIAAxkBAAIBbWZaudioAQ', mimeType: 'audio/mpeg', filename: 'hold-music.mp3' }, ''],
    ['voice', { type: 'voice', mediaId: 'AwACAgIAAxkBAAIBbmZvoiceAQ', mimeType: 'audio/ogg' }, ''],
    [
      'video',
      { type: 'video', mediaId: 'BAACAgIAAxkBAAIBb2ZvideoAQ', mimeType: 'video/mp4', filename: 'unboxing.mp4', caption: 'Look at the scratch' },
      'Look at the scratch',
    ],
    ['video_note', { type: 'video_note', mediaId: 'DQACAgIAAxkBAAIBcGZnoteAQ', mimeType: 'video/mp4' }, ''],
    [
      'animation',
      { type: 'animation', mediaId: 'CgACAgIAAxkBAAIBcWZanimAQ', mimeType: 'video/mp4', filename: 'waiting.mp4', caption: 'still waiting...' },
      'still waiting...',
    ],
    ['sticker', { type: 'sticker', mediaId: 'CAACAgIAAxkBAAIBcmZstickerAQ', mimeType: 'image/webp' }, ''],
  ])('when a %s arrives, then it has one attachment with its file_id, type and file details', (kind, attachment, text) => {
    const message = onlyMessage(parse(fixture(kind.replace('_', '-'))));
    expect(message.kind).toBe(kind);
    expect(message.text).toBe(text);
    expect(message.attachments).toEqual([attachment]);
    expect(message.answer).toBe(true);
    expect(message.from).toEqual(ANNA);
  });

  it('when an animation arrives (Telegram also sets document on it), then it is one animation, not a document', () => {
    const message = onlyMessage(parse(fixture('animation')));
    expect(message.kind).toBe('animation');
    expect(message.attachments).toHaveLength(1);
  });

  it('when a sticker is animated or a video, then its mime type says so; its text stays empty', () => {
    const animated = fixture('sticker');
    animated.message.sticker.is_animated = true;
    expect(onlyMessage(parse(animated)).attachments[0]!.mimeType).toBe('application/x-tgsticker');
    const video = fixture('sticker');
    video.message.sticker.is_video = true;
    expect(onlyMessage(parse(video))).toMatchObject({ text: '', attachments: [{ mimeType: 'video/webm' }] });
  });

  it('when a location arrives, then the text describes the coordinates', () => {
    expect(onlyMessage(parse(fixture('location')))).toMatchObject({ kind: 'location', text: 'Location: 52.52, 13.405', attachments: [], answer: true });
  });

  it('when a venue arrives (with its location), then it is a venue described by title and address', () => {
    expect(onlyMessage(parse(fixture('venue')))).toMatchObject({
      kind: 'venue',
      text: 'Venue: Brandenburg Gate, Pariser Platz, 10117 Berlin',
      attachments: [],
    });
  });

  it('when a contact arrives, then the text is its name and phone number', () => {
    expect(onlyMessage(parse(fixture('contact')))).toMatchObject({ kind: 'contact', text: 'Contact: Jonas Weber, +4915112345678' });
  });

  it.each(['poll', 'dice'])('when a %s arrives, then it is answered with its field name as kind and empty text', (kind) => {
    expect(onlyMessage(parse(fixture(kind)))).toMatchObject({
      kind,
      text: '',
      attachments: [],
      answer: true,
      externalId: expect.stringMatching(/^123456789:\d+$/),
    });
  });

  it.each(['story', 'game', 'paid_media', 'checklist', 'giveaway'])('when a message carries %s, then it is answered with that kind and empty text', (kind) => {
    const body = fixture('text');
    delete body.message.text;
    body.message[kind] = {};
    expect(onlyMessage(parse(body))).toMatchObject({ kind, text: '', answer: true });
  });

  it.each([
    ['new_chat_title', 'New name'],
    ['pinned_message', { message_id: 1, chat: { id: 1, type: 'private' }, date: 0 }],
    ['group_chat_created', true],
    ['migrate_to_chat_id', -1001234567890],
    ['left_chat_member', { id: 555000111, is_bot: false, first_name: 'Ben' }],
    ['web_app_data', { data: '{}', button_text: 'Open' }],
  ])('when a service message %s arrives, then it is ignored with the update id and its kind', (kind, value) => {
    const body = fixture('text');
    delete body.message.text;
    body.message[kind] = value;
    expect(onlyIgnored(parse(body))).toEqual<IgnoredEvent>({
      channel: 'telegram',
      accountExternalId: ACCOUNT,
      eventId: '412000101',
      kind,
      reason: `service message (${kind})`,
      outcome: 'ignored',
      raw: body,
    });
  });

  it('when new members join a group, then the service message is ignored', () => {
    expect(onlyIgnored(parse(fixture('new-chat-members')))).toMatchObject({
      eventId: '412000116',
      kind: 'new_chat_members',
      outcome: 'ignored',
    });
  });

  it('when a message has no content this adapter knows, then it is ignored rather than answered', () => {
    const body = fixture('text');
    delete body.message.text;
    body.message.some_future_field = { x: 1 };
    expect(onlyIgnored(parse(body))).toMatchObject({ kind: 'unknown', outcome: 'ignored' });
  });

  it('when a message has no from (sent on behalf of a chat), then it is ignored', () => {
    const body = fixture('text');
    delete body.message.from;
    expect(onlyIgnored(parse(body))).toMatchObject({ eventId: '412000101', kind: 'message', outcome: 'ignored', reason: expect.stringContaining('sender') });
  });

  it('when a message comes from a bot (an anonymous admin or channel forward placeholder), then it is ignored', () => {
    const body = fixture('group-mention');
    body.message.from = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };
    body.message.sender_chat = body.message.chat;
    expect(onlyIgnored(parse(body))).toMatchObject({ kind: 'message', outcome: 'ignored', reason: 'message from a bot' });
  });

  it('when the date is missing, then sentAt falls back to now', () => {
    const body = fixture('text');
    delete body.message.date;
    const before = Date.now();
    const sentAt = onlyMessage(parse(body)).sentAt.getTime();
    expect(sentAt).toBeGreaterThanOrEqual(before);
    expect(sentAt).toBeLessThanOrEqual(Date.now());
  });
});

// ---------------------------------------------------------------------------------------------
describe('parseUpdate: groups', () => {
  it('when a @mention of the bot (any case) addresses it, then it is answered without the mention', () => {
    const message = onlyMessage(parse(fixture('group-mention')));
    expect(message).toMatchObject({
      externalId: `${GROUP_CHAT}:302`,
      conversation: { externalId: GROUP_CHAT, title: 'Acme Customers' },
      from: ANNA,
      kind: 'text',
      text: 'Hi, where is my order #4411?',
      answer: true,
      sentAt: at(1750000210),
    });
  });

  it('when the mention starts or ends the text, then the text is trimmed around it', () => {
    const start = fixture('group-mention');
    start.message.text = '@support_test_bot   where is it?';
    start.message.entities = [{ offset: 0, length: 17, type: 'mention' }];
    expect(onlyMessage(parse(start)).text).toBe('where is it?');
    const end = fixture('group-mention');
    end.message.text = 'where is it? @support_test_bot';
    end.message.entities = [{ offset: 13, length: 17, type: 'mention' }];
    expect(onlyMessage(parse(end)).text).toBe('where is it?');
  });

  it('when a text_mention entity names the bot user, then it is answered and the text is kept', () => {
    expect(onlyMessage(parse(fixture('group-text-mention')))).toMatchObject({
      text: 'Support can you check order #4412?',
      from: { externalId: '555000111', displayName: 'Ben', locale: 'en' },
      answer: true,
    });
  });

  it('when a /command@botname addresses the bot, then it is answered as the bare command', () => {
    expect(onlyMessage(parse(fixture('group-command')))).toMatchObject({ kind: 'text', text: '/help', answer: true });
  });

  it("when a message replies to one of the bot's messages, then it is answered and replies to that message", () => {
    expect(onlyMessage(parse(fixture('group-reply-to-bot')))).toMatchObject({
      text: 'Thanks! When will it ship?',
      replyToExternalId: `${GROUP_CHAT}:290`,
      answer: true,
    });
  });

  it('when a photo caption mentions the bot, then the caption entities address it', () => {
    const body = fixture('photo');
    body.message.chat = fixture('group-mention').message.chat;
    body.message.caption = '@support_test_bot the box arrived crushed';
    body.message.caption_entities = [{ offset: 0, length: 17, type: 'mention' }];
    expect(onlyMessage(parse(body))).toMatchObject({ kind: 'photo', text: 'the box arrived crushed', answer: true });
  });

  it('when a group message mentions only someone else, then it is ignored as not addressed', () => {
    expect(onlyIgnored(parse(fixture('group-unaddressed')))).toEqual<IgnoredEvent>({
      channel: 'telegram',
      accountExternalId: ACCOUNT,
      eventId: '412000121',
      kind: 'text',
      reason: 'group message not addressed to the bot',
      outcome: 'ignored',
      raw: fixture('group-unaddressed'),
    });
  });

  it("when the bot's name appears as plain text without an entity, then it is not addressed", () => {
    const body = fixture('group-mention');
    delete body.message.entities;
    expect(onlyIgnored(parse(body)).reason).toBe('group message not addressed to the bot');
  });

  it('when a text_mention names another user, a command names another bot, or a reply goes to another user, then it is not addressed', () => {
    const textMention = fixture('group-text-mention');
    textMention.message.entities[0].user = { id: 555000111, is_bot: false, first_name: 'Ben' };
    expect(onlyIgnored(parse(textMention)).outcome).toBe('ignored');
    const command = fixture('group-command');
    command.message.text = '/help@other_bot';
    command.message.entities = [{ offset: 0, length: 15, type: 'bot_command' }];
    expect(onlyIgnored(parse(command)).outcome).toBe('ignored');
    const reply = fixture('group-reply-to-bot');
    reply.message.reply_to_message.from = { id: 555000111, is_bot: false, first_name: 'Ben' };
    expect(onlyIgnored(parse(reply)).outcome).toBe('ignored');
  });

  it('when the bot has no username, then only text mentions and replies address it', () => {
    const noUsername = { bot: { id: BOT_ID } };
    expect(onlyIgnored(parse(fixture('group-mention'), noUsername)).outcome).toBe('ignored');
    expect(onlyMessage(parse(fixture('group-text-mention'), noUsername)).answer).toBe(true);
    expect(onlyMessage(parse(fixture('group-reply-to-bot'), noUsername)).answer).toBe(true);
  });

  it('when a basic group (type group) addresses the bot or not, then the same rules apply', () => {
    const addressed = fixture('group-mention');
    addressed.message.chat = { id: -4012345678, title: 'Old group', type: 'group', all_members_are_administrators: true };
    expect(onlyMessage(parse(addressed)).conversation).toEqual({ externalId: '-4012345678', title: 'Old group' });
    const unaddressed = fixture('group-unaddressed');
    unaddressed.message.chat = addressed.message.chat;
    expect(onlyIgnored(parse(unaddressed)).reason).toBe('group message not addressed to the bot');
  });

  it('when a private message carries a /command@botname, then the suffix is removed too', () => {
    const body = fixture('command-start');
    body.message.text = '/start@support_test_bot';
    body.message.entities = [{ offset: 0, length: 23, type: 'bot_command' }];
    expect(onlyMessage(parse(body)).text).toBe('/start');
  });
});

// ---------------------------------------------------------------------------------------------
describe('parseUpdate: edits, buttons and membership', () => {
  it('when a message is edited and the account answers edits, then it is answered with an edit id and the edit time', () => {
    expect(onlyMessage(parse(fixture('edited-message'), { answerEdits: true }))).toEqual<InboundMessage>({
      channel: 'telegram',
      accountExternalId: ACCOUNT,
      externalId: `${PRIVATE_CHAT}:201:edit:1750000300`,
      conversation: { externalId: PRIVATE_CHAT, title: 'Anna Schmidt' },
      from: ANNA,
      kind: 'text',
      text: 'Hi! Where is my order #4412?',
      attachments: [],
      answer: true,
      sentAt: at(1750000300),
      raw: fixture('edited-message').edited_message,
    });
  });

  it('when a message is edited and the account does not answer edits, then it is stored unanswered with a note', () => {
    const message = onlyMessage(parse(fixture('edited-message'), { answerEdits: false }));
    expect(message).toMatchObject({
      externalId: `${PRIVATE_CHAT}:201:edit:1750000300`,
      answer: false,
      note: 'edited message; this account does not answer edits',
      sentAt: at(1750000300),
    });
  });

  it('when an edit in a group is not addressed to the bot, then it is ignored like a new message', () => {
    const body = { update_id: 5, edited_message: { ...fixture('group-unaddressed').message, edit_date: 1750000999 } };
    expect(onlyIgnored(parse(body)).reason).toBe('group message not addressed to the bot');
  });

  it('when an edited message has no edit_date, then it is rejected', () => {
    const body = fixture('edited-message');
    delete body.edited_message.edit_date;
    expect(onlyIgnored(parse(body))).toMatchObject({ kind: 'edited_message', outcome: 'rejected', reason: expect.stringContaining('edit_date') });
  });

  it('when a button is pressed, then a callback_query message carries the data, replies to the button message and keeps the query', () => {
    const before = Date.now();
    const message = onlyMessage(parse(fixture('callback-query')));
    expect(message).toEqual<InboundMessage>({
      channel: 'telegram',
      accountExternalId: ACCOUNT,
      externalId: 'cbq:4382bfdwdsb323b2d9',
      conversation: { externalId: PRIVATE_CHAT, title: 'Anna Schmidt' },
      from: ANNA,
      kind: 'callback_query',
      text: 'handoff:yes',
      attachments: [],
      replyToExternalId: `${PRIVATE_CHAT}:291`,
      answer: true,
      sentAt: expect.any(Date) as Date,
      raw: fixture('callback-query').callback_query,
    });
    expect(message.sentAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(message.raw.id).toBe('4382bfdwdsb323b2d9');
  });

  it('when a button on an inline message is pressed (no message), then the conversation is the user and there is no reply', () => {
    const body = fixture('callback-query');
    delete body.callback_query.message;
    body.callback_query.inline_message_id = 'AAAAAJ0zAAAbJj4AAAAAAA';
    delete body.callback_query.data;
    body.callback_query.game_short_name = 'quiz';
    expect(onlyMessage(parse(body))).toMatchObject({
      conversation: { externalId: '123456789', title: 'Anna Schmidt' },
      text: '',
      replyToExternalId: undefined,
      answer: true,
    });
  });

  it('when a button is pressed in a group, then it is answered there without any mention', () => {
    const body = fixture('callback-query');
    body.callback_query.message.chat = fixture('group-mention').message.chat;
    expect(onlyMessage(parse(body))).toMatchObject({
      conversation: { externalId: GROUP_CHAT, title: 'Acme Customers' },
      replyToExternalId: `${GROUP_CHAT}:291`,
      answer: true,
    });
  });

  it('when the user blocks the bot, then the private conversation is blocked', () => {
    expect(onlyChange(parse(fixture('my-chat-member-blocked')))).toEqual<ConversationStateChange>({
      channel: 'telegram',
      accountExternalId: ACCOUNT,
      conversationExternalId: PRIVATE_CHAT,
      blocked: true,
      reason: 'the user blocked the bot',
      at: at(1750000400),
    });
  });

  it('when the user restarts the bot, then the private conversation is unblocked', () => {
    const body = fixture('my-chat-member-blocked');
    body.my_chat_member.old_chat_member.status = 'kicked';
    body.my_chat_member.new_chat_member = { user: body.my_chat_member.new_chat_member.user, status: 'member' };
    expect(onlyChange(parse(body))).toMatchObject({ conversationExternalId: PRIVATE_CHAT, blocked: false, reason: expect.stringContaining('unblocked') });
  });

  it('when the bot is added to a group, then the group is unblocked with a reason', () => {
    expect(onlyChange(parse(fixture('my-chat-member-added')))).toEqual<ConversationStateChange>({
      channel: 'telegram',
      accountExternalId: ACCOUNT,
      conversationExternalId: GROUP_CHAT,
      blocked: false,
      reason: 'the bot was added to the group',
      at: at(1750000500),
    });
  });

  it.each([
    ['kicked', {}, true, 'the bot was removed from the group'],
    ['left', {}, true, 'the bot was removed from the group'],
    ['administrator', { can_be_edited: false }, false, 'the bot is an administrator of the group'],
    ['restricted', { is_member: true, can_send_messages: true }, false, 'the bot is a restricted member of the group'],
    ['restricted', { is_member: false }, true, 'the bot was removed from the group'],
    ['restricted', { is_member: true, can_send_messages: false }, true, 'the bot may not send messages in the group'],
  ])("when the bot's group status becomes %s %j, then blocked is %s", (status, extra, blocked, reason) => {
    const body = fixture('my-chat-member-added');
    body.my_chat_member.new_chat_member = { user: body.my_chat_member.new_chat_member.user, status, ...extra };
    expect(onlyChange(parse(body))).toMatchObject({ conversationExternalId: GROUP_CHAT, blocked, reason });
  });

  it('when the member status is unknown, then the update is ignored', () => {
    const body = fixture('my-chat-member-added');
    body.my_chat_member.new_chat_member.status = 'ghost';
    expect(onlyIgnored(parse(body))).toMatchObject({ kind: 'my_chat_member', outcome: 'ignored', eventId: '412000125' });
  });
});

// ---------------------------------------------------------------------------------------------
describe('parseUpdate: other updates and malformed input', () => {
  it.each([
    ['channel-post', 'channel_post'],
    ['inline-query', 'inline_query'],
    ['poll-answer', 'poll_answer'],
    ['message-reaction', 'message_reaction'],
  ])('when a %s update arrives, then it is ignored with its kind and update id', (name, kind) => {
    const body = fixture(name);
    const ignored = onlyIgnored(parse(body));
    expect(ignored).toEqual<IgnoredEvent>({
      channel: 'telegram',
      accountExternalId: ACCOUNT,
      eventId: String(body.update_id),
      kind,
      reason: expect.any(String) as string,
      outcome: 'ignored',
      raw: body,
    });
  });

  it.each([
    'edited_channel_post',
    'chosen_inline_result',
    'shipping_query',
    'pre_checkout_query',
    'poll',
    'chat_member',
    'chat_join_request',
    'message_reaction_count',
    'chat_boost',
    'business_message',
  ])('when a %s update arrives, then it is ignored', (kind) => {
    expect(onlyIgnored(parse({ update_id: 99, [kind]: { anything: true } }))).toMatchObject({ eventId: '99', kind, outcome: 'ignored' });
  });

  it('when an update carries no event at all, then it is ignored', () => {
    expect(onlyIgnored(parse({ update_id: 100 }))).toMatchObject({ eventId: '100', outcome: 'ignored' });
  });

  it.each<[string, (body: ReturnType<typeof fixture>) => void, RegExp]>([
    ['message without chat', (b) => delete b.message.chat, /chat/],
    ['message with a chat without id', (b) => delete b.message.chat.id, /chat/],
    ['message without message_id', (b) => delete b.message.message_id, /message_id/],
    ['message with a string message_id', (b) => (b.message.message_id = '201'), /message_id/],
    ['message with from but no id', (b) => (b.message.from = { first_name: 'Anna' }), /from/],
    ['message that is not an object', (b) => (b.message = 'hello'), /object/],
    [
      'photo without any file_id',
      (b) => {
        delete b.message.text;
        b.message.photo = [{ width: 1 }];
      },
      /file_id/,
    ],
    [
      'document without a file_id',
      (b) => {
        delete b.message.text;
        b.message.document = { file_name: 'x.pdf' };
      },
      /file_id/,
    ],
  ])('when a %s arrives, then it is rejected with a reason, not thrown', (_label, mutate, reason) => {
    const body = fixture('text');
    mutate(body);
    const ignored = onlyIgnored(parse(body));
    expect(ignored).toMatchObject({ channel: 'telegram', eventId: '412000101', outcome: 'rejected' });
    expect(ignored.reason).toMatch(reason);
  });

  it.each<[string, (body: ReturnType<typeof fixture>) => void]>([
    ['without an id', (b) => delete b.callback_query.id],
    ['without from', (b) => delete b.callback_query.from],
    ['whose message has no chat', (b) => delete b.callback_query.message.chat],
    ['whose message has no message_id', (b) => delete b.callback_query.message.message_id],
  ])('when a callback_query %s arrives, then it is rejected', (_label, mutate) => {
    const body = fixture('callback-query');
    mutate(body);
    expect(onlyIgnored(parse(body))).toMatchObject({ kind: 'callback_query', outcome: 'rejected', eventId: '412000123' });
  });

  it('when my_chat_member has no chat id or no new status, then it is rejected', () => {
    const noChat = fixture('my-chat-member-blocked');
    delete noChat.my_chat_member.chat;
    expect(onlyIgnored(parse(noChat))).toMatchObject({ kind: 'my_chat_member', outcome: 'rejected' });
    const noStatus = fixture('my-chat-member-blocked');
    delete noStatus.my_chat_member.new_chat_member.status;
    expect(onlyIgnored(parse(noStatus))).toMatchObject({ kind: 'my_chat_member', outcome: 'rejected' });
  });

  it('when the body is not an object with an integer update_id, then it throws TelegramPayloadError', () => {
    const text = fixture('text');
    for (const body of [
      null,
      undefined,
      'text',
      42,
      [],
      [text],
      {},
      { ...text, update_id: '412000101' },
      { ...text, update_id: 1.5 },
      { message: text.message },
    ]) {
      let thrown: unknown;
      try {
        parse(body);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, JSON.stringify(body)).toBeInstanceOf(TelegramPayloadError);
      expect((thrown as Error).name).toBe('TelegramPayloadError');
      expect((thrown as Error).message).toMatch(/update_id/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
/** Every tag opened is closed, in order, and only Telegram's tags are used. */
function expectBalancedHtml(html: string): void {
  const stack: string[] = [];
  for (const [, closing, name] of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    expect(['b', 'code', 'pre', 'a']).toContain(name);
    if (closing) expect(stack.pop(), html.slice(0, 80)).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

describe('formatText', () => {
  const format = (text: string) => createTelegramSender({ apiBaseUrl: 'http://127.0.0.1:1', timeoutMs: 1000 }).formatText(text);

  it('when the text has <, > and &, then they are escaped and nothing else changes', () => {
    expect(format('if a < b && c > d then "ok"')).toEqual(['if a &lt; b &amp;&amp; c &gt; d then "ok"']);
    expect(format('<b>not a tag</b> &amp;')).toEqual(['&lt;b&gt;not a tag&lt;/b&gt; &amp;amp;']);
  });

  it('when the text has **bold**, `code` and [label](https://url), then they become <b>, <code> and <a href>', () => {
    expect(format('Your order is **on its way**: track it at [DHL](https://dhl.example/t?id=1&x=2) with `JJD<0001>`.')).toEqual([
      'Your order is <b>on its way</b>: track it at <a href="https://dhl.example/t?id=1&amp;x=2">DHL</a> with <code>JJD&lt;0001&gt;</code>.',
    ]);
  });

  it('when a link is not http(s), then it stays literal text', () => {
    expect(format('[click](javascript:alert(1)) and [mail](mailto:a@b.c)')).toEqual(['[click](javascript:alert(1)) and [mail](mailto:a@b.c)']);
  });

  it('when a code span holds markup, then it is escaped, not converted', () => {
    expect(format('run `**x** & [a](https://a.b)`')).toEqual(['run <code>**x** &amp; [a](https://a.b)</code>']);
  });

  it('when bold holds a link, then the link is nested inside the bold', () => {
    expect(format('**see [docs](https://docs.example)**')).toEqual(['<b>see <a href="https://docs.example">docs</a></b>']);
  });

  it('when a fenced code block appears, then it becomes <pre> with its content escaped', () => {
    expect(format('Try:\n```ts\nconst a = b < c;\n```\nthen retry.')).toEqual(['Try:\n<pre>const a = b &lt; c;</pre>\nthen retry.']);
  });

  it('when markers are unpaired or empty, then they stay literal and no tag is produced', () => {
    for (const text of ['a ** b', '**', '****', '`', '``', '** spaced **', '[label](https://x.y', 'x**y']) {
      const [html] = format(text);
      expect(html, text).not.toMatch(/<[a-z/]/);
      expectBalancedHtml(html!);
    }
  });

  it('when the text is within 4096 characters, then it is one part', () => {
    expect(TELEGRAM_TEXT_LIMIT).toBe(4096);
    const exact = 'a'.repeat(4096);
    expect(format(exact)).toEqual([exact]);
    expect(format('  Yes.  ')).toEqual(['Yes.']);
  });

  it('when the text is 10,000 characters, then it splits at 4096 keeping every word in order', () => {
    let text = '';
    for (let i = 0; text.length < 10_000; i++) text += (text ? (i % 97 === 0 ? '\n' : ' ') : '') + `w${i}`;
    text = `${text.slice(0, 9_999)}z`;
    expect(text.length).toBe(10_000);
    const parts = format(text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.length).toBeGreaterThan(0);
      expect(part.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    }
    expect(parts.join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
  });

  it('when bold, code and a link straddle a split, then no part holds an unbalanced tag', () => {
    const words = (n: number, label: string) => Array.from({ length: n }, (_, i) => `${label}${i}`).join(' ');
    // 'ab ' * 1350 = 4050 characters, so the bold opened just before the first cut closes well
    // after it; a code span then straddles the second cut, and a link follows whole in part 3.
    const first = `${'ab '.repeat(1350)}**bold that starts before the cut ${words(20, 'b')} and ends after** `;
    const second = `${'cd '.repeat(Math.ceil((8150 - first.length) / 3))}\`code ${words(30, 'c')}\` [a link ${words(10, 'l')}](https://x.example) `;
    const text = `${first}${second}**final bold**`;
    expect(text.indexOf('**bold')).toBeLessThan(4096);
    expect(text.indexOf('after**')).toBeGreaterThan(4096);
    const parts = format(text);
    expect(parts).toHaveLength(3);
    for (const part of parts) expectBalancedHtml(part);
    // The halves of a pair cut in two stay literal on both sides of the cut.
    expect(parts[0]).toContain('**bold that starts');
    expect(parts[1]).toContain('ends after**');
    expect(parts[1]).toContain('`code');
    expect(parts[2]).toMatch(/^c\d+ .*` <a href="https:\/\/x\.example">a link l0 /);
    expect(parts[2]).toContain('<b>final bold</b>');
    expect(parts.join(' ')).not.toContain('<code>');
  });

  it('when escaping makes a part longer, then the visible length still fits (tags and entities do not count)', () => {
    const parts = format('<'.repeat(5000));
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe('&lt;'.repeat(4096));
  });
});

// ---------------------------------------------------------------------------------------------
describe('createTelegramSender', () => {
  let telegram: FakeTelegram;

  const senderFor = (overrides: Partial<TelegramSenderOptions> = {}) => createTelegramSender({ apiBaseUrl: telegram.url, timeoutMs: 5_000, ...overrides });

  const outbound = (overrides: Partial<OutboundText> = {}): OutboundText => ({
    accountExternalId: ACCOUNT,
    token: TOKEN,
    to: PRIVATE_CHAT,
    text: 'Your order <b>ships</b> today.',
    deliveryId: 'delivery-7f3c',
    ...overrides,
  });

  const ack = (overrides: Partial<InboundAck> = {}): InboundAck => ({
    accountExternalId: ACCOUNT,
    token: TOKEN,
    kind: 'text',
    externalId: `${PRIVATE_CHAT}:201`,
    conversationExternalId: PRIVATE_CHAT,
    raw: fixture('text').message,
    ...overrides,
  });

  async function sendError(promise: Promise<unknown>): Promise<ChannelSendError> {
    const outcome = await promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
    expect(outcome.error).toBeInstanceOf(ChannelSendError);
    const error = outcome.error as ChannelSendError;
    // The token is in every URL: it must never leak into what gets logged or stored.
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(TOKEN.split(':')[1]);
    expect(JSON.stringify(error.details)).not.toContain(TOKEN.split(':')[1]);
    return error;
  }

  const closedPort = () =>
    new Promise<number>((resolve) => {
      const server = http.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });

  beforeEach(async () => {
    telegram = await startFakeTelegram();
  });

  afterEach(async () => {
    await telegram.close();
  });

  describe('send', () => {
    it('when Telegram accepts the message, then the provider id is <chat id>:<message id>', async () => {
      const sender = senderFor();
      expect(sender.channel).toBe('telegram');
      expect(sender.placeholderText).toBeUndefined();
      await expect(sender.send(outbound())).resolves.toEqual({ providerMessageId: `${PRIVATE_CHAT}:1001` });
      await expect(sender.send(outbound())).resolves.toEqual({ providerMessageId: `${PRIVATE_CHAT}:1002` });
    });

    it('when sending, then it POSTs sendMessage to /bot<token>/ with HTML, no link preview and no reply', async () => {
      await senderFor().send(outbound());
      expect(telegram.requests).toHaveLength(1);
      const request = telegram.requests[0]!;
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/bot${TOKEN}/sendMessage`);
      expect(request.headers['content-type']).toMatch(/^application\/json/);
      expect(request.body).toEqual({
        chat_id: PRIVATE_CHAT,
        text: 'Your order <b>ships</b> today.',
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      });
    });

    it('when replying to a message of the same chat, then reply_parameters thread it and tolerate its deletion', async () => {
      await senderFor().send(outbound({ replyToExternalId: `${PRIVATE_CHAT}:201` }));
      await senderFor().send(outbound({ replyToExternalId: `${PRIVATE_CHAT}:201:edit:1750000300` }));
      await senderFor().send(outbound({ to: GROUP_CHAT, replyToExternalId: `${GROUP_CHAT}:302` }));
      expect(telegram.sent().map((r) => [r.body.chat_id, r.body.reply_parameters])).toEqual([
        [PRIVATE_CHAT, { message_id: 201, allow_sending_without_reply: true }],
        [PRIVATE_CHAT, { message_id: 201, allow_sending_without_reply: true }],
        [GROUP_CHAT, { message_id: 302, allow_sending_without_reply: true }],
      ]);
    });

    it('when the reply target is another chat, a callback query id or garbage, then no reply_parameters are sent', async () => {
      for (const replyToExternalId of [`${GROUP_CHAT}:302`, 'cbq:4382bfdwdsb323b2d9', 'x:1', `${PRIVATE_CHAT}`]) {
        await senderFor().send(outbound({ replyToExternalId }));
      }
      expect(telegram.sent()).toHaveLength(4);
      for (const request of telegram.sent()) expect(request.body).not.toHaveProperty('reply_parameters');
    });

    it('when replacing one of our messages, then it calls editMessageText on that message and returns its id', async () => {
      const result = await senderFor().send(outbound({ replaceProviderMessageId: `${PRIVATE_CHAT}:1500`, replyToExternalId: `${PRIVATE_CHAT}:201` }));
      expect(result).toEqual({ providerMessageId: `${PRIVATE_CHAT}:1500` });
      expect(telegram.sent()).toHaveLength(0);
      const [edit, ...rest] = telegram.calls('editMessageText');
      expect(rest).toEqual([]);
      expect(edit!.path).toBe(`/bot${TOKEN}/editMessageText`);
      expect(edit!.body).toEqual({
        chat_id: PRIVATE_CHAT,
        message_id: 1500,
        text: 'Your order <b>ships</b> today.',
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      });
    });

    it('when the replaced message already has this text, then the edit counts as done', async () => {
      telegram.failNext(
        400,
        {
          ok: false,
          error_code: 400,
          description:
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        },
        undefined,
        'editMessageText',
      );
      await expect(senderFor().send(outbound({ replaceProviderMessageId: `${PRIVATE_CHAT}:1500` }))).resolves.toEqual({
        providerMessageId: `${PRIVATE_CHAT}:1500`,
      });
    });

    it('when the id to replace is not <chat>:<message>, then it fails permanently without a request', async () => {
      const error = await sendError(senderFor().send(outbound({ replaceProviderMessageId: 'placeholder-1' })));
      expect(error.details).toMatchObject({ channel: 'telegram', retryable: false, notSent: true });
      expect(telegram.requests).toHaveLength(0);
    });

    it('when Telegram answers 429 with retry_after 7, then it is retryable after 7000 ms', async () => {
      telegram.failNext(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } });
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ channel: 'telegram', retryable: true, notSent: true, status: 429, code: 429, retryAfterMs: 7000 });
      expect(error.message).toContain('Too Many Requests: retry after 7');
    });

    it('when a 429 has no retry_after but a Retry-After header, then the header is used', async () => {
      telegram.failNext(429, { ok: false, error_code: 429, description: 'Too Many Requests' }, { 'Retry-After': '3' });
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    });

    it('when Telegram answers 500, then it is retryable and a retry by the caller succeeds', async () => {
      telegram.failNext(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      const sender = senderFor();
      const error = await sendError(sender.send(outbound()));
      expect(error.details).toMatchObject({ channel: 'telegram', retryable: true, notSent: true, status: 500 });
      expect(error.message).toContain('Internal Server Error');
      await expect(sender.send(outbound())).resolves.toEqual({ providerMessageId: `${PRIVATE_CHAT}:1001` });
      expect(telegram.sent()).toHaveLength(2);
    });

    it('when a gateway answers 502 with a non-JSON body, then it is retryable and the message names the status', async () => {
      telegram.failNext(502, '<html>Bad Gateway</html>');
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ retryable: true, notSent: true, status: 502 });
      expect(error.message).toContain('HTTP 502');
    });

    it.each(['Forbidden: bot was blocked by the user', 'Forbidden: bot was kicked from the supergroup chat', 'Forbidden: user is deactivated'])(
      'when Telegram answers 403 "%s", then it is permanent and the chat is blocked',
      async (description) => {
        telegram.failNext(403, { ok: false, error_code: 403, description });
        const error = await sendError(senderFor().send(outbound()));
        expect(error.details).toMatchObject({ channel: 'telegram', retryable: false, notSent: true, blocked: true, status: 403, code: 403 });
        expect(error.message).toContain(description);
      },
    );

    it('when Telegram answers 400 chat not found, then it is permanent and the chat is blocked', async () => {
      telegram.failNext(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ retryable: false, notSent: true, blocked: true, status: 400 });
    });

    it('when Telegram cannot parse the HTML, then it sends once more as plain text and that succeeds', async () => {
      telegram.failNext(400, { ok: false, error_code: 400, description: 'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 11' });
      const text = 'Order <b>4411</b> &amp; <a href="https://t.example/x?a=1&amp;b=2">tracking</a> <code>a &lt; b</code>';
      const result = await senderFor().send(outbound({ text, replyToExternalId: `${PRIVATE_CHAT}:201` }));
      expect(result).toEqual({ providerMessageId: `${PRIVATE_CHAT}:1001` });
      const [html, plain, ...rest] = telegram.sent();
      expect(rest).toEqual([]);
      expect(html!.body.parse_mode).toBe('HTML');
      expect(plain!.body).toEqual({
        chat_id: PRIVATE_CHAT,
        text: 'Order 4411 & tracking (https://t.example/x?a=1&b=2) a < b',
        link_preview_options: { is_disabled: true },
        reply_parameters: { message_id: 201, allow_sending_without_reply: true },
      });
    });

    it('when the plain-text retry fails too, then that failure is reported and nothing more is sent', async () => {
      telegram.failNext(400, { ok: false, error_code: 400, description: "Bad Request: can't parse entities: Can't find end of the entity" });
      telegram.failNext(400, { ok: false, error_code: 400, description: 'Bad Request: message is too long' });
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ retryable: false, notSent: true, status: 400 });
      expect(error.message).toContain('message is too long');
      expect(telegram.sent()).toHaveLength(2);
    });

    it('when Telegram answers 401 Unauthorized (a revoked token), then it is permanent and carries the code and description', async () => {
      telegram.failNext(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ channel: 'telegram', retryable: false, notSent: true, status: 401, code: 401 });
      expect(error.details.blocked).toBeUndefined();
      expect(error.message).toMatch(/401.*Unauthorized/);
    });

    it('when a group was migrated to a supergroup, then the error names the new chat id', async () => {
      telegram.failNext(400, {
        ok: false,
        error_code: 400,
        description: 'Bad Request: group chat was upgraded to a supergroup chat',
        parameters: { migrate_to_chat_id: -1001999888777 },
      });
      const error = await sendError(senderFor().send(outbound({ to: '-4012345678' })));
      expect(error.details).toMatchObject({ retryable: false, notSent: true, status: 400 });
      expect(error.message).toContain('-1001999888777');
    });

    it('when Telegram answers 200 with ok:false or without a message id, then it is not retryable and may have been sent', async () => {
      telegram.failNext(200, { ok: false, error_code: 400, description: 'odd' });
      const first = await sendError(senderFor().send(outbound()));
      expect(first.details).toMatchObject({ retryable: false, notSent: false, status: 200 });
      telegram.failNext(200, { ok: true, result: { chat: { id: 123456789 } } });
      const second = await sendError(senderFor().send(outbound()));
      expect(second.details).toMatchObject({ retryable: false, notSent: false, status: 200 });
      telegram.failNext(200, { ok: true, result: true });
      expect((await sendError(senderFor().send(outbound()))).details.notSent).toBe(false);
    });

    it('when Telegram never answers within timeoutMs, then it is retryable but may have been sent', async () => {
      telegram.hangNext('sendMessage');
      const started = Date.now();
      const error = await sendError(senderFor({ timeoutMs: 300 }).send(outbound()));
      const elapsed = Date.now() - started;
      expect(error.details).toMatchObject({ channel: 'telegram', retryable: true, notSent: false, code: 'ETIMEDOUT' });
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(5_000);
      expect(telegram.sent()).toHaveLength(1);
    });

    it('when the connection is refused, then it is retryable and certainly not sent', async () => {
      const port = await closedPort();
      const error = await sendError(senderFor({ apiBaseUrl: `http://127.0.0.1:${port}` }).send(outbound()));
      expect(error.details).toMatchObject({ channel: 'telegram', retryable: true, notSent: true, code: 'ECONNREFUSED' });
    });

    it('when the token is empty, then it fails permanently without a request', async () => {
      const error = await sendError(senderFor().send(outbound({ token: '' })));
      expect(error.details).toMatchObject({ retryable: false, notSent: true, code: 'no_credentials' });
      expect(telegram.requests).toHaveLength(0);
    });

    it('when any failure mentions the token (description, bad URL), then the error message never contains it', async () => {
      telegram.failNext(404, { ok: false, error_code: 404, description: `Not Found: /bot${TOKEN}/sendMessage` });
      const echoed = await sendError(senderFor().send(outbound()));
      expect(echoed.message).toContain('<token>');
      telegram.failNext(400, { ok: false, error_code: 400, description: `Bad Request: ${TOKEN.split(':')[1]}` });
      await sendError(senderFor().send(outbound()));
      await sendError(senderFor({ apiBaseUrl: 'http://bad host' }).send(outbound()));
      await sendError(senderFor({ apiBaseUrl: 'http://bad host' }).acknowledge!(ack()));
      await sendError(senderFor({ apiBaseUrl: 'http://bad host' }).getMe(TOKEN));
    });
  });

  describe('acknowledge', () => {
    it('when the inbound is a callback query, then it answers the query by its id', async () => {
      const raw = fixture('callback-query').callback_query;
      const result = await senderFor().acknowledge!(ack({ kind: 'callback_query', externalId: `cbq:${raw.id}`, raw }));
      expect(result).toBe('answered callback query');
      const calls = telegram.calls('answerCallbackQuery');
      expect(calls).toHaveLength(1);
      expect(calls[0]!.path).toBe(`/bot${TOKEN}/answerCallbackQuery`);
      expect(calls[0]!.body).toEqual({ callback_query_id: '4382bfdwdsb323b2d9' });
      expect(telegram.calls('sendChatAction')).toHaveLength(0);
    });

    it.each(['Bad Request: query is too old and response timeout expired or query ID is invalid', 'Bad Request: QUERY_ID_INVALID query ID is invalid'])(
      'when the callback query can no longer be answered (%s), then it counts as done without throwing',
      async (description) => {
        telegram.failNext(400, { ok: false, error_code: 400, description }, undefined, 'answerCallbackQuery');
        const raw = fixture('callback-query').callback_query;
        const result = await senderFor().acknowledge!(ack({ kind: 'callback_query', raw }));
        expect(result).toMatch(/no longer answerable/);
        expect(result).toContain(description);
      },
    );

    it('when the inbound is any other message, then it shows typing in the conversation', async () => {
      await expect(senderFor().acknowledge!(ack())).resolves.toBe('typing');
      const calls = telegram.calls('sendChatAction');
      expect(calls).toHaveLength(1);
      expect(calls[0]!.body).toEqual({ chat_id: PRIVATE_CHAT, action: 'typing' });
      expect(telegram.calls('answerCallbackQuery')).toHaveLength(0);
    });

    it('when acknowledging twice, then each call is answered (safe to repeat)', async () => {
      const sender = senderFor();
      await expect(sender.acknowledge!(ack())).resolves.toBe('typing');
      await expect(sender.acknowledge!(ack())).resolves.toBe('typing');
      expect(telegram.calls('sendChatAction')).toHaveLength(2);
    });

    it('when a callback query has no id in raw, then there is nothing to acknowledge', async () => {
      await expect(senderFor().acknowledge!(ack({ kind: 'callback_query', raw: {} }))).resolves.toBeUndefined();
      expect(telegram.requests).toHaveLength(0);
    });

    it('when Telegram answers 500 or the connection is refused, then acknowledge throws a retryable ChannelSendError', async () => {
      telegram.failNext(500, undefined, undefined, 'sendChatAction');
      expect((await sendError(senderFor().acknowledge!(ack()))).details).toMatchObject({ retryable: true, status: 500 });
      const port = await closedPort();
      const refused = await sendError(senderFor({ apiBaseUrl: `http://127.0.0.1:${port}` }).acknowledge!(ack()));
      expect(refused.details).toMatchObject({ retryable: true, notSent: true });
    });

    it('when typing fails because the user blocked the bot, then the error says blocked', async () => {
      telegram.failNext(403, undefined, undefined, 'sendChatAction');
      expect((await sendError(senderFor().acknowledge!(ack()))).details).toMatchObject({ retryable: false, blocked: true });
    });
  });

  describe('getMe', () => {
    it('when asked for the bot twice, then the second answer comes from the cache without a request', async () => {
      const sender = senderFor();
      await expect(sender.getMe(TOKEN)).resolves.toEqual({ id: BOT_ID, username: FAKE_BOT_USERNAME });
      await expect(sender.getMe(TOKEN)).resolves.toEqual({ id: BOT_ID, username: FAKE_BOT_USERNAME });
      const calls = telegram.calls('getMe');
      expect(calls).toHaveLength(1);
      expect(calls[0]!.path).toBe(`/bot${TOKEN}/getMe`);
    });

    it('when two tokens are used, then each is asked once and cached separately', async () => {
      const sender = senderFor();
      const other = '6099887766:AAE-other-token-secret-part-xyz';
      await Promise.all([sender.getMe(TOKEN), sender.getMe(other), sender.getMe(TOKEN)]);
      await expect(sender.getMe(other)).resolves.toEqual({ id: 6099887766, username: FAKE_BOT_USERNAME });
      expect(telegram.calls('getMe')).toHaveLength(2);
    });

    it('when getMe fails, then it throws ChannelSendError and the next call asks again', async () => {
      telegram.failNext(401, undefined, undefined, 'getMe');
      const sender = senderFor();
      const error = await sendError(sender.getMe(TOKEN));
      expect(error.details).toMatchObject({ channel: 'telegram', retryable: false, status: 401 });
      await expect(sender.getMe(TOKEN)).resolves.toEqual({ id: BOT_ID, username: FAKE_BOT_USERNAME });
      expect(telegram.calls('getMe')).toHaveLength(2);
    });

    it('when a new sender is created, then it does not share the cache of another', async () => {
      await senderFor().getMe(TOKEN);
      await senderFor().getMe(TOKEN);
      expect(telegram.calls('getMe')).toHaveLength(2);
    });
  });
});
