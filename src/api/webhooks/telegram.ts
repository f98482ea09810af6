/**
 * Telegram Bot API webhooks: `POST /webhooks/telegram/:accountId`, one update per request.
 * The account comes from the path (the env-configured bot is `default`), the secret token
 * is checked timing-safe, and the update goes through the same ingest story as every channel.
 */
import { Router } from 'express';
import { accountSecrets, answersEdits } from '../../channels/accounts';
import {
  botIdFromToken,
  parseUpdate,
  TelegramPayloadError,
  type TelegramBot,
  type TelegramSender,
  verifySecretToken,
} from '../../channels/telegram';
import { isObject } from '../../channels/types';
import type { Config } from '../../config';
import { notFound, unauthorized, unavailable } from '../errors';
import { findAccount, ingestParsed, recordEvent, seenEvent, type IngestDeps } from '../ingest';
import { asBadRequest, bytesOf, parseJson, rawBody, sendSummary } from './common';

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

export function telegramWebhook(deps: TelegramWebhookDeps): Router {
  const router = Router();
  const { db, config, sender, log } = deps;

  router.post('/:accountId', rawBody(), async (req, res) => {
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
    const update = parseJson(bytesOf(req));
    const updateId = isObject(update) && Number.isInteger(update.update_id) ? String(update.update_id) : undefined;
    if (updateId && (await seenEvent(db, account.id, updateId))) {
      res.json({ received: 0, duplicates: 1, stored: 0, statuses: 0, ignored: 0, rejected: 0 });
      return;
    }

    const bot: TelegramBot = { id: botIdFromToken(secrets.token ?? '') ?? 0 };
    if (needsUsername(update) && secrets.token) {
      try {
        Object.assign(bot, await sender.getMe(secrets.token));
      } catch (err) {
        // Without the bot's name a group mention cannot be recognised: Telegram will redeliver.
        log.warn({ channel: 'telegram', err: err instanceof Error ? err.message : String(err) }, 'getMe failed');
        throw unavailable('could not reach Telegram to learn the bot username; the update will be redelivered');
      }
    }
    const parsed = asBadRequest(
      () => parseUpdate(update, { accountExternalId: accountId, bot, answerEdits: answersEdits(config, account) }),
      TelegramPayloadError,
    );
    const summary = await ingestParsed(deps, parsed);
    if (updateId) {
      await recordEvent(db, {
        channel: 'telegram',
        channelAccountId: account.id,
        eventId: updateId,
        kind: 'update',
        outcome: summary.tasks.length > 0 ? 'task' : summary.stored > 0 ? 'stored' : 'ignored',
        payload: { tasks: summary.tasks.map((t) => t.taskId) },
      });
    }
    sendSummary(res, summary);
  });

  return router;
}
