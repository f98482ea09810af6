/**
 * Slack Events API and Web API: the v0 request signature over the raw bytes, the envelope
 * (url_verification, event_callback), event normalization, and outbound text through
 * chat.postMessage / chat.update. Pure: no database, no Temporal.
 */
import { createHmac } from 'node:crypto';
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
  type IgnoredEvent,
  type InboundMessage,
  type OutboundText,
  type ParsedInbound,
  type SendResult,
} from '../types';

/** Slack advises keeping a message under 4,000 characters (it truncates far later, at 40,000). */
export const SLACK_TEXT_LIMIT = 3900;

/** Slack's advice: reject requests whose timestamp is more than five minutes from now (replays). */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

export class SlackPayloadError extends Error {
  override name = 'SlackPayloadError';
}

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Signature

/**
 * v0 scheme: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>`,
 * `X-Slack-Request-Timestamp` within five minutes of now, either direction.
 *
 * The signature is checked before the clock, so `stale` only ever means "Slack really signed
 * this, but long ago" (a replay or a badly skewed clock), worth telling apart in the logs from
 * `invalid` (not from Slack at all).
 */
export function verifySlackSignature(
  rawBody: Buffer,
  timestamp: string | undefined,
  signature: string | undefined,
  secret: string | undefined,
  nowMs: number = Date.now(),
): 'ok' | 'stale' | 'invalid' {
  if (!secret || !timestamp || !signature || !signature.startsWith('v0=')) return 'invalid';
  // Digits only: `Number(' 1e3 ')` would happily parse, and the header is signed verbatim.
  if (!/^\d{1,15}$/.test(timestamp)) return 'invalid';
  const expected = hmacHex(secret, timestamp, rawBody);
  if (!safeEqual(signature.slice('v0='.length).toLowerCase(), expected)) return 'invalid';
  const skewSeconds = Math.abs(nowMs / 1000 - Number(timestamp));
  return skewSeconds > SLACK_SIGNATURE_WINDOW_SECONDS ? 'stale' : 'ok';
}

/** The X-Slack-Signature header Slack would send for this body at this time. */
export function signSlackBody(rawBody: Buffer | string, secret: string, timestampSeconds: number): string {
  return `v0=${hmacHex(secret, String(timestampSeconds), rawBody)}`;
}

function hmacHex(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Envelope

export type SlackEnvelope =
  | { type: 'url_verification'; challenge: string }
  | {
      type: 'event_callback';
      teamId?: string;
      apiAppId?: string;
      eventId: string;
      /** Our app's bot user(s) in this workspace: their messages are our own, their mentions are the trigger. */
      botUserIds: string[];
      event: Record<string, unknown>;
      raw: Record<string, unknown>;
    }
  /** An interaction (Interactivity Request URL): a tap on one of our buttons. */
  | { type: 'block_actions'; teamId?: string; apiAppId?: string; raw: Record<string, unknown> }
  | { type: 'other'; envelopeType: string; raw: Record<string, unknown> };

/**
 * Reads the outer body of an Events API request. Throws SlackPayloadError when the body is not
 * a Slack request (no string `type`, url_verification without challenge, event_callback without
 * an event object or event_id). Other envelope types (app_rate_limited, ...) come back as `other`.
 */
export function parseEnvelope(body: unknown): SlackEnvelope {
  if (!isObject(body) || typeof body.type !== 'string') {
    throw new SlackPayloadError('expected a Slack Events API body: an object with a string "type"');
  }
  if (body.type === 'url_verification') {
    const challenge = str(body.challenge);
    if (!challenge) throw new SlackPayloadError('url_verification without a challenge');
    return { type: 'url_verification', challenge };
  }
  if (body.type === 'event_callback') {
    const eventId = str(body.event_id);
    if (!isObject(body.event)) throw new SlackPayloadError('event_callback without an event object');
    if (!eventId) throw new SlackPayloadError('event_callback without an event_id');
    return {
      type: 'event_callback',
      teamId: str(body.team_id) ?? str(body.context_team_id),
      apiAppId: str(body.api_app_id),
      eventId,
      botUserIds: botUserIdsOf(body),
      event: body.event,
      raw: body,
    };
  }
  if (body.type === 'block_actions') {
    // What every click on a button of a message carries; without it the body is not Slack's.
    const missing = [
      !(isObject(body.user) && str(body.user.id)) && 'user.id',
      !interactionChannel(body) && 'channel.id',
      !(isObject(body.message) && str(body.message.ts)) && 'message.ts',
      !(Array.isArray(body.actions) && body.actions.length > 0) && 'actions',
    ].filter(Boolean);
    if (missing.length > 0) throw new SlackPayloadError(`block_actions without ${missing.join(', ')}`);
    const team = isObject(body.team) ? str(body.team.id) : undefined;
    return { type: 'block_actions', teamId: team, apiAppId: str(body.api_app_id), raw: body };
  }
  return { type: 'other', envelopeType: body.type, raw: body };
}

/**
 * The JSON text of an interaction: Slack posts it form-encoded, in the `payload` field, signed like
 * every request. Throws SlackPayloadError when there is none.
 */
export function interactionPayload(raw: Buffer): string {
  const payload = new URLSearchParams(raw.toString('utf8')).get('payload');
  if (!payload) throw new SlackPayloadError('an interaction without a payload field');
  return payload;
}

/**
 * Taps on our buttons (block_actions). Only a rating's choices are ours to read (src/channels/rating.ts):
 * each becomes a message in the thread the question was posted in, carrying its score. Any other
 * action is ignored; a payload without a channel, user or message is rejected.
 */
export function parseBlockActions(envelope: Extract<SlackEnvelope, { type: 'block_actions' }>, options: { accountExternalId: string }): ParsedInbound {
  const result = emptyParsed();
  const body = envelope.raw;
  // parseEnvelope made sure of these.
  const channel = interactionChannel(body)!;
  const user = body.user as Json;
  const message = body.message as Json;
  const ts = str(message.ts)!;
  const actions = (body.actions as unknown[]).filter(isObject);
  const ignore = (reason: string) =>
    result.ignored.push({ channel: 'slack', accountExternalId: options.accountExternalId, kind: 'block_actions', reason, outcome: 'ignored', raw: body });
  const root = str(message.thread_ts) ?? ts;
  for (const action of actions) {
    const rating = parseRatingChoice(str(action.value));
    const at = str(action.action_ts);
    if (!rating || !at) {
      ignore(`action ${str(action.action_id) ?? '(no id)'} is not one of ours to answer`);
      continue;
    }
    result.messages.push({
      channel: 'slack',
      accountExternalId: options.accountExternalId,
      externalId: `${channel}:action:${at}`,
      conversation: { externalId: `${channel}:${root}` },
      from: { externalId: str(user.id)!, displayName: str(user.name) ?? str(user.username) },
      kind: 'block_actions',
      text: String(rating.score),
      attachments: [],
      replyToExternalId: `${channel}:${ts}`,
      answer: true,
      rating,
      sentAt: Number.isFinite(Number(at)) ? new Date(Number(at) * 1000) : new Date(),
      raw: action,
    });
  }
  return result;
}

/** The channel a clicked message is in. */
function interactionChannel(body: Json): string | undefined {
  return (isObject(body.channel) ? str(body.channel.id) : undefined) ?? (isObject(body.container) ? str(body.container.channel_id) : undefined);
}

/**
 * Our bot user ids: `authorizations[]` entries with is_bot. Payloads from before
 * `authorizations` existed only have `authed_users`, which held the bot user of a bot-token
 * app; it is read only when there is no `authorizations`, because in newer payloads it may
 * list people who installed the app, whose messages we must answer.
 */
function botUserIdsOf(body: Json): string[] {
  const ids = new Set<string>();
  if (Array.isArray(body.authorizations)) {
    for (const a of body.authorizations) {
      const userId = isObject(a) && a.is_bot === true ? str(a.user_id) : undefined;
      if (userId) ids.add(userId);
    }
  } else if (Array.isArray(body.authed_users)) {
    for (const u of body.authed_users) if (typeof u === 'string' && u) ids.add(u);
  }
  return [...ids];
}

// ---------------------------------------------------------------------------------------------
// Events

/** Message subtypes a person wrote: answered like a plain message. Every other subtype is not. */
const USER_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

/**
 * Normalizes the event of an event_callback into at most one message or one ignored event.
 * Never throws: a malformed event comes back as an IgnoredEvent with outcome `rejected`.
 */
export function parseEvent(envelope: Extract<SlackEnvelope, { type: 'event_callback' }>, options: { accountExternalId: string }): ParsedInbound {
  const result = emptyParsed();
  const outcome = classifyEvent(envelope, options.accountExternalId);
  if ('answer' in outcome) result.messages.push(outcome);
  else result.ignored.push(outcome);
  return result;
}

function classifyEvent(envelope: Extract<SlackEnvelope, { type: 'event_callback' }>, accountExternalId: string): InboundMessage | IgnoredEvent {
  const { event } = envelope;
  const type = str(event.type);
  const subtype = str(event.subtype);
  const ignore = (reason: string, outcome: IgnoredEvent['outcome'] = 'ignored'): IgnoredEvent => ({
    channel: 'slack',
    accountExternalId,
    eventId: envelope.eventId,
    kind: subtype ?? type ?? 'unknown',
    reason,
    outcome,
    raw: event,
  });

  if (!type) return ignore('event without a type', 'rejected');
  if (type !== 'message' && type !== 'app_mention') return ignore(`event type ${type} is not answered`);

  // Our own posts come back to us as events (in DMs every reply and every placeholder edit):
  // answering them would loop. Checked before bot_id so the reason says whose they are.
  const user = str(event.user);
  if (user && envelope.botUserIds.includes(user)) return ignore(`our own message (bot user ${user})`);
  if (envelope.apiAppId && event.app_id === envelope.apiAppId) return ignore(`our own message (app ${envelope.apiAppId})`);
  // Other bots and integrations: answering them invites two bots talking forever.
  if (subtype === 'bot_message') return ignore('subtype bot_message: messages from bots are not answered');
  if (event.bot_id !== undefined && event.bot_id !== null) {
    return ignore(`bot message (bot_id ${String(event.bot_id)}) is not answered`);
  }

  if (type === 'message') {
    if (subtype && !USER_SUBTYPES.has(subtype)) return ignore(`message subtype ${subtype} is not answered`);
    const channelType = str(event.channel_type) ?? (str(event.channel)?.startsWith('D') ? 'im' : undefined);
    if (channelType !== 'im') {
      // With message.channels subscribed, a mention arrives twice: as this and as app_mention.
      return ignore(`message in a ${channelType ?? 'non-direct'} conversation: mentions arrive as app_mention`);
    }
  }

  const channel = str(event.channel);
  const ts = str(event.ts);
  if (!channel || !ts || !user) {
    const missing = [!channel && 'channel', !ts && 'ts', !user && 'user'].filter(Boolean).join(', ');
    return ignore(`${type} without ${missing}`, 'rejected');
  }
  const seconds = Number(ts);
  if (!/^\d+(\.\d+)?$/.test(ts) || !Number.isFinite(seconds)) return ignore(`${type} with a malformed ts ${ts}`, 'rejected');

  const threadTs = str(event.thread_ts);
  const inThread = threadTs !== undefined && threadTs !== ts;
  return {
    channel: 'slack',
    accountExternalId,
    externalId: `${channel}:${ts}`,
    // Replies always go in a thread: the thread the message is in, or a new one under it.
    conversation: { externalId: `${channel}:${inThread ? threadTs : ts}` },
    from: { externalId: user, displayName: displayNameOf(event) },
    kind: type === 'app_mention' ? 'app_mention' : 'message',
    text: readableText(str(event.text) ?? '', envelope.botUserIds),
    attachments: filesOf(event),
    replyToExternalId: inThread ? `${channel}:${threadTs}` : undefined,
    answer: true,
    sentAt: new Date(seconds * 1000),
    raw: event,
  };
}

/**
 * What the assistant reads: the text without the mention(s) of our bot (`<@U123>` or the legacy
 * `<@U123|name>`), with Slack's three escapes undone (`&amp;` last, so `&amp;lt;` stays `&lt;`).
 */
function readableText(text: string, botUserIds: string[]): string {
  let out = text;
  for (const id of botUserIds) {
    const mention = new RegExp(`([ \\t]*)<@${escapeRegExp(id)}(?:\\|[^>]*)?>([ \\t]*)`, 'g');
    out = out.replace(mention, (whole: string, lead: string, trail: string, offset: number, all: string) => {
      const before = all[offset - 1];
      const after = all[offset + whole.length];
      // Between two words the mention leaves one space; at a line's edge or before punctuation, none.
      const edge = before === undefined || before === '\n' || after === undefined || after === '\n' || /[?!.,;:]/.test(after);
      return edge || (!lead && !trail) ? '' : ' ';
    });
  }
  return out.trim().replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function displayNameOf(event: Json): string | undefined {
  const profile = isObject(event.user_profile) ? event.user_profile : undefined;
  if (!profile) return undefined;
  return str(profile.display_name) || str(profile.real_name) || undefined;
}

/** Slack files stay on Slack (url_private needs the bot token); we keep their ids. */
function filesOf(event: Json): Attachment[] {
  if (!Array.isArray(event.files)) return [];
  const attachments: Attachment[] = [];
  for (const file of event.files) {
    const id = isObject(file) ? str(file.id) : undefined;
    if (!isObject(file) || !id) continue;
    attachments.push({ type: 'file', mediaId: id, mimeType: str(file.mimetype), filename: str(file.name) });
  }
  return attachments;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** `[label](http(s)://url)`: the URL stops at whitespace or the closing parenthesis. */
const MARKDOWN_LINK = /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g;
const MARKDOWN_BOLD = /\*\*(\S(?:[^*\n]*?\S)?)\*\*/g;

/**
 * Markdown from the assistant into Slack mrkdwn. `&`, `<` and `>` are Slack's control
 * characters: escaping them also keeps the model from pinging `<!channel>` or a `<@user>`.
 */
export function toMrkdwn(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(MARKDOWN_LINK)) {
    out += plainToMrkdwn(text.slice(last, match.index));
    out += `<${linkUrl(match[2]!)}|${linkLabel(match[1]!)}>`;
    last = match.index + match[0].length;
  }
  return out + plainToMrkdwn(text.slice(last));
}

function escapeControl(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function plainToMrkdwn(s: string): string {
  return escapeControl(s).replace(MARKDOWN_BOLD, '*$1*');
}

/** A `|` would end the URL early: percent-encoded, it is the same URL. */
function linkUrl(url: string): string {
  return escapeControl(url).replace(/\|/g, '%7C');
}

/**
 * Slack has no escape for `|`, and a `|` in a label may be taken for the URL/label separator:
 * it becomes the look-alike U+FF5C. `>` would close the link: escaped like everywhere else.
 */
function linkLabel(label: string): string {
  return plainToMrkdwn(label).replace(/\|/g, '\uFF5C');
}

// ---------------------------------------------------------------------------------------------
// Sending

export interface SlackSenderOptions {
  /** `https://slack.com/api`, without a trailing slash. */
  apiBaseUrl: string;
  timeoutMs: number;
}

/** `ok:false` errors that say "try again later"; Slack did not post the message. */
const RETRYABLE_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);
/** `ok:false` errors that say this conversation cannot be written to any more. */
const BLOCKED_ERRORS = new Set(['channel_not_found', 'is_archived', 'not_in_channel', 'account_inactive']);
/** chat.update errors after which posting a new message is the way to deliver the answer. */
const UPDATE_FALLBACK_ERRORS = new Set(['message_not_found', 'cant_update_message']);

/**
 * Outbound text through chat.postMessage, or chat.update of our placeholder. Slack has no read
 * receipts, so there is no acknowledge: the placeholder is the acknowledgement.
 */
export function createSlackSender(options: SlackSenderOptions): ChannelSender {
  async function call(method: string, token: string, body: Json): Promise<{ channel: string; ts: string }> {
    const response = await postJson(
      'slack',
      `${options.apiBaseUrl}/${method}`,
      body,
      { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      options.timeoutMs,
    );
    return readResult(method, response, str(body.channel) ?? '');
  }

  async function postMessage(message: OutboundText): Promise<SendResult> {
    const { channel, threadTs } = splitConversation(message.to);
    const { channel: postedIn, ts } = await call('chat.postMessage', message.token, {
      channel,
      text: message.text,
      ...(message.choices?.length ? { blocks: choiceBlocks(message.text, message.choices) } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      // Links in an answer should not grow into previews bigger than the answer.
      unfurl_links: false,
      unfurl_media: false,
    });
    return { providerMessageId: `${postedIn}:${ts}` };
  }

  async function updateMessage(message: OutboundText, target: { channel: string; ts: string }): Promise<SendResult> {
    try {
      const { channel, ts } = await call('chat.update', message.token, { ...target, text: message.text });
      return { providerMessageId: `${channel}:${ts}` };
    } catch (err) {
      // The placeholder was deleted, or can no longer be edited: the answer still has to arrive.
      if (err instanceof ChannelSendError && UPDATE_FALLBACK_ERRORS.has(String(err.details.code))) {
        return postMessage(message);
      }
      throw err;
    }
  }

  return {
    channel: 'slack',
    placeholderText: 'Looking into it…',
    formatText: (text) => splitText(text, SLACK_TEXT_LIMIT).map(toMrkdwn),
    async send(message: OutboundText): Promise<SendResult> {
      if (!message.token) {
        throw new ChannelSendError(`no Slack bot token for team ${message.accountExternalId}`, {
          channel: 'slack',
          retryable: false,
          notSent: true,
          code: 'no_credentials',
        });
      }
      try {
        const target = message.replaceProviderMessageId ? splitMessageId(message.replaceProviderMessageId) : undefined;
        // An id we cannot read cannot be updated: posting anew still delivers the answer.
        return target ? await updateMessage(message, target) : await postMessage(message);
      } catch (err) {
        throw err instanceof ChannelSendError ? redact(err, message.token) : err;
      }
    },
  };
}

/** The text as a section and the choices as one row of buttons (each button's value is its choice id). */
function choiceBlocks(text: string, choices: Choice[]): Json[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      elements: choices.map((c) => ({ type: 'button', action_id: c.id, value: c.id, text: { type: 'plain_text', text: c.title.slice(0, 75) } })),
    },
  ];
}

/** `C123` or `C123:1700000000.000100` (a thread). */
function splitConversation(to: string): { channel: string; threadTs?: string } {
  const at = to.indexOf(':');
  if (at < 0) return { channel: to };
  return { channel: to.slice(0, at), threadTs: to.slice(at + 1) || undefined };
}

/** `C123:1700000000.000100`, as made by send; undefined when it is not one. */
function splitMessageId(id: string): { channel: string; ts: string } | undefined {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { channel: id.slice(0, at), ts: id.slice(at + 1) };
}

function readResult(method: string, response: JsonResponse, requestedChannel: string): { channel: string; ts: string } {
  const { status, headers } = response;
  const payload = isObject(response.body) ? response.body : {};
  const error = str(payload.error);
  const where = `Slack ${method} failed (${status}${error ? `, ${error}` : ''})`;

  if (status >= 200 && status < 300 && payload.ok === true) {
    const ts = str(payload.ts);
    if (!ts) {
      throw new ChannelSendError(`Slack ${method} answered ok but returned no ts`, {
        channel: 'slack',
        retryable: false,
        notSent: false,
        status,
      });
    }
    return { channel: str(payload.channel) ?? requestedChannel, ts };
  }
  if (status === 429) {
    return fail(`${where}: rate limited`, { retryable: true, status, code: error ?? 'ratelimited', retryAfterMs: retryAfterMs(headers) });
  }
  if (status >= 500) {
    return fail(`${where}: Slack server error`, { retryable: true, status, code: error, retryAfterMs: retryAfterMs(headers) });
  }
  if (status >= 200 && status < 300 && payload.ok !== false) {
    // Neither ok:true nor ok:false: not a Slack answer (a proxy?). It may have gone through.
    throw new ChannelSendError(`Slack ${method} answered ${status} without an ok field`, {
      channel: 'slack',
      retryable: false,
      notSent: false,
      status,
    });
  }
  if (error && RETRYABLE_ERRORS.has(error)) {
    return fail(`${where}: temporary`, { retryable: true, status, code: error, retryAfterMs: retryAfterMs(headers) });
  }
  const needed = str(payload.needed);
  return fail(`${where}${needed ? `: needs scope ${needed}` : ''}`, {
    retryable: false,
    status,
    code: error,
    blocked: error !== undefined && BLOCKED_ERRORS.has(error) ? true : undefined,
  });
}

/** Slack answered and did not post: certainly not sent. */
function fail(message: string, details: { retryable: boolean; status: number; code?: string; retryAfterMs?: number; blocked?: boolean }): never {
  const { blocked, retryAfterMs: after, ...rest } = details;
  throw new ChannelSendError(message, {
    channel: 'slack',
    notSent: true,
    ...rest,
    ...(after !== undefined ? { retryAfterMs: after } : {}),
    ...(blocked ? { blocked } : {}),
  });
}

/** The token never leaves in an error, even if something upstream echoed it. */
function redact(err: ChannelSendError, token: string): ChannelSendError {
  const scrub = (s: string) => s.split(token).join('[redacted]');
  const { code } = err.details;
  if (!err.message.includes(token) && !(typeof code === 'string' && code.includes(token))) return err;
  const copy = new ChannelSendError(scrub(err.message), { ...err.details, code: typeof code === 'string' ? scrub(code) : code });
  copy.stack = err.stack === undefined ? undefined : scrub(err.stack);
  return copy;
}
