/**
 * WhatsApp Cloud API webhooks. Transport only: verify, parse, hand the batch to the ingest
 * story, answer 200 once every message is stored and its workflow started.
 */
import { Router } from 'express';
import { parseWebhook, verifyHandshake, verifySignature, WhatsAppPayloadError } from '../../channels/whatsapp';
import { notFound, unauthorized } from '../errors';
import { ingestParsed, UnknownAccountError, type IngestDeps } from '../ingest';
import { asBadRequest, bytesOf, forbidden, parseJson, rawBody, sendSummary } from './common';

export interface WhatsAppWebhookDeps extends IngestDeps {
  appSecret?: string;
  verifyToken?: string;
}

export function whatsappWebhook(deps: WhatsAppWebhookDeps): Router {
  const router = Router();
  const { appSecret, verifyToken, log } = deps;

  router.get('/', (req, res) => {
    const challenge = verifyHandshake(req.query as Record<string, unknown>, verifyToken);
    if (challenge === undefined) throw forbidden('hub.mode, hub.verify_token or hub.challenge is wrong');
    res.type('text/plain').send(challenge);
  });

  router.post('/', rawBody(), async (req, res) => {
    const raw = bytesOf(req);
    if (!appSecret) throw unauthorized('WhatsApp is not configured here (WHATSAPP_APP_SECRET is unset)');
    if (!verifySignature(raw, req.get('x-hub-signature-256'), appSecret)) {
      throw unauthorized('X-Hub-Signature-256 does not match the body');
    }
    const parsed = asBadRequest(() => parseWebhook(parseJson(raw)), WhatsAppPayloadError);
    try {
      sendSummary(res, await ingestParsed(deps, parsed));
    } catch (err) {
      if (!(err instanceof UnknownAccountError)) throw err;
      log.warn({ channel: 'whatsapp', reason: err.message }, 'webhook for an unknown phone_number_id');
      throw notFound(err.message);
    }
  });

  return router;
}
