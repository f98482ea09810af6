/**
 * WhatsApp Cloud API error codes we act on, from Meta's error-code reference. Sends that
 * fail with a throttling or temporary code are retried; the rest are permanent, and the
 * reason a person reads says what happened in plain words.
 */

/** Codes that mean "slow down" or "try again later", not "this request is wrong". */
export const RETRYABLE_CODES = new Set([
  1, // API unknown (temporary)
  2, // API service: temporary downtime
  4, // app rate limit
  80007, // WhatsApp Business Account rate limit
  130429, // Cloud API throughput reached
  131000, // something went wrong (generic, retry)
  131016, // service unavailable
  131048, // spam rate limit
  131056, // pair rate limit: too many messages to this user
  133004, // server temporarily unavailable
]);

const REASONS: Record<number, string> = {
  190: 'the access token has expired or is invalid',
  368: 'the business account is temporarily blocked for policy violations',
  100: 'the request has an invalid parameter',
  130472: "the customer's number is part of an experiment and cannot receive this message",
  131008: 'a required parameter is missing',
  131009: 'a parameter value is not valid',
  131021: 'the recipient cannot be the sender',
  131026: 'the message is undeliverable: the recipient may not have WhatsApp, or has an old version',
  131031: 'the business account has been locked',
  131042: 'there is a payment problem with the business account',
  131045: 'the phone number is not registered',
  131047: 'more than 24 hours have passed since the customer last wrote: outside the customer service window, only a template message can be sent',
  131049: 'Meta chose not to deliver this message to keep engagement healthy',
  131050: 'the customer has stopped marketing messages from this business',
  131051: 'the message type is not supported',
  131052: 'the media could not be downloaded',
  131053: 'the media could not be uploaded',
};

export interface PlatformError {
  code?: number;
  title?: string;
  detail?: string;
}

/** One line a person can act on: "131047 (Re-engagement message): more than 24 hours ... — <Meta's details>". */
export function describeDeliveryFailure(errors: PlatformError[]): string {
  const first = errors[0];
  if (!first) return 'WhatsApp reported the message failed without saying why';
  const label = first.code !== undefined ? `${first.code}${first.title ? ` (${first.title})` : ''}` : (first.title ?? 'error');
  const reason = first.code !== undefined ? REASONS[first.code] : undefined;
  const parts = [reason, first.detail].filter((p): p is string => Boolean(p));
  return `WhatsApp error ${label}: ${parts.length > 0 ? parts.join(' — ') : 'no details given'}`;
}

export function reasonFor(code: number | undefined): string | undefined {
  return code === undefined ? undefined : REASONS[code];
}
