/**
 * A local fake of the Telegram Bot API over real HTTP: `POST {url}/bot<token>/<method>`.
 * It records every request and answers like Telegram does (`{ok, result}`); failures can be
 * queued per method (`failNext`, `hangNext`).
 */
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-http';

export type { RecordedRequest } from './fake-http';

export const FAKE_BOT_USERNAME = 'support_test_bot';

export interface FakeTelegram {
  /** The base URL without a trailing slash: the adapter calls `${url}/bot<token>/<method>`. */
  url: string;
  server: FakeServer;
  requests: RecordedRequest[];
  /** sendMessage requests, in order. */
  sent(): RecordedRequest[];
  /** Requests to one method (`editMessageText`, `answerCallbackQuery`, `getMe`, ...), in order. */
  calls(method: string): RecordedRequest[];
  /** The next call of `method` answers with this status and body (Telegram's error shape by default). */
  failNext(status: number, body?: unknown, headers?: Record<string, string>, method?: string): void;
  /** The next call of `method` is read and never answered (the client times out). */
  hangNext(method?: string): void;
  waitForSent(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

/** `/bot<token>/<method>`, the token being `<bot id>:<secret>`. */
const PATH = /^\/bot(\d+):[^/]+\/([A-Za-z]+)$/;
const methodPattern = (method: string) => new RegExp(`^/bot[^/]+/${method}$`);

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request: fake failure',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  429: 'Too Many Requests: retry after 1',
  500: 'Internal Server Error',
};

export async function startFakeTelegram(): Promise<FakeTelegram> {
  let nextMessageId = 1000;
  const now = () => Math.floor(Date.now() / 1000);
  const chatOf = (chatId: unknown) => {
    const id = typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
    return { id, type: typeof id === 'number' && id < 0 ? 'supergroup' : 'private' };
  };

  const server = await startFakeServer((req) => {
    const match = PATH.exec(req.path);
    if (req.method !== 'POST' && req.method !== 'GET') return { status: 405, body: { ok: false, error_code: 405, description: 'Method Not Allowed' } };
    if (!match) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    const botId = Number(match[1]);
    const bot = { id: botId, is_bot: true, first_name: 'Support', username: FAKE_BOT_USERNAME };
    switch (match[2]) {
      case 'getMe':
        return { status: 200, body: { ok: true, result: bot } };
      case 'sendMessage':
        nextMessageId += 1;
        return {
          status: 200,
          body: {
            ok: true,
            result: { message_id: nextMessageId, from: bot, chat: chatOf(req.body.chat_id), date: now(), text: req.body.text },
          },
        };
      case 'editMessageText':
        return {
          status: 200,
          body: {
            ok: true,
            result: {
              message_id: req.body.message_id,
              from: bot,
              chat: chatOf(req.body.chat_id),
              date: now(),
              edit_date: now(),
              text: req.body.text,
            },
          },
        };
      case 'answerCallbackQuery':
      case 'sendChatAction':
        return { status: 200, body: { ok: true, result: true } };
      default:
        return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found: method not found' } };
    }
  });

  const calls = (method: string) => server.matching(methodPattern(method));
  const sent = () => calls('sendMessage');

  return {
    url: server.url,
    server,
    requests: server.requests,
    sent,
    calls,
    failNext(status, body, headers, method = 'sendMessage') {
      const fallback = { ok: false, error_code: status, description: DESCRIPTIONS[status] ?? `fake failure ${status}` };
      server.failNext(status, body ?? fallback, headers, methodPattern(method));
    },
    hangNext(method = 'sendMessage') {
      server.hangNext(methodPattern(method));
    },
    async waitForSent(count, timeoutMs = 20_000) {
      return server.waitFor(methodPattern('sendMessage'), count, timeoutMs);
    },
    close: () => server.close(),
  };
}
