/**
 * Structured JSON logs (pino). Secrets, message bodies and customers' words are redacted by
 * path, so a careless `log.info({ req })` cannot leak them; the code logs ids, never texts.
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
  // What a customer wrote or is called, under the names the code uses for it.
  'draft',
  '*.draft',
  'question',
  '*.question',
  'firstWords',
  '*.firstWords',
  'displayName',
  '*.displayName',
  // A database error's detail and parameters quote the row's values (a phone number, a message).
  'err.detail',
  'err.parameters',
  'err.query',
  'err.where',
  '*.err.detail',
  '*.err.parameters',
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
