/** Telegram Bot API updates in the documented shapes, posted like Telegram posts them. */
import { TELEGRAM_BOT_ID, TELEGRAM_WEBHOOK_SECRET } from './system';

let sequence = Math.floor(Math.random() * 1e8);
/** Unique per run: update ids, chat ids and message ids must not collide across test files. */
export const nextId = () => ++sequence;

export interface TelegramUser {
  id: number;
  first_name: string;
  last_name?: string;
  language_code?: string;
}

export function user(id = nextId()): TelegramUser {
  return { id, first_name: 'Anna', last_name: 'Schmidt', language_code: 'de' };
}

export function privateChat(u: TelegramUser) {
  return { id: u.id, first_name: u.first_name, last_name: u.last_name, type: 'private' };
}

export function groupChat(id = -nextId()) {
  return { id, title: 'Order questions', type: 'supergroup' };
}

export interface TelegramMessage {
  message_id: number;
  chat: { id: number } & Record<string, unknown>;
  edit_date?: number;
  [field: string]: unknown;
}

export interface MessageUpdate {
  update_id: number;
  message?: TelegramMessage;
  edited_message?: TelegramMessage;
}

export function messageUpdate(options: {
  from?: TelegramUser;
  chat?: Record<string, unknown>;
  text?: string;
  messageId?: number;
  extra?: Record<string, unknown>;
  field?: 'message' | 'edited_message';
}): MessageUpdate {
  const from = options.from ?? user();
  return {
    update_id: nextId(),
    [options.field ?? 'message']: {
      message_id: options.messageId ?? nextId(),
      from: { ...from, is_bot: false },
      chat: (options.chat ?? privateChat(from)) as TelegramMessage['chat'],
      date: Math.floor(Date.now() / 1000),
      ...(options.text !== undefined ? { text: options.text } : {}),
      ...options.extra,
    },
  };
}

export function myChatMemberUpdate(from: TelegramUser, status: 'kicked' | 'member') {
  const bot = { id: TELEGRAM_BOT_ID, is_bot: true, first_name: 'Support', username: 'support_test_bot' };
  return {
    update_id: nextId(),
    my_chat_member: {
      chat: privateChat(from),
      from: { ...from, is_bot: false },
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { user: bot, status: status === 'kicked' ? 'member' : 'kicked' },
      new_chat_member: { user: bot, status, ...(status === 'kicked' ? { until_date: 0 } : {}) },
    },
  };
}

export async function postTelegram(
  baseUrl: string,
  body: unknown,
  options: { secret?: string | null; accountId?: string; contentType?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  const secret = options.secret === undefined ? TELEGRAM_WEBHOOK_SECRET : options.secret;
  if (secret !== null) headers['x-telegram-bot-api-secret-token'] = secret;
  return fetch(`${baseUrl}/webhooks/telegram/${options.accountId ?? 'default'}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
