/** Classifies failures of the `openai` client into LlmRetryableError / LlmRejectedError (see ./errors). */
import { APIConnectionTimeoutError, APIError } from 'openai';
import { LlmRejectedError, LlmRetryableError, redact, retryAfterMs } from './errors';

/** Besides 5xx: request timeout, conflict, rate limit (the statuses the client itself would retry). */
const RETRYABLE_STATUS = new Set([408, 409, 429]);
const MAX_DETAIL = 500;

/** "fetch failed (ECONNREFUSED)": the innermost message and the first system error code found. */
function describeCause(error: Error): string {
  let message = error.message;
  let code: string | undefined;
  let current: unknown = error.cause;
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    message = current.message || message;
    const errno = (current as { code?: unknown }).code;
    if (!code && typeof errno === 'string') code = errno;
    current = current.cause;
  }
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * Turns a failure of the `openai` client into LlmRetryableError or LlmRejectedError.
 * Anything that is not a client error (a bug of ours) is returned unchanged.
 */
export function classifyLlmError(error: unknown, options: { secrets?: Array<string | undefined>; timeoutMs?: number } = {}): unknown {
  if (!(error instanceof APIError)) return error;
  const clean = (text: string) => {
    const redacted = redact(text, options.secrets);
    return redacted.length > MAX_DETAIL ? `${redacted.slice(0, MAX_DETAIL)}…` : redacted;
  };
  if (error instanceof APIConnectionTimeoutError) {
    const within = options.timeoutMs === undefined ? '' : ` within ${options.timeoutMs} ms`;
    return new LlmRetryableError(`the model server did not answer${within}`);
  }
  const status = error.status;
  if (status === undefined) {
    // APIConnectionError (refused, reset, DNS) or an aborted request.
    return new LlmRetryableError(`could not reach the model server: ${clean(describeCause(error))}`);
  }
  const detail = clean(error.message.replace(new RegExp(`^${status}\\s*`), ''));
  const code = error.code ? ` (${error.code})` : '';
  const message = `the model server answered ${status}${code}: ${detail}`;
  if (status >= 500 || RETRYABLE_STATUS.has(status)) {
    return new LlmRetryableError(message, retryAfterMs(error.headers), status);
  }
  return new LlmRejectedError(message, status);
}
