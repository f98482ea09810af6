/**
 * Slack Events API: `POST /webhooks/slack`. The v0 signature with its 5-minute window,
 * `url_verification`, and `event_callback` for mentions and direct messages. Redeliveries
 * (X-Slack-Retry-Num) are recognised by event_id. Slack wants an answer within 3 seconds,
 * so the workflow start is bounded well inside that; a slower start answers 503 and Slack's
 * retry finds the stored message.
 */
import { Router } from 'express';
import { accountSecrets, ENV_ACCOUNT_ID } from '../../channels/accounts';
import { parseEnvelope, parseEvent, SlackPayloadError, verifySlackSignature } from '../../channels/slack';
import type { Config } from '../../config';
import type { Database } from '../../db';
import { notFound, unauthorized } from '../errors';
import { findAccount, ingestParsed, recordEvent, seenEvent, type ChannelAccount, type IngestDeps } from '../ingest';
import { asBadRequest, bytesOf, parseJson, rawBody, sendSummary } from './common';

/** Slack retries a request it has no answer to after 3 s: keep the start well inside that. */
export const SLACK_START_TIMEOUT_MS = 2000;

export interface SlackWebhookDeps extends IngestDeps {
  config: Config;
}

/** Routed by team_id, then api_app_id; requests for neither go to the env-configured app. */
async function routeAccount(db: Database, ids: Array<string | undefined>): Promise<ChannelAccount | undefined> {
  for (const id of [...ids, ENV_ACCOUNT_ID]) {
    if (!id) continue;
    const account = await findAccount(db, 'slack', id);
    if (account) return account;
  }
  return undefined;
}

export function slackWebhook(deps: SlackWebhookDeps): Router {
  const router = Router();
  const { db, config, log } = deps;
  const startTimeoutMs = Math.min(deps.startTimeoutMs ?? SLACK_START_TIMEOUT_MS, SLACK_START_TIMEOUT_MS);

  router.post('/', rawBody(), async (req, res) => {
    const raw = bytesOf(req);
    const timestamp = req.get('x-slack-request-timestamp');
    const signature = req.get('x-slack-signature');
    if (!timestamp || !signature) throw unauthorized('X-Slack-Signature and X-Slack-Request-Timestamp are required');
    const envelope = asBadRequest(() => parseEnvelope(parseJson(raw)), SlackPayloadError);
    const account =
      envelope.type === 'event_callback'
        ? await routeAccount(db, [envelope.teamId, envelope.apiAppId])
        : await routeAccount(db, []);
    if (!account) throw notFound('no slack account for this team or app');
    const verdict = verifySlackSignature(raw, timestamp, signature, accountSecrets(config, account).signingSecret);
    if (verdict === 'stale') throw unauthorized('X-Slack-Request-Timestamp is more than 5 minutes away from now');
    if (verdict !== 'ok') throw unauthorized('X-Slack-Signature does not match the body');

    if (envelope.type === 'url_verification') {
      res.json({ challenge: envelope.challenge });
      return;
    }
    if (envelope.type === 'other') {
      await recordEvent(db, {
        channel: 'slack',
        channelAccountId: account.id,
        kind: envelope.envelopeType,
        outcome: 'ignored',
        reason: `Slack request type ${envelope.envelopeType} is not served`,
        payload: envelope.raw,
      });
      log.info({ channel: 'slack', type: envelope.envelopeType }, 'slack request ignored');
      res.json({ received: 0, duplicates: 0, stored: 0, statuses: 0, ignored: 1, rejected: 0 });
      return;
    }

    const retry = req.get('x-slack-retry-num');
    if (await seenEvent(db, account.id, envelope.eventId)) {
      log.info({ channel: 'slack', eventId: envelope.eventId, retry, reason: req.get('x-slack-retry-reason') }, 'slack redelivery');
      res.json({ received: 0, duplicates: 1, stored: 0, statuses: 0, ignored: 0, rejected: 0 });
      return;
    }
    const parsed = parseEvent(envelope, { accountExternalId: account.externalId });
    const summary = await ingestParsed({ ...deps, startTimeoutMs }, parsed);
    await recordEvent(db, {
      channel: 'slack',
      channelAccountId: account.id,
      eventId: envelope.eventId,
      kind: String(envelope.event.type ?? 'event'),
      outcome: summary.tasks.length > 0 ? 'task' : summary.stored > 0 ? 'stored' : 'ignored',
      payload: { tasks: summary.tasks.map((t) => t.taskId), retry },
    });
    sendSummary(res, summary);
  });

  return router;
}
