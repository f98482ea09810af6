/**
 * End to end: a signed WhatsApp webhook over real HTTP → stored message → AgentTaskWorkflow
 * on the real dev server → a reply at the local fake Graph API over real HTTP.
 */
import { eq } from 'drizzle-orm';
import { json } from '../helpers/http';
import { taskLookups } from '../helpers/tasks';
import { describe, expect, it } from 'vitest';
import { agentTasks, agentToolCalls, messages, outboundDeliveries } from '../../src/db/schema';
import { DB_KINDS, useTestSystem } from '../helpers/system';
import { postWebhook, textMessageWebhook, VERIFY_TOKEN, wamid } from '../../testkit/whatsapp';

describe.each(DB_KINDS)('WhatsApp webhook to reply, on %s', (kind) => {
  const stack = useTestSystem(kind);

  const { taskOf: taskFor } = taskLookups(stack);

  it('when a signed text webhook arrives, then the customer gets exactly one reply on WhatsApp', async () => {
    const id = wamid();
    const before = stack.graph.sent().length;
    const res = await postWebhook(
      stack.system.url!,
      textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, from: '4915112345678', text: 'hello' }),
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ received: 1, duplicates: 0, stored: 0, statuses: 0, ignored: 0, rejected: 0 });

    // 200 means stored and started: both are true the moment the answer arrives.
    const task = await taskFor(id);
    expect(task).toBeDefined();
    expect(task!.workflowId).toBe(`agent-task:default:whatsapp:${id}`);
    const description = await stack.system.client.workflow.getHandle(task!.workflowId).describe();
    expect(description.type).toBe('AgentTaskWorkflow');

    const [reply] = (await stack.graph.waitForSent(before + 1)).slice(before);
    expect(reply!.path).toBe(`/v21.0/${stack.system.phoneNumberId}/messages`);
    expect(reply!.headers.authorization).toBe('Bearer test-access-token');
    expect(reply!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: '4915112345678',
      type: 'text',
      text: { body: 'Hello! How can I help you today?' },
      context: { message_id: id },
    });

    const result = await stack.system.client.workflow.getHandle(task!.workflowId).result();
    expect(result).toMatchObject({ status: 'delivered', route: 'deliver' });
    const stored = await taskFor(id);
    expect(stored).toMatchObject({ status: 'delivered', route: 'deliver', draft: 'Hello! How can I help you today?' });
    expect(stored!.finishedAt).toBeInstanceOf(Date);

    const calls = await stack.database.db.select().from(agentToolCalls).where(eq(agentToolCalls.taskId, task!.id));
    expect(calls.map((c) => c.name).sort()).toEqual(['confidence_check', 'deliver', 'generate', 'inject_profile', 'rag_search']);
    expect(calls.every((c) => c.status === 'succeeded' && c.attempt === 1 && c.finishedAt)).toBe(true);

    const deliveries = await stack.database.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.taskId, task!.id));
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 'sent', part: 0, providerMessageId: expect.stringMatching(/^wamid\.fake\./) });
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.graph.sent().length).toBe(before + 1);
  });

  it('when the same webhook is redelivered, then it is answered 200 and nothing new starts or is sent', async () => {
    const id = wamid();
    const body = textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, text: 'hi' });
    const before = stack.graph.sent().length;
    expect((await postWebhook(stack.system.url!, body)).status).toBe(200);
    const task = await taskFor(id);
    await stack.system.client.workflow.getHandle(task!.workflowId).result();

    for (let i = 0; i < 3; i += 1) {
      const again = await postWebhook(stack.system.url!, body);
      expect(again.status).toBe(200);
    }
    const tasks = await stack.database.db.select().from(agentTasks).where(eq(agentTasks.workflowId, task!.workflowId));
    expect(tasks).toHaveLength(1);
    const runs = [];
    for await (const wf of stack.system.client.workflow.list({ query: `WorkflowId = '${task!.workflowId}'` })) runs.push(wf);
    expect(runs).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.graph.sent().length).toBe(before + 1);
  });
});

describe('WhatsApp webhook input handling', () => {
  const stack = useTestSystem('postgres');

  const countMessages = async (externalId: string) => (await stack.database.db.select().from(messages).where(eq(messages.externalId, externalId))).length;

  it('when Meta verifies the webhook with the right token, then the challenge is echoed', async () => {
    const ok = await fetch(`${stack.system.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${stack.system.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(bad.status).toBe(403);
    expect((await json(bad)).error.code).toBe('verification_failed');
  });

  it('when the signature is wrong or missing, then 401 and nothing is stored', async () => {
    const id = wamid();
    const body = textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id });
    const wrong = await postWebhook(stack.system.url!, body, { secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.code).toBe('unauthorized');
    const missing = await postWebhook(stack.system.url!, body, { signature: '' });
    expect(missing.status).toBe(401);
    expect(await countMessages(id)).toBe(0);
  });

  it('when a signed body is not JSON or not a WhatsApp payload, then 400 with a clear error', async () => {
    const broken = await postWebhook(stack.system.url!, '{"object": "whatsapp_business_account", ');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe('invalid_json');
    const wrongShape = await postWebhook(stack.system.url!, { object: 'page', entry: [] });
    expect(wrongShape.status).toBe(400);
    expect((await json(wrongShape)).error).toMatchObject({ code: 'invalid_payload', message: expect.stringContaining('whatsapp_business_account') });
  });

  it('when the body is over 1 MiB, then 413', async () => {
    const body = textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, text: 'x'.repeat(1024 * 1024 + 10) });
    const res = await postWebhook(stack.system.url!, body);
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('payload_too_large');
  });

  it('when the phone_number_id belongs to no account, then 404 and nothing is stored', async () => {
    const id = wamid();
    const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId: '999000111', id }));
    expect(res.status).toBe(404);
    expect((await json(res)).error.message).toContain('999000111');
    expect(await countMessages(id)).toBe(0);
  });

  it('when only status updates arrive, then they are acknowledged with 200 and start nothing', async () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: stack.system.phoneNumberId },
                statuses: [{ id: wamid(), status: 'delivered', timestamp: '1749416400', recipient_id: '16315551181' }],
              },
            },
          ],
        },
      ],
    };
    const res = await postWebhook(stack.system.url!, body);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ received: 0, statuses: 1 });
  });
});
