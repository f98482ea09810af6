/**
 * WhatsApp Cloud API webhooks: the GET verification handshake, and signed POSTs (X-Hub-Signature-256
 * over the raw body with the app secret) carrying messages and delivery statuses for one or more
 * phone numbers. Transport only, through the one webhook handler (./handler).
 */
import type { Request } from 'express';
import { parseWebhook, verifyHandshake, verifySignature, WhatsAppPayloadError } from '../../channels/whatsapp';
import { unauthorized } from '../errors';
import type { IngestDeps } from '../ingest';
import { asBadRequest, forbidden, parseJson } from './common';
import { webhookRouter, type WebhookAdapter } from './handler';

export interface WhatsAppWebhookDeps extends IngestDeps {
  appSecret?: string;
  verifyToken?: string;
}

export function whatsappAdapter({ appSecret, verifyToken }: Pick<WhatsAppWebhookDeps, 'appSecret' | 'verifyToken'>): WebhookAdapter {
  return {
    channel: 'whatsapp',
    path: '/',
    extraRoutes(router) {
      router.get('/', (req, res) => {
        const challenge = verifyHandshake(req.query as Record<string, unknown>, verifyToken);
        if (challenge === undefined) throw forbidden('hub.mode, hub.verify_token or hub.challenge is wrong');
        res.type('text/plain').send(challenge);
      });
    },
    // The batch names its phone numbers; ingest finds their accounts (404 for one we do not serve).
    async authenticate(req: Request, raw: Buffer) {
      if (!appSecret) throw unauthorized('WhatsApp is not configured here (WHATSAPP_APP_SECRET is unset)');
      if (!verifySignature(raw, req.get('x-hub-signature-256'), appSecret)) throw unauthorized('X-Hub-Signature-256 does not match the body');
      return { body: parseJson(raw) };
    },
    async read(_req, { body }) {
      return { kind: 'messages', parsed: asBadRequest(() => parseWebhook(body), WhatsAppPayloadError) };
    },
  };
}

export const whatsappWebhook = (deps: WhatsAppWebhookDeps) => webhookRouter(whatsappAdapter(deps), deps);
