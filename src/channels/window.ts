/**
 * WhatsApp's customer-service window: a business may write freely for 24 hours after the customer
 * last wrote; after that, only an approved message template reaches them (a free-text send is
 * refused, 131047). Telegram and Slack have no such window: the same code path says so.
 */
import type { ChannelKind } from './types';

/** Channels whose platform limits when a business may write: WhatsApp only. */
export const CHANNELS_WITH_WINDOW: readonly ChannelKind[] = ['whatsapp'];

/** WhatsApp's window; WHATSAPP_WINDOW in tests. */
export const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface ConversationWindow {
  /** Whether the channel has a window at all (WhatsApp); when not, `open` is always true. */
  applies: boolean;
  /** When the customer last wrote (the platform's time of their message). */
  lastCustomerMessageAt: Date | null;
  /** When free text stops reaching them; null where no window applies. */
  closesAt: Date | null;
  /** Whether free text reaches the customer now. */
  open: boolean;
}

export function conversationWindow(channel: string, lastCustomerMessageAt: Date | null, now: Date, windowMs = DEFAULT_WINDOW_MS): ConversationWindow {
  if (!CHANNELS_WITH_WINDOW.includes(channel as ChannelKind)) return { applies: false, lastCustomerMessageAt, closesAt: null, open: true };
  const closesAt = lastCustomerMessageAt ? new Date(lastCustomerMessageAt.getTime() + windowMs) : null;
  return { applies: true, lastCustomerMessageAt, closesAt, open: closesAt !== null && now.getTime() < closesAt.getTime() };
}
