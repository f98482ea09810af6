/**
 * Unit tests for the WhatsApp Cloud API adapter: signature and handshake checks, webhook
 * normalization against fixtures in the shape of Meta's documented examples, and outbound
 * sends against a real local HTTP fake of the Graph API.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWhatsAppSender,
  parseWebhook,
  signBody,
  verifyHandshake,
  verifySignature,
  WHATSAPP_TEXT_LIMIT,
  WhatsAppPayloadError,
  type WhatsAppSenderOptions,
} from '../../src/channels/whatsapp';
import { ChannelSendError, splitText, type InboundMessage, type OutboundText } from '../../src/channels/types';
import { startFakeGraph, type FakeGraph } from '../../testkit/fake-graph';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'whatsapp');
const PHONE_NUMBER_ID = '106540352242922';
const SECRET = 'unit-test-app-secret';

function rawFixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, `${name}.json`));
}

/** A fresh, mutable copy of a fixture. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into and mutate arbitrary fixture paths
function fixture(name: string): any {
  return JSON.parse(rawFixture(name).toString('utf8'));
}

const at = (epochSeconds: number) => new Date(epochSeconds * 1000);

function expectPayloadError(body: unknown, message?: RegExp): void {
  let thrown: unknown;
  try {
    parseWebhook(body);
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'parseWebhook should have thrown').toBeInstanceOf(WhatsAppPayloadError);
  expect((thrown as Error).name).toBe('WhatsAppPayloadError');
  if (message) expect((thrown as Error).message).toMatch(message);
}

// ---------------------------------------------------------------------------------------------
describe('verifySignature', () => {
  const raw = rawFixture('text');

  it('when the header is the HMAC-SHA256 of the raw bytes with the app secret, then it passes', () => {
    const independent = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
    expect(signBody(raw, SECRET)).toBe(independent);
    expect(verifySignature(raw, independent, SECRET)).toBe(true);
  });

  it('when signBody is given the body as a string, then it signs the same bytes as the Buffer', () => {
    expect(signBody(raw.toString('utf8'), SECRET)).toBe(signBody(raw, SECRET));
  });

  it('when one byte of the body is changed, then it fails', () => {
    const header = signBody(raw, SECRET);
    const tampered = Buffer.from(raw);
    const index = tampered.indexOf('another');
    expect(index).toBeGreaterThan(0);
    tampered[index] = 'A'.charCodeAt(0); // "another" -> "Another"
    expect(tampered.equals(raw)).toBe(false);
    expect(verifySignature(tampered, header, SECRET)).toBe(false);
  });

  it('when the JSON is re-serialized (same data, different bytes), then the original signature fails', () => {
    const header = signBody(raw, SECRET);
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(reserialized.equals(raw)).toBe(false);
    expect(verifySignature(reserialized, header, SECRET)).toBe(false);
  });

  it('when the body was signed with another secret, then it fails', () => {
    expect(verifySignature(raw, signBody(raw, 'some-other-secret'), SECRET)).toBe(false);
  });

  it('when the header is missing or empty, then it fails', () => {
    expect(verifySignature(raw, undefined, SECRET)).toBe(false);
    expect(verifySignature(raw, '', SECRET)).toBe(false);
  });

  it('when the header lacks the sha256= prefix, then it fails even with the right hex', () => {
    const hex = createHmac('sha256', SECRET).update(raw).digest('hex');
    expect(verifySignature(raw, hex, SECRET)).toBe(false);
    expect(verifySignature(raw, `sha1=${hex}`, SECRET)).toBe(false);
    expect(verifySignature(raw, `SHA256=${hex}`, SECRET)).toBe(false);
  });

  it('when the hex has the wrong length, then it fails without throwing', () => {
    const header = signBody(raw, SECRET);
    expect(() => verifySignature(raw, header.slice(0, -1), SECRET)).not.toThrow();
    expect(verifySignature(raw, header.slice(0, -1), SECRET)).toBe(false);
    expect(verifySignature(raw, `${header}0`, SECRET)).toBe(false);
    expect(verifySignature(raw, 'sha256=', SECRET)).toBe(false);
  });

  it('when the hex is the right value in uppercase, then it passes (the header hex is lowercased)', () => {
    const hex = createHmac('sha256', SECRET).update(raw).digest('hex');
    expect(hex).toMatch(/[a-f]/); // otherwise uppercasing would change nothing
    expect(verifySignature(raw, `sha256=${hex.toUpperCase()}`, SECRET)).toBe(true);
  });

  it('when the app secret is undefined or empty, then it fails even for a correctly signed body', () => {
    const header = signBody(raw, SECRET);
    expect(verifySignature(raw, header, undefined)).toBe(false);
    expect(verifySignature(raw, signBody(raw, ''), '')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('verifyHandshake', () => {
  const TOKEN = 'my-verify-token';
  const query = (overrides: Record<string, unknown> = {}) => ({
    'hub.mode': 'subscribe',
    'hub.verify_token': TOKEN,
    'hub.challenge': '1158201444',
    ...overrides,
  });

  it('when mode is subscribe and the token matches, then it returns the challenge', () => {
    expect(verifyHandshake(query(), TOKEN)).toBe('1158201444');
  });

  it('when the token does not match, then it returns undefined', () => {
    expect(verifyHandshake(query({ 'hub.verify_token': 'wrong-token' }), TOKEN)).toBeUndefined();
    expect(verifyHandshake(query({ 'hub.verify_token': `${TOKEN}x` }), TOKEN)).toBeUndefined();
    expect(verifyHandshake(query({ 'hub.verify_token': TOKEN.slice(0, -1) }), TOKEN)).toBeUndefined();
    expect(verifyHandshake(query({ 'hub.verify_token': '' }), TOKEN)).toBeUndefined();
  });

  it('when the token is missing or not a string, then it returns undefined', () => {
    expect(verifyHandshake(query({ 'hub.verify_token': undefined }), TOKEN)).toBeUndefined();
    expect(verifyHandshake(query({ 'hub.verify_token': [TOKEN] }), TOKEN)).toBeUndefined();
  });

  it('when mode is not subscribe, then it returns undefined', () => {
    expect(verifyHandshake(query({ 'hub.mode': 'unsubscribe' }), TOKEN)).toBeUndefined();
    expect(verifyHandshake(query({ 'hub.mode': 'SUBSCRIBE' }), TOKEN)).toBeUndefined();
    expect(verifyHandshake(query({ 'hub.mode': undefined }), TOKEN)).toBeUndefined();
  });

  it('when the challenge is missing or not a string, then it returns undefined', () => {
    expect(verifyHandshake(query({ 'hub.challenge': undefined }), TOKEN)).toBeUndefined();
    expect(verifyHandshake(query({ 'hub.challenge': ['1', '2'] }), TOKEN)).toBeUndefined();
  });

  it('when our verify token is unset or empty, then it returns undefined whatever is sent', () => {
    expect(verifyHandshake(query(), undefined)).toBeUndefined();
    expect(verifyHandshake(query({ 'hub.verify_token': '' }), '')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
describe('parseWebhook', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a fixture body
  const firstMessageOf = (body: any) => body.entry[0].changes[0].value.messages[0];

  it('when a text message arrives, then it is normalized with the body, sender, account and time', () => {
    const body = fixture('text');
    const parsed = parseWebhook(body);
    expect(parsed.statuses).toEqual([]);
    expect(parsed.messages).toHaveLength(1);
    const message = parsed.messages[0]!;
    expect(message).toEqual<InboundMessage>({
      channel: 'whatsapp',
      accountExternalId: PHONE_NUMBER_ID,
      externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
      conversation: { externalId: '16505551234', title: 'Sheena Nelson' },
      from: { externalId: '16505551234', displayName: 'Sheena Nelson' },
      kind: 'text',
      text: 'Does it come in another color?',
      attachments: [],
      answer: true,
      sentAt: at(1749416383),
      raw: firstMessageOf(fixture('text')),
    });
    expect(message.sentAt.toISOString()).toBe('2025-06-08T20:59:43.000Z');
  });

  it('when an image with a caption arrives, then the caption is the text and the kind is image', () => {
    const [message, ...rest] = parseWebhook(fixture('image-with-caption')).messages;
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      channel: 'whatsapp',
      accountExternalId: PHONE_NUMBER_ID,
      externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTcyMjA3NzNBNzlFRjBDNTY0RgA=',
      from: { externalId: '16505551234', displayName: 'Sheena Nelson' },
      kind: 'image',
      text: 'This is the one that arrived broken',
      sentAt: at(1744344496),
    });
    expect(message!.raw).toEqual(firstMessageOf(fixture('image-with-caption')));
  });

  it('when an image has no caption, then the text is empty', () => {
    const body = fixture('image-with-caption');
    delete firstMessageOf(body).image.caption;
    expect(parseWebhook(body).messages[0]!.text).toBe('');
  });

  it('when an interactive button_reply arrives, then the button title is the text', () => {
    const [message] = parseWebhook(fixture('interactive-button-reply')).messages;
    expect(message).toMatchObject({
      channel: 'whatsapp',
      accountExternalId: PHONE_NUMBER_ID,
      externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRCQzc2NkE0NTcyMDUzRkQyMQA=',
      from: { externalId: '16505551234', displayName: 'Sheena Nelson' },
      kind: 'interactive',
      text: 'Talk to a human',
      sentAt: at(1750025136),
    });
  });

  it('when an interactive list_reply arrives, then the row title (not its id or description) is the text', () => {
    const [message] = parseWebhook(fixture('interactive-list-reply')).messages;
    expect(message).toMatchObject({
      accountExternalId: PHONE_NUMBER_ID,
      externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUM2RDU4NzQ1NkE4MTBCNjk5MQA=',
      from: { externalId: '16505551234', displayName: 'Sheena Nelson' },
      kind: 'interactive',
      text: 'Express shipping',
      sentAt: at(1750025311),
    });
  });

  it('when a message type is unsupported, then it is still normalized with empty text', () => {
    const parsed = parseWebhook(fixture('unsupported'));
    expect(parsed.statuses).toEqual([]);
    expect(parsed.messages).toHaveLength(1);
    expect(parsed.messages[0]).toMatchObject({
      channel: 'whatsapp',
      accountExternalId: PHONE_NUMBER_ID,
      externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTg2MkE0OEQ3QjdGMDI5RjY4RQA=',
      from: { externalId: '16505551234', displayName: 'Sheena Nelson' },
      kind: 'unsupported',
      text: '',
      sentAt: at(1749854575),
    });
  });

  it('when a batch has several entries, changes and messages, then every message comes out in order with its own account and sender', () => {
    const parsed = parseWebhook(fixture('batch'));
    expect(parsed.statuses).toEqual([]);
    expect(
      parsed.messages.map((m) => ({
        account: m.accountExternalId,
        id: m.externalId,
        from: m.from,
        kind: m.kind,
        text: m.text,
        sentAt: m.sentAt,
      })),
    ).toEqual([
      {
        account: '106540352242922',
        id: 'wamid.BATCH.E1C1M1',
        from: { externalId: '16505551234', displayName: 'Sheena Nelson' },
        kind: 'text',
        text: 'Hi, where is my order?',
        sentAt: at(1749416383),
      },
      {
        account: '106540352242922',
        id: 'wamid.BATCH.E1C1M2',
        from: { externalId: '16315551181', displayName: 'Pablo Morales' },
        kind: 'document',
        text: 'Invoice attached',
        sentAt: at(1749416390),
      },
      {
        account: '106540352242923',
        id: 'wamid.BATCH.E1C2M1',
        from: { externalId: '16315553601', displayName: 'Kerry Fisher' },
        kind: 'button',
        text: 'Stop promotions',
        sentAt: at(1749416401),
      },
      {
        account: '209871234567890',
        id: 'wamid.BATCH.E2C1M1',
        from: { externalId: '819012345678', displayName: 'Aiko Tanaka' },
        kind: 'interactive',
        text: 'Yes, cancel it',
        sentAt: at(1749416422),
      },
      {
        account: '209871234567890',
        id: 'wamid.BATCH.E2C1M2',
        from: { externalId: '819012345678', displayName: 'Aiko Tanaka' },
        kind: 'location',
        text: 'Location: Tokyo Station, 1-1 Marunouchi, Chiyoda City, Tokyo (35.681236, 139.767125)',
        sentAt: at(1749416430),
      },
    ]);
    expect(parsed.messages.every((m) => m.channel === 'whatsapp')).toBe(true);
  });

  it('when the sender is not among the contacts, then the display name is undefined', () => {
    const body = fixture('text');
    body.entry[0].changes[0].value.contacts = [{ profile: { name: 'Someone Else' }, wa_id: '19990000000' }];
    expect(parseWebhook(body).messages[0]!.from).toEqual({ externalId: '16505551234', displayName: undefined });
    delete body.entry[0].changes[0].value.contacts;
    expect(parseWebhook(body).messages[0]!.from.displayName).toBeUndefined();
  });

  it('when the timestamp is missing or not a number, then sentAt falls back to now', () => {
    const body = fixture('text');
    delete firstMessageOf(body).timestamp;
    const before = Date.now();
    const message = parseWebhook(body).messages[0]!;
    expect(message.sentAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(message.sentAt.getTime()).toBeLessThanOrEqual(Date.now());
    firstMessageOf(body).timestamp = 'yesterday';
    expect(Number.isNaN(parseWebhook(body).messages[0]!.sentAt.getTime())).toBe(false);
  });

  it('when delivery statuses sent, delivered and read arrive, then each is normalized in order without errors', () => {
    const parsed = parseWebhook(fixture('statuses-sent-delivered-read'));
    expect(parsed.messages).toEqual([]);
    const id = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTFBQjE0M0IwRTRCMTY2RjkA';
    expect(parsed.statuses).toEqual([
      {
        channel: 'whatsapp',
        accountExternalId: PHONE_NUMBER_ID,
        providerMessageId: id,
        status: 'sent',
        at: at(1750263773),
        deliveryId: 'delivery-7f3c',
        errors: [],
      },
      {
        channel: 'whatsapp',
        accountExternalId: PHONE_NUMBER_ID,
        providerMessageId: id,
        status: 'delivered',
        at: at(1750263775),
        deliveryId: 'delivery-7f3c',
        errors: [],
      },
      {
        channel: 'whatsapp',
        accountExternalId: PHONE_NUMBER_ID,
        providerMessageId: id,
        status: 'read',
        at: at(1750263801),
        deliveryId: 'delivery-7f3c',
        errors: [],
      },
    ]);
  });

  it('when a failed status arrives, then its errors carry code, title and the error_data details', () => {
    const parsed = parseWebhook(fixture('status-failed'));
    expect(parsed.messages).toEqual([]);
    expect(parsed.statuses).toEqual([
      {
        channel: 'whatsapp',
        accountExternalId: PHONE_NUMBER_ID,
        providerMessageId: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA',
        status: 'failed',
        at: at(1674505829),
        deliveryId: 'delivery-91ab',
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            detail: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
        ],
      },
    ]);
  });

  it('when a status error has no error_data, then its message is the detail', () => {
    const body = fixture('status-failed');
    const error = body.entry[0].changes[0].value.statuses[0].errors[0];
    delete error.error_data;
    error.message = 'Something went wrong';
    expect(parseWebhook(body).statuses[0]!.errors).toEqual([{ code: 131047, title: 'Re-engagement message', detail: 'Something went wrong' }]);
  });

  it('when the change field is not "messages" (account_update), then nothing is yielded and nothing throws', () => {
    const body = fixture('account-update');
    expect(body.entry[0].changes[0].value.metadata).toBeUndefined(); // would throw if it were parsed
    expect(parseWebhook(body)).toEqual({ messages: [], statuses: [], ignored: [], conversationChanges: [] });
  });

  it('when an account_update change sits next to a messages change, then only the message comes out', () => {
    const body = fixture('text');
    body.entry[0].changes.unshift(fixture('account-update').entry[0].changes[0]);
    const parsed = parseWebhook(body);
    expect(parsed.messages.map((m) => m.externalId)).toEqual(['wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=']);
  });

  describe('when the body is not a WhatsApp webhook', () => {
    it('when the body is not an object, then it throws WhatsAppPayloadError', () => {
      for (const body of [null, undefined, 'text', 42, true, [], [fixture('text')]]) expectPayloadError(body);
    });

    it('when object is not whatsapp_business_account, then it throws WhatsAppPayloadError', () => {
      const body = fixture('text');
      body.object = 'page';
      expectPayloadError(body, /whatsapp_business_account/);
      delete body.object;
      expectPayloadError(body);
    });

    it('when entry is not an array, then it throws WhatsAppPayloadError', () => {
      const body = fixture('text');
      body.entry = body.entry[0];
      expectPayloadError(body);
      delete body.entry;
      expectPayloadError(body);
    });
  });

  describe('when one item of a batch is malformed, then it is rejected and the rest goes on', () => {
    /** The item is reported as a `rejected` IgnoredEvent whose reason matches; nothing throws. */
    function expectRejected(body: unknown, reason: RegExp, messages = 0): void {
      const parsed = parseWebhook(body);
      expect(parsed.messages).toHaveLength(messages);
      const rejected = parsed.ignored.filter((e) => e.outcome === 'rejected');
      expect(rejected.length).toBeGreaterThanOrEqual(1);
      expect(rejected[0]!.reason).toMatch(reason);
      expect(rejected[0]!.channel).toBe('whatsapp');
    }

    it('when an entry has no changes array, then that entry is rejected', () => {
      const body = fixture('text');
      delete body.entry[0].changes;
      expectRejected(body, /changes/);
      expectRejected({ object: 'whatsapp_business_account', entry: ['not-an-entry'] }, /changes/);
    });

    it('when a change has no value object, then that change is rejected', () => {
      const body = fixture('text');
      delete body.entry[0].changes[0].value;
      expectRejected(body, /value/);
      body.entry[0].changes[0].value = 'text';
      expectRejected(body, /value/);
      body.entry[0].changes = [null];
      expectRejected(body, /value/);
    });

    it('when metadata.phone_number_id is missing or not a string, then the change is rejected', () => {
      const body = fixture('text');
      delete body.entry[0].changes[0].value.metadata.phone_number_id;
      expectRejected(body, /phone_number_id/);
      body.entry[0].changes[0].value.metadata.phone_number_id = 106540352242922; // a number, not a string
      expectRejected(body, /phone_number_id/);
      delete body.entry[0].changes[0].value.metadata;
      expectRejected(body, /phone_number_id/);
    });

    it('when a message has no id, no from or no type, or is not an object, then that message is rejected with its account', () => {
      for (const field of ['id', 'from', 'type']) {
        const body = fixture('text');
        delete firstMessageOf(body)[field];
        expectRejected(body, /without id, from or type/);
        expect(parseWebhook(body).ignored[0]!.accountExternalId).toBe(PHONE_NUMBER_ID);
      }
      const notObject = fixture('text');
      notObject.entry[0].changes[0].value.messages = ['hello'];
      expectRejected(notObject, /not an object/);
    });

    it('when one message of a batch is malformed, then the other messages still come out', () => {
      const body = fixture('batch');
      const total = parseWebhook(fixture('batch')).messages.length;
      delete body.entry[1].changes[0].value.messages[1].id;
      expectRejected(body, /without id/, total - 1);
    });

    it('when a status has no id or no status, then that status is rejected', () => {
      const noId = fixture('status-failed');
      delete noId.entry[0].changes[0].value.statuses[0].id;
      expectRejected(noId, /status/);
      expect(parseWebhook(noId).statuses).toEqual([]);
      const noStatus = fixture('status-failed');
      delete noStatus.entry[0].changes[0].value.statuses[0].status;
      expectRejected(noStatus, /status/);
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('createWhatsAppSender', () => {
  const TOKEN = 'EAAG-test-access-token';
  let graph: FakeGraph;

  const senderFor = (overrides: Partial<WhatsAppSenderOptions> = {}) => createWhatsAppSender({ apiBaseUrl: graph.url, timeoutMs: 5_000, ...overrides });

  const outbound = (overrides: Partial<OutboundText> = {}): OutboundText => ({
    accountExternalId: PHONE_NUMBER_ID,
    token: TOKEN,
    to: '16505551234',
    text: 'Yes, it also comes in blue.',
    deliveryId: 'delivery-7f3c',
    ...overrides,
  });

  async function sendError(promise: Promise<unknown>): Promise<ChannelSendError> {
    const outcome = await promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (outcome.ok) throw new Error(`expected the send to fail, it returned ${JSON.stringify(outcome.value)}`);
    expect(outcome.error).toBeInstanceOf(ChannelSendError);
    return outcome.error as ChannelSendError;
  }

  beforeEach(async () => {
    graph = await startFakeGraph();
  });

  afterEach(async () => {
    await graph.close();
  });

  it('when the Graph API accepts the message, then the wamid it returns is the provider message id', async () => {
    const sender = senderFor();
    expect(sender.channel).toBe('whatsapp');
    await expect(sender.send(outbound())).resolves.toEqual({ providerMessageId: 'wamid.fake.1' });
    await expect(sender.send(outbound())).resolves.toEqual({ providerMessageId: 'wamid.fake.2' });
  });

  it('when sending, then it POSTs the documented text body to /v21.0/<phone number id>/messages with the bearer token', async () => {
    await senderFor().send(outbound());
    expect(graph.requests).toHaveLength(1);
    const request = graph.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(request.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'text',
      text: { body: 'Yes, it also comes in blue.', preview_url: false },
      biz_opaque_callback_data: 'delivery-7f3c',
    });
    expect(request.body).not.toHaveProperty('context');
  });

  it('when replying to an inbound message, then the body carries context.message_id', async () => {
    const replyTo = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=';
    await senderFor().send(outbound({ replyToExternalId: replyTo }));
    expect(graph.sent()).toHaveLength(1);
    expect(graph.sent()[0]!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'text',
      text: { body: 'Yes, it also comes in blue.', preview_url: false },
      biz_opaque_callback_data: 'delivery-7f3c',
      context: { message_id: replyTo },
    });
  });

  it('when the phone number id has URL-special characters, then it is encoded as one path segment', async () => {
    const sender = senderFor();
    await sender.send(outbound({ accountExternalId: '1065/40?x' }));
    expect(graph.requests[0]!.path).toBe('/v21.0/1065%2F40%3Fx/messages');
  });

  it('when the Graph API answers 500, then the error is retryable and certainly not sent', async () => {
    graph.failNext(500, { error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, is_transient: true } });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ channel: 'whatsapp', retryable: true, notSent: true, status: 500, code: 1 });
    expect(error.details.retryAfterMs).toBeUndefined();
    expect(error.message).toContain('An unknown error has occurred.');
  });

  it('when the Graph API answers 502 with a non-JSON body, then it is retryable and the message names the status', async () => {
    graph.failNext(502, 'Bad Gateway');
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ retryable: true, notSent: true, status: 502 });
    expect(error.details.code).toBeUndefined();
    expect(error.message).toContain('HTTP 502');
  });

  it('when the Graph API answers 429 with Retry-After: 7, then it is retryable after 7000 ms', async () => {
    graph.failNext(429, { error: { message: 'Too many requests', code: 4 } }, { 'Retry-After': '7' });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ retryable: true, notSent: true, status: 429, retryAfterMs: 7000 });
  });

  it('when Retry-After is an HTTP date, then retryAfterMs is the time until that date', async () => {
    const when = new Date(Date.now() + 60_000);
    graph.failNext(429, {}, { 'Retry-After': when.toUTCString() });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details.retryable).toBe(true);
    expect(error.details.retryAfterMs).toBeGreaterThan(50_000);
    expect(error.details.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("when the Graph API answers 400 with error code 100, then it is not retryable and carries Meta's reason", async () => {
    graph.failNext(400, {
      error: {
        message: '(#100) Invalid parameter',
        type: 'OAuthException',
        code: 100,
        error_data: { messaging_product: 'whatsapp', details: 'Parameter value is not valid' },
        fbtrace_id: 'AbCdEf123',
      },
    });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ channel: 'whatsapp', retryable: false, notSent: true, status: 400, code: 100 });
    expect(error.message).toContain('(#100) Invalid parameter');
    expect(error.message).toContain('400');
  });

  it('when the Graph API answers 401 with an expired token (code 190), then it is not retryable', async () => {
    graph.failNext(401, { error: { message: 'Error validating access token', type: 'OAuthException', code: 190 } });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ retryable: false, notSent: true, status: 401, code: 190 });
  });

  it.each([
    [131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit'],
    [130429, '(#130429) Rate limit hit'],
    [80007, 'Rate limit issues'],
  ])('when a 400 carries throttling code %i, then it is retryable', async (code, message) => {
    graph.failNext(400, { error: { message, type: 'OAuthException', code } });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ retryable: true, notSent: true, status: 400, code });
    expect(error.message).toContain(message);
  });

  it('when the Graph API never answers within timeoutMs, then it is retryable but may have been sent', async () => {
    graph.hangNext();
    const started = Date.now();
    const error = await sendError(senderFor({ timeoutMs: 300 }).send(outbound()));
    const elapsed = Date.now() - started;
    expect(error.details).toMatchObject({ channel: 'whatsapp', retryable: true, notSent: false, code: 'ETIMEDOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5_000);
    expect(graph.sent()).toHaveLength(1); // the request did reach the server
  });

  it('when the connection is refused, then it is retryable and certainly not sent', async () => {
    // A port that was just free: nothing listens there. (Port 9 would not do: fetch
    // rejects it as a "bad port" without connecting, and without a network error code.)
    const closedPort = await new Promise<number>((resolve) => {
      const server = http.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const error = await sendError(senderFor({ apiBaseUrl: `http://127.0.0.1:${closedPort}/v21.0` }).send(outbound()));
    expect(error.details).toMatchObject({ channel: 'whatsapp', retryable: true, notSent: true, code: 'ECONNREFUSED' });
  });

  it('when there is no access token for the phone number id, then it fails without retry and makes no request', async () => {
    const error = await sendError(senderFor().send(outbound({ accountExternalId: '999999999999999', token: '' })));
    expect(error.details).toMatchObject({ channel: 'whatsapp', retryable: false, notSent: true, code: 'no_credentials' });
    expect(error.message).toMatch(/no WhatsApp access token/);
    expect(graph.requests).toHaveLength(0);
  });

  it('when the Graph API answers 2xx without messages[0].id, then it is not retryable and may have been sent', async () => {
    graph.failNext(200, { messaging_product: 'whatsapp', contacts: [{ input: '16505551234', wa_id: '16505551234' }], messages: [] });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ channel: 'whatsapp', retryable: false, notSent: false, status: 200 });

    graph.failNext(200, { messaging_product: 'whatsapp', messages: [{ message_status: 'accepted' }] });
    const second = await sendError(senderFor().send(outbound()));
    expect(second.details).toMatchObject({ retryable: false, notSent: false });
  });

  describe('formatText', () => {
    it('when the text is within the 4096 limit, then it is one part', () => {
      const sender = senderFor();
      expect(WHATSAPP_TEXT_LIMIT).toBe(4096);
      expect(sender.formatText('Yes, it also comes in blue.')).toEqual(['Yes, it also comes in blue.']);
      const exact = 'a'.repeat(4096);
      expect(sender.formatText(exact)).toEqual([exact]);
    });

    it('when the text is just over the limit, then it becomes two parts', () => {
      const parts = senderFor().formatText(`${'word '.repeat(819)}abcde`); // 4095 + 5 = 4100 chars
      expect(parts).toHaveLength(2);
      for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    });

    it('when the text is 10,000 characters, then it splits at the WhatsApp limit keeping every word in order', () => {
      let text = '';
      for (let i = 0; text.length < 10_000; i++) text += (text ? (i % 97 === 0 ? '\n' : ' ') : '') + `w${i}`;
      text = `${text.slice(0, 9_999)}z`; // exactly 10,000 characters, not ending in whitespace
      expect(text.length).toBe(10_000);
      const kept = text.split(/\s+/);
      const parts = senderFor().formatText(text);
      expect(parts.length).toBeGreaterThanOrEqual(3);
      for (const part of parts) {
        expect(part.length).toBeGreaterThan(0);
        expect(part.length).toBeLessThanOrEqual(WHATSAPP_TEXT_LIMIT);
      }
      expect(parts.join(' ').split(/\s+/)).toEqual(kept);
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('splitText', () => {
  const paragraph = (n: number, label: string) => {
    let out = '';
    for (let i = 0; out.length < n; i++) out += `${out ? ' ' : ''}${label}${i}`;
    return out.slice(0, n).trimEnd();
  };

  it('when the text fits, then it is one trimmed part; when it is only whitespace, then there are no parts', () => {
    expect(splitText('  hello there \n', 4096)).toEqual(['hello there']);
    expect(splitText('', 4096)).toEqual([]);
    expect(splitText(' \n\n ', 4096)).toEqual([]);
  });

  it('when a paragraph break falls in the second half of the window, then the first part ends there', () => {
    const first = paragraph(3000, 'a');
    const second = paragraph(3000, 'b');
    const parts = splitText(`${first}\n\n${second}`, 4096);
    expect(parts).toEqual([first, second]);
  });

  it('when there are both a paragraph break and later line and word breaks, then the paragraph break wins', () => {
    const first = paragraph(2500, 'a');
    const rest = `${paragraph(1000, 'b')}\n${paragraph(3000, 'c')}`; // a single newline later in the window
    const parts = splitText(`${first}\n\n${rest}`, 4096);
    expect(parts[0]).toBe(first);
  });

  it('when there is no paragraph break but a line break in the second half, then the line break beats later spaces', () => {
    const first = paragraph(3000, 'a');
    const parts = splitText(`${first}\n${paragraph(3000, 'b')}`, 4096);
    expect(parts[0]).toBe(first);
  });

  it('when the only paragraph break is in the first half of the window, then it cuts at a later word break instead', () => {
    const text = `${paragraph(1000, 'a')}\n\n${paragraph(5000, 'b')}`;
    const parts = splitText(text, 4096);
    expect(parts[0]!.length).toBeGreaterThan(2048);
    expect(parts[0]!.length).toBeLessThanOrEqual(4096);
    expect(parts.join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
  });

  it('when there is no whitespace at all, then it cuts hard at the limit', () => {
    const text = 'x'.repeat(10_000);
    const parts = splitText(text, 4096);
    expect(parts.map((p) => p.length)).toEqual([4096, 4096, 1808]);
    expect(parts.join('')).toBe(text);
  });

  it('when splitting a 10,000-character text with paragraphs, then every part is within the limit and words stay in order', () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) => paragraph(980, `p${i}w`));
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThanOrEqual(9_800);
    const parts = splitText(text, 4096);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    // Every part ends on a paragraph boundary: each is a run of whole paragraphs.
    for (const part of parts) {
      for (const chunk of part.split('\n\n')) expect(paragraphs.map((p) => p.trim())).toContain(chunk.trim());
    }
    expect(parts.join('\n\n').split(/\s+/)).toEqual(text.split(/\s+/));
  });

  it('when a text without spaces must be cut inside an emoji, then the cut moves so no part holds half a character', () => {
    const text = `a${'\u{1F600}'.repeat(3000)}`;
    const parts = splitText(text, 4096);
    expect(parts.length).toBe(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(part)).toBe(false);
    }
    expect(parts.join('')).toBe(text);
  });
});
