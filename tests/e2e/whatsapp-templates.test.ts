/**
 * Once WhatsApp's 24-hour window has closed, a person's reply goes out as the namespace's re-engagement
 * template, its parameters filled from the reply and the contact, never as free text (which WhatsApp
 * would accept and then refuse with 131047). A template that does not exist or does not fit is a 400
 * naming it, and nothing is sent. The window is the real 24 h: the customer's message carries the
 * platform's timestamp, written 23 h 59 m or 24 h 1 m ago.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { outboundDeliveries } from '../../src/db/schema';
import { DEFAULT_HANDOFF_MESSAGE } from '../../src/namespaces/config';
import { callApi, whatsappNamespace } from '../helpers/namespaces';
import { taskLookups } from '../helpers/tasks';
import { useTestSystem } from '../helpers/system';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TEMPLATE = { name: 'reply_followup', language: 'en', body: 'Hi {{1}}, following up on your message: {{2}}' };

describe('replies outside the WhatsApp window', () => {
  const stack = useTestSystem('pglite');
  const { waitForStatus } = taskLookups(stack);
  let shop: Awaited<ReturnType<typeof whatsappNamespace>>;
  const api = (method: string, path: string, body?: unknown) => callApi(stack, method, path, body);

  beforeAll(async () => {
    shop = await whatsappNamespace(stack, 'tpl', {
      escalation: { timeout: '60s' },
      whatsapp: { reengagementTemplate: { name: TEMPLATE.name, language: TEMPLATE.language, parameters: ['{{contact.name}}', '{{reply}}'] } },
    });
    expect((await api('PUT', `/namespaces/${shop.ns}/templates`, TEMPLATE)).status).toBe(201);
    expect((await api('PUT', `/namespaces/${shop.ns}/templates`, { name: 'not_yet', language: 'en', body: 'Hello {{1}}', status: 'PENDING' })).status).toBe(
      201,
    );
  });

  it('when a person replies 23 h 59 m after the customer wrote, then it goes as free text; at 24 h 1 m, as the template with the contact and the reply', async () => {
    const early = shop.customer('Ana Lima');
    const earlyTask = await waitForStatus(await early.say('I want to speak to a person', 23 * HOUR + 59 * MINUTE), 'escalated');
    const inWindow = await api('POST', `/agent-tasks/${earlyTask.id}/escalation`, {
      action: 'reply',
      text: 'Hi Ana, Sam here.\nYour refund is on its way.',
      agent: 'sam',
    });
    expect(inWindow.body.outcome).toMatchObject({ status: 'delivered', sent: true });
    expect(early.received()).toEqual([
      { type: 'text', text: DEFAULT_HANDOFF_MESSAGE },
      { type: 'text', text: 'Hi Ana, Sam here.\nYour refund is on its way.' },
    ]);

    const late = shop.customer('Ben Okafor');
    const lateTask = await waitForStatus(await late.say('I want to speak to a person', 24 * HOUR + MINUTE), 'escalated');
    const closed = await api('POST', `/agent-tasks/${lateTask.id}/escalation`, {
      action: 'reply',
      text: 'Hi Ben, Sam here.\nYour refund is on its way.',
      agent: 'sam',
    });
    expect(closed.body.outcome).toMatchObject({ status: 'delivered', sent: true });
    // The hand-off notice too went out as the template: nothing free-form reached a closed window.
    expect(late.received()).toEqual([
      { type: 'template', template: { name: TEMPLATE.name, language: 'en', parameters: ['Ben Okafor', DEFAULT_HANDOFF_MESSAGE] } },
      { type: 'template', template: { name: TEMPLATE.name, language: 'en', parameters: ['Ben Okafor', 'Hi Ben, Sam here. Your refund is on its way.'] } },
    ]);
    const rows = await stack.database.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, lateTask.id));
    const reply = rows.find((r) => r.part === 200)!;
    expect(reply.template).toEqual({ name: TEMPLATE.name, language: 'en', parameters: ['Ben Okafor', 'Hi Ben, Sam here. Your refund is on its way.'] });
    expect(reply.text).toBe('Hi Ben Okafor, following up on your message: Hi Ben, Sam here. Your refund is on its way.');
    expect(rows.every((r) => r.status === 'sent' && r.errorCode === null)).toBe(true);
    const detail = await api('GET', `/agent-tasks/${lateTask.id}`);
    expect(detail.body.window).toMatchObject({ applies: true, open: false });
    expect(detail.body.deliveries.map((d: { template: { name: string } | null }) => d.template?.name)).toEqual([TEMPLATE.name, TEMPLATE.name]);
  });

  it('when the template does not exist, is not approved or its parameters do not fit, then the API answers 400 naming it and nothing is sent', async () => {
    const customer = shop.customer();
    const task = await waitForStatus(await customer.say('I want to speak to a person', 25 * HOUR), 'escalated');
    const sentBefore = customer.received().length;
    const reply = (extra: Record<string, unknown>) =>
      api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Sam here.', agent: 'sam', ...extra });

    const missing = await reply({ template: { name: 'no_such_template' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'template_invalid' });
    expect(missing.body.error.problems).toEqual([{ path: 'template', message: 'template no_such_template does not exist for this WhatsApp account' }]);

    const pending = await reply({ template: { name: 'not_yet', language: 'en' } });
    expect(pending.body.error.problems[0].message).toBe('template not_yet (en) is PENDING: only APPROVED templates can be sent');

    const short = await reply({ template: { name: TEMPLATE.name, parameters: ['only one'] } });
    expect(short.body.error.problems[0].message).toBe(`template ${TEMPLATE.name} (en) takes 2 parameter(s), got 1`);

    const tooLong = await reply({ text: 'x'.repeat(1100) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.problems[0].message).toContain('longer than 1024 characters');

    expect(customer.received()).toHaveLength(sentBefore);
    expect((await api('GET', `/agent-tasks/${task.id}`)).body.task.status).toBe('escalated');
    // Chosen explicitly, with its own values, it goes out.
    const chosen = await reply({ template: { name: TEMPLATE.name, parameters: ['Kerry', 'we found your parcel'] } });
    expect(chosen.body.outcome).toMatchObject({ status: 'delivered', sent: true });
    expect(customer.received().at(-1)).toEqual({
      type: 'template',
      template: { name: TEMPLATE.name, language: 'en', parameters: ['Kerry', 'we found your parcel'] },
    });
  });

  it('when the namespace has no re-engagement template, then a reply into a closed window is a 400 that says so, and nothing goes out', async () => {
    const bare = await whatsappNamespace(stack, 'notpl', { escalation: { timeout: '60s' } });
    const customer = bare.customer();
    const task = await waitForStatus(await customer.say('I want to speak to a person', 24 * HOUR + MINUTE), 'escalated');
    // The hand-off notice was not sent either: no template to send it as.
    expect(customer.received()).toEqual([]);
    const refused = await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Sam here.', agent: 'sam' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.problems[0].message).toMatch(
      /^the customer-service window closed at .+: free text would not reach the customer, and namespace notpl-\w+ has no whatsapp\.reengagementTemplate/,
    );
    expect(customer.received()).toEqual([]);
    // Closing needs no message: it is taken.
    expect((await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'close', agent: 'sam' })).status).toBe(200);
  });
});
