/**
 * WhatsApp Cloud API: the webhook handshake, X-Hub-Signature-256 verification over the raw
 * bytes, payload normalization, and outbound text through the Graph API.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { postJson, retryAfterMs } from '../http';
import {
  ChannelSendError,
  splitText,
  type ChannelSender,
  type DeliveryStatusUpdate,
  type InboundMessage,
  type OutboundText,
  type ParsedInbound,
  type SendResult,
} from '../types';

/** WhatsApp's limit on a text message body. */
export const WHATSAPP_TEXT_LIMIT = 4096;

/** Graph API error codes that mean "slow down" (throttling), not "this request is wrong". */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131048, 131056]);

export class WhatsAppPayloadError extends Error {
  override name = 'WhatsAppPayloadError';
}

/** GET handshake: returns the challenge to echo, or undefined when the token does not match. */
export function verifyHandshake(query: Record<string, unknown>, verifyToken: string | undefined): string | undefined {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (!verifyToken || mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') {
    return undefined;
  }
  return safeEqual(token, verifyToken) ? challenge : undefined;
}

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`. */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string | undefined): boolean {
  if (!appSecret || !header || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest('hex');
  return safeEqual(header.slice('sha256='.length).toLowerCase(), expected);
}

export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Normalizes a webhook body: every message of every change of every entry, and every
 * status update. Throws WhatsAppPayloadError when the body is not a WhatsApp webhook.
 */
export function parseWebhook(body: unknown): ParsedInbound {
  if (!isObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
    throw new WhatsAppPayloadError('expected {"object":"whatsapp_business_account","entry":[...]}');
  }
  const result: ParsedInbound = { messages: [], statuses: [] };
  for (const entry of body.entry) {
    if (!isObject(entry) || !Array.isArray(entry.changes)) throw new WhatsAppPayloadError('entry without changes');
    for (const change of entry.changes) {
      if (!isObject(change) || !isObject(change.value)) throw new WhatsAppPayloadError('change without value');
      if (change.field !== 'messages') continue; // account, template and other fields carry no customer message
      parseChangeValue(change.value, result);
    }
  }
  return result;
}

function parseChangeValue(value: Json, into: ParsedInbound): void {
  const phoneNumberId = isObject(value.metadata) ? str(value.metadata.phone_number_id) : undefined;
  if (!phoneNumberId) throw new WhatsAppPayloadError('change value without metadata.phone_number_id');
  const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isObject) : [];
  const nameOf = (waId: string) => {
    const contact = contacts.find((c) => c.wa_id === waId);
    return contact && isObject(contact.profile) ? str(contact.profile.name) : undefined;
  };
  for (const message of Array.isArray(value.messages) ? value.messages : []) {
    into.messages.push(normalizeMessage(message, phoneNumberId, nameOf));
  }
  for (const status of Array.isArray(value.statuses) ? value.statuses : []) {
    into.statuses.push(normalizeStatus(status, phoneNumberId));
  }
}

function normalizeMessage(m: unknown, phoneNumberId: string, nameOf: (waId: string) => string | undefined): InboundMessage {
  if (!isObject(m)) throw new WhatsAppPayloadError('message is not an object');
  const id = str(m.id);
  const from = str(m.from);
  const kind = str(m.type);
  if (!id || !from || !kind) throw new WhatsAppPayloadError('message without id, from or type');
  return {
    channel: 'whatsapp',
    accountExternalId: phoneNumberId,
    externalId: id,
    from: { externalId: from, displayName: nameOf(from) },
    kind,
    text: readableText(m, kind),
    sentAt: epochSeconds(m.timestamp),
    raw: m,
  };
}

/** What the assistant can read of a message: its text, a caption, or a button's title. */
function readableText(m: Json, kind: string): string {
  const part = m[kind];
  if (kind === 'text' && isObject(part)) return str(part.body) ?? '';
  if (kind === 'button' && isObject(part)) return str(part.text) ?? '';
  if (kind === 'interactive' && isObject(part)) {
    const reply = isObject(part.button_reply) ? part.button_reply : isObject(part.list_reply) ? part.list_reply : undefined;
    return reply ? (str(reply.title) ?? '') : '';
  }
  if (isObject(part)) return str(part.caption) ?? '';
  return '';
}

function normalizeStatus(s: unknown, phoneNumberId: string): DeliveryStatusUpdate {
  if (!isObject(s) || !str(s.id) || !str(s.status)) throw new WhatsAppPayloadError('status without id or status');
  const errors = Array.isArray(s.errors) ? s.errors.filter(isObject) : [];
  return {
    channel: 'whatsapp',
    accountExternalId: phoneNumberId,
    providerMessageId: s.id as string,
    status: s.status as string,
    at: epochSeconds(s.timestamp),
    errors: errors.map((e) => ({
      code: typeof e.code === 'number' ? e.code : undefined,
      title: str(e.title),
      detail: isObject(e.error_data) ? str(e.error_data.details) : str(e.message),
    })),
  };
}

function epochSeconds(value: unknown): Date {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}

export interface WhatsAppSenderOptions {
  apiBaseUrl: string;
  /** Access token for a sending phone number id. */
  accessTokenFor(phoneNumberId: string): string | undefined;
  timeoutMs: number;
}

/** Outbound text through `POST {base}/{phone_number_id}/messages`. */
export function createWhatsAppSender(options: WhatsAppSenderOptions): ChannelSender {
  return {
    channel: 'whatsapp',
    formatText: (text) => splitText(text, WHATSAPP_TEXT_LIMIT),
    async send(message: OutboundText): Promise<SendResult> {
      const token = options.accessTokenFor(message.accountExternalId);
      if (!token) {
        throw new ChannelSendError(`no WhatsApp access token for phone number id ${message.accountExternalId}`, {
          channel: 'whatsapp',
          retryable: false,
          notSent: true,
          code: 'no_credentials',
        });
      }
      const url = `${options.apiBaseUrl}/${encodeURIComponent(message.accountExternalId)}/messages`;
      const body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: message.to,
        type: 'text',
        text: { body: message.text, preview_url: false },
        biz_opaque_callback_data: message.deliveryId,
        ...(message.replyToExternalId ? { context: { message_id: message.replyToExternalId } } : {}),
      };
      const response = await postJson('whatsapp', url, body, { authorization: `Bearer ${token}` }, options.timeoutMs);
      const payload = isObject(response.body) ? response.body : {};
      if (response.status >= 200 && response.status < 300) {
        const first = Array.isArray(payload.messages) ? payload.messages[0] : undefined;
        const id = isObject(first) ? str(first.id) : undefined;
        if (!id) {
          throw new ChannelSendError('WhatsApp accepted the request but returned no message id', {
            channel: 'whatsapp',
            retryable: false,
            notSent: false,
            status: response.status,
          });
        }
        return { providerMessageId: id };
      }
      throw classifyGraphError(response.status, payload, response.headers);
    },
  };
}

function classifyGraphError(status: number, payload: Json, headers: Headers): ChannelSendError {
  const error = isObject(payload.error) ? payload.error : {};
  const code = typeof error.code === 'number' ? error.code : undefined;
  const reason = str(error.message) ?? `HTTP ${status}`;
  const throttled = status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code));
  const retryable = throttled || status >= 500;
  return new ChannelSendError(`WhatsApp send failed (${status}${code !== undefined ? `, code ${code}` : ''}): ${reason}`, {
    channel: 'whatsapp',
    retryable,
    notSent: true,
    status,
    code,
    retryAfterMs: retryAfterMs(headers),
  });
}
