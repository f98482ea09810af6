/** A namespace of a test's own with a WhatsApp number, and customers who write to it. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { channelAccounts, namespaces } from '../../src/db/schema';
import type { NamespaceConfigInput } from '../../src/namespaces/config';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';
import { ADMIN_KEY, type TestStack } from './system';

export interface Customer {
  from: string;
  /** Writes `text`; `agoMs`: as if written that long ago (the platform's timestamp). */
  say(text: string, agoMs?: number): Promise<string>;
  /** What the fake Graph API was asked to send them: the text, or the filled template's parameters. */
  received(): Array<{ type: string; text?: string; template?: { name: string; language: string; parameters: string[] } }>;
}

export async function whatsappNamespace(stack: TestStack, prefix: string, config: NamespaceConfigInput) {
  const ns = `${prefix}-${randomUUID().slice(0, 8)}`;
  const phoneNumberId = `7${Math.floor(Math.random() * 1e13)}`;
  await stack.database.db.insert(namespaces).values({ name: ns, config });
  await stack.database.db.insert(channelAccounts).values({ namespace: ns, channel: 'whatsapp', externalId: phoneNumberId, settings: { source: 'env' } });
  const customer = (name = 'Kerry Fisher'): Customer => {
    const from = `4479${Math.floor(Math.random() * 1e8)}`;
    return {
      from,
      async say(text, agoMs = 0) {
        const id = wamid();
        const timestamp = Math.floor((Date.now() - agoMs) / 1000);
        const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id, from, text, timestamp, name }));
        expect(res.status).toBe(200);
        return id;
      },
      received: () =>
        stack.graph
          .sent()
          .filter((r) => r.body.to === from)
          .map((r) =>
            r.body.type === 'template'
              ? {
                  type: 'template',
                  template: {
                    name: r.body.template.name,
                    language: r.body.template.language.code,
                    parameters: (r.body.template.components?.[0]?.parameters ?? []).map((p: { text: string }) => p.text),
                  },
                }
              : r.body.type === 'interactive'
                ? { type: 'interactive', text: r.body.interactive.body.text as string }
                : { type: r.body.type, text: r.body.text.body as string },
          ),
    };
  };
  return { ns, phoneNumberId, customer };
}

/** A call to the API with the admin key (or `key`); the parsed body, or null. */
export async function callApi(stack: TestStack, method: string, path: string, body?: unknown, key = ADMIN_KEY) {
  const res = await fetch(`${stack.system.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}
