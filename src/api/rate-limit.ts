/**
 * A rate limit per API key (or "bootstrap" for ADMIN_API_KEY): `perMinute` requests in each
 * minute's window, counted by express-rate-limit in the database (`api_rate_limits`), so every API
 * replica on one PostgreSQL shares one budget per key. Over the limit: 429 `rate_limited` with
 * `Retry-After` (seconds to the window's end). Mount it after authentication: a request without
 * a valid key is refused before it is counted.
 */
import type { RequestHandler } from 'express';
import { rateLimit as expressRateLimit, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { apiRateLimits } from '../db/schema';
import { principalId } from './auth';
import { HttpError } from './errors';

const WINDOW_MS = 60_000;
/** Windows that ended longer ago than this are deleted (at most once a minute, by whichever request comes). */
const KEEP_ENDED_MS = 60 * 60_000;

/**
 * express-rate-limit's store over the database: one atomic upsert per request, so replicas
 * counting the same key at once never lose a hit; the window's clock is the database's.
 */
export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = WINDOW_MS;
  private lastSweep = 0;

  constructor(
    private readonly db: Database,
    prefix = 'api:',
  ) {
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const id = this.prefix + key;
    const windowEnd = sql`now() + ${this.windowMs} * interval '1 millisecond'`;
    const ended = sql`${apiRateLimits.resetAt} <= now()`;
    const [row] = await this.db
      .insert(apiRateLimits)
      .values({ key: id, hits: 1, resetAt: windowEnd })
      .onConflictDoUpdate({
        target: apiRateLimits.key,
        set: {
          hits: sql`case when ${ended} then 1 else ${apiRateLimits.hits} + 1 end`,
          resetAt: sql`case when ${ended} then excluded.reset_at else ${apiRateLimits.resetAt} end`,
        },
      })
      .returning({ hits: apiRateLimits.hits, resetAt: apiRateLimits.resetAt });
    this.sweep();
    return { totalHits: row!.hits, resetTime: row!.resetAt };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [row] = await this.db
      .select({ hits: apiRateLimits.hits, resetAt: apiRateLimits.resetAt })
      .from(apiRateLimits)
      .where(and(eq(apiRateLimits.key, this.prefix + key), gt(apiRateLimits.resetAt, sql`now()`)));
    return row ? { totalHits: row.hits, resetTime: row.resetAt } : undefined;
  }

  async decrement(key: string): Promise<void> {
    await this.db
      .update(apiRateLimits)
      .set({ hits: sql`greatest(${apiRateLimits.hits} - 1, 0)` })
      .where(and(eq(apiRateLimits.key, this.prefix + key), gt(apiRateLimits.resetAt, sql`now()`)));
  }

  async resetKey(key: string): Promise<void> {
    await this.db.delete(apiRateLimits).where(eq(apiRateLimits.key, this.prefix + key));
  }

  /** Deletes long-ended windows in the background; a failure only leaves them for the next sweep. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = now;
    this.db
      .delete(apiRateLimits)
      .where(lt(apiRateLimits.resetAt, sql`now() - ${KEEP_ENDED_MS} * interval '1 millisecond'`))
      .then(
        () => undefined,
        () => undefined,
      );
  }
}

/** The middleware; `perMinute` 0 turns the limit off. `windowMs` is for tests. */
export function rateLimit(db: Database, perMinute: number, windowMs = WINDOW_MS): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return expressRateLimit({
    windowMs,
    limit: perMinute,
    store: new DatabaseRateLimitStore(db),
    skip: (req) => !req.principal,
    keyGenerator: (req) => principalId(req.principal!),
    standardHeaders: false,
    legacyHeaders: false,
    // A database error lets the request through: the limit must not add an outage of its own.
    passOnStoreError: true,
    // Keys are API keys, never addresses: the checks for IP-based keys do not apply.
    validate: { trustProxy: false, xForwardedForHeader: false, keyGeneratorIpFallback: false },
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
      next(
        new HttpError(429, 'rate_limited', `more than ${perMinute} requests a minute with this API key; retry in ${retryAfter} s`, {
          'retry-after': String(retryAfter),
        }),
      );
    },
  });
}
