/**
 * Every inbound message type WhatsApp documents, normalized on purpose; read receipts,
 * media lookups and send failures against the local fake Graph API over real HTTP.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppSender, parseWebhook } from '../../src/channels/whatsapp';
import { describeDeliveryFailure } from '../../src/channels/whatsapp/errors';
import { ChannelSendError, type InboundMessage } from '../../src/channels/types';
import { startFakeGraph, type FakeGraph } from '../../testkit/fake-graph';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'whatsapp');
const PHONE_NUMBER_ID = '106540352242922';

function only(name: string): InboundMessage {
  const parsed = parseWebhook(JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')));
  expect(parsed.messages).toHaveLength(1);
  expect(parsed.ignored).toEqual([]);
  return parsed.messages[0]!;
}

describe('parseWebhook: every inbound type', () => {
  it('when a voice note arrives, then it is an answered audio message with a voice attachment and empty text', () => {
    const m = only('audio-voice');
    expect(m).toMatchObject({ kind: 'audio', text: '', answer: true });
    expect(m.attachments).toEqual([{ type: 'voice', mediaId: '1003383421387256', mimeType: 'audio/ogg; codecs=opus' }]);
  });

  it('when a video with a caption arrives, then the caption is the text and the media id is kept', () => {
    const m = only('video-with-caption');
    expect(m).toMatchObject({ kind: 'video', text: 'How do I assemble this part?', answer: true });
    expect(m.attachments).toEqual([{ type: 'video', mediaId: '1163208821853232', mimeType: 'video/mp4', caption: 'How do I assemble this part?' }]);
  });

  it('when a document arrives, then its filename, mime type and caption are kept', () => {
    const m = only('document');
    expect(m.text).toBe('Here is my invoice');
    expect(m.attachments[0]).toMatchObject({ type: 'document', filename: 'invoice-2291.pdf', mimeType: 'application/pdf' });
  });

  it('when a sticker arrives, then it is answered with empty text and a sticker attachment', () => {
    const m = only('sticker');
    expect(m).toMatchObject({ kind: 'sticker', text: '', answer: true });
    expect(m.attachments[0]).toMatchObject({ type: 'sticker', mediaId: '1004325044624539', mimeType: 'image/webp' });
  });

  it('when a location arrives, then the text names the place, address and coordinates', () => {
    expect(only('location').text).toBe('Location: Main store, 1 Hacker Way, Menlo Park, CA 94025 (37.483307, -122.148981)');
  });

  it('when contacts are shared, then the text names each contact and number', () => {
    expect(only('contacts').text).toBe('Shared contact: Barbara J. Johnson, +1 (940) 555-1234');
  });

  it('when a reaction arrives, then it is stored for the record, not answered, and linked to the message it reacts to', () => {
    const m = only('reaction');
    expect(m).toMatchObject({
      kind: 'reaction',
      text: '👍',
      answer: false,
      replyToExternalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
    });
    expect(m.note).toMatch(/reaction 👍/);
  });

  it('when a template quick-reply button is pressed, then its text is the text and the context links the template', () => {
    const m = only('button-template-reply');
    expect(m).toMatchObject({ kind: 'button', text: 'Stop promotions', answer: true });
    expect(m.replyToExternalId).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBNDA3RkI2QjRGNUNDODgwRTcA');
    expect((m.raw.button as { payload: string }).payload).toBe('STOP_PROMOTIONS');
  });

  it('when a customer replies to one of our messages, then context.id becomes replyToExternalId', () => {
    const m = only('text-reply-with-context');
    expect(m).toMatchObject({ text: 'And does that include shipping?', replyToExternalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA' });
  });

  it('when a catalog order arrives, then the text lists the items and the note', () => {
    expect(only('order').text).toBe('Order from the catalog: 2 × SKU-blue-mug, 1 × SKU-tea. Please deliver before Friday');
  });

  it('when a system message (number changed) arrives, then it is stored and not answered', () => {
    const m = only('system-number-changed');
    expect(m).toMatchObject({ kind: 'system', answer: false });
    expect(m.note).toMatch(/user_changed_number/);
  });

  it('when an unknown type arrives, then it is answered with empty text (the polite notice) and its errors are kept', () => {
    const m = only('unknown');
    expect(m).toMatchObject({ kind: 'unknown', text: '', answer: true, attachments: [] });
    expect((m.raw.errors as Array<{ code: number }>)[0]!.code).toBe(131051);
  });

  it('when a status carries biz_opaque_callback_data, then it is the delivery id', () => {
    const parsed = parseWebhook(JSON.parse(readFileSync(path.join(FIXTURES, 'status-failed-131047.json'), 'utf8')));
    expect(parsed.statuses[0]).toMatchObject({
      status: 'failed',
      deliveryId: '0b9c6f3e-2f7d-4d55-9a53-4f1d1b7e2a10',
      errors: [{ code: 131047, title: 'Re-engagement message' }],
    });
  });

  it("when a 131047 failure is described, then the reason says the 24-hour window closed and keeps Meta's details", () => {
    const reason = describeDeliveryFailure([{ code: 131047, title: 'Re-engagement message', detail: 'more than 24 hours have passed' }]);
    expect(reason).toMatch(/^WhatsApp error 131047 \(Re-engagement message\): more than 24 hours have passed since the customer last wrote/);
    expect(reason).toContain('only a template message can be sent');
    expect(describeDeliveryFailure([])).toMatch(/without saying why/);
    expect(describeDeliveryFailure([{ code: 999999 }])).toBe('WhatsApp error 999999: no details given');
  });
});

describe('WhatsApp sender: read receipts, media, failures, markup', () => {
  let graph: FakeGraph;
  const TOKEN = 'EAAG-test-token';
  beforeAll(async () => {
    graph = await startFakeGraph();
  });
  afterAll(async () => {
    await graph.close();
  });
  const sender = () => createWhatsAppSender({ apiBaseUrl: graph.url, timeoutMs: 2000 });
  const outbound = { accountExternalId: PHONE_NUMBER_ID, token: TOKEN, to: '16505551234', text: 'hi', deliveryId: 'd-1' };

  it('when a task starts, then acknowledge marks the inbound message read with the documented body', async () => {
    const before = graph.readReceipts().length;
    const done = await sender().acknowledge!({
      accountExternalId: PHONE_NUMBER_ID,
      token: TOKEN,
      kind: 'text',
      externalId: 'wamid.IN-1',
      conversationExternalId: '16505551234',
      raw: {},
    });
    expect(done).toBe('marked read');
    const receipt = graph.readReceipts()[before]!;
    expect(receipt.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(receipt.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(receipt.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN-1' });
  });

  it('when a media URL is needed, then it is fetched from GET /{media-id} with the token', async () => {
    const media = await sender().mediaUrl(TOKEN, '1163208821853232');
    expect(media).toEqual({ url: `${graph.server.url}/media-download/1163208821853232`, mimeType: 'image/jpeg', fileSize: 1234 });
    const request = graph.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'GET', path: '/v21.0/1163208821853232' });
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('when the send is outside the 24-hour window (131047), then it is permanent and says so in plain words', async () => {
    graph.failNext(400, {
      error: {
        message: '(#131047) Re-engagement message',
        type: 'OAuthException',
        code: 131047,
        error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
      },
    });
    const error = await sender()
      .send(outbound)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect((error as ChannelSendError).details).toMatchObject({ retryable: false, notSent: true, status: 400, code: 131047 });
    expect((error as ChannelSendError).message).toMatch(/outside the customer service window/);
    expect((error as ChannelSendError).message).not.toContain(TOKEN);
  });

  it('when Meta answers a temporary code (131016 service unavailable) with HTTP 400, then it is retryable', async () => {
    graph.failNext(400, { error: { message: 'Service unavailable', code: 131016 } });
    const error = (await sender()
      .send(outbound)
      .catch((e: unknown) => e)) as ChannelSendError;
    expect(error.details).toMatchObject({ retryable: true, notSent: true, code: 131016 });
  });

  it('when a reply has markdown bold and a link, then WhatsApp markup is sent', () => {
    expect(sender().formatText('This is **important**: see [the guide](https://example.com/g).')).toEqual([
      'This is *important*: see the guide (https://example.com/g).',
    ]);
  });
});
