/**
 * Structured JSON logs (pino). Secrets and message bodies are redacted by path, so a
 * careless `log.info({ req })` cannot leak them.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-hub-signature-256"]',
  'headers["x-telegram-bot-api-secret-token"]',
  'headers["x-slack-signature"]',
  '*.token',
  '*.accessToken',
  '*.apiKey',
  '*.secret',
  '*.appSecret',
  'text',
  '*.text',
  'body',
  '*.body',
];

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'agent-tasks' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
