/**
 * The one shape every channel has. Adapters know nothing of Temporal or the database:
 * they verify and parse inbound HTTP requests, and format and send outbound text.
 */

export const CHANNELS = ['whatsapp', 'telegram', 'slack'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

/** An inbound HTTP request as the adapter needs it: the raw bytes matter for signatures. */
export interface RawInboundRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  query?: Record<string, unknown>;
}

/** One customer message, normalized. */
export interface InboundMessage {
  channel: ChannelKind;
  /** Which of our accounts it reached (WhatsApp phone_number_id, Telegram account, Slack team). */
  accountExternalId: string;
  /** The platform's id of the message; unique per account. */
  externalId: string;
  from: { externalId: string; displayName?: string; locale?: string };
  /** `text`, `image`, `interactive`, ...: the platform's message type. */
  kind: string;
  /** What the assistant reads: the text, a caption or a button title; '' when there is none. */
  text: string;
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
  errors: Array<{ code?: number; title?: string; detail?: string }>;
}

export interface ParsedInbound {
  messages: InboundMessage[];
  statuses: DeliveryStatusUpdate[];
}

export interface OutboundText {
  /** Our account's external id: the sending phone number id, bot, or team. */
  accountExternalId: string;
  to: string;
  text: string;
  /** The inbound message this answers, where the platform can thread replies. */
  replyToExternalId?: string;
  /** Our delivery id; echoed back by platforms that support it (WhatsApp biz_opaque_callback_data). */
  deliveryId: string;
}

export interface SendResult {
  providerMessageId: string;
}

/** Outbound side of a channel. */
export interface ChannelSender {
  readonly channel: ChannelKind;
  /** Splits and escapes a reply into the parts that will be sent, in order. */
  formatText(text: string): string[];
  send(message: OutboundText): Promise<SendResult>;
}

/**
 * A send failed. `retryable` says whether trying again may succeed; `notSent` says whether
 * we know for certain the platform did not accept the message (so a retry cannot double it).
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
    const cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find(
      (i) => i > limit / 2,
    );
    let at = cut ?? limit;
    // A hard cut must not split a surrogate pair (an emoji) in two.
    if (cut === undefined && /[\uD800-\uDBFF]/.test(rest[at - 1] ?? '')) at -= 1;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
