/**
 * A rate limit per API key: a token bucket in memory per principal (key id, or "bootstrap"
 * for ADMIN_API_KEY) holding `perMinute` requests, refilled continuously at `perMinute` per
 * minute. Over the limit: 429 `rate_limited` with `Retry-After` (seconds). Mount it after
 * authentication. In memory: each API process counts on its own.
 */
import type { RequestHandler } from 'express';
import { principalId } from './auth';
import { HttpError } from './errors';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before full (idle) ones are dropped. */
const MAX_BUCKETS = 10_000;

export interface RateLimiter {
  /** Takes one request from `id`'s bucket: 0 when allowed, else the seconds until one is. */
  take(id: string, now?: number): number;
}

export function createRateLimiter(perMinute: number): RateLimiter {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  const level = (bucket: Bucket, now: number) => Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);

  return {
    take(id, now = Date.now()) {
      let bucket = buckets.get(id);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) {
          for (const [key, b] of buckets) if (level(b, now) >= perMinute) buckets.delete(key);
        }
        bucket = { tokens: perMinute, at: now };
        buckets.set(id, bucket);
      }
      bucket.tokens = level(bucket, now);
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000 - 1e-9));
    },
  };
}

/** The middleware; `perMinute` 0 turns the limit off. */
export function rateLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  const limiter = createRateLimiter(perMinute);
  return (req, _res, next) => {
    const retryAfter = req.principal ? limiter.take(principalId(req.principal)) : 0;
    if (retryAfter === 0) return next();
    next(
      new HttpError(429, 'rate_limited', `more than ${perMinute} requests a minute with this API key; retry in ${retryAfter} s`, {
        'retry-after': String(retryAfter),
      }),
    );
  };
}
