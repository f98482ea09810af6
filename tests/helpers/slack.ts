/** Slack Events API requests in the documented shapes (tests/fixtures/slack), signed like Slack signs them. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signSlackBody } from '../../src/channels/slack';
import { SLACK_SIGNING_SECRET } from './system';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'slack');

/** Our app's bot user in the fixtures' workspace (authorizations[].user_id). */
export const SLACK_BOT_USER = 'U0LAN0Z89';

/** A fresh, mutable copy of tests/fixtures/slack/<name>.json. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into and change arbitrary fixture fields
export function slackFixture(name: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function randomId(prefix: string, length = 10): string {
  return prefix + [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

let sequence = Math.floor(Math.random() * 1e5);
/**
 * Unique per run: channel ids, message ts and event ids must not collide with other test
 * files, which share the database.
 */
export const slackIds = {
  channel: () => randomId('C'),
  dm: () => randomId('D'),
  user: () => randomId('U'),
  eventId: () => randomId('Ev0'),
  ts: () => `${Math.floor(Date.now() / 1000)}.${String(++sequence % 1e6).padStart(6, '0')}`,
};

export interface SlackEventOptions {
  channel: string;
  ts?: string;
  threadTs?: string;
  text?: string;
  user?: string;
  eventId?: string;
}

/** An event_callback built from a fixture, with this test's own channel, ts and event id. */
function eventFrom(fixture: string, options: SlackEventOptions, defaults: { user: string; text: string }) {
  const body = slackFixture(fixture);
  const ts = options.ts ?? slackIds.ts();
  body.event_id = options.eventId ?? slackIds.eventId();
  body.event_time = Math.floor(Date.now() / 1000);
  Object.assign(body.event, {
    channel: options.channel,
    ts,
    event_ts: ts,
    user: options.user ?? defaults.user,
    text: options.text ?? defaults.text,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  });
  delete body.event.blocks;
  return body;
}

/** app_mention in a channel (fixture app-mention), optionally in a thread. */
export const appMention = (options: SlackEventOptions) => eventFrom('app-mention', options, { user: 'U061F7AUR', text: `<@${SLACK_BOT_USER}> hello` });

/** A direct message to the bot (fixture message-im, message.im). */
export const directMessage = (options: SlackEventOptions) => eventFrom('message-im', options, { user: 'U2147483697', text: 'hello' });

export interface PostSlackOptions {
  /** Signs with this secret instead of the system's. */
  secret?: string;
  /** X-Slack-Request-Timestamp, in seconds; now by default. */
  timestamp?: number;
  /** null: no X-Slack-Signature header at all. */
  signature?: string | null;
  headers?: Record<string, string>;
}

/** POSTs a body to /webhooks/slack like Slack does: JSON, v0-signed over the exact bytes. */
export async function postSlack(baseUrl: string, body: unknown, options: PostSlackOptions = {}): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature === undefined ? signSlackBody(raw, options.secret ?? SLACK_SIGNING_SECRET, timestamp) : options.signature;
  return fetch(`${baseUrl}/webhooks/slack`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      ...(signature === null ? {} : { 'x-slack-signature': signature }),
      ...options.headers,
    },
    body: raw,
  });
}
