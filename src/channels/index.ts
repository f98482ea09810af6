/** The outbound adapters of every channel, and where each account's secrets come from. */
import type { Config } from '../config';
import { accountSecrets, type AccountRef, type AccountSecrets } from './accounts';
import { createSlackSender } from './slack';
import { createTelegramSender, type TelegramSender } from './telegram';
import type { ChannelKind, ChannelSender } from './types';
import { createWhatsAppSender, type WhatsAppSender } from './whatsapp';

export type ChannelSenders = Partial<Record<ChannelKind, ChannelSender>>;

export interface Channels {
  senders: ChannelSenders;
  secrets(account: AccountRef): AccountSecrets;
}

export interface ConfiguredSenders extends ChannelSenders {
  whatsapp: WhatsAppSender;
  telegram: TelegramSender;
  slack: ChannelSender;
}

export function createSenders(config: Config): ConfiguredSenders {
  const timeoutMs = config.channelHttpTimeoutMs;
  return {
    whatsapp: createWhatsAppSender({ apiBaseUrl: config.whatsapp.apiBaseUrl, timeoutMs }),
    telegram: createTelegramSender({ apiBaseUrl: config.telegram.apiBaseUrl, timeoutMs }),
    slack: createSlackSender({ apiBaseUrl: config.slack.apiBaseUrl, timeoutMs }),
  };
}

export function createChannels(config: Config, senders: ChannelSenders = createSenders(config)): Channels {
  return { senders, secrets: (account) => accountSecrets(config, account) };
}
