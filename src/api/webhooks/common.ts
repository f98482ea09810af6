/** What every webhook route shares: the raw body (signatures are over bytes), JSON parsing, the answer. */
import express, { type Request, type Response } from 'express';
import type { IngestSummary } from '../ingest';
import { badRequest, HttpError } from '../errors';

/** Contract: bodies over 1 MiB are answered 413. */
export const WEBHOOK_BODY_LIMIT = '1mb';

/** Keeps the exact bytes, whatever the content type says: signatures are computed over them. */
export const rawBody = () => express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

export function bytesOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** NUL (PostgreSQL stores it in neither text nor jsonb) and unpaired UTF-16 surrogates (not Unicode). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');
const storable = (s: string) => (UNSTORABLE.test(s) ? s.replace(UNSTORABLE_ALL, '\uFFFD') : s);

/**
 * A signed body is the customer's message and is kept: characters that cannot be stored become
 * U+FFFD (in keys too) instead of failing the insert, which the platform would retry forever.
 */
function storableJson(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return storable(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  if (!Object.keys(value).some((k) => UNSTORABLE.test(k))) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), v]));
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'), storableJson);
  } catch {
    throw badRequest('body is not valid JSON', 'invalid_json');
  }
}

/** Maps an adapter's payload error (the body is not what the platform sends) to 400. */
export function asBadRequest<T>(parse: () => T, PayloadError: new (...args: never[]) => Error): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof PayloadError) throw badRequest(err.message, 'invalid_payload');
    throw err;
  }
}

/** The counts of what a webhook carried; `extra` is the channel's own (Telegram's answer to a tapped button). */
export function sendSummary(res: Response, summary: IngestSummary, extra: Record<string, unknown> = {}): void {
  const rated = summary.ratings.filter((r) => r.counted).length;
  res.json({
    // Ratings of conversations counted (CSAT); only there when there were some.
    ...(rated > 0 ? { rated } : {}),
    ...extra,
    received: summary.tasks.length,
    duplicates: summary.duplicates,
    stored: summary.stored,
    statuses: summary.statuses,
    ignored: summary.ignored,
    rejected: summary.rejected,
  });
}

export const forbidden = (message: string) => new HttpError(403, 'verification_failed', message);
