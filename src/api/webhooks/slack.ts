/**
 * Slack Events API: `POST /webhooks/slack`. The v0 signature with its 5-minute window,
 * `url_verification`, and `event_callback` for mentions and direct messages; the same URL serves as
 * the Interactivity Request URL, for taps on the rating's buttons (`block_actions`, form-encoded). Redeliveries
 * (X-Slack-Retry-Num) are recognised by event_id. Slack wants an answer within 3 seconds,
 * so the workflow start is bounded well inside that; a slower start answers 503 and Slack's
 * retry finds the stored message. Through the one webhook handler (./handler).
 */
import type { Request } from 'express';
import { accountSecrets, ENV_ACCOUNT_ID } from '../../channels/accounts';
import {
  parseBlockActions,
  parseEnvelope,
  parseEvent,
  interactionPayload,
  SlackPayloadError,
  verifySlackSignature,
  type SlackEnvelope,
} from '../../channels/slack';
import type { Config } from '../../config';
import type { Database } from '../../db';
import { notFound, unauthorized } from '../errors';
import { findAccount, type ChannelAccount, type IngestDeps } from '../ingest';
import { asBadRequest, parseJson } from './common';
import { webhookRouter, type WebhookAdapter } from './handler';

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

type SlackRequest = { account: ChannelAccount; body: unknown; envelope: SlackEnvelope; eventId?: string };

export function slackAdapter({ db, config, log, startTimeoutMs }: SlackWebhookDeps): WebhookAdapter<SlackRequest> {
  return {
    channel: 'slack',
    path: '/',
    // The account is named inside the body, so the envelope is read before the signature is checked.
    async authenticate(req: Request, raw: Buffer) {
      const timestamp = req.get('x-slack-request-timestamp');
      const signature = req.get('x-slack-signature');
      if (!timestamp || !signature) throw unauthorized('X-Slack-Signature and X-Slack-Request-Timestamp are required');
      // Interactions (a tap on a button) come form-encoded to the same URL, their JSON in `payload`.
      const body = req.is('application/x-www-form-urlencoded')
        ? parseJson(Buffer.from(asBadRequest(() => interactionPayload(raw), SlackPayloadError)))
        : parseJson(raw);
      const envelope = asBadRequest(() => parseEnvelope(body), SlackPayloadError);
      const account =
        envelope.type === 'event_callback' || envelope.type === 'block_actions'
          ? await routeAccount(db, [envelope.teamId, envelope.apiAppId])
          : await routeAccount(db, []);
      if (!account) throw notFound('no slack account for this team or app');
      const verdict = verifySlackSignature(raw, timestamp, signature, accountSecrets(config, account).signingSecret);
      if (verdict === 'stale') throw unauthorized('X-Slack-Request-Timestamp is more than 5 minutes away from now');
      if (verdict !== 'ok') throw unauthorized('X-Slack-Signature does not match the body');
      return { account, body, envelope, ...(envelope.type === 'event_callback' ? { eventId: envelope.eventId } : {}) };
    },
    onRedelivery(req, { envelope }) {
      if (envelope.type !== 'event_callback') return;
      log.info(
        { channel: 'slack', eventId: envelope.eventId, retry: req.get('x-slack-retry-num'), reason: req.get('x-slack-retry-reason') },
        'slack redelivery',
      );
    },
    async read(req, { account, envelope }) {
      if (envelope.type === 'url_verification') return { kind: 'answer', body: { challenge: envelope.challenge } };
      if (envelope.type === 'other') {
        return {
          kind: 'ignored',
          eventKind: envelope.envelopeType,
          reason: `Slack request type ${envelope.envelopeType} is not served`,
          payload: envelope.raw,
        };
      }
      if (envelope.type === 'block_actions') {
        return {
          kind: 'messages',
          parsed: parseBlockActions(envelope, { accountExternalId: account.externalId }),
          eventKind: 'block_actions',
          startTimeoutMs: Math.min(startTimeoutMs ?? SLACK_START_TIMEOUT_MS, SLACK_START_TIMEOUT_MS),
        };
      }
      return {
        kind: 'messages',
        parsed: parseEvent(envelope, { accountExternalId: account.externalId }),
        eventKind: String(envelope.event.type ?? 'event'),
        payload: { retry: req.get('x-slack-retry-num') },
        startTimeoutMs: Math.min(startTimeoutMs ?? SLACK_START_TIMEOUT_MS, SLACK_START_TIMEOUT_MS),
      };
    },
  };
}

export const slackWebhook = (deps: SlackWebhookDeps) => webhookRouter(slackAdapter(deps), deps);
