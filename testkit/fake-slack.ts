/**
 * A local fake of the Slack Web API over real HTTP. It records every request and answers
 * chat.postMessage and chat.update like Slack does (always HTTP 200, `ok` in the body);
 * failures can be queued per method (`failNext`, `hangNext`).
 */
import { startFakeServer, type FakeResponse, type FakeServer, type RecordedRequest } from './fake-http';

export type { RecordedRequest } from './fake-http';

/** The fake bot user and app that post: what a real message object would carry. */
export const FAKE_SLACK_BOT = { userId: 'U0LAN0Z89', botId: 'B0LAN0Z90', appId: 'A0KRD7HC3' } as const;

export interface FakeSlack {
  /** The Web API base, like `https://slack.com/api`: the adapter calls `${url}/chat.postMessage`. */
  url: string;
  server: FakeServer;
  requests: RecordedRequest[];
  /** chat.postMessage requests, in order (including the ones answered with a failure). */
  posted(): RecordedRequest[];
  /** chat.update requests, in order (including the ones answered with a failure). */
  updated(): RecordedRequest[];
  /** The next call of `method` is answered with this instead. */
  failNext(status: number, body: unknown, headers?: Record<string, string>, method?: string): void;
  /** The next call of `method` is read and never answered (the client times out). */
  hangNext(method?: string): void;
  waitForPosted(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  waitForUpdated(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const methodPattern = (method: string) => new RegExp(`/${method.replace(/\./g, '\\.')}(\\?|$)`);
const POST_MESSAGE = methodPattern('chat.postMessage');
const UPDATE = methodPattern('chat.update');

export async function startFakeSlack(): Promise<FakeSlack> {
  let counter = 0;
  /** `channel:ts` -> text of every message posted, so chat.update can say message_not_found. */
  const messages = new Map<string, string>();

  const respond = (req: RecordedRequest): FakeResponse => {
    const ok = (body: Record<string, unknown>): FakeResponse => ({ status: 200, body: { ok: true, ...body } });
    const error = (code: string): FakeResponse => ({ status: 200, body: { ok: false, error: code } });
    if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ''))) return error('not_authed');
    const channel = typeof req.body.channel === 'string' ? req.body.channel : '';
    const text = typeof req.body.text === 'string' ? req.body.text : '';

    if (POST_MESSAGE.test(req.path)) {
      if (!channel) return error('channel_not_found');
      if (!text) return error('no_text');
      counter += 1;
      const ts = `1700000000.${String(counter).padStart(6, '0')}`;
      messages.set(`${channel}:${ts}`, text);
      const threadTs = typeof req.body.thread_ts === 'string' ? req.body.thread_ts : undefined;
      return ok({
        channel,
        ts,
        message: {
          type: 'message',
          text,
          user: FAKE_SLACK_BOT.userId,
          bot_id: FAKE_SLACK_BOT.botId,
          app_id: FAKE_SLACK_BOT.appId,
          ts,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        },
      });
    }
    if (UPDATE.test(req.path)) {
      const ts = typeof req.body.ts === 'string' ? req.body.ts : '';
      if (!channel) return error('channel_not_found');
      if (!messages.has(`${channel}:${ts}`)) return error('message_not_found');
      messages.set(`${channel}:${ts}`, text);
      return ok({ channel, ts, text });
    }
    return error('unknown_method');
  };

  const server = await startFakeServer(respond);
  const posted = () => server.matching(POST_MESSAGE);
  const updated = () => server.matching(UPDATE);
  const waitUntil = async (list: () => RecordedRequest[], what: string, count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (list().length < count) {
      if (Date.now() > deadline) throw new Error(`fake Slack got ${list().length} ${what}, expected ${count}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return list();
  };

  return {
    url: `${server.url}/api`,
    server,
    requests: server.requests,
    posted,
    updated,
    failNext(status, body, headers, method = 'chat.postMessage') {
      server.failNext(status, body, headers, methodPattern(method));
    },
    hangNext(method = 'chat.postMessage') {
      server.hangNext(methodPattern(method));
    },
    waitForPosted: (count, timeoutMs = 20_000) => waitUntil(posted, 'chat.postMessage calls', count, timeoutMs),
    waitForUpdated: (count, timeoutMs = 20_000) => waitUntil(updated, 'chat.update calls', count, timeoutMs),
    close: () => server.close(),
  };
}
