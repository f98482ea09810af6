/**
 * The pure parts of hand-offs and templates: business-time arithmetic (weekends, holidays, daylight
 * saving, split days), the SLA plan, the assistant's resume summary, and template bodies, values and
 * the Graph API's template list.
 */
import { describe, expect, it } from 'vitest';
import { planSla, resumeSummary, roster } from '../../src/activities/handoff';
import { addBusinessTime, describeOpening, isOpen, parseInterval, type BusinessHours } from '../../src/namespaces/business-hours';
import { validateNamespaceConfig, type NamespaceConfig } from '../../src/namespaces/config';
import { planSend } from '../../src/channels/reengagement';
import type { Database } from '../../src/db';
import { graphTemplate, parameterProblems, parameterValue, placeholders, readTemplatePage, renderTemplate } from '../../src/channels/whatsapp/templates';

const HOUR = 3_600_000;
const berlin: BusinessHours = {
  timeZone: 'Europe/Berlin',
  weekly: { mon: ['09:00-12:00', '13:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] },
  holidays: ['2026-12-24', '2026-12-25'],
};
const at = (iso: string) => new Date(iso);

describe('business time', () => {
  it('when an interval runs past Friday closing, then it continues on Monday morning, skipping the lunch break', () => {
    // Friday 16:30 Berlin (15:30Z) + 2 h: 30 min on Friday, 1 h 30 on Monday from 09:00, with lunch 12-13 not reached.
    expect(addBusinessTime(at('2026-12-18T15:30:00Z'), 2 * HOUR, berlin).toISOString()).toBe('2026-12-21T09:30:00.000Z');
    // Monday 11:30 + 1 h: 30 min before lunch, 30 min after.
    expect(addBusinessTime(at('2026-12-21T10:30:00Z'), HOUR, berlin).toISOString()).toBe('2026-12-21T12:30:00.000Z');
  });

  it('when holidays fall on working days, then they count as closed', () => {
    // Wednesday 23 Dec 16:00 Berlin + 2 h: 1 h that day, then the 24th and 25th are holidays and the 26th/27th a weekend.
    expect(addBusinessTime(at('2026-12-23T15:00:00Z'), 2 * HOUR, berlin).toISOString()).toBe('2026-12-28T09:00:00.000Z');
    expect(isOpen(at('2026-12-24T10:00:00Z'), berlin)).toBe(false);
    expect(isOpen(at('2026-12-23T10:00:00Z'), berlin)).toBe(true);
  });

  it('when daylight saving starts or ends, then opening hours stay at their wall time', () => {
    const sundays: BusinessHours = { timeZone: 'Europe/Berlin', weekly: { sun: ['09:00-10:00'] }, holidays: [] };
    // 29 March 2026: CET → CEST; 09:00 is 07:00Z. 25 October 2026: back to CET; 09:00 is 08:00Z.
    expect(addBusinessTime(at('2026-03-29T00:00:00Z'), 0, sundays).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(addBusinessTime(at('2026-10-25T00:00:00Z'), 0, sundays).toISOString()).toBe('2026-10-25T08:00:00.000Z');
  });

  it('when the hours never open, then planning fails loudly; when an interval is wrong, then the config says why', () => {
    expect(() => addBusinessTime(new Date(), HOUR, { timeZone: 'UTC', weekly: { mon: ['09:00-10:00'] }, holidays: [] })).not.toThrow();
    expect(parseInterval('17:00-09:00')).toMatch(/must end after it starts/);
    expect(parseInterval('9-17')).toMatch(/HH:MM-HH:MM/);
    const bad = validateNamespaceConfig({ businessHours: { timeZone: 'Mars/Olympus', weekly: { mon: ['9-17'], funday: ['09:00-10:00'] } } });
    expect(bad.ok).toBe(false);
    const paths = bad.ok ? [] : bad.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['businessHours.timeZone', 'businessHours.weekly.mon.0']));
    expect(validateNamespaceConfig({ businessHours: { timeZone: 'UTC', weekly: {} } }).ok).toBe(false);
  });

  it('when the next opening is described, then it names the day, date, time and zone', () => {
    expect(describeOpening(at('2026-12-28T08:00:00Z'), berlin)).toBe('Monday 28 December at 09:00 (Europe/Berlin)');
  });
});

describe('the SLA plan', () => {
  const config = (escalation: Record<string, unknown>): NamespaceConfig => {
    const parsed = validateNamespaceConfig({ escalation });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.config;
  };

  it('when all rungs are set, then they are due in order before the deadline, offers going round the roster', () => {
    const c = config({ assignee: 'U1', agents: ['U2', 'U1', 'U3'], backup: 'U9', sla: { waitAfter: '5m', backupAfter: '15m', offerEvery: '10m' } });
    expect(roster(c)).toEqual(['U1', 'U2', 'U3']);
    const now = at('2026-12-07T10:00:00Z');
    const steps = planSla(c, now, new Date(now.getTime() + 35 * 60_000), undefined);
    expect(steps.map((s) => [s.kind, s.dueAt.slice(11, 16)])).toEqual([
      ['wait_message', '10:05'],
      ['offer_next', '10:10'],
      ['notify_backup', '10:15'],
      ['offer_next', '10:20'],
      ['offer_next', '10:30'],
      ['timeout', '10:35'],
    ]);
  });

  it('when a rung would come after the deadline, or has nobody to tell, then it is left out', () => {
    const now = at('2026-12-07T10:00:00Z');
    const late = planSla(config({ sla: { waitAfter: '2h', backupAfter: '1m' }, agents: ['U2'] }), now, new Date(now.getTime() + HOUR), undefined);
    expect(late.map((s) => s.kind)).toEqual(['timeout']);
  });

  it('when business hours apply, then the rungs count business time', () => {
    const c = config({ sla: { waitAfter: '1h' } });
    const friday = at('2026-12-18T15:30:00Z');
    const steps = planSla(c, friday, addBusinessTime(friday, 4 * HOUR, berlin), berlin);
    expect(steps).toEqual([
      { kind: 'wait_message', dueAt: '2026-12-21T08:30:00.000Z' },
      { kind: 'timeout', dueAt: '2026-12-21T12:30:00.000Z' }, // past Monday's lunch break
    ]);
  });
});

describe('the resume summary', () => {
  it('when the customer wrote several messages and there is a draft, then it quotes the first, counts the rest and gives the draft', () => {
    const text = resumeSummary(['Where is my parcel?', 'Hello??', 'Anyone?'], 'Parcels arrive in 3-5 days.');
    expect(text).toBe(
      'To sum up where we are: you asked "Where is my parcel?" (and 2 more messages).\n\nHere is what I found in our help articles:\n\nParcels arrive in 3-5 days.\n\n' +
        "I'm here again: reply to this message and I'll carry on, or ask for a person to try again.",
    );
    expect(resumeSummary(['x'.repeat(400)], null)).toMatch(/you asked "x{159}…"\./);
  });
});

describe('templates', () => {
  it('when a body has numbered or named placeholders, then they are found once each, in order, and filled', () => {
    expect(placeholders('Hi {{1}}, {{2}} and {{1}} again')).toEqual(['1', '2']);
    expect(placeholders('Hi {{first_name}}, order {{ order_id }}')).toEqual(['first_name', 'order_id']);
    expect(renderTemplate('Hi {{1}}, about {{2}}', ['Ana', 'your refund'])).toBe('Hi Ana, about your refund');
    expect(graphTemplate({ name: 'x', language: 'en', body: 'Hi {{first_name}}' }, ['Ana'])).toEqual({
      name: 'x',
      language: { code: 'en' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'first_name' }] }],
    });
    expect(graphTemplate({ name: 'x', language: 'en', body: 'Hello' }, [])).toEqual({ name: 'x', language: { code: 'en' } });
  });

  it('when values do not fit, then every problem is named; a value is flattened to one line, never cut', () => {
    const t = { name: 'follow', language: 'en', body: '{{1}} {{2}}' };
    expect(parameterProblems(t, ['a'])).toEqual(['template follow (en) takes 2 parameter(s), got 1']);
    expect(parameterProblems(t, ['a', ' '])).toEqual(['parameter 2 of template follow is empty']);
    expect(parameterProblems(t, ['a', 'b'.repeat(1025)])).toEqual(['parameter 2 of template follow is longer than 1024 characters']);
    expect(parameterValue('line one\n\nline\ttwo     end')).toBe('line one line two end');
  });

  it('when the Graph API lists templates, then those with a text body are read and the others named as skipped', () => {
    const page = readTemplatePage({
      data: [
        {
          id: '1',
          name: 'a',
          language: 'en_US',
          status: 'approved',
          category: 'utility',
          components: [
            { type: 'HEADER', format: 'TEXT', text: 'Hi' },
            { type: 'BODY', text: 'Body {{1}}' },
          ],
        },
        { id: '2', name: 'b', language: 'de', status: 'APPROVED', components: [{ type: 'HEADER', format: 'IMAGE' }] },
        'junk',
      ],
      paging: { next: 'https://graph.example/next' },
    });
    expect(page).toEqual({
      templates: [{ externalId: '1', name: 'a', language: 'en_US', status: 'APPROVED', category: 'UTILITY', body: 'Body {{1}}' }],
      next: 'https://graph.example/next',
      skipped: ['b'],
    });
  });
});

describe('channels without a window', () => {
  it('when a reply goes to Telegram or Slack, then it is text; naming a template there is refused with why', async () => {
    const parsed = validateNamespaceConfig({});
    if (!parsed.ok) throw new Error('default config');
    // No database is asked: there is nothing to look up on a channel without templates.
    const db = undefined as unknown as Database;
    const input = { namespace: 'acme', config: parsed.config, accountId: 'a', lastCustomerMessageAt: new Date(0), contactName: null, text: 'hi' };
    for (const channel of ['telegram', 'slack']) {
      expect(await planSend(db, { ...input, channel })).toMatchObject({ mode: 'text', window: { applies: false, open: true } });
      expect(await planSend(db, { ...input, channel, choice: { name: 'follow_up' } })).toMatchObject({
        mode: 'refused',
        problems: [`${channel} has no customer-service window and no templates: send text`],
      });
    }
  });
});
