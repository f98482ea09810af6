/**
 * Unit tests for the Slack adapter: the v0 request signature, the Events API envelope, event
 * normalization against fixtures in the shape of Slack's documented examples, mrkdwn
 * formatting, and outbound sends against a real local HTTP fake of the Web API.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSlackSender,
  parseEnvelope,
  parseEvent,
  signSlackBody,
  SLACK_SIGNATURE_WINDOW_SECONDS,
  SLACK_TEXT_LIMIT,
  SlackPayloadError,
  verifySlackSignature,
  type SlackEnvelope,
  type SlackSenderOptions,
} from '../../src/channels/slack';
import { ChannelSendError, type IgnoredEvent, type InboundMessage, type OutboundText } from '../../src/channels/types';
import { startFakeSlack, type FakeSlack } from '../../testkit/fake-slack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'slack');
const SECRET = 'unit-test-signing-secret';
const TEAM = 'T061EG9R6';
const BOT_USER = 'U0LAN0Z89';
const APP_ID = 'A0KRD7HC3';

function rawFixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, `${name}.json`));
}

/** A fresh, mutable copy of a fixture. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into and mutate arbitrary fixture paths
function fixture(name: string): any {
  return JSON.parse(rawFixture(name).toString('utf8'));
}

type Callback = Extract<SlackEnvelope, { type: 'event_callback' }>;

function callbackOf(body: unknown): Callback {
  const envelope = parseEnvelope(body);
  if (envelope.type !== 'event_callback') throw new Error(`expected an event_callback, got ${envelope.type}`);
  return envelope;
}

const parse = (body: unknown) => parseEvent(callbackOf(body), { accountExternalId: TEAM });

/** The one answered message the body yields (and nothing else). */
function onlyMessage(body: unknown): InboundMessage {
  const parsed = parse(body);
  expect(parsed.ignored).toEqual([]);
  expect(parsed.statuses).toEqual([]);
  expect(parsed.conversationChanges).toEqual([]);
  expect(parsed.messages).toHaveLength(1);
  return parsed.messages[0]!;
}

/** The one ignored event the body yields (and nothing else). */
function onlyIgnored(body: unknown): IgnoredEvent {
  const parsed = parse(body);
  expect(parsed.messages).toEqual([]);
  expect(parsed.statuses).toEqual([]);
  expect(parsed.conversationChanges).toEqual([]);
  expect(parsed.ignored).toHaveLength(1);
  return parsed.ignored[0]!;
}

const tsDate = (ts: string) => new Date(Number(ts) * 1000);

function expectPayloadError(body: unknown, message?: RegExp): void {
  let thrown: unknown;
  try {
    parseEnvelope(body);
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'parseEnvelope should have thrown').toBeInstanceOf(SlackPayloadError);
  expect((thrown as Error).name).toBe('SlackPayloadError');
  if (message) expect((thrown as Error).message).toMatch(message);
}

// ---------------------------------------------------------------------------------------------
describe('verifySlackSignature', () => {
  const raw = rawFixture('app-mention');
  const NOW_S = 1_700_000_000;
  const NOW_MS = NOW_S * 1000;
  const check = (body: Buffer, ts: string | undefined, sig: string | undefined, secret: string | undefined = SECRET) =>
    verifySlackSignature(body, ts, sig, secret, NOW_MS);

  it("when given Slack's documented example (secret, timestamp, body), then it computes Slack's documented signature", () => {
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const documented = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
    expect(signSlackBody(body, secret, 1531420618)).toBe(documented);
    expect(verifySlackSignature(Buffer.from(body), '1531420618', documented, secret, 1531420618_000 + 10_000)).toBe('ok');
  });

  it('when the header is v0= and the HMAC-SHA256 of "v0:<timestamp>:<raw body>", then it is ok', () => {
    const independent = `v0=${createHmac('sha256', SECRET)
      .update(`v0:${NOW_S}:${raw.toString('utf8')}`)
      .digest('hex')}`;
    expect(signSlackBody(raw, SECRET, NOW_S)).toBe(independent);
    expect(check(raw, String(NOW_S), independent)).toBe('ok');
  });

  it('when signSlackBody is given the body as a string, then it signs the same bytes as the Buffer', () => {
    expect(signSlackBody(raw.toString('utf8'), SECRET, NOW_S)).toBe(signSlackBody(raw, SECRET, NOW_S));
  });

  it('when the body was signed with another secret, then it is invalid', () => {
    expect(check(raw, String(NOW_S), signSlackBody(raw, 'some-other-secret', NOW_S))).toBe('invalid');
  });

  it('when one byte of the body is changed, then it is invalid', () => {
    const header = signSlackBody(raw, SECRET, NOW_S);
    const tampered = Buffer.from(raw);
    const index = tampered.indexOf('river');
    expect(index).toBeGreaterThan(0);
    tampered[index] = 'R'.charCodeAt(0);
    expect(tampered.equals(raw)).toBe(false);
    expect(check(tampered, String(NOW_S), header)).toBe('invalid');
  });

  it('when the JSON is re-serialized (same data, different bytes), then the original signature is invalid', () => {
    const header = signSlackBody(raw, SECRET, NOW_S);
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(reserialized.equals(raw)).toBe(false);
    expect(check(reserialized, String(NOW_S), header)).toBe('invalid');
  });

  it('when the signature was made for another timestamp, then it is invalid (the timestamp is signed)', () => {
    const header = signSlackBody(raw, SECRET, NOW_S - 10);
    expect(check(raw, String(NOW_S), header)).toBe('invalid');
  });

  it('when the signature or timestamp header is missing or empty, then it is invalid', () => {
    const header = signSlackBody(raw, SECRET, NOW_S);
    expect(check(raw, String(NOW_S), undefined)).toBe('invalid');
    expect(check(raw, String(NOW_S), '')).toBe('invalid');
    expect(check(raw, undefined, header)).toBe('invalid');
    expect(check(raw, '', header)).toBe('invalid');
  });

  it('when the signature lacks the v0= prefix, then it is invalid even with the right hex', () => {
    const hex = signSlackBody(raw, SECRET, NOW_S).slice(3);
    expect(check(raw, String(NOW_S), hex)).toBe('invalid');
    expect(check(raw, String(NOW_S), `v1=${hex}`)).toBe('invalid');
    expect(check(raw, String(NOW_S), `V0=${hex}`)).toBe('invalid');
    expect(check(raw, String(NOW_S), `sha256=${hex}`)).toBe('invalid');
  });

  it('when the hex has the wrong length, then it is invalid without throwing', () => {
    const header = signSlackBody(raw, SECRET, NOW_S);
    expect(() => check(raw, String(NOW_S), header.slice(0, -1))).not.toThrow();
    expect(check(raw, String(NOW_S), header.slice(0, -1))).toBe('invalid');
    expect(check(raw, String(NOW_S), `${header}0`)).toBe('invalid');
    expect(check(raw, String(NOW_S), 'v0=')).toBe('invalid');
  });

  it('when the signing secret is undefined or empty, then it is invalid even for a correctly signed body', () => {
    // Not through `check`: its default parameter would turn undefined back into SECRET.
    expect(verifySlackSignature(raw, String(NOW_S), signSlackBody(raw, SECRET, NOW_S), undefined, NOW_MS)).toBe('invalid');
    expect(verifySlackSignature(raw, String(NOW_S), signSlackBody(raw, '', NOW_S), '', NOW_MS)).toBe('invalid');
  });

  it('when the timestamp is 301 s old or 301 s in the future, then a correct signature is stale', () => {
    expect(SLACK_SIGNATURE_WINDOW_SECONDS).toBe(300);
    for (const ts of [NOW_S - 301, NOW_S + 301, NOW_S - 86_400]) {
      expect(check(raw, String(ts), signSlackBody(raw, SECRET, ts))).toBe('stale');
    }
  });

  it('when the timestamp is 299 s old or 299 s in the future (or exactly 300), then it is ok', () => {
    for (const ts of [NOW_S - 299, NOW_S + 299, NOW_S - 300, NOW_S + 300]) {
      expect(check(raw, String(ts), signSlackBody(raw, SECRET, ts))).toBe('ok');
    }
  });

  it('when a stale timestamp comes with a wrong signature, then it is invalid, not stale', () => {
    const ts = NOW_S - 3_600;
    expect(check(raw, String(ts), signSlackBody(raw, 'some-other-secret', ts))).toBe('invalid');
  });

  it('when the timestamp is not a plain integer, then it is invalid even if the signature covers it', () => {
    for (const ts of ['abc', '1.7e9', ' 1700000000', '1700000000.5', '-1700000000', '0x6553f100', 'NaN']) {
      const header = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:`).update(raw).digest('hex')}`;
      expect(check(raw, ts, header), ts).toBe('invalid');
    }
  });

  it('when no clock is passed, then it uses the current time', () => {
    const ts = Math.floor(Date.now() / 1000);
    expect(verifySlackSignature(raw, String(ts), signSlackBody(raw, SECRET, ts), SECRET)).toBe('ok');
    const old = ts - 600;
    expect(verifySlackSignature(raw, String(old), signSlackBody(raw, SECRET, old), SECRET)).toBe('stale');
  });
});

// ---------------------------------------------------------------------------------------------
describe('parseEnvelope', () => {
  it('when Slack sends url_verification, then the challenge comes back to echo', () => {
    expect(parseEnvelope(fixture('url-verification'))).toEqual({
      type: 'url_verification',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });

  it('when url_verification has no challenge (or not a string), then it throws SlackPayloadError', () => {
    const body = fixture('url-verification');
    delete body.challenge;
    expectPayloadError(body, /challenge/);
    body.challenge = 42;
    expectPayloadError(body, /challenge/);
    body.challenge = '';
    expectPayloadError(body, /challenge/);
  });

  it('when an event_callback arrives, then team, app, event id, bot user ids and the event are read', () => {
    const body = fixture('app-mention');
    const envelope = parseEnvelope(body);
    expect(envelope).toEqual({
      type: 'event_callback',
      teamId: TEAM,
      apiAppId: APP_ID,
      eventId: 'Ev0LAN670R',
      botUserIds: [BOT_USER],
      event: body.event,
      raw: body,
    });
  });

  it('when authorizations list a person (is_bot false) next to the bot, then only the bot is a bot user id', () => {
    const body = fixture('app-mention');
    body.authorizations.unshift({ enterprise_id: null, team_id: TEAM, user_id: 'U061F7AUR', is_bot: false, is_enterprise_install: false });
    body.authorizations.push({ team_id: TEAM, user_id: BOT_USER, is_bot: true }, 'junk', { is_bot: true });
    expect(callbackOf(body).botUserIds).toEqual([BOT_USER]);
  });

  it('when a legacy payload has only authed_users, then those are the bot user ids', () => {
    expect(callbackOf(fixture('app-mention-legacy')).botUserIds).toEqual([BOT_USER]);
  });

  it('when a payload has both authorizations and authed_users, then authed_users (which may list people) is not used', () => {
    const body = fixture('app-mention');
    body.authed_users = ['U061F7AUR', BOT_USER];
    expect(callbackOf(body).botUserIds).toEqual([BOT_USER]);
  });

  it('when an event_callback has neither authorizations nor authed_users, then there are no bot user ids', () => {
    const body = fixture('app-mention');
    delete body.authorizations;
    delete body.team_id;
    delete body.api_app_id;
    const envelope = callbackOf(body);
    expect(envelope.botUserIds).toEqual([]);
    expect(envelope.teamId).toBe(TEAM); // from context_team_id
    expect(envelope.apiAppId).toBeUndefined();
  });

  it('when the envelope type is something else (app_rate_limited), then it is returned as other', () => {
    const body = fixture('app-rate-limited');
    expect(parseEnvelope(body)).toEqual({ type: 'other', envelopeType: 'app_rate_limited', raw: body });
  });

  it('when the body is not an object or has no string type, then it throws SlackPayloadError', () => {
    for (const body of [null, undefined, 'text', 42, true, [], [fixture('app-mention')], {}, { type: 7 }, { event: {} }]) {
      expectPayloadError(body, /type/);
    }
  });

  it('when an event_callback has no event object, then it throws SlackPayloadError', () => {
    const body = fixture('app-mention');
    delete body.event;
    expectPayloadError(body, /event/);
    body.event = 'app_mention';
    expectPayloadError(body, /event/);
    body.event = [];
    expectPayloadError(body, /event/);
  });

  it('when an event_callback has no event_id, then it throws SlackPayloadError', () => {
    const body = fixture('app-mention');
    delete body.event_id;
    expectPayloadError(body, /event_id/);
    body.event_id = 12345;
    expectPayloadError(body, /event_id/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('parseEvent', () => {
  describe('app_mention', () => {
    it('when the bot is mentioned in a channel, then it is answered in a thread of that message, without the mention', () => {
      const body = fixture('app-mention');
      expect(onlyMessage(body)).toEqual({
        channel: 'slack',
        accountExternalId: TEAM,
        externalId: 'C0LAN2Q65:1515449522.000016',
        conversation: { externalId: 'C0LAN2Q65:1515449522.000016' },
        from: { externalId: 'U061F7AUR', displayName: undefined },
        kind: 'app_mention',
        text: 'is it everything a river should be?',
        attachments: [],
        replyToExternalId: undefined,
        answer: true,
        sentAt: tsDate('1515449522.000016'),
        raw: body.event,
      });
    });

    it('when the mention is in a thread, then the conversation is the thread and it replies to the thread root', () => {
      const message = onlyMessage(fixture('app-mention-thread'));
      expect(message.externalId).toBe('C0LAN2Q65:1515449601.000200');
      expect(message.conversation).toEqual({ externalId: 'C0LAN2Q65:1515449522.000016' });
      expect(message.replyToExternalId).toBe('C0LAN2Q65:1515449522.000016');
      expect(message.text).toBe('thanks, and what about the delivery & returns policy?');
    });

    it('when ts has a fraction, then sentAt keeps the milliseconds', () => {
      const body = fixture('app-mention');
      body.event.ts = '1700000000.123456';
      expect(onlyMessage(body).sentAt.getTime()).toBe(1_700_000_000_123);
    });

    it('when the bot is mentioned at the end, in the middle, twice or in the legacy <@U|name> form, then every mention of ours goes', () => {
      const body = fixture('app-mention');
      const cases: Array<[string, string]> = [
        [`can you help <@${BOT_USER}>`, 'can you help'],
        [`hey <@${BOT_USER}> where is my order`, 'hey where is my order'],
        [`<@${BOT_USER}> <@${BOT_USER}> hello`, 'hello'],
        [`<@${BOT_USER}|assistant> hello`, 'hello'],
        [`<@${BOT_USER}>\nfirst line\nsecond line`, 'first line\nsecond line'],
        [`<@${BOT_USER}>`, ''],
      ];
      for (const [text, expected] of cases) {
        body.event.text = text;
        expect(onlyMessage(body).text, text).toBe(expected);
      }
    });

    it('when other people are mentioned too, then their mentions stay', () => {
      const body = fixture('app-mention');
      body.event.text = `<@${BOT_USER}> please ask <@U024BE7LH> about it`;
      expect(onlyMessage(body).text).toBe('please ask <@U024BE7LH> about it');
    });

    it("when the text carries Slack's escapes, then the assistant reads the characters", () => {
      const body = fixture('app-mention');
      body.event.text = `<@${BOT_USER}> is 2 &lt; 3 &amp;&amp; 5 &gt; 4? and &amp;lt; stays`;
      expect(onlyMessage(body).text).toBe('is 2 < 3 && 5 > 4? and &lt; stays');
    });

    it('when a legacy payload (authed_users only) mentions the bot, then the mention goes too', () => {
      const message = onlyMessage(fixture('app-mention-legacy'));
      expect(message.kind).toBe('app_mention');
      expect(message.text).toBe('What is the hour of the pearl,?');
    });

    it('when the event has no channel, ts or user, then it is rejected as malformed, naming what is missing', () => {
      for (const field of ['channel', 'ts', 'user']) {
        const body = fixture('app-mention');
        delete body.event[field];
        const ignored = onlyIgnored(body);
        expect(ignored).toMatchObject({
          channel: 'slack',
          accountExternalId: TEAM,
          eventId: 'Ev0LAN670R',
          kind: 'app_mention',
          outcome: 'rejected',
          raw: body.event,
        });
        expect(ignored.reason).toContain(field);
      }
    });

    it('when ts is not a Slack timestamp, then it is rejected, not thrown', () => {
      const body = fixture('app-mention');
      body.event.ts = 'yesterday';
      expect(onlyIgnored(body)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('ts') });
      body.event.ts = 1515449522.000016;
      expect(onlyIgnored(body)).toMatchObject({ outcome: 'rejected' });
    });

    it('when another bot mentions us, then it is ignored (no bot-to-bot loops)', () => {
      const body = fixture('app-mention');
      body.event.bot_id = 'B0OTHERBOT';
      expect(onlyIgnored(body)).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('bot') });
    });
  });

  describe('direct messages', () => {
    it('when a person writes to the bot directly, then it is answered in a thread of that message', () => {
      const body = fixture('message-im');
      expect(onlyMessage(body)).toEqual({
        channel: 'slack',
        accountExternalId: TEAM,
        externalId: 'D024BE91L:1355517523.000005',
        conversation: { externalId: 'D024BE91L:1355517523.000005' },
        from: { externalId: 'U2147483697', displayName: undefined },
        kind: 'message',
        text: 'Hello hello can you hear me?',
        attachments: [],
        replyToExternalId: undefined,
        answer: true,
        sentAt: tsDate('1355517523.000005'),
        raw: body.event,
      });
    });

    it('when the direct message is a reply in a thread, then the conversation is that thread', () => {
      const body = fixture('message-im');
      body.event.ts = '1355517600.000100';
      body.event.thread_ts = '1355517523.000005';
      const message = onlyMessage(body);
      expect(message.externalId).toBe('D024BE91L:1355517600.000100');
      expect(message.conversation.externalId).toBe('D024BE91L:1355517523.000005');
      expect(message.replyToExternalId).toBe('D024BE91L:1355517523.000005');
    });

    it('when thread_ts equals ts (the thread root itself), then it does not reply to itself', () => {
      const body = fixture('message-im');
      body.event.thread_ts = body.event.ts;
      const message = onlyMessage(body);
      expect(message.conversation.externalId).toBe('D024BE91L:1355517523.000005');
      expect(message.replyToExternalId).toBeUndefined();
    });

    it('when the event carries user_profile, then the display name (or real name) is read', () => {
      const body = fixture('message-im');
      body.event.user_profile = { display_name: 'Sheena', real_name: 'Sheena Nelson' };
      expect(onlyMessage(body).from).toEqual({ externalId: 'U2147483697', displayName: 'Sheena' });
      body.event.user_profile = { display_name: '', real_name: 'Sheena Nelson' };
      expect(onlyMessage(body).from).toEqual({ externalId: 'U2147483697', displayName: 'Sheena Nelson' });
    });

    it('when channel_type is missing but the channel is a D… id, then it is still a direct message', () => {
      const body = fixture('message-im');
      delete body.event.channel_type;
      expect(onlyMessage(body).kind).toBe('message');
    });

    it('when a file is shared in the DM (subtype file_share), then it is answered with the files as attachments', () => {
      const body = fixture('message-im-file-share');
      const message = onlyMessage(body);
      expect(message).toMatchObject({
        externalId: 'D024BE91L:1700000100.000300',
        conversation: { externalId: 'D024BE91L:1700000100.000300' },
        from: { externalId: 'U2147483697' },
        kind: 'message',
        text: 'Here is the invoice, the total looks wrong',
        answer: true,
      });
      expect(message.attachments).toEqual([
        { type: 'file', mediaId: 'F0123ABCDEF', mimeType: 'application/pdf', filename: 'invoice-2291.pdf' },
        { type: 'file', mediaId: 'F0456GHIJKL', mimeType: 'image/png', filename: 'screenshot.png' },
      ]);
    });

    it('when a file entry has no id, then that file is skipped and the rest kept', () => {
      const body = fixture('message-im-file-share');
      delete body.event.files[0].id;
      body.event.files.push('junk');
      expect(onlyMessage(body).attachments.map((a) => a.mediaId)).toEqual(['F0456GHIJKL']);
    });

    it('when a thread reply is also sent to the conversation (thread_broadcast), then it is answered like a plain reply', () => {
      const body = fixture('message-im');
      body.event.subtype = 'thread_broadcast';
      body.event.ts = '1355517600.000100';
      body.event.thread_ts = '1355517523.000005';
      const message = onlyMessage(body);
      expect(message.kind).toBe('message');
      expect(message.conversation.externalId).toBe('D024BE91L:1355517523.000005');
      expect(message.text).toBe('Hello hello can you hear me?');
    });

    it('when the DM has no channel, ts or user, then it is rejected as malformed', () => {
      for (const field of ['channel', 'ts', 'user']) {
        const body = fixture('message-im');
        delete body.event[field];
        expect(onlyIgnored(body), field).toMatchObject({
          kind: 'message',
          eventId: 'Ev024BE91L5',
          outcome: 'rejected',
          reason: expect.stringContaining(field),
        });
      }
    });
  });

  describe('what is not answered', () => {
    it.each([
      ['message-changed', 'message_changed', 'Ev0EDIT0001'],
      ['message-deleted', 'message_deleted', 'Ev0DELETE01'],
      ['channel-join', 'channel_join', 'Ev0JOIN0001'],
    ])('when a %s event arrives, then it is ignored with a reason naming the subtype', (name, subtype, eventId) => {
      const body = fixture(name);
      expect(onlyIgnored(body)).toEqual({
        channel: 'slack',
        accountExternalId: TEAM,
        eventId,
        kind: subtype,
        reason: expect.stringContaining(subtype),
        outcome: 'ignored',
        raw: body.event,
      });
    });

    it('when another subtype arrives (channel_topic, me_message, ...), then it is ignored naming the subtype', () => {
      for (const subtype of ['channel_topic', 'me_message', 'message_replied', 'ekm_access_denied']) {
        const body = fixture('message-im');
        body.event.subtype = subtype;
        expect(onlyIgnored(body)).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining(subtype) });
      }
    });

    it('when another bot posts (subtype bot_message), then it is ignored', () => {
      const body = fixture('bot-message');
      expect(onlyIgnored(body)).toEqual({
        channel: 'slack',
        accountExternalId: TEAM,
        eventId: 'Ev0BOTMSG01',
        kind: 'bot_message',
        reason: expect.stringContaining('bot_message'),
        outcome: 'ignored',
        raw: body.event,
      });
    });

    it('when a DM carries a bot_id without the bot_message subtype, then it is ignored as a bot message', () => {
      const body = fixture('message-im');
      body.event.bot_id = 'B0OTHERBOT';
      expect(onlyIgnored(body)).toMatchObject({ kind: 'message', outcome: 'ignored', reason: expect.stringContaining('B0OTHERBOT') });
    });

    it('when our own bot user posts (our reply or placeholder coming back), then it is ignored as our own', () => {
      const body = fixture('own-message');
      expect(onlyIgnored(body)).toEqual({
        channel: 'slack',
        accountExternalId: TEAM,
        eventId: 'Ev0OWNMSG01',
        kind: 'message',
        reason: expect.stringMatching(/own message.*U0LAN0Z89/),
        outcome: 'ignored',
        raw: body.event,
      });
    });

    it('when our own message has no bot_id, then the bot user id alone marks it ours', () => {
      const body = fixture('own-message');
      delete body.event.bot_id;
      delete body.event.app_id;
      expect(onlyIgnored(body)).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('own message') });
    });

    it('when the message comes from our app under another user id, then app_id alone marks it ours', () => {
      const body = fixture('own-message');
      delete body.event.bot_id;
      body.event.user = 'U0SOMEONE1';
      expect(onlyIgnored(body)).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining(APP_ID) });
    });

    it('when another app posts with its own app_id and no bot_id, then app_id does not make it ours (it is a DM: answered)', () => {
      const body = fixture('message-im');
      body.event.app_id = 'A0OTHERAPP';
      expect(onlyMessage(body).kind).toBe('message');
    });

    it('when a plain message in a channel mentions the bot, then it is ignored: the mention arrives as app_mention', () => {
      const body = fixture('message-channel');
      expect(onlyIgnored(body)).toMatchObject({
        kind: 'message',
        eventId: 'Ev0LAN670S',
        outcome: 'ignored',
        reason: expect.stringContaining('app_mention'),
      });
    });

    it.each(['group', 'mpim'])('when a plain message arrives in a %s, then it is ignored too', (channelType) => {
      const body = fixture('message-channel');
      body.event.channel_type = channelType;
      body.event.channel = channelType === 'group' ? 'G0PRIVATE1' : 'G0MPIM0001';
      expect(onlyIgnored(body)).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining(channelType) });
    });

    it.each([
      ['reaction-added', 'reaction_added', 'Ev0REACT001'],
      ['member-joined-channel', 'member_joined_channel', 'Ev0JOINED01'],
      ['app-home-opened', 'app_home_opened', 'Ev0HOME0001'],
    ])('when a %s event arrives, then it is ignored naming its type', (name, type, eventId) => {
      const body = fixture(name);
      expect(onlyIgnored(body)).toEqual({
        channel: 'slack',
        accountExternalId: TEAM,
        eventId,
        kind: type,
        reason: expect.stringContaining(type),
        outcome: 'ignored',
        raw: body.event,
      });
    });

    it('when the event has no type, then it is rejected, not thrown', () => {
      const body = fixture('app-mention');
      delete body.event.type;
      expect(onlyIgnored(body)).toMatchObject({ kind: 'unknown', outcome: 'rejected', eventId: 'Ev0LAN670R' });
    });

    it('when the account external id is given, then every outcome carries it', () => {
      const options = { accountExternalId: 'T-OTHER' };
      expect(parseEvent(callbackOf(fixture('message-im')), options).messages[0]!.accountExternalId).toBe('T-OTHER');
      expect(parseEvent(callbackOf(fixture('reaction-added')), options).ignored[0]!.accountExternalId).toBe('T-OTHER');
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('createSlackSender', () => {
  const TOKEN = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
  let slack: FakeSlack;

  const senderFor = (overrides: Partial<SlackSenderOptions> = {}) => createSlackSender({ apiBaseUrl: slack.url, timeoutMs: 5_000, ...overrides });

  const outbound = (overrides: Partial<OutboundText> = {}): OutboundText => ({
    accountExternalId: TEAM,
    token: TOKEN,
    to: 'D024BE91L:1355517523.000005',
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
    const error = outcome.error as ChannelSendError;
    expect(error.message).not.toContain(TOKEN);
    expect(JSON.stringify(error.details)).not.toContain(TOKEN);
    expect(error.stack ?? '').not.toContain(TOKEN);
    return error;
  }

  beforeEach(async () => {
    slack = await startFakeSlack();
  });

  afterEach(async () => {
    await slack.close();
  });

  it('when Slack accepts the message, then <channel>:<ts> is the provider message id', async () => {
    const sender = senderFor();
    expect(sender.channel).toBe('slack');
    await expect(sender.send(outbound())).resolves.toEqual({ providerMessageId: 'D024BE91L:1700000000.000001' });
    await expect(sender.send(outbound())).resolves.toEqual({ providerMessageId: 'D024BE91L:1700000000.000002' });
  });

  it('when sending into a thread (to is channel:thread_ts), then it POSTs chat.postMessage with thread_ts, no unfurls, the bearer token', async () => {
    await senderFor().send(outbound());
    expect(slack.requests).toHaveLength(1);
    const request = slack.posted()[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/chat.postMessage');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.body).toEqual({
      channel: 'D024BE91L',
      text: 'Yes, it also comes in blue.',
      thread_ts: '1355517523.000005',
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it('when to is a bare channel id, then the body has no thread_ts', async () => {
    await senderFor().send(outbound({ to: 'C0LAN2Q65' }));
    expect(slack.posted()[0]!.body).toEqual({
      channel: 'C0LAN2Q65',
      text: 'Yes, it also comes in blue.',
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(slack.posted()[0]!.body).not.toHaveProperty('thread_ts');
  });

  it('when replacing a placeholder, then it POSTs chat.update with channel, ts and text and keeps the same id', async () => {
    const sender = senderFor();
    expect(sender.placeholderText).toBe('Looking into it…');
    const placeholder = await sender.send(outbound({ text: sender.placeholderText! }));
    const answer = await sender.send(outbound({ replaceProviderMessageId: placeholder.providerMessageId }));
    expect(answer).toEqual(placeholder);
    expect(slack.posted()).toHaveLength(1);
    expect(slack.updated()).toHaveLength(1);
    const update = slack.updated()[0]!;
    expect(update.path).toBe('/api/chat.update');
    expect(update.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(update.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(update.body).toEqual({ channel: 'D024BE91L', ts: '1700000000.000001', text: 'Yes, it also comes in blue.' });
  });

  it('when the placeholder is gone (message_not_found), then a new message is posted in the thread instead', async () => {
    const result = await senderFor().send(outbound({ replaceProviderMessageId: 'D024BE91L:1699999999.000009' }));
    expect(slack.updated()).toHaveLength(1);
    expect(slack.posted()).toHaveLength(1);
    expect(slack.posted()[0]!.body).toMatchObject({ channel: 'D024BE91L', thread_ts: '1355517523.000005' });
    expect(result).toEqual({ providerMessageId: 'D024BE91L:1700000000.000001' });
  });

  it('when the placeholder can no longer be edited (cant_update_message), then a new message is posted instead', async () => {
    slack.failNext(200, { ok: false, error: 'cant_update_message' }, undefined, 'chat.update');
    const result = await senderFor().send(outbound({ replaceProviderMessageId: 'D024BE91L:1700000000.000042' }));
    expect(slack.updated()).toHaveLength(1);
    expect(slack.posted()).toHaveLength(1);
    expect(result.providerMessageId).toBe('D024BE91L:1700000000.000001');
  });

  it('when chat.update fails otherwise (ratelimited), then the error surfaces and nothing is posted', async () => {
    slack.failNext(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '3' }, 'chat.update');
    const error = await sendError(senderFor().send(outbound({ replaceProviderMessageId: 'D024BE91L:1700000000.000042' })));
    expect(error.details).toMatchObject({ retryable: true, notSent: true, status: 429, retryAfterMs: 3_000 });
    expect(error.message).toContain('chat.update');
    expect(slack.posted()).toHaveLength(0);
  });

  it('when the replace id is not <channel>:<ts>, then it posts a new message', async () => {
    await senderFor().send(outbound({ replaceProviderMessageId: 'garbage' }));
    expect(slack.updated()).toHaveLength(0);
    expect(slack.posted()).toHaveLength(1);
  });

  it('when Slack answers HTTP 429 with Retry-After 7, then it is retryable after 7000 ms and not sent', async () => {
    slack.failNext(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ channel: 'slack', retryable: true, notSent: true, status: 429, retryAfterMs: 7_000, code: 'ratelimited' });
  });

  it('when Slack answers 200 ok:false ratelimited, then it is retryable (with Retry-After when present)', async () => {
    slack.failNext(200, { ok: false, error: 'ratelimited' });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ retryable: true, notSent: true, status: 200, code: 'ratelimited' });
    expect(error.details.retryAfterMs).toBeUndefined();

    slack.failNext(200, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' });
    const second = await sendError(senderFor().send(outbound()));
    expect(second.details.retryAfterMs).toBe(30_000);
  });

  it.each(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])(
    'when Slack answers ok:false %s, then it is retryable and not sent',
    async (code) => {
      slack.failNext(200, { ok: false, error: code });
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ channel: 'slack', retryable: true, notSent: true, code });
      expect(error.details.blocked).toBeUndefined();
    },
  );

  it('when Slack answers HTTP 500 (or 503 with a non-JSON body), then it is retryable and names the status', async () => {
    slack.failNext(500, { ok: false, error: 'internal_error' });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ channel: 'slack', retryable: true, notSent: true, status: 500 });
    expect(error.message).toContain('500');

    slack.failNext(503, '<html>Service Unavailable</html>');
    const second = await sendError(senderFor().send(outbound()));
    expect(second.details).toMatchObject({ retryable: true, notSent: true, status: 503 });
    expect(second.message).toContain('503');
  });

  it.each(['channel_not_found', 'is_archived', 'not_in_channel', 'account_inactive'])(
    'when Slack answers ok:false %s, then it is permanent and the conversation is blocked',
    async (code) => {
      slack.failNext(200, { ok: false, error: code });
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ channel: 'slack', retryable: false, notSent: true, blocked: true, code, status: 200 });
      expect(error.message).toContain(code);
    },
  );

  it.each(['invalid_auth', 'token_revoked', 'msg_too_long', 'no_text', 'not_authed', 'restricted_action'])(
    "when Slack answers ok:false %s, then it is permanent, not blocked, and carries Slack's error",
    async (code) => {
      slack.failNext(200, { ok: false, error: code });
      const error = await sendError(senderFor().send(outbound()));
      expect(error.details).toMatchObject({ channel: 'slack', retryable: false, notSent: true, code });
      expect(error.details.blocked).toBeUndefined();
      expect(error.message).toContain(code);
    },
  );

  it('when Slack answers missing_scope, then the message names the scope needed', async () => {
    slack.failNext(200, { ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'channels:history' });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ retryable: false, code: 'missing_scope' });
    expect(error.message).toContain('chat:write');
  });

  it('when Slack answers ok:true without a ts, then it is not retryable and may have been sent', async () => {
    slack.failNext(200, { ok: true, channel: 'D024BE91L' });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ channel: 'slack', retryable: false, notSent: false, status: 200 });
  });

  it('when a 2xx body is not a Slack answer (no ok field), then it is not retryable and may have been sent', async () => {
    slack.failNext(200, '<html>captive portal</html>');
    const error = await sendError(senderFor().send(outbound()));
    expect(error.details).toMatchObject({ retryable: false, notSent: false, status: 200 });
  });

  it('when the token is sent, then it never appears in an error, even if Slack echoed it', async () => {
    slack.failNext(200, { ok: false, error: `invalid_auth ${TOKEN}` });
    const error = await sendError(senderFor().send(outbound()));
    expect(error.message).toContain('[redacted]');
    expect(error.details.retryable).toBe(false);
  });

  it('when there is no token, then it fails without retry and makes no request', async () => {
    const error = await sendError(senderFor().send(outbound({ token: '' })));
    expect(error.details).toMatchObject({ channel: 'slack', retryable: false, notSent: true, code: 'no_credentials' });
    expect(slack.requests).toHaveLength(0);
  });

  it('when Slack never answers within timeoutMs, then it is retryable but may have been sent', async () => {
    slack.hangNext('chat.postMessage');
    const started = Date.now();
    const error = await sendError(senderFor({ timeoutMs: 300 }).send(outbound()));
    const elapsed = Date.now() - started;
    expect(error.details).toMatchObject({ channel: 'slack', retryable: true, notSent: false, code: 'ETIMEDOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5_000);
    expect(slack.posted()).toHaveLength(1); // the request did reach the server
  });

  it('when the connection is refused, then it is retryable and certainly not sent', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = http.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const error = await sendError(senderFor({ apiBaseUrl: `http://127.0.0.1:${closedPort}/api` }).send(outbound()));
    expect(error.details).toMatchObject({ channel: 'slack', retryable: true, notSent: true, code: 'ECONNREFUSED' });
  });

  it('when the fake is waited on, then waitForPosted and waitForUpdated return the requests', async () => {
    const sender = senderFor();
    const placeholder = await sender.send(outbound({ text: 'Looking into it…' }));
    await sender.send(outbound({ replaceProviderMessageId: placeholder.providerMessageId }));
    await expect(slack.waitForPosted(1)).resolves.toHaveLength(1);
    await expect(slack.waitForUpdated(1)).resolves.toHaveLength(1);
    await expect(slack.waitForPosted(2, 100)).rejects.toThrow(/expected 2/);
  });

  it('when the sender is built, then it has no acknowledge (the placeholder is the acknowledgement)', () => {
    expect(senderFor().acknowledge).toBeUndefined();
  });

  describe('formatText', () => {
    const format = (text: string) => senderFor().formatText(text);

    it("when the text has Slack's control characters, then & < > are escaped (so <!channel> cannot ping)", () => {
      expect(format('Tom & Jerry: 1 < 2 > 0')).toEqual(['Tom &amp; Jerry: 1 &lt; 2 &gt; 0']);
      expect(format('hey <!channel> and <@U024BE7LH>')).toEqual(['hey &lt;!channel&gt; and &lt;@U024BE7LH&gt;']);
      expect(format('already &amp; escaped')).toEqual(['already &amp;amp; escaped']);
    });

    it('when the text has **bold**, then it becomes *bold*', () => {
      expect(format('This is **very** important, **really**.')).toEqual(['This is *very* important, *really*.']);
      expect(format('2 ** 3 is ** not bold')).toEqual(['2 ** 3 is ** not bold']);
    });

    it('when the text has a markdown link, then it becomes <url|label>', () => {
      expect(format('See [the returns page](https://example.com/returns) for details.')).toEqual([
        'See <https://example.com/returns|the returns page> for details.',
      ]);
      expect(format('[a](http://a.example) and [b](https://b.example/x?y=1)')).toEqual(['<http://a.example|a> and <https://b.example/x?y=1|b>']);
    });

    it('when a link label has | or >, or the URL has & or |, then they cannot break the link', () => {
      expect(format('[a | b > c](https://example.com/?q=1&r=2|3)')).toEqual(['<https://example.com/?q=1&amp;r=2%7C3|a \uFF5C b &gt; c>']);
      expect(format('[**bold** label](https://example.com)')).toEqual(['<https://example.com|*bold* label>']);
    });

    it('when a link is not http or https, then it stays text (escaped)', () => {
      expect(format('[click](javascript:alert(1)) [mail](mailto:a@b.example) [rel](/path)')).toEqual([
        '[click](javascript:alert(1)) [mail](mailto:a@b.example) [rel](/path)',
      ]);
      expect(format('[x](ftp://example.com/<a>)')).toEqual(['[x](ftp://example.com/&lt;a&gt;)']);
    });

    it('when the text is within the 3900 limit, then it is one part; whitespace only gives none', () => {
      expect(SLACK_TEXT_LIMIT).toBe(3900);
      const exact = 'a'.repeat(3900);
      expect(format(exact)).toEqual([exact]);
      expect(format('  \n ')).toEqual([]);
    });

    it('when the text is 10,000 characters, then it splits at the Slack limit keeping every word in order', () => {
      let text = '';
      for (let i = 0; text.length < 10_000; i++) text += (text ? (i % 97 === 0 ? '\n' : ' ') : '') + `w${i}`;
      text = `${text.slice(0, 9_999)}z`;
      expect(text.length).toBe(10_000);
      const kept = text.split(/\s+/);
      const parts = format(text);
      expect(parts.length).toBeGreaterThanOrEqual(3);
      for (const part of parts) {
        expect(part.length).toBeGreaterThan(0);
        expect(part.length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
      }
      expect(parts.join(' ').split(/\s+/)).toEqual(kept);
    });

    it('when a long text is split, then each part is converted on its own', () => {
      const parts = format(`${'word '.repeat(900)}**end** & [link](https://example.com)`);
      expect(parts).toHaveLength(2);
      expect(parts[1]).toContain('*end* &amp; <https://example.com|link>');
    });
  });
});
