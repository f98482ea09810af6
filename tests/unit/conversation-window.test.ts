/** WhatsApp's customer-service window, and the channels that have none. */
import { describe, expect, it } from 'vitest';
import { conversationWindow, DEFAULT_WINDOW_MS } from '../../src/channels/window';

const wrote = new Date('2026-12-01T09:00:00Z');
const after = (ms: number) => new Date(wrote.getTime() + ms);
const MINUTE = 60_000;

describe('the customer-service window', () => {
  it('when the customer wrote 23 h 59 m ago on WhatsApp, then it is open until 24 h after; at 24 h 1 m it is closed', () => {
    expect(conversationWindow('whatsapp', wrote, after(DEFAULT_WINDOW_MS - MINUTE))).toEqual({
      applies: true,
      lastCustomerMessageAt: wrote,
      closesAt: after(DEFAULT_WINDOW_MS),
      open: true,
    });
    expect(conversationWindow('whatsapp', wrote, after(DEFAULT_WINDOW_MS + MINUTE)).open).toBe(false);
    expect(conversationWindow('whatsapp', wrote, after(DEFAULT_WINDOW_MS)).open).toBe(false); // closed at the instant itself
  });

  it('when the window is set shorter (tests), then it closes that much after the customer wrote', () => {
    expect(conversationWindow('whatsapp', wrote, after(2_999), 3_000).open).toBe(true);
    expect(conversationWindow('whatsapp', wrote, after(3_001), 3_000)).toMatchObject({ open: false, closesAt: after(3_000) });
  });

  it('when the customer never wrote, then a WhatsApp window is closed', () => {
    expect(conversationWindow('whatsapp', null, wrote)).toEqual({ applies: true, lastCustomerMessageAt: null, closesAt: null, open: false });
  });

  it('when the channel is Telegram or Slack, then no window applies and free text always reaches the customer', () => {
    for (const channel of ['telegram', 'slack']) {
      expect(conversationWindow(channel, wrote, after(30 * DEFAULT_WINDOW_MS))).toEqual({
        applies: false,
        lastCustomerMessageAt: wrote,
        closesAt: null,
        open: true,
      });
    }
  });
});
