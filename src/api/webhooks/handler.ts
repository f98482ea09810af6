/**
 * The one webhook handler every channel goes through. A channel supplies an adapter that knows
 * its platform: how a request proves it is the platform's (signature, secret token) and for which
 * of our accounts, the id that recognises a redelivery, and what the body asks for. The handler
 * does the rest the same way for all: raw body, the adapter's checks, the redelivery check
 * before any other work, the ingest story, the recorded event, the answer.
 *
 *   POST /webhooks/<channel><adapter.path>
 *     authenticate → (event id seen before? → duplicate) → read → answer | ignored | ingest → summary
 */
import { Router, type Request } from 'express';
import type { ChannelKind, ParsedInbound } from '../../channels/types';
import { notFound } from '../errors';
import { ingestParsed, recordEvent, seenEvent, UnknownAccountError, type ChannelAccount, type IngestDeps, type IngestSummary } from '../ingest';
import { bytesOf, rawBody, sendSummary } from './common';

/** A request the adapter has verified: the account it is for (when the platform names one) and its JSON. */
export interface Authenticated {
  account?: ChannelAccount;
  body: unknown;
  /** The platform's id of this delivery, to recognise a redelivery (Telegram's update_id, Slack's event_id). */
  eventId?: string;
}

/** What a verified request asks for. */
export type WebhookReading =
  /** A handshake answered as it is (Slack's url_verification). */
  | { kind: 'answer'; body: unknown }
  /** A request type we do not serve: recorded and answered 200 so the platform does not retry. */
  | { kind: 'ignored'; eventKind: string; reason: string; payload: unknown }
  /** Messages, statuses and changes to ingest; `eventKind` and `payload` go on the recorded event. */
  | { kind: 'messages'; parsed: ParsedInbound; eventKind?: string; payload?: Record<string, unknown>; startTimeoutMs?: number };

export interface WebhookAdapter<A extends Authenticated = Authenticated> {
  channel: ChannelKind;
  /** The route under /webhooks/<channel>: `/` or `/:accountId`. */
  path: string;
  /** 401 or 404 (thrown) unless the request is the platform's, for an account we serve. */
  authenticate(req: Request, raw: Buffer): Promise<A>;
  /** What the request asks for; a body that is not what the platform sends is a 400 (thrown). */
  read(req: Request, request: A): Promise<WebhookReading>;
  /** Told when a redelivery is answered as a duplicate. */
  onRedelivery?(req: Request, request: A): void;
  /** Fields of the channel's own to answer with, once ingested (Telegram answers a tapped rating button in its reply). */
  answerWith?(summary: IngestSummary, request: A): Promise<Record<string, unknown> | undefined>;
  /** Routes of the channel's own besides the POST (WhatsApp's verification handshake). */
  extraRoutes?(router: Router): void;
}

const answered = (counts: Partial<Record<'duplicates' | 'ignored', number>>) => ({
  received: 0,
  duplicates: counts.duplicates ?? 0,
  stored: 0,
  statuses: 0,
  ignored: counts.ignored ?? 0,
  rejected: 0,
});

export function webhookRouter<A extends Authenticated>(adapter: WebhookAdapter<A>, deps: IngestDeps): Router {
  const router = Router();
  const { db, log } = deps;
  adapter.extraRoutes?.(router);

  router.post(adapter.path, rawBody(), async (req, res) => {
    const request = await adapter.authenticate(req, bytesOf(req));
    const { account, eventId } = request;
    if (account && eventId && (await seenEvent(db, account.id, eventId))) {
      adapter.onRedelivery?.(req, request);
      res.json(answered({ duplicates: 1 }));
      return;
    }
    const reading = await adapter.read(req, request);
    if (reading.kind === 'answer') {
      res.json(reading.body);
      return;
    }
    if (reading.kind === 'ignored') {
      await recordEvent(db, {
        channel: adapter.channel,
        channelAccountId: account?.id,
        kind: reading.eventKind,
        outcome: 'ignored',
        reason: reading.reason,
        payload: reading.payload,
      });
      log.info({ channel: adapter.channel, type: reading.eventKind }, `${adapter.channel} request ignored`);
      res.json(answered({ ignored: 1 }));
      return;
    }
    let summary;
    try {
      summary = await ingestParsed({ ...deps, startTimeoutMs: reading.startTimeoutMs ?? deps.startTimeoutMs }, reading.parsed);
    } catch (err) {
      if (!(err instanceof UnknownAccountError)) throw err;
      log.warn({ channel: adapter.channel, reason: err.message }, 'webhook for an unknown account');
      throw notFound(err.message);
    }
    if (account && eventId) {
      await recordEvent(db, {
        channel: adapter.channel,
        channelAccountId: account.id,
        eventId,
        kind: reading.eventKind ?? 'event',
        outcome: summary.tasks.length > 0 ? 'task' : summary.stored > 0 ? 'stored' : 'ignored',
        payload: { tasks: summary.tasks.map((t) => t.taskId), ...reading.payload },
      });
    }
    sendSummary(res, summary, await adapter.answerWith?.(summary, request));
  });

  return router;
}
