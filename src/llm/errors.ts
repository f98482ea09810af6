/**
 * What went wrong talking to a model server, in the two kinds the pipeline acts on:
 * - LlmRetryableError: try again later (429, 408, 409, 5xx, connection errors, timeouts).
 *   `retryAfterMs` carries the server's `retry-after-ms` / `retry-after` when it sent one.
 * - LlmRejectedError: the server refused this request for good (400, 401, 403, 404, 422 and
 *   other 4xx); retrying the same request cannot help. Non-retryable for Temporal.
 * Messages carry the status and the server's own message, with API keys redacted; the
 * client's error is not kept as `cause`, so nothing unredacted reaches a workflow history.
 *
 * This file imports nothing, so src/errors.ts (which workflows import) may re-export from it.
 * The classification of the `openai` client's errors lives in ./openai-errors.
 */
export class LlmRetryableError extends Error {
  override name = 'LlmRetryableError';
  constructor(
    message: string,
    /** How long the server asked us to wait, when it said. */
    readonly retryAfterMs?: number,
    /** The HTTP status; undefined for connection errors and timeouts. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export class LlmRejectedError extends Error {
  override name = 'LlmRejectedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** `retry-after-ms` (milliseconds) wins over `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Removes the given secrets and anything shaped like an API key or a bearer token. */
export function redact(text: string, secrets: Array<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-[redacted]').replace(/\b(Bearer\s+)[^\s"',]+/gi, '$1[redacted]');
}
