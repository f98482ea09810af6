/**
 * The rating on the wire: a typed score in any script, the choices' ids, and how each channel
 * sends the buttons and reads a tap back (WhatsApp list reply, Telegram callback query, Slack block_actions).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseRatingChoice, parseRatingText, ratingChoices } from '../../src/channels/rating';
import { interactionPayload, parseBlockActions, parseEnvelope, SlackPayloadError } from '../../src/channels/slack';
import { parseUpdate } from '../../src/channels/telegram';
import { interactiveChoices, parseWebhook } from '../../src/channels/whatsapp';
import { DEFAULT_CSAT_LABELS, DEFAULT_CSAT_QUESTION, parseNamespaceConfig } from '../../src/namespaces/config';
import { BUILT_IN_CSAT, csatWording } from '../../src/namespaces/csat-wording';
import { message, webhookWith } from '../../testkit/whatsapp';

const surveyId = randomUUID();

describe('a typed score', () => {
  it.each([
    ['4', 4],
    [' 5 ', 5],
    ['1.', 1],
    ['3/5', 3],
    ['4 / 5', 4],
    ['4 out of 5', 4],
    ['4 sur 5', 4],
    ['4 von 5', 4],
    ['4 uit 5', 4],
    ['٤', 4], // Arabic-Indic
    ['۳', 3], // Persian
    ['५', 5], // Devanagari
    ['４', 4], // full-width
    ['4️⃣', 4], // keycap
    ['⭐⭐⭐', 3],
    ['★★★★★', 5],
    ['⭐️⭐️', 2],
  ])('when the customer writes %j, then it is the score %i', (text, score) => {
    expect(parseRatingText(text)).toBe(score);
  });

  it.each(['0', '6', '10', '4/10', '2 more questions', 'order 4', '', 'five', '⭐⭐⭐⭐⭐⭐', '44'])(
    'when the customer writes %j, then it is not a score',
    (text) => {
      expect(parseRatingText(text)).toBeUndefined();
    },
  );
});

describe('the choices', () => {
  it('when a survey is asked, then five choices carry its id and their score, and only such ids read back as ratings', () => {
    const choices = ratingChoices(surveyId, DEFAULT_CSAT_LABELS);
    expect(choices.map((c) => c.title)).toEqual(['1', '2', '3', '4', '5']);
    expect(choices[0]).toEqual({ id: `csat:${surveyId}:1`, title: '1', description: 'Very poor' });
    expect(Buffer.byteLength(choices[4]!.id)).toBeLessThanOrEqual(64); // Telegram's callback_data limit
    expect(parseRatingChoice(choices[2]!.id)).toEqual({ surveyId, score: 3 });
    for (const other of [`csat:${surveyId}:6`, `csat:not-a-uuid:3`, 'buy:42', undefined]) expect(parseRatingChoice(other)).toBeUndefined();
  });

  it('when a namespace turns ratings on, then the defaults fill in and a bad setting is refused', () => {
    const ok = parseNamespaceConfig({ csat: {} });
    expect(ok.success && ok.data.csat).toMatchObject({
      enabled: true,
      after: '10m',
      every: '24h',
      expiresAfter: '24h',
      labels: DEFAULT_CSAT_LABELS,
      button: 'Rate',
    });
    expect(parseNamespaceConfig({ csat: { after: 'soon' } }).success).toBe(false);
    expect(parseNamespaceConfig({ csat: { labels: ['bad', 'good'] } }).success).toBe(false);
    expect(parseNamespaceConfig({ csat: { button: 'a label far longer than twenty' } }).success).toBe(false);
  });
});

describe('the wording', () => {
  const csat = (raw: Record<string, unknown> = {}) => {
    const parsed = parseNamespaceConfig({ csat: raw });
    if (!parsed.success || !parsed.data.csat) throw new Error('not a csat config');
    return parsed.data.csat;
  };

  it('when the namespace keeps the default question, then a customer gets it in their language, and in English when it cannot be told', () => {
    expect(csatWording(csat(), 'de')).toEqual({ language: 'de', ...BUILT_IN_CSAT.de });
    expect(csatWording(csat(), 'ES').question).toBe(BUILT_IN_CSAT.es!.question);
    expect(csatWording(csat(), undefined)).toMatchObject({ language: 'default', question: DEFAULT_CSAT_QUESTION, labels: DEFAULT_CSAT_LABELS });
    expect(csatWording(csat(), 'ja').language).toBe('default');
    for (const words of Object.values(BUILT_IN_CSAT)) {
      expect(words.labels).toHaveLength(5);
      expect(words.button.length).toBeLessThanOrEqual(20);
      expect(words.labels.every((l) => l.length <= 72)).toBe(true);
    }
  });

  it("when the namespace words its own question, then that is asked, unless a translation of the customer's language is given", () => {
    const own = csat({ question: 'Rate us, 1-5', thanks: 'Cheers' });
    expect(csatWording(own, 'de')).toMatchObject({ language: 'default', question: 'Rate us, 1-5', thanks: 'Cheers' });
    const translated = csat({ question: 'Rate us, 1-5', translations: { de: { question: 'Bewerten Sie uns, 1-5', thanks: 'Danke' } } });
    expect(csatWording(translated, 'de')).toMatchObject({ language: 'de', question: 'Bewerten Sie uns, 1-5', thanks: 'Danke', labels: DEFAULT_CSAT_LABELS });
    expect(parseNamespaceConfig({ csat: { translations: { german: { question: 'x' } } } }).success).toBe(false);
    expect(parseNamespaceConfig({ csat: { translations: { de: {} } } }).success).toBe(false);
  });
});

describe('WhatsApp', () => {
  it('when five choices are sent, then they go as a list within Graph limits; three or fewer as reply buttons', () => {
    const list = interactiveChoices('How did we do?', ratingChoices(surveyId, DEFAULT_CSAT_LABELS), 'Rate this conversation now');
    // Graph refuses a list button over 20 characters: it is cut to fit.
    expect(list).toMatchObject({ type: 'list', body: { text: 'How did we do?' }, action: { button: 'Rate this conversati' } });
    const rows = (list.action as { sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> }).sections[0]!.rows;
    expect(rows).toHaveLength(5);
    expect(rows[4]).toEqual({ id: `csat:${surveyId}:5`, title: '5', description: 'Excellent' });
    const buttons = interactiveChoices('Yes or no?', [
      { id: 'y', title: 'Yes' },
      { id: 'n', title: 'No' },
    ]);
    expect(buttons).toEqual({
      type: 'button',
      body: { text: 'Yes or no?' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'y', title: 'Yes' } },
          { type: 'reply', reply: { id: 'n', title: 'No' } },
        ],
      },
    });
  });

  it('when the customer picks a row of the list, then the message carries the rating and reads as the score; another list reply does not', () => {
    const tap = parseWebhook(
      webhookWith('123', {
        messages: [message('interactive', { type: 'list_reply', list_reply: { id: `csat:${surveyId}:2`, title: '2', description: 'Poor' } })],
      }),
    );
    expect(tap.messages[0]).toMatchObject({ kind: 'interactive', text: '2', rating: { surveyId, score: 2 }, answer: true });
    const other = parseWebhook(
      webhookWith('123', { messages: [message('interactive', { type: 'button_reply', button_reply: { id: 'track', title: 'Track order' } })] }),
    );
    expect(other.messages[0]).toMatchObject({ text: 'Track order' });
    expect(other.messages[0]!.rating).toBeUndefined();
  });
});

describe('Telegram', () => {
  const callback = (data: string) => ({
    update_id: 9,
    callback_query: {
      id: '4382bfdwdsb323b2d9',
      from: { id: 42, is_bot: false, first_name: 'Anna' },
      message: { message_id: 7, chat: { id: 42, type: 'private', first_name: 'Anna' }, date: 1, text: 'How did we do?' },
      chat_instance: '1',
      data,
    },
  });
  it('when a rating button is tapped, then the callback query carries the rating and reads as the score', () => {
    const parsed = parseUpdate(callback(`csat:${surveyId}:5`), { accountExternalId: 'default', bot: { id: 1 }, answerEdits: false });
    expect(parsed.messages[0]).toMatchObject({
      externalId: 'cbq:4382bfdwdsb323b2d9',
      text: '5',
      rating: { surveyId, score: 5 },
      conversation: { externalId: '42' },
    });
    const other = parseUpdate(callback('menu:orders'), { accountExternalId: 'default', bot: { id: 1 }, answerEdits: false });
    expect(other.messages[0]).toMatchObject({ text: 'menu:orders' });
    expect(other.messages[0]!.rating).toBeUndefined();
  });
});

describe('Slack', () => {
  const interaction = (actions: unknown[], extra: Record<string, unknown> = {}) => ({
    type: 'block_actions',
    team: { id: 'T1' },
    api_app_id: 'A1',
    user: { id: 'U1', name: 'kim' },
    channel: { id: 'D1' },
    message: { ts: '1700000100.000200', thread_ts: '1700000000.000100' },
    actions,
    ...extra,
  });
  const parse = (body: unknown) => {
    const envelope = parseEnvelope(body);
    if (envelope.type !== 'block_actions') throw new Error(`not block_actions: ${envelope.type}`);
    return parseBlockActions(envelope, { accountExternalId: 'T1' });
  };

  it('when a rating button is clicked, then the form body reads as a message in the thread the question was asked in', () => {
    const body = interaction([{ action_id: `csat:${surveyId}:4`, value: `csat:${surveyId}:4`, action_ts: '1700000200.000300' }]);
    const raw = Buffer.from(`payload=${encodeURIComponent(JSON.stringify(body))}`);
    const parsed = parse(JSON.parse(interactionPayload(raw)));
    expect(parsed.messages).toHaveLength(1);
    expect(parsed.messages[0]).toMatchObject({
      externalId: 'D1:action:1700000200.000300',
      conversation: { externalId: 'D1:1700000000.000100' },
      from: { externalId: 'U1', displayName: 'kim' },
      kind: 'block_actions',
      text: '4',
      rating: { surveyId, score: 4 },
    });
    expect(() => interactionPayload(Buffer.from('token=x'))).toThrow(/payload/);
  });

  it('when another button is clicked, then it is ignored; a payload without its channel, user, message or actions is not one Slack sends', () => {
    expect(parse(interaction([{ action_id: 'approve', value: 'yes', action_ts: '1.2' }]))).toMatchObject({ messages: [], ignored: [{ outcome: 'ignored' }] });
    const rating = [{ value: `csat:${surveyId}:4`, action_ts: '1.2' }];
    expect(() => parse(interaction(rating, { channel: undefined }))).toThrow(/channel\.id/);
    expect(() => parse(interaction(rating, { user: undefined, message: undefined }))).toThrow(/user\.id, message\.ts/);
    expect(() => parse(interaction([]))).toThrow(/actions/);
    expect(() => parseEnvelope({ type: 'block_actions' })).toThrow(SlackPayloadError);
  });
});
