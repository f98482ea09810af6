/** Webhook bodies in the shape of Meta's documented examples, signed like Meta signs them. */
import { randomUUID } from 'node:crypto';
import { signBody } from '../src/channels/whatsapp';

export const APP_SECRET = 'test-app-secret';
export const VERIFY_TOKEN = 'test-verify-token';

export interface TextMessage {
  phoneNumberId: string;
  from?: string;
  name?: string;
  id?: string;
  text?: string;
  timestamp?: number;
}

export function wamid(): string {
  return `wamid.HBgL${randomUUID().replace(/-/g, '').toUpperCase()}`;
}

export function textMessageWebhook(m: TextMessage) {
  const from = m.from ?? '16315551181';
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: m.phoneNumberId },
              contacts: [{ profile: { name: m.name ?? 'Kerry Fisher' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: m.id ?? wamid(),
                  timestamp: String(m.timestamp ?? Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: m.text ?? 'Does it come in another color?' },
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

export async function postWebhook(
  baseUrl: string,
  body: unknown,
  options: { secret?: string; signature?: string; contentType?: string } = {},
): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${baseUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-hub-signature-256': options.signature ?? signBody(raw, options.secret ?? APP_SECRET),
    },
    body: raw,
  });
}

/** A webhook body carrying any messages and statuses for one phone number id. */
export function webhookWith(phoneNumberId: string, items: { messages?: unknown[]; statuses?: unknown[] }, from = '16315551181') {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: from }],
              ...(items.messages ? { messages: items.messages } : {}),
              ...(items.statuses ? { statuses: items.statuses } : {}),
            },
          },
        ],
      },
    ],
  };
}

/** One inbound message of any type, in Meta's shape. */
export function message(type: string, part: unknown, options: { id?: string; from?: string; context?: unknown } = {}) {
  return {
    from: options.from ?? '16315551181',
    id: options.id ?? wamid(),
    timestamp: String(Math.floor(Date.now() / 1000)),
    type,
    ...(part === undefined ? {} : { [type]: part }),
    ...(options.context ? { context: options.context } : {}),
  };
}

export function status(id: string, value: string, extra: Record<string, unknown> = {}) {
  return { id, status: value, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '16315551181', ...extra };
}
