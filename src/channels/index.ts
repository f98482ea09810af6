/** Outbound adapters for the channels this process has credentials for. */
import type { Config } from '../config';
import type { ChannelSenders } from '../activities';
import { createWhatsAppSender } from './whatsapp';

export function createSenders(config: Config): ChannelSenders {
  const { whatsapp } = config;
  return {
    whatsapp: createWhatsAppSender({
      apiBaseUrl: whatsapp.apiBaseUrl,
      accessTokenFor: (phoneNumberId) =>
        phoneNumberId === whatsapp.phoneNumberId ? whatsapp.accessToken : undefined,
      timeoutMs: config.channelHttpTimeoutMs,
    }),
  };
}
