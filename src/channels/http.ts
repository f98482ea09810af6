/** HTTP for outbound adapters: JSON over fetch, with timeouts and failure classification. */
import { ChannelSendError, type ChannelKind } from './types';

/** Network errors raised before any byte reached the server: the message was certainly not sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function postJson(channel: ChannelKind, url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<JsonResponse> {
  return requestJson(channel, url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export async function getJson(channel: ChannelKind, url: string, headers: Record<string, string>, timeoutMs: number): Promise<JsonResponse> {
  return requestJson(channel, url, { method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs) });
}

async function requestJson(channel: ChannelKind, url: string, init: RequestInit): Promise<JsonResponse> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    const code = networkErrorCode(err);
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    throw new ChannelSendError(`${channel} request failed: ${code ?? describe(err)}`, {
      channel,
      retryable: true,
      notSent,
      code,
    });
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { raw: text.slice(0, 500) };
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function networkErrorCode(err: unknown): string | undefined {
  if (err instanceof Error && err.name === 'TimeoutError') return 'ETIMEDOUT';
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
