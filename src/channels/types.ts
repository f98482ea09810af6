/**
 * The one shape every channel has. Adapters know nothing of Temporal or the database:
 * they verify and parse inbound HTTP requests into normalized messages, and format, send
 * and classify outbound text. The ingest story (src/api/ingest.ts) and the deliver
 * activity (src/activities/deliver.ts) do the rest, the same for every channel.
 */
import type { Choice, RatingReply } from './rating';

export const CHANNELS = ['whatsapp', 'telegram', 'slack'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

/** A file the customer sent. The bytes stay on the platform until someone needs them. */
export interface Attachment {
  /** `image`, `audio`, `video`, `document`, `sticker`, `photo`, `voice`, `file`, ... */
  type: string;
  /** The platform's id for fetching it (WhatsApp media id, Telegram file_id, Slack file id). */
  mediaId: string;
  mimeType?: string;
  caption?: string;
  filename?: string;
}

/** One customer message, normalized. */
export interface InboundMessage {
  channel: ChannelKind;
  /** Which of our accounts it reached (WhatsApp phone_number_id, Telegram account id, Slack team). */
  accountExternalId: string;
  /**
   * The platform's id of the message, unique per account: WhatsApp `wamid…`; Telegram
   * `<chat id>:<message id>` (`cbq:<id>` for a callback query); Slack `<channel>:<ts>`.
   */
  externalId: string;
  /**
   * Where the reply goes, as the sender understands it: WhatsApp the customer's wa_id;
   * Telegram the chat id; Slack the channel id, or `<channel>:<thread_ts>` for a thread.
   */
  conversation: { externalId: string; title?: string };
  /** Who wrote it (in a group, one member of the conversation). */
  from: { externalId: string; displayName?: string; locale?: string };
  /** The platform's message type: `text`, `image`, `interactive`, `callback_query`, `app_mention`, ... */
  kind: string;
  /** What the assistant reads: the text, a caption, a button title; '' when there is none. */
  text: string;
  attachments: Attachment[];
  /** The platform's id of the message this one answers (WhatsApp context, Telegram reply, Slack thread root). */
  replyToExternalId?: string;
  /**
   * true: the assistant answers it (one task). false: stored for the conversation's record
   * only, with `note` saying why (a reaction, an edit the account does not answer).
   */
  answer: boolean;
  note?: string;
  /** A tap on one of our rating buttons (src/channels/rating.ts): the survey it answers and the score. */
  rating?: RatingReply;
  sentAt: Date;
  /** The platform's own representation, kept for audit and later features. */
  raw: Record<string, unknown>;
}

/** A delivery receipt (sent, delivered, read, failed) for a message we sent. */
export interface DeliveryStatusUpdate {
  channel: ChannelKind;
  accountExternalId: string;
  providerMessageId: string;
  status: string;
  at: Date;
  /** Our delivery id, where the platform echoes it (WhatsApp biz_opaque_callback_data). */
  deliveryId?: string;
  errors: Array<{ code?: number; title?: string; detail?: string }>;
}

/**
 * Something that passed the signature but asks for no answer: a bot's own message, an
 * edit, a type we do not serve, a malformed item of a batch. Recorded, logged, never lost.
 */
export interface IgnoredEvent {
  channel: ChannelKind;
  accountExternalId?: string;
  /** The platform's id of the event, when it has one (Slack event_id, Telegram update_id). */
  eventId?: string;
  kind: string;
  reason: string;
  /** `ignored`: deliberately not answered; `rejected`: malformed. */
  outcome: 'ignored' | 'rejected';
  raw: unknown;
}

/** The platform told us a conversation can (no longer) be written to: Telegram my_chat_member. */
export interface ConversationStateChange {
  channel: ChannelKind;
  accountExternalId: string;
  conversationExternalId: string;
  blocked: boolean;
  reason: string;
  at: Date;
}

export interface ParsedInbound {
  messages: InboundMessage[];
  statuses: DeliveryStatusUpdate[];
  ignored: IgnoredEvent[];
  conversationChanges: ConversationStateChange[];
}

export const emptyParsed = (): ParsedInbound => ({ messages: [], statuses: [], ignored: [], conversationChanges: [] });

export interface OutboundText {
  /** Our account's external id: the sending phone number id, Telegram account, Slack team. */
  accountExternalId: string;
  /** The account's access or bot token. Never logged. */
  token: string;
  /** The conversation's external id (see InboundMessage.conversation). */
  to: string;
  /** One part, already formatted by formatText. */
  text: string;
  /** The inbound message this answers, where the platform can thread replies. */
  replyToExternalId?: string;
  /** Our delivery id; echoed back by platforms that support it (WhatsApp biz_opaque_callback_data). */
  deliveryId: string;
  /** Replace this message of ours (a placeholder) instead of posting a new one. */
  replaceProviderMessageId?: string;
  /**
   * Send this approved template instead of free text (WhatsApp, outside the customer-service
   * window); `text` is then what the filled template reads as, for the record.
   */
  template?: { name: string; language: string; body: string; parameters: string[] };
  /**
   * Buttons to go with the text (the rating question): Telegram's inline keyboard, Slack's
   * buttons, WhatsApp's reply buttons (up to 3) or a list (up to 10) opened by `choiceButton`.
   */
  choices?: Choice[];
  /** The label of the button that opens a WhatsApp list (at most 20 characters). */
  choiceButton?: string;
}

export interface SendResult {
  /** Unique per account: WhatsApp `wamid…`, Telegram `<chat id>:<message id>`, Slack `<channel>:<ts>`. */
  providerMessageId: string;
}

/** What a task tells the platform when it starts on an inbound message. */
export interface InboundAck {
  accountExternalId: string;
  token: string;
  kind: string;
  externalId: string;
  conversationExternalId: string;
  raw: Record<string, unknown>;
}

/** Outbound side of a channel. */
export interface ChannelSender {
  readonly channel: ChannelKind;
  /** Splits, converts and escapes a reply into the parts that will be sent, in order. */
  formatText(text: string): string[];
  send(message: OutboundText): Promise<SendResult>;
  /**
   * Called when a task starts on an inbound message: WhatsApp marks it read, Telegram answers
   * a callback query. Must be safe to repeat. Returns what it did, or undefined when nothing applies.
   */
  acknowledge?(inbound: InboundAck): Promise<string | undefined>;
  /**
   * When set, a placeholder with this text is posted as the task starts, and the first part
   * of the answer replaces it (`replaceProviderMessageId`). Slack does this.
   */
  readonly placeholderText?: string;
  /**
   * The platform says only later whether a message arrived (WhatsApp's statuses: sent, delivered,
   * read, failed); the task's workflow waits a while for those receipts after its last message.
   */
  readonly reportsDelivery?: boolean;
}

/**
 * A send failed. `retryable` says whether trying again may succeed; `notSent` says whether
 * we know for certain the platform did not accept the message (so a retry cannot double it).
 * `blocked` says the recipient cannot be written to any more (blocked the bot, left the chat).
 */
export class ChannelSendError extends Error {
  override name = 'ChannelSendError';
  constructor(
    message: string,
    readonly details: {
      channel: ChannelKind;
      retryable: boolean;
      notSent: boolean;
      status?: number;
      code?: string | number;
      retryAfterMs?: number;
      blocked?: boolean;
    },
  ) {
    super(message);
  }
}

/** Splits text into parts no longer than `limit`, preferring paragraph, line and word breaks. */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((i) => i > limit / 2);
    let at = cut ?? limit;
    // A hard cut must not split a surrogate pair (an emoji) in two.
    if (cut === undefined && /[\uD800-\uDBFF]/.test(rest[at - 1] ?? '')) at -= 1;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
