/**
 * WhatsApp Cloud API: the webhook handshake, X-Hub-Signature-256 verification over the raw
 * bytes, payload normalization for every documented message type, delivery receipts,
 * outbound text and read receipts through the Graph API, and media lookups.
 */
import { createHmac } from 'node:crypto';
import { getJson, postJson, retryAfterMs } from '../http';
import {
  ChannelSendError,
  emptyParsed,
  isObject,
  splitText,
  str,
  type Attachment,
  type ChannelSender,
  type DeliveryStatusUpdate,
  type InboundAck,
  type InboundMessage,
  type OutboundText,
  type ParsedInbound,
  type SendResult,
} from '../types';
import { parseRatingChoice, type Choice } from '../rating';
import { safeEqual } from '../verify';
import { reasonFor, RETRYABLE_CODES } from './errors';
import { graphTemplate, readTemplatePage, type GraphTemplate } from './templates';

/** WhatsApp's limit on a text message body. */
export const WHATSAPP_TEXT_LIMIT = 4096;

/** Message types that carry a media object: `{ id, mime_type, sha256, caption?, filename? }`. */
const MEDIA_KINDS = new Set(['image', 'audio', 'video', 'document', 'sticker']);

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

type Json = Record<string, unknown>;

/**
 * Normalizes a webhook body: every message of every change of every entry, and every
 * status update. Throws WhatsAppPayloadError only when the body is not a WhatsApp webhook
 * at all; a malformed entry, change, message or status inside a batch becomes a `rejected`
 * IgnoredEvent and the rest of the batch goes on.
 */
export function parseWebhook(body: unknown): ParsedInbound {
  if (!isObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
    throw new WhatsAppPayloadError('expected {"object":"whatsapp_business_account","entry":[...]}');
  }
  const result = emptyParsed();
  const reject = (kind: string, reason: string, raw: unknown, accountExternalId?: string) =>
    result.ignored.push({ channel: 'whatsapp', accountExternalId, kind, reason, outcome: 'rejected', raw });
  for (const entry of body.entry) {
    if (!isObject(entry) || !Array.isArray(entry.changes)) {
      reject('entry', 'entry without a changes array', entry);
      continue;
    }
    for (const change of entry.changes) {
      if (!isObject(change) || !isObject(change.value)) {
        reject('change', 'change without a value object', change);
        continue;
      }
      if (change.field !== 'messages') continue; // account, template and other fields carry no customer message
      parseChangeValue(change.value, result, reject);
    }
  }
  return result;
}

type Reject = (kind: string, reason: string, raw: unknown, accountExternalId?: string) => void;

function parseChangeValue(value: Json, into: ParsedInbound, reject: Reject): void {
  const phoneNumberId = isObject(value.metadata) ? str(value.metadata.phone_number_id) : undefined;
  if (!phoneNumberId) {
    reject('change', 'change value without metadata.phone_number_id', value);
    return;
  }
  const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isObject) : [];
  const nameOf = (waId: string) => {
    const contact = contacts.find((c) => c.wa_id === waId);
    return contact && isObject(contact.profile) ? str(contact.profile.name) : undefined;
  };
  for (const message of Array.isArray(value.messages) ? value.messages : []) {
    const normalized = normalizeMessage(message, phoneNumberId, nameOf);
    if (typeof normalized === 'string') reject('message', normalized, message, phoneNumberId);
    else into.messages.push(normalized);
  }
  for (const status of Array.isArray(value.statuses) ? value.statuses : []) {
    const normalized = normalizeStatus(status, phoneNumberId);
    if (typeof normalized === 'string') reject('status', normalized, status, phoneNumberId);
    else into.statuses.push(normalized);
  }
  // Webhook-level errors (e.g. a message Meta could not hand over) carry no message.
  for (const error of Array.isArray(value.errors) ? value.errors : []) {
    into.ignored.push({
      channel: 'whatsapp',
      accountExternalId: phoneNumberId,
      kind: 'error',
      reason: `WhatsApp reported an error: ${isObject(error) ? `${String(error.code)} ${str(error.title) ?? ''}`.trim() : 'unknown'}`,
      outcome: 'ignored',
      raw: error,
    });
  }
}

/** The message, or a string saying why it cannot be read. */
function normalizeMessage(m: unknown, phoneNumberId: string, nameOf: (waId: string) => string | undefined): InboundMessage | string {
  if (!isObject(m)) return 'message is not an object';
  const id = str(m.id);
  const from = str(m.from);
  const kind = str(m.type);
  if (!id || !from || !kind) return 'message without id, from or type';
  const context = isObject(m.context) ? m.context : undefined;
  const base: InboundMessage = {
    channel: 'whatsapp',
    accountExternalId: phoneNumberId,
    externalId: id,
    conversation: { externalId: from, title: nameOf(from) },
    from: { externalId: from, displayName: nameOf(from) },
    kind,
    text: '',
    attachments: [],
    replyToExternalId: context ? str(context.id) : undefined,
    answer: true,
    sentAt: epochSeconds(m.timestamp),
    raw: m,
  };
  const part = isObject(m[kind]) ? (m[kind] as Json) : {};
  switch (kind) {
    case 'text':
      return { ...base, text: str(part.body) ?? '' };
    case 'button':
      return { ...base, text: str(part.text) ?? '' };
    case 'interactive': {
      // A tap on one of the rating's choices reads as its score.
      const rating = parseRatingChoice(interactiveReplyId(part));
      return rating ? { ...base, text: String(rating.score), rating } : { ...base, text: interactiveText(part) };
    }
    case 'location':
      return { ...base, text: locationText(part) };
    case 'contacts':
      return { ...base, text: contactsText(m.contacts) };
    case 'order':
      return { ...base, text: orderText(part) };
    case 'reaction': {
      // A reaction to one of our replies is not a question: kept for the record, not answered.
      const emoji = str(part.emoji) ?? '';
      const target = str(part.message_id);
      return {
        ...base,
        text: emoji,
        replyToExternalId: target,
        answer: false,
        note: emoji ? `reaction ${emoji} to ${target ?? 'a message'}` : `reaction removed from ${target ?? 'a message'}`,
      };
    }
    case 'system':
      // The customer changed their number, and the like: nothing to answer.
      return { ...base, text: str(part.body) ?? '', answer: false, note: `system message: ${str(part.type) ?? 'notice'}` };
    default:
      if (MEDIA_KINDS.has(kind)) {
        const attachment = mediaAttachment(kind, part);
        if (!attachment) return `${kind} message without a media id`;
        return { ...base, text: attachment.caption ?? '', attachments: [attachment] };
      }
      // `unsupported`, `unknown`, `request_welcome` and any type added later: answered with
      // empty text, which the assistant meets with a polite "can't read this yet".
      return base;
  }
}

function mediaAttachment(kind: string, part: Json): Attachment | undefined {
  const mediaId = str(part.id);
  if (!mediaId) return undefined;
  return {
    type: kind === 'audio' && part.voice === true ? 'voice' : kind,
    mediaId,
    mimeType: str(part.mime_type),
    caption: str(part.caption),
    filename: str(part.filename),
  };
}

function interactiveReplyId(part: Json): string | undefined {
  const reply = isObject(part.button_reply) ? part.button_reply : isObject(part.list_reply) ? part.list_reply : undefined;
  return reply ? str(reply.id) : undefined;
}

/** A button or list reply's title (its id stays in raw); a flow's reply body. */
function interactiveText(part: Json): string {
  const reply = isObject(part.button_reply) ? part.button_reply : isObject(part.list_reply) ? part.list_reply : undefined;
  if (reply) return str(reply.title) ?? '';
  if (isObject(part.nfm_reply)) return str(part.nfm_reply.body) ?? str(part.nfm_reply.name) ?? '';
  return '';
}

function locationText(part: Json): string {
  const place = [str(part.name), str(part.address)].filter(Boolean).join(', ');
  const coordinates = [part.latitude, part.longitude].every((v) => typeof v === 'number') ? `${String(part.latitude)}, ${String(part.longitude)}` : undefined;
  return `Location: ${[place, coordinates && `(${coordinates})`].filter(Boolean).join(' ')}`.trim();
}

function contactsText(cards: unknown): string {
  const described = (Array.isArray(cards) ? cards.filter(isObject) : []).map((card) => {
    const name = isObject(card.name) ? (str(card.name.formatted_name) ?? str(card.name.first_name)) : undefined;
    const phones = (Array.isArray(card.phones) ? card.phones.filter(isObject) : []).map((p) => str(p.phone)).filter(Boolean);
    return [name, ...phones].filter(Boolean).join(', ');
  });
  return `Shared contact: ${described.join('; ') || 'unnamed'}`;
}

function orderText(part: Json): string {
  const items = Array.isArray(part.product_items) ? part.product_items.filter(isObject) : [];
  const lines = items.map((i) => `${String(i.quantity ?? 1)} × ${str(i.product_retailer_id) ?? 'item'}`);
  return [`Order from the catalog: ${lines.join(', ') || 'no items'}`, str(part.text)].filter(Boolean).join('. ');
}

function normalizeStatus(s: unknown, phoneNumberId: string): DeliveryStatusUpdate | string {
  if (!isObject(s) || !str(s.id) || !str(s.status)) return 'status without id or status';
  const errors = Array.isArray(s.errors) ? s.errors.filter(isObject) : [];
  return {
    channel: 'whatsapp',
    accountExternalId: phoneNumberId,
    providerMessageId: s.id as string,
    status: s.status as string,
    at: epochSeconds(s.timestamp),
    deliveryId: str(s.biz_opaque_callback_data),
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
  timeoutMs: number;
}

export interface WhatsAppSender extends ChannelSender {
  /** The short-lived download URL of a media id (GET /{media-id}); fetched only when someone needs the file. */
  mediaUrl(token: string, mediaId: string): Promise<{ url: string; mimeType?: string; fileSize?: number }>;
  /** Every template of a WhatsApp Business Account (GET /{waba-id}/message_templates, all pages). */
  listTemplates(token: string, businessAccountId: string): Promise<{ templates: GraphTemplate[]; skipped: string[] }>;
}

/**
 * Text with choices as an interactive message: up to three reply buttons, else a list of up to ten
 * rows behind one button (Graph's limits: body 1024, button title 20, row title 24, description 72).
 */
export function interactiveChoices(text: string, choices: Choice[], button = 'Choose'): Json {
  const body = { text: text.slice(0, 1024) };
  if (choices.length <= 3) {
    return { type: 'button', body, action: { buttons: choices.map((c) => ({ type: 'reply', reply: { id: c.id, title: c.title.slice(0, 20) } })) } };
  }
  const rows = choices.slice(0, 10).map((c) => ({
    id: c.id,
    title: c.title.slice(0, 24),
    ...(c.description ? { description: c.description.slice(0, 72) } : {}),
  }));
  return { type: 'list', body, action: { button: button.slice(0, 20), sections: [{ rows }] } };
}

const noCredentials = () =>
  new ChannelSendError('no WhatsApp access token for this phone number id', {
    channel: 'whatsapp',
    retryable: false,
    notSent: true,
    code: 'no_credentials',
  });

/** Outbound text and read receipts through `POST {base}/{phone_number_id}/messages`. */
export function createWhatsAppSender(options: WhatsAppSenderOptions): WhatsAppSender {
  const messagesUrl = (phoneNumberId: string) => `${options.apiBaseUrl}/${encodeURIComponent(phoneNumberId)}/messages`;
  return {
    channel: 'whatsapp',
    reportsDelivery: true,
    formatText: (text) => splitText(text, WHATSAPP_TEXT_LIMIT).map(toWhatsAppMarkup),
    async send(message: OutboundText): Promise<SendResult> {
      if (!message.token) throw noCredentials();
      // Outside the customer-service window only a template reaches the customer: never free text then.
      const content = message.template
        ? { type: 'template', template: graphTemplate(message.template, message.template.parameters) }
        : message.choices?.length
          ? { type: 'interactive', interactive: interactiveChoices(message.text, message.choices, message.choiceButton) }
          : { type: 'text', text: { body: message.text, preview_url: false } };
      const body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: message.to,
        ...content,
        biz_opaque_callback_data: message.deliveryId,
        ...(message.replyToExternalId && !message.template ? { context: { message_id: message.replyToExternalId } } : {}),
      };
      const response = await postJson(
        'whatsapp',
        messagesUrl(message.accountExternalId),
        body,
        { authorization: `Bearer ${message.token}` },
        options.timeoutMs,
      );
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

    /** Marks the inbound message read (the customer sees blue ticks). Repeating it is harmless. */
    async acknowledge(inbound: InboundAck): Promise<string> {
      if (!inbound.token) throw noCredentials();
      const response = await postJson(
        'whatsapp',
        messagesUrl(inbound.accountExternalId),
        { messaging_product: 'whatsapp', status: 'read', message_id: inbound.externalId },
        { authorization: `Bearer ${inbound.token}` },
        options.timeoutMs,
      );
      if (response.status >= 200 && response.status < 300) return 'marked read';
      throw classifyGraphError(response.status, isObject(response.body) ? response.body : {}, response.headers);
    },

    async listTemplates(token: string, businessAccountId: string) {
      if (!token) throw noCredentials();
      const templates: GraphTemplate[] = [];
      const skipped: string[] = [];
      let url: string | undefined =
        `${options.apiBaseUrl}/${encodeURIComponent(businessAccountId)}/message_templates?fields=id,name,language,status,category,components&limit=100`;
      for (let pages = 0; url && pages < 50; pages += 1) {
        const response = await getJson('whatsapp', url, { authorization: `Bearer ${token}` }, options.timeoutMs);
        if (response.status < 200 || response.status >= 300) {
          throw classifyGraphError(response.status, isObject(response.body) ? response.body : {}, response.headers);
        }
        const page = readTemplatePage(response.body);
        templates.push(...page.templates);
        skipped.push(...page.skipped);
        url = page.next;
      }
      return { templates, skipped };
    },

    async mediaUrl(token: string, mediaId: string) {
      const response = await getJson(
        'whatsapp',
        `${options.apiBaseUrl}/${encodeURIComponent(mediaId)}`,
        { authorization: `Bearer ${token}` },
        options.timeoutMs,
      );
      const payload = isObject(response.body) ? response.body : {};
      if (response.status >= 200 && response.status < 300 && str(payload.url)) {
        return {
          url: payload.url as string,
          mimeType: str(payload.mime_type),
          fileSize: typeof payload.file_size === 'number' ? payload.file_size : undefined,
        };
      }
      throw classifyGraphError(response.status, payload, response.headers);
    },
  };
}

/** WhatsApp's own markup: *bold*, _italic_, `code`. Markdown's **bold** becomes *bold*; links stay as text. */
function toWhatsAppMarkup(text: string): string {
  return text.replace(/\*\*(?=\S)([^*\n]+?)\*\*/g, '*$1*').replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, '$1 ($2)');
}

function classifyGraphError(status: number, payload: Json, headers: Headers): ChannelSendError {
  const error = isObject(payload.error) ? payload.error : {};
  const code = typeof error.code === 'number' ? error.code : undefined;
  const metaMessage = str(error.message) ?? `HTTP ${status}`;
  const details = isObject(error.error_data) ? str(error.error_data.details) : undefined;
  const reason = [reasonFor(code), metaMessage, details].filter(Boolean).join(' — ');
  const retryable = status === 429 || status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code));
  return new ChannelSendError(`WhatsApp send failed (${status}${code !== undefined ? `, code ${code}` : ''}): ${reason}`, {
    channel: 'whatsapp',
    retryable,
    notSent: true,
    status,
    code,
    retryAfterMs: retryAfterMs(headers),
  });
}
