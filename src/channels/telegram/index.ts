/**
 * Telegram Bot API: the webhook's secret token, Update normalization (messages, edits,
 * button presses, the bot's own membership), and outbound text as HTML through sendMessage.
 */
import { postJson, retryAfterMs, type JsonResponse } from '../http';
import { parseRatingChoice, type Choice } from '../rating';
import { safeEqual } from '../verify';
import {
  ChannelSendError,
  emptyParsed,
  isObject,
  splitText,
  str,
  type Attachment,
  type ChannelSender,
  type ConversationStateChange,
  type IgnoredEvent,
  type InboundAck,
  type InboundMessage,
  type OutboundText,
  type ParsedInbound,
  type SendResult,
} from '../types';

/** Telegram's limit on a message text, counted after entity parsing (tags do not count). */
export const TELEGRAM_TEXT_LIMIT = 4096;

export class TelegramPayloadError extends Error {
  override name = 'TelegramPayloadError';
}

/** X-Telegram-Bot-Api-Secret-Token check, timing-safe; false when either side is missing/empty. */
export function verifySecretToken(header: string | undefined, secret: string | undefined): boolean {
  if (!header || !secret) return false;
  return safeEqual(header, secret);
}

/** The bot's numeric id is the part of the token before ':' ('123456:ABC-DEF' → 123456). */
export function botIdFromToken(token: string): number | undefined {
  const match = /^(\d+):./.exec(token);
  const id = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export interface TelegramBot {
  id: number;
  username?: string;
}

export interface TelegramParseOptions {
  accountExternalId: string;
  bot: TelegramBot;
  /** Whether an edited message is answered again (true) or only stored for the record. */
  answerEdits: boolean;
}

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Inbound

/** Message fields a person sends that we cannot read: answered with empty text ("can't read this yet"). */
const UNREADABLE_CONTENT = ['paid_media', 'story', 'dice', 'game', 'poll', 'checklist', 'invoice', 'giveaway', 'giveaway_winners'];

/** Files with a file_id. Animation comes before document: Telegram sets both on an animation. */
const FILE_KINDS = ['animation', 'document', 'audio', 'voice', 'video', 'video_note', 'sticker'] as const;

/** Service messages: something happened in the chat, nobody wrote to the bot. */
const SERVICE_FIELDS = [
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'delete_chat_photo',
  'group_chat_created',
  'supergroup_chat_created',
  'channel_chat_created',
  'message_auto_delete_timer_changed',
  'migrate_to_chat_id',
  'migrate_from_chat_id',
  'pinned_message',
  'successful_payment',
  'refunded_payment',
  'users_shared',
  'chat_shared',
  'gift',
  'unique_gift',
  'connected_website',
  'write_access_allowed',
  'passport_data',
  'proximity_alert_triggered',
  'boost_added',
  'chat_background_set',
  'checklist_tasks_done',
  'checklist_tasks_added',
  'direct_message_price_changed',
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'general_forum_topic_hidden',
  'general_forum_topic_unhidden',
  'giveaway_created',
  'giveaway_completed',
  'paid_message_price_changed',
  'suggested_post_approved',
  'suggested_post_approval_failed',
  'suggested_post_declined',
  'suggested_post_paid',
  'suggested_post_refunded',
  'video_chat_scheduled',
  'video_chat_started',
  'video_chat_ended',
  'video_chat_participants_invited',
  'web_app_data',
];

/** What one update field became. */
type Outcome = { message: InboundMessage } | { change: ConversationStateChange } | { skip: Pick<IgnoredEvent, 'kind' | 'reason' | 'outcome'> };

const ignore = (kind: string, reason: string): Outcome => ({ skip: { kind, reason, outcome: 'ignored' } });
const reject = (kind: string, reason: string): Outcome => ({ skip: { kind, reason, outcome: 'rejected' } });

/**
 * Normalizes one webhook Update. Everything that passed the secret token comes out as a
 * message, a conversation change or an ignored event; only a body that is not an Update throws.
 */
export function parseUpdate(body: unknown, options: TelegramParseOptions): ParsedInbound {
  if (!isObject(body) || !Number.isInteger(body.update_id)) {
    throw new TelegramPayloadError('expected a Telegram Update: an object with an integer update_id');
  }
  const result = emptyParsed();
  const eventId = String(body.update_id);
  // The Bot API sets at most one field besides update_id; a body with more is handled field by field.
  const fields = Object.keys(body).filter((key) => key !== 'update_id');
  const outcomes: Outcome[] = fields.length ? fields.map((field) => parseField(field, body[field], options)) : [ignore('empty', 'the update carries no event')];
  for (const outcome of outcomes) {
    if ('message' in outcome) result.messages.push(outcome.message);
    else if ('change' in outcome) result.conversationChanges.push(outcome.change);
    else {
      result.ignored.push({
        channel: 'telegram',
        accountExternalId: options.accountExternalId,
        eventId,
        ...outcome.skip,
        raw: body,
      });
    }
  }
  return result;
}

function parseField(field: string, value: unknown, options: TelegramParseOptions): Outcome {
  switch (field) {
    case 'message':
      return parseMessage(field, value, options, false);
    case 'edited_message':
      return parseMessage(field, value, options, true);
    case 'callback_query':
      return parseCallbackQuery(value, options);
    case 'my_chat_member':
      return parseMyChatMember(value, options);
    case 'channel_post':
    case 'edited_channel_post':
      return ignore(field, 'channel posts are not answered');
    default:
      return ignore(field, `${field} updates are not served`);
  }
}

/** A chat or user id: Telegram's ids are integers (up to 52 bits, negative for groups). */
const isId = (v: unknown): v is number => Number.isSafeInteger(v);

function parseMessage(field: string, value: unknown, options: TelegramParseOptions, edited: boolean): Outcome {
  if (!isObject(value)) return reject(field, `${field} is not an object`);
  const chat = value.chat;
  if (!isObject(chat) || !isId(chat.id)) return reject(field, `${field} without chat.id`);
  if (!isId(value.message_id)) return reject(field, `${field} without an integer message_id`);
  const from = value.from;
  // Channel posts and messages sent on behalf of a chat have no person behind them to answer.
  if (from === undefined) return ignore(field, 'message without a sender (sent on behalf of a chat)');
  if (!isObject(from) || !isId(from.id)) return reject(field, `${field} with a malformed from (no integer id)`);
  // Anonymous admins and automatic channel forwards come from Telegram's placeholder bots; never talk to bots.
  if (from.is_bot === true) return ignore(field, 'message from a bot');

  const content = readContent(value);
  if ('outcome' in content) return { skip: content };

  const { addressed, text } = addressing(value, content, options.bot);
  const inGroup = chat.type === 'group' || chat.type === 'supergroup';
  if (inGroup && !addressed) return ignore(content.kind, 'group message not addressed to the bot');

  let externalId = `${chat.id}:${value.message_id}`;
  let sentAt = epochSeconds(value.date);
  if (edited) {
    if (!isId(value.edit_date)) return reject(field, 'edited_message without an integer edit_date');
    externalId += `:edit:${value.edit_date}`;
    sentAt = epochSeconds(value.edit_date);
  }
  const reply = value.reply_to_message;
  const answer = !edited || options.answerEdits;
  return {
    message: {
      channel: 'telegram',
      accountExternalId: options.accountExternalId,
      externalId,
      conversation: { externalId: String(chat.id), title: str(chat.title) ?? personName(chat) },
      from: { externalId: String(from.id), displayName: personName(from), locale: str(from.language_code) },
      kind: content.kind,
      text,
      attachments: content.attachments,
      replyToExternalId: isObject(reply) && isId(reply.message_id) ? `${chat.id}:${reply.message_id}` : undefined,
      answer,
      note: answer ? undefined : 'edited message; this account does not answer edits',
      sentAt,
      raw: value,
    },
  };
}

interface Content {
  kind: string;
  text: string;
  attachments: Attachment[];
  /** The entities that index into `text` (entities for a text, caption_entities for a caption). */
  entities: unknown;
}

type ContentOrSkip = Content | { kind: string; reason: string; outcome: 'ignored' | 'rejected' };

/** What the assistant can read of a message, by the first content field it carries. */
function readContent(m: Json): ContentOrSkip {
  if (typeof m.text === 'string') return { kind: 'text', text: m.text, attachments: [], entities: m.entities };
  const caption = str(m.caption);
  const captioned = (kind: string, attachment: Attachment): Content => ({
    kind,
    text: caption ?? '',
    attachments: [attachment],
    entities: m.caption_entities,
  });
  if (m.photo !== undefined) {
    const largest = largestPhoto(m.photo);
    if (!largest) return { kind: 'photo', reason: 'photo without a PhotoSize file_id', outcome: 'rejected' };
    return captioned('photo', { type: 'photo', mediaId: largest, mimeType: 'image/jpeg', caption });
  }
  for (const kind of FILE_KINDS) {
    const file = m[kind];
    if (file === undefined) continue;
    if (!isObject(file) || !str(file.file_id)) return { kind, reason: `${kind} without a file_id`, outcome: 'rejected' };
    return captioned(kind, {
      type: kind,
      mediaId: file.file_id as string,
      mimeType: str(file.mime_type) ?? defaultMimeType(kind, file),
      filename: str(file.file_name),
      caption,
    });
  }
  // A venue also carries its location: check it first.
  if (isObject(m.venue)) {
    const venue = [str(m.venue.title), str(m.venue.address)].filter(Boolean).join(', ');
    return { kind: 'venue', text: `Venue: ${venue}`, attachments: [], entities: undefined };
  }
  if (isObject(m.location)) {
    const { latitude, longitude } = m.location;
    return { kind: 'location', text: `Location: ${String(latitude)}, ${String(longitude)}`, attachments: [], entities: undefined };
  }
  if (isObject(m.contact)) {
    const name = personName(m.contact);
    const phone = str(m.contact.phone_number);
    return { kind: 'contact', text: `Contact: ${[name, phone].filter(Boolean).join(', ')}`, attachments: [], entities: undefined };
  }
  const unreadable = UNREADABLE_CONTENT.find((field) => m[field] !== undefined);
  if (unreadable) return { kind: unreadable, text: '', attachments: [], entities: undefined };
  const service = SERVICE_FIELDS.find((field) => m[field] !== undefined);
  if (service) return { kind: service, reason: `service message (${service})`, outcome: 'ignored' };
  // Most new Bot API message fields are service messages: better silent than a reply to nobody.
  return { kind: 'unknown', reason: 'message without any content this adapter knows', outcome: 'ignored' };
}

/** The file_id of the largest size; Telegram lists the sizes of one photo, usually smallest first. */
function largestPhoto(sizes: unknown): string | undefined {
  if (!Array.isArray(sizes)) return undefined;
  let best: { id: string; area: number } | undefined;
  for (const size of sizes) {
    if (!isObject(size) || !str(size.file_id)) continue;
    const area = Number(size.width) * Number(size.height) || 0;
    if (!best || area >= best.area) best = { id: size.file_id as string, area };
  }
  return best?.id;
}

/** Telegram omits mime_type where the format is fixed. */
function defaultMimeType(kind: string, file: Json): string | undefined {
  if (kind === 'video_note') return 'video/mp4';
  if (kind === 'voice') return 'audio/ogg';
  if (kind === 'sticker') return file.is_video ? 'video/webm' : file.is_animated ? 'application/x-tgsticker' : 'image/webp';
  return undefined;
}

/**
 * Whether a message speaks to the bot (a mention of its @username, a text mention of its
 * user, a /command@username, or a reply to one of its messages), and the text without the
 * @username, which means nothing to the assistant.
 */
function addressing(m: Json, content: Content, bot: TelegramBot): { addressed: boolean; text: string } {
  const handle = bot.username ? `@${bot.username.toLowerCase()}` : undefined;
  const cuts: Array<[number, number]> = [];
  let addressed = false;
  for (const entity of Array.isArray(content.entities) ? content.entities.filter(isObject) : []) {
    const { offset, length } = entity;
    if (!Number.isInteger(offset) || !Number.isInteger(length)) continue;
    const start = offset as number;
    const end = start + (length as number);
    // Offsets are in UTF-16 code units, as JavaScript strings are.
    const piece = content.text.slice(start, end).toLowerCase();
    if (entity.type === 'mention' && handle && piece === handle) {
      addressed = true;
      cuts.push([start, end]);
    } else if (entity.type === 'bot_command' && handle && piece.endsWith(handle)) {
      addressed = true;
      cuts.push([end - handle.length, end]);
    } else if (entity.type === 'text_mention' && isObject(entity.user) && entity.user.id === bot.id) {
      addressed = true;
    }
  }
  const reply = m.reply_to_message;
  if (isObject(reply) && isObject(reply.from) && reply.from.id === bot.id) addressed = true;
  return { addressed, text: cuts.length ? removeRanges(content.text, cuts) : content.text };
}

/** Removes ranges from text, and a space left dangling before punctuation or another space. */
function removeRanges(text: string, ranges: Array<[number, number]>): string {
  let out = text;
  for (const [start, end] of [...ranges].sort((a, b) => b[0] - a[0])) {
    let before = out.slice(0, start);
    const after = out.slice(end);
    if (/\s$/.test(before) && (after === '' || /^[\s,.!?:;]/.test(after))) before = before.slice(0, -1);
    out = before + after;
  }
  return out.trim();
}

function parseCallbackQuery(value: unknown, options: TelegramParseOptions): Outcome {
  const kind = 'callback_query';
  if (!isObject(value) || !str(value.id)) return reject(kind, 'callback_query without an id');
  const from = value.from;
  if (!isObject(from) || !isId(from.id)) return reject(kind, 'callback_query without from.id');
  // The message with the button; absent for buttons on inline-mode messages.
  const message = value.message;
  let conversation = { externalId: String(from.id), title: personName(from) };
  let replyToExternalId: string | undefined;
  if (message !== undefined) {
    if (!isObject(message) || !isObject(message.chat) || !isId(message.chat.id) || !isId(message.message_id)) {
      return reject(kind, 'callback_query whose message has no chat.id or message_id');
    }
    const chat = message.chat;
    conversation = { externalId: String(chat.id), title: str(chat.title) ?? personName(chat) };
    replyToExternalId = `${chat.id}:${message.message_id}`;
  }
  const rating = parseRatingChoice(str(value.data));
  return {
    message: {
      channel: 'telegram',
      accountExternalId: options.accountExternalId,
      externalId: `cbq:${value.id as string}`,
      conversation,
      from: { externalId: String(from.id), displayName: personName(from), locale: str(from.language_code) },
      kind,
      // A rating button reads as its score; any other button as its data.
      text: rating ? String(rating.score) : (str(value.data) ?? ''),
      attachments: [],
      replyToExternalId,
      answer: true,
      ...(rating ? { rating } : {}),
      // A callback query carries no time of its own; it arrives as it happens.
      sentAt: new Date(),
      raw: value,
    },
  };
}

/** The bot's own membership changed: the user blocked or restarted it, or a group removed or added it. */
function parseMyChatMember(value: unknown, options: TelegramParseOptions): Outcome {
  const kind = 'my_chat_member';
  if (!isObject(value) || !isObject(value.chat) || !isId(value.chat.id)) return reject(kind, 'my_chat_member without chat.id');
  const member = value.new_chat_member;
  if (!isObject(member) || !str(member.status)) return reject(kind, 'my_chat_member without new_chat_member.status');
  const chat = value.chat;
  const place = chat.type === 'channel' ? 'channel' : 'group';
  const state = membershipState(member, chat.type === 'private', place);
  if (!state) return ignore(kind, `unknown member status ${String(member.status)}`);
  return {
    change: {
      channel: 'telegram',
      accountExternalId: options.accountExternalId,
      conversationExternalId: String(chat.id),
      ...state,
      at: epochSeconds(value.date),
    },
  };
}

function membershipState(member: Json, isPrivate: boolean, place: string): { blocked: boolean; reason: string } | undefined {
  const gone = { blocked: true, reason: isPrivate ? 'the user blocked the bot' : `the bot was removed from the ${place}` };
  switch (member.status) {
    case 'kicked':
    case 'left':
      return gone;
    case 'restricted':
      if (member.is_member === false) return gone;
      if (member.can_send_messages === false) return { blocked: true, reason: `the bot may not send messages in the ${place}` };
      return { blocked: false, reason: `the bot is a restricted member of the ${place}` };
    case 'member':
      return { blocked: false, reason: isPrivate ? 'the user started or unblocked the bot' : `the bot was added to the ${place}` };
    case 'administrator':
    case 'creator':
      return { blocked: false, reason: `the bot is an administrator of the ${place}` };
    default:
      return undefined;
  }
}

/** "First Last" of a User, Chat or Contact; undefined when it has no name. */
function personName(p: Json): string | undefined {
  const name = [str(p.first_name), str(p.last_name)].filter(Boolean).join(' ').trim();
  return name || undefined;
}

function epochSeconds(value: unknown): Date {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}

// ---------------------------------------------------------------------------------------------
// Outbound

export interface TelegramSenderOptions {
  /** `https://api.telegram.org`, without a trailing slash; methods are `{base}/bot<token>/<method>`. */
  apiBaseUrl: string;
  timeoutMs: number;
}

export interface TelegramSender extends ChannelSender {
  /** The bot behind a token, cached per token for the life of the sender. */
  getMe(token: string): Promise<TelegramBot>;
}

interface ApiResponse extends JsonResponse {
  payload: Json;
}

/** Text through `sendMessage` (or `editMessageText`), as HTML with a plain-text fallback. */
export function createTelegramSender(options: TelegramSenderOptions): TelegramSender {
  const bots = new Map<string, Promise<TelegramBot>>();

  async function call(token: string, method: string, body: Json): Promise<ApiResponse> {
    if (!token) {
      throw new ChannelSendError(`no Telegram bot token for ${method}`, {
        channel: 'telegram',
        retryable: false,
        notSent: true,
        code: 'no_credentials',
      });
    }
    const response = await postJson('telegram', `${options.apiBaseUrl}/bot${token}/${method}`, body, {}, options.timeoutMs);
    return { ...response, payload: isObject(response.body) ? response.body : {} };
  }

  async function send(message: OutboundText): Promise<SendResult> {
    const replace = message.replaceProviderMessageId;
    const target = replace === undefined ? undefined : parseMessageRef(replace);
    if (replace !== undefined && !target) {
      throw new ChannelSendError(`cannot replace Telegram message "${replace}": expected <chat id>:<message id>`, {
        channel: 'telegram',
        retryable: false,
        notSent: true,
        code: 'bad_message_ref',
      });
    }
    const method = target ? 'editMessageText' : 'sendMessage';
    const address = target ? { chat_id: target.chatId, message_id: target.messageId } : { chat_id: message.to, ...replyParameters(message) };
    const preview = { link_preview_options: { is_disabled: true } };
    // The rating's buttons, in one row; a tap comes back as a callback query carrying the choice's id.
    if (message.choices?.length) Object.assign(preview, { reply_markup: inlineKeyboard(message.choices) });
    let response = await call(message.token, method, { ...address, text: message.text, parse_mode: 'HTML', ...preview });
    if (response.status === 400 && /can't parse entities/i.test(description(response))) {
      // Our HTML is balanced, but a stray tag or entity in the model's text can still upset
      // Telegram's parser: the words matter more than the formatting.
      response = await call(message.token, method, { ...address, text: htmlToPlainText(message.text), ...preview });
    }
    if (target && response.status === 400 && /message is not modified/i.test(description(response))) {
      return { providerMessageId: replace! }; // it already says exactly this
    }
    if (!succeeded(response)) throw classifyError(method, response);
    const result = response.payload.result;
    if (isObject(result) && isId(result.message_id) && isObject(result.chat) && isId(result.chat.id)) {
      return { providerMessageId: `${result.chat.id}:${result.message_id}` };
    }
    throw new ChannelSendError(`Telegram accepted ${method} but returned no message id`, {
      channel: 'telegram',
      retryable: false,
      notSent: false,
      status: response.status,
    });
  }

  async function acknowledge(inbound: InboundAck): Promise<string | undefined> {
    if (inbound.kind === 'callback_query') {
      const id = str(inbound.raw.id);
      if (!id) return undefined;
      const response = await call(inbound.token, 'answerCallbackQuery', { callback_query_id: id });
      if (succeeded(response)) return 'answered callback query';
      // Telegram keeps a query answerable for a short while only; after that there is nothing to do.
      if (response.status === 400 && /query is too old|query id is invalid/i.test(description(response))) {
        return `callback query no longer answerable: ${description(response)}`;
      }
      throw classifyError('answerCallbackQuery', response);
    }
    const response = await call(inbound.token, 'sendChatAction', {
      chat_id: inbound.conversationExternalId,
      action: 'typing',
    });
    if (succeeded(response)) return 'typing';
    throw classifyError('sendChatAction', response);
  }

  async function fetchBot(token: string): Promise<TelegramBot> {
    const response = await call(token, 'getMe', {});
    if (!succeeded(response)) throw classifyError('getMe', response);
    const result = response.payload.result;
    if (!isObject(result) || !isId(result.id)) {
      throw new ChannelSendError('Telegram getMe returned no bot id', { channel: 'telegram', retryable: false, notSent: true });
    }
    return { id: result.id, username: str(result.username) };
  }

  return {
    channel: 'telegram',
    formatText,
    send: (message) => withoutToken(message.token, () => send(message)),
    acknowledge: (inbound) => withoutToken(inbound.token, () => acknowledge(inbound)),
    getMe(token) {
      const cached = bots.get(token);
      if (cached) return cached;
      const pending = withoutToken(token, () => fetchBot(token)).catch((err: unknown) => {
        bots.delete(token); // a failure is not cached: the next call asks again
        throw err;
      });
      bots.set(token, pending);
      return pending;
    },
  };
}

/** One row of buttons; callback_data is at most 64 bytes, which a choice id (`csat:<uuid>:<n>`) keeps to. */
function inlineKeyboard(choices: Choice[]): Json {
  return { inline_keyboard: [choices.map((c) => ({ text: c.title, callback_data: c.id }))] };
}

/** `<chat id>:<message id>`, as in our external ids; anything after it (`:edit:…`) is ignored. */
function parseMessageRef(ref: string): { chatId: string; messageId: number } | undefined {
  const match = /^(-?\d+):(\d+)/.exec(ref);
  return match ? { chatId: match[1]!, messageId: Number(match[2]) } : undefined;
}

/** A reply is threaded only to a message of the same chat; if it is gone, the text is sent anyway. */
function replyParameters(message: OutboundText): Json {
  const ref = message.replyToExternalId ? parseMessageRef(message.replyToExternalId) : undefined;
  if (!ref || ref.chatId !== message.to) return {};
  return { reply_parameters: { message_id: ref.messageId, allow_sending_without_reply: true } };
}

const succeeded = (r: ApiResponse) => r.status >= 200 && r.status < 300 && r.payload.ok === true;
const description = (r: ApiResponse) => str(r.payload.description) ?? `HTTP ${r.status}`;

/** Telegram's `{ok:false, error_code, description, parameters}` as a ChannelSendError. */
function classifyError(method: string, response: ApiResponse): ChannelSendError {
  const { status, payload } = response;
  const reason = description(response);
  const code = typeof payload.error_code === 'number' ? payload.error_code : undefined;
  const parameters = isObject(payload.parameters) ? payload.parameters : {};
  const details = { channel: 'telegram' as const, notSent: true, status, code };
  let message = `Telegram ${method} failed (${status}${code !== undefined && code !== status ? `, code ${code}` : ''}): ${reason}`;
  if (status >= 200 && status < 300) {
    // ok:false on a 2xx: nothing Telegram documents; it may have been sent.
    return new ChannelSendError(message, { ...details, retryable: false, notSent: false });
  }
  if (status === 429) {
    const seconds = typeof parameters.retry_after === 'number' ? parameters.retry_after : undefined;
    return new ChannelSendError(message, {
      ...details,
      retryable: true,
      retryAfterMs: seconds !== undefined ? seconds * 1000 : retryAfterMs(response.headers),
    });
  }
  if (status >= 500) return new ChannelSendError(message, { ...details, retryable: true, retryAfterMs: retryAfterMs(response.headers) });
  // 403: the user blocked the bot, the bot was kicked, the user is deactivated.
  if (status === 403 || (status === 400 && /chat not found/i.test(reason))) {
    return new ChannelSendError(message, { ...details, retryable: false, blocked: true });
  }
  if (isId(parameters.migrate_to_chat_id)) message += ` (the group is now the supergroup ${parameters.migrate_to_chat_id})`;
  return new ChannelSendError(message, { ...details, retryable: false });
}

/** The bot token is part of every URL: make sure no error message can carry it. */
async function withoutToken<T>(token: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof ChannelSendError) || !token) throw err;
    const secret = token.slice(token.indexOf(':') + 1);
    let message = err.message.split(token).join('<token>');
    if (secret.length >= 8) message = message.split(secret).join('<token>');
    throw message === err.message ? err : new ChannelSendError(message, err.details);
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

/**
 * Splits the plain text at the limit, then turns each part's light Markdown into Telegram
 * HTML. Converting after splitting keeps every tag inside one part: a `**` pair cut in two
 * stays literal asterisks rather than an unclosed <b>.
 */
function formatText(text: string): string[] {
  return splitText(text, TELEGRAM_TEXT_LIMIT).map((part) => markdownToHtml(part, true));
}

/** ```pre```, `code`, **bold**, [label](http(s) url); everything else escaped. */
const MARKUP = /```[^\n`]*\n([\s\S]*?)\n?```|`([^`\n]+)`|\*\*(?=\S)([\s\S]*?\S)\*\*|\[([^\]\n]+)\]\((https?:\/\/[^\s()<>"]+)\)/g;
/** Inside bold only links: Telegram does not nest code in bold. */
const LINK = /\[([^\]\n]+)\]\((https?:\/\/[^\s()<>"]+)\)/g;

function markdownToHtml(text: string, allowBlocks: boolean): string {
  const pattern = allowBlocks ? MARKUP : LINK;
  let html = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    html += escapeHtml(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (!allowBlocks) {
      html += link(match[1]!, match[2]!);
      continue;
    }
    const [, pre, code, bold, label, url] = match;
    if (pre !== undefined) html += `<pre>${escapeHtml(pre)}</pre>`;
    else if (code !== undefined) html += `<code>${escapeHtml(code)}</code>`;
    else if (bold !== undefined) html += `<b>${markdownToHtml(bold, false)}</b>`;
    else html += link(label!, url!);
  }
  return html + escapeHtml(text.slice(last));
}

const link = (label: string, url: string) => `<a href="${escapeHtml(url).replace(/"/g, '&quot;')}">${escapeHtml(label)}</a>`;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The fallback when Telegram rejects our HTML: tags dropped (a link keeps its URL), entities decoded. */
function htmlToPlainText(html: string): string {
  return html
    .replace(/<a\s+href="([^"]*)"\s*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => (label === href ? label : `${label} (${href})`))
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
