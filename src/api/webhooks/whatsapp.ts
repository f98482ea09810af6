/**
 * WhatsApp Cloud API webhooks. Transport only: verify, parse, hand each message to the
 * ingest story, answer 200 once every message is stored and its workflow started.
 */
import express, { Router } from 'express';
import { parseWebhook, verifyHandshake, verifySignature, WhatsAppPayloadError } from '../../channels/whatsapp';
import type { Database } from '../../db';
import type { Logger } from '../../logger';
import { badRequest, HttpError, notFound, unauthorized } from '../errors';
import { acceptInbound, UnknownAccountError } from '../ingest';
import type { AgentTaskClient } from '../temporal-client';

export interface WhatsAppWebhookDeps {
  db: Database;
  tasks: AgentTaskClient;
  log: Logger;
  appSecret?: string;
  verifyToken?: string;
}

export const WEBHOOK_BODY_LIMIT = '1mb';

export function whatsappWebhook({ db, tasks, log, appSecret, verifyToken }: WhatsAppWebhookDeps): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const challenge = verifyHandshake(req.query as Record<string, unknown>, verifyToken);
    if (challenge === undefined) {
      throw new HttpError(403, 'verification_failed', 'hub.mode, hub.verify_token or hub.challenge is wrong');
    }
    res.type('text/plain').send(challenge);
  });

  router.post('/', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!appSecret) throw unauthorized('WhatsApp is not configured here (WHATSAPP_APP_SECRET is unset)');
    if (!verifySignature(rawBody, req.get('x-hub-signature-256'), appSecret)) {
      throw unauthorized('X-Hub-Signature-256 does not match the body');
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw badRequest('body is not valid JSON', 'invalid_json');
    }
    let parsed;
    try {
      parsed = parseWebhook(body);
    } catch (err) {
      if (err instanceof WhatsAppPayloadError) throw badRequest(err.message, 'invalid_payload');
      throw err;
    }

    const results = await Promise.allSettled(parsed.messages.map((m) => acceptInbound(db, tasks, m)));
    const unknown = results.flatMap((r) => (r.status === 'rejected' && r.reason instanceof UnknownAccountError ? [r.reason] : []));
    const failed = results.find((r) => r.status === 'rejected' && !(r.reason instanceof UnknownAccountError));
    if (failed && failed.status === 'rejected') throw failed.reason;
    if (unknown.length > 0) {
      log.warn({ channel: 'whatsapp', reason: unknown[0]!.message }, 'webhook for an unknown phone_number_id');
      throw notFound(unknown[0]!.message);
    }
    for (const status of parsed.statuses) {
      log.info({ channel: 'whatsapp', providerMessageId: status.providerMessageId, status: status.status }, 'status update');
    }
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    for (const a of accepted) log.info({ taskId: a.taskId, workflowId: a.workflowId, outcome: a.outcome }, 'inbound accepted');
    res.json({ received: accepted.length, statuses: parsed.statuses.length });
  });

  return router;
}
