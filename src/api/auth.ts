/**
 * Bearer authentication for /api/v1 and the live feed: the bootstrap ADMIN_API_KEY, or a key
 * created through /api/v1/api-keys (stored only as its SHA-256 hash, usable until revoked).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { RequestHandler } from 'express';
import type { Database } from '../db';
import { apiKeys, type ApiKeyRole } from '../db/schema';
import { HttpError, unauthorized } from './errors';

export interface Principal {
  /** admin: everything; operator: everything in its namespace; agent: its namespace's escalations and approvals. */
  role: ApiKeyRole;
  /** undefined: every namespace (admin keys). */
  namespace?: string;
  /** The api_keys row; undefined for the bootstrap ADMIN_API_KEY. */
  keyId?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** What stored keys start with, so that a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'atk_';
/** Characters of a key kept in clear (`prefix`), to tell keys apart in a list. */
export const KEY_PREFIX_LENGTH = 8;
/** lastUsedAt is written at most this often per key. */
const LAST_USED_RESOLUTION = sql`interval '1 minute'`;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The hex SHA-256 a key is stored as. */
export const hashApiKey = (key: string) => digest(key).toString('hex');

/** A new key: `atk_` and 32 random bytes, base64url. */
export const generateApiKey = () => `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

/** Who made a request, for records and the rate limit: the key id, or "bootstrap" for ADMIN_API_KEY. */
export const principalId = (principal: Principal) => principal.keyId ?? 'bootstrap';

/** 401 without a valid key; otherwise `req.principal` is set. */
export function bearerAuth(db: Database, adminApiKey: string): RequestHandler {
  return (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match) return next(unauthorized('send Authorization: Bearer <api key>'));
    authenticateToken(db, adminApiKey, match[1]!).then((principal) => {
      if (!principal) return next(unauthorized('invalid API key'));
      req.principal = principal;
      next();
    }, next);
  };
}

/** The namespace a principal is confined to; undefined for admins (every namespace). */
export function confinedTo(principal: Principal | undefined): string | undefined {
  return principal?.role === 'admin' ? undefined : principal?.namespace;
}

/** Whether a principal may see a namespace's things (if not, they answer 404: nothing leaks). */
export function canSee(principal: Principal | undefined, namespace: string): boolean {
  if (!principal) return false;
  const confined = confinedTo(principal);
  return confined === undefined || confined === namespace;
}

/** 403 unless the request's principal has one of these roles. */
export function allowRoles(...roles: ApiKeyRole[]): RequestHandler {
  return (req, _res, next) => {
    if (req.principal && roles.includes(req.principal.role)) return next();
    next(new HttpError(403, 'forbidden', `this needs the role ${roles.join(' or ')}`));
  };
}

/**
 * Who a bearer token belongs to, or undefined: the API middleware and the live feed's
 * socket authenticate the same way. A revoked key stops working at once (no cache).
 */
export async function authenticateToken(db: Database, adminApiKey: string, token: string): Promise<Principal | undefined> {
  if (timingSafeEqual(digest(token), digest(adminApiKey))) return { role: 'admin' };
  if (!token.startsWith(API_KEY_PREFIX)) return undefined;
  const [key] = await db
    .select({ id: apiKeys.id, role: apiKeys.role, namespace: apiKeys.namespace, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(token)), isNull(apiKeys.revokedAt)));
  // A non-admin key without a namespace would see everything: never honoured.
  if (!key || (key.role !== 'admin' && !key.namespace)) return undefined;
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() >= 60_000) {
    // Conditional, so that concurrent requests write it once.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - ${LAST_USED_RESOLUTION}`))));
  }
  // An admin key sees every namespace; a namespace stored with it is a label only.
  return key.role === 'admin' ? { role: 'admin', keyId: key.id } : { role: key.role, namespace: key.namespace!, keyId: key.id };
}

/**
 * The principal of a key id ("bootstrap": ADMIN_API_KEY), as long as the key is not revoked:
 * for credentials that name a key instead of carrying it (the codec server's session cookie).
 */
export async function principalOfKeyId(db: Database, keyId: string): Promise<Principal | undefined> {
  if (keyId === 'bootstrap') return { role: 'admin' };
  if (!/^[0-9a-f-]{36}$/i.test(keyId)) return undefined;
  const [key] = await db
    .select({ id: apiKeys.id, role: apiKeys.role, namespace: apiKeys.namespace })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)));
  if (!key || (key.role !== 'admin' && !key.namespace)) return undefined;
  return key.role === 'admin' ? { role: 'admin', keyId: key.id } : { role: key.role, namespace: key.namespace!, keyId: key.id };
}
