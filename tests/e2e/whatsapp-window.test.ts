/**
 * WhatsApp's customer-service window on the task and in the inbox: when the customer last wrote,
 * when the window closes, whether it is open now (WHATSAPP_WINDOW is 4 s here).
 */
import { describe, expect, it } from 'vitest';
import { json } from '../helpers/http';
import { taskLookups } from '../helpers/tasks';
import { ADMIN_KEY, useTestSystem } from '../helpers/system';
import { callApi, whatsappNamespace } from '../helpers/namespaces';
import { DEFAULT_HANDOFF_MESSAGE } from '../../src/namespaces/config';
import { message, postWebhook, wamid, webhookWith } from '../../testkit/whatsapp';

const WINDOW_MS = 4_000;

describe('the WhatsApp window on tasks and in the inbox', () => {
  const stack = useTestSystem('pglite', { env: { WHATSAPP_WINDOW: `${WINDOW_MS}ms` } });
  const { waitForStatus } = taskLookups(stack);
  const get = async (path: string) => json(await fetch(`${stack.system.url}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));

  it('when a customer escalates, then the task and its inbox entry show the window open until it closes, and closed after', async () => {
    const id = wamid();
    const from = `4930${Math.floor(Math.random() * 1e8)}`;
    await postWebhook(
      stack.system.url!,
      webhookWith(stack.system.phoneNumberId, { messages: [message('text', { body: 'I want to talk to a human' }, { id, from })] }, from),
    );
    const task = await waitForStatus(id, 'escalated');

    const entry = () =>
      get('/escalations?status=open').then((r) => (r.data as Array<{ taskId: string; window: Record<string, unknown> }>).find((e) => e.taskId === task.id)!);
    const open = (await entry()).window as { applies: boolean; open: boolean; lastCustomerMessageAt: string; closesAt: string };
    expect(open).toMatchObject({ applies: true, open: true });
    expect(Date.parse(open.closesAt) - Date.parse(open.lastCustomerMessageAt)).toBe(WINDOW_MS);
    const detail = await get(`/agent-tasks/${task.id}`);
    expect(detail.window).toEqual(open);

    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(open.closesAt) - Date.now()) + 250));
    expect((await entry()).window).toEqual({ ...open, open: false });
    expect((await get(`/agent-tasks/${task.id}`)).window).toMatchObject({ applies: true, open: false, closesAt: open.closesAt });
  });

  it('when the window closes while a person works on the escalation, then the notice went as text and their reply goes as the template', async () => {
    const shop = await whatsappNamespace(stack, 'win', {
      escalation: { timeout: '60s' },
      whatsapp: { reengagementTemplate: { name: 'we_replied', language: 'en_US', parameters: ['{{reply}}'] } },
    });
    expect((await callApi(stack, 'PUT', `/namespaces/${shop.ns}/templates`, { name: 'we_replied', language: 'en_US', body: 'We replied: {{1}}' })).status).toBe(
      201,
    );
    const customer = shop.customer();
    const task = await waitForStatus(await customer.say('I want to talk to a human'), 'escalated');
    const { window } = await get(`/agent-tasks/${task.id}`);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse((window as { closesAt: string }).closesAt) - Date.now()) + 250));
    const replied = await callApi(stack, 'POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Found it!', agent: 'sam' });
    expect(replied.body.outcome).toMatchObject({ status: 'delivered', sent: true });
    expect(customer.received()).toEqual([
      { type: 'text', text: DEFAULT_HANDOFF_MESSAGE },
      { type: 'template', template: { name: 'we_replied', language: 'en_US', parameters: ['Found it!'] } },
    ]);
  });
});
