/** Reading retry hints and keeping secrets out of error messages. */
import { describe, expect, it } from 'vitest';
import { redact, retryAfterMs } from '../../src/llm/errors';

describe('retryAfterMs', () => {
  it('when the server sends seconds, milliseconds or a date, then the wait is in milliseconds', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250.2', 'retry-after': '9' }))).toBe(251);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now)).toBe(0);
  });

  it('when there is no usable hint, then there is no wait', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});

describe('redact', () => {
  it('when a message holds the key or anything key-shaped, then it is replaced', () => {
    expect(redact('bad key my-proxy-secret-42 here', ['my-proxy-secret-42'])).toBe('bad key [redacted] here');
    expect(redact('Incorrect API key provided: sk-proj-abc123def456.')).toBe('Incorrect API key provided: sk-[redacted].');
    expect(redact('header Authorization: Bearer abc.def-ghi')).toBe('header Authorization: Bearer [redacted]');
  });
});
