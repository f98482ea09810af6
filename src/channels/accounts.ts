/**
 * Channel accounts and their secrets. Accounts live in the database and belong to a
 * namespace; the env-configured ones (contract: WHATSAPP_*, TELEGRAM_*, SLACK_*) are
 * upserted into `default` at start with `settings.source = 'env'`, and their secrets stay
 * in the environment. Accounts added for other namespaces keep theirs in
 * `settings.secrets`. Secrets are never logged or put into workflow payloads.
 */
import type { Config } from '../config';
import { isObject, str, type ChannelKind } from './types';

/** The env-configured Telegram bot and Slack app are the account `default`. */
export const ENV_ACCOUNT_ID = 'default';

export interface AccountSecrets {
  /** WhatsApp access token, Telegram bot token, Slack bot token. */
  token?: string;
  /** WhatsApp app secret (X-Hub-Signature-256). */
  appSecret?: string;
  /** Telegram webhook secret (X-Telegram-Bot-Api-Secret-Token). */
  webhookSecret?: string;
  /** Slack signing secret (X-Slack-Signature). */
  signingSecret?: string;
}

export interface AccountRef {
  channel: string;
  externalId: string;
  settings: Record<string, unknown>;
}

/** The env accounts this configuration defines: what bootstrap upserts into `default`. */
export function envAccounts(config: Config): Array<{ channel: ChannelKind; externalId: string; displayName: string }> {
  const accounts: Array<{ channel: ChannelKind; externalId: string; displayName: string }> = [];
  if (config.whatsapp.phoneNumberId) {
    accounts.push({ channel: 'whatsapp', externalId: config.whatsapp.phoneNumberId, displayName: 'WhatsApp (env)' });
  }
  if (config.telegram.botToken) {
    accounts.push({ channel: 'telegram', externalId: ENV_ACCOUNT_ID, displayName: 'Telegram (env)' });
  }
  if (config.slack.signingSecret || config.slack.botToken) {
    accounts.push({ channel: 'slack', externalId: ENV_ACCOUNT_ID, displayName: 'Slack (env)' });
  }
  return accounts;
}

export function accountSecrets(config: Config, account: AccountRef): AccountSecrets {
  if (account.settings.source === 'env') {
    switch (account.channel) {
      case 'whatsapp':
        return { token: config.whatsapp.accessToken, appSecret: config.whatsapp.appSecret };
      case 'telegram':
        return { token: config.telegram.botToken, webhookSecret: config.telegram.webhookSecret };
      case 'slack':
        return { token: config.slack.botToken, signingSecret: config.slack.signingSecret };
      default:
        return {};
    }
  }
  const secrets = isObject(account.settings.secrets) ? account.settings.secrets : {};
  return {
    token: str(secrets.token),
    appSecret: str(secrets.appSecret),
    webhookSecret: str(secrets.webhookSecret),
    signingSecret: str(secrets.signingSecret),
  };
}

/** Telegram: answer edited messages as new questions (default: record them, do not answer). */
export function answersEdits(config: Config, account: AccountRef): boolean {
  if (account.settings.source === 'env') return config.telegram.answerEdits;
  return account.settings.answerEdits === true;
}
