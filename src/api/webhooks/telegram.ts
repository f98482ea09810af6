/**
 * Telegram Bot API webhooks: `POST /webhooks/telegram/:accountId`, one update per request.
 * The account comes from the path (the env-configured bot is `default`), the secret token is
 * checked timing-safe, a redelivered update_id is answered as a duplicate, and the update goes
 * through the one webhook handler (./handler) like every channel.
 */
import type { Request } from 'express';
import { accountSecrets, answersEdits } from '../../channels/accounts';
import { botIdFromToken, parseUpdate, TelegramPayloadError, type TelegramBot, type TelegramSender, verifySecretToken } from '../../channels/telegram';
import { isObject } from '../../channels/types';
import { eq } from 'drizzle-orm';
import { namespaceConfig } from '../../activities/drafting';
import type { Database } from '../../db';
import { csatSurveys } from '../../db/schema';
import { csatWording } from '../../namespaces/csat-wording';
import type { Config } from '../../config';
import { notFound, unauthorized, unavailable } from '../errors';
import { findAccount, type ChannelAccount, type IngestDeps } from '../ingest';
import { asBadRequest, parseJson } from './common';
import { webhookRouter, type WebhookAdapter } from './handler';

/** The toast for a tap on the choices of a rating question that has closed. */
export const RATING_CLOSED = 'This rating has closed. Thank you all the same!';

/** The namespace's thanks, in the language its question was asked in. */
async function thanksFor(db: Database, namespace: string, surveyId: string | undefined): Promise<string | undefined> {
  const csat = (await namespaceConfig(db, namespace)).csat;
  if (!csat || !surveyId) return csat?.thanks;
  const [survey] = await db.select({ language: csatSurveys.language }).from(csatSurveys).where(eq(csatSurveys.id, surveyId));
  return csatWording(csat, survey?.language ?? undefined).thanks;
}

export interface TelegramWebhookDeps extends IngestDeps {
  config: Config;
  sender: TelegramSender;
}

/** Only group messages need the bot's username (to see whether it was mentioned). */
function needsUsername(update: unknown): boolean {
  if (!isObject(update)) return false;
  const message = isObject(update.message) ? update.message : isObject(update.edited_message) ? update.edited_message : undefined;
  const chat = message && isObject(message.chat) ? message.chat : undefined;
  return chat?.type === 'group' || chat?.type === 'supergroup';
}

export function telegramAdapter({
  db,
  config,
  sender,
  log,
}: TelegramWebhookDeps): WebhookAdapter<{ account: ChannelAccount; body: unknown; eventId?: string }> {
  return {
    channel: 'telegram',
    path: '/:accountId',
    async authenticate(req: Request, raw: Buffer) {
      const accountId = String(req.params.accountId);
      const account = await findAccount(db, 'telegram', accountId);
      if (!account) throw notFound(`no telegram account with id ${accountId}`);
      const secrets = accountSecrets(config, account);
      if (!secrets.webhookSecret) {
        throw unauthorized(`telegram account ${accountId} has no webhook secret (TELEGRAM_WEBHOOK_SECRET); set one with setWebhook`);
      }
      if (!verifySecretToken(req.get('x-telegram-bot-api-secret-token'), secrets.webhookSecret)) {
        throw unauthorized('X-Telegram-Bot-Api-Secret-Token does not match');
      }
      const body = parseJson(raw);
      const eventId = isObject(body) && Number.isInteger(body.update_id) ? String(body.update_id) : undefined;
      return { account, body, eventId };
    },
    async read(_req, { account, body }) {
      const secrets = accountSecrets(config, account);
      const bot: TelegramBot = { id: botIdFromToken(secrets.token ?? '') ?? 0 };
      if (needsUsername(body) && secrets.token) {
        try {
          Object.assign(bot, await sender.getMe(secrets.token));
        } catch (err) {
          // Without the bot's name a group mention cannot be recognised: Telegram will redeliver.
          log.warn({ channel: 'telegram', err: err instanceof Error ? err.message : String(err) }, 'getMe failed');
          throw unavailable('could not reach Telegram to learn the bot username; the update will be redelivered');
        }
      }
      const parsed = asBadRequest(
        () => parseUpdate(body, { accountExternalId: account.externalId, bot, answerEdits: answersEdits(config, account) }),
        TelegramPayloadError,
      );
      return { kind: 'messages', parsed, eventKind: 'update' };
    },
    /**
     * A tapped rating button is answered in the webhook's reply (Bot API: a method in the response
     * body), so the button stops spinning and the customer sees the thanks; no task, no extra call.
     */
    async answerWith(summary, { account }) {
      const tap = summary.ratings.find((r) => r.externalId.startsWith('cbq:'));
      if (!tap) return undefined;
      const text = tap.counted ? await thanksFor(db, account.namespace, tap.surveyId) : RATING_CLOSED;
      return { method: 'answerCallbackQuery', callback_query_id: tap.externalId.slice('cbq:'.length), ...(text ? { text } : {}) };
    },
  };
}

export const telegramWebhook = (deps: TelegramWebhookDeps) => webhookRouter(telegramAdapter(deps), deps);
