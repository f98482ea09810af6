/** Bearer authentication for /api/v1. The bootstrap admin key comes from ADMIN_API_KEY. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Database } from '../db';
import type { ApiKeyRole } from '../db/schema';
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

const digest = (value: string) => createHash('sha256').update(value).digest();

export function bearerAuth(adminApiKey: string): RequestHandler {
  const expected = digest(adminApiKey);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return next(unauthorized('send Authorization: Bearer <api key>'));
    if (!timingSafeEqual(digest(match[1]!), expected)) return next(unauthorized('invalid API key'));
    req.principal = { role: 'admin' };
    next();
  };
}

/** The namespace a principal is confined to; undefined for admins (every namespace). */
export function confinedTo(principal: Principal | undefined): string | undefined {
  return principal?.role === 'admin' ? undefined : principal?.namespace;
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
 * socket authenticate the same way. (The bootstrap ADMIN_API_KEY only, until keys are stored.)
 */
export async function authenticateToken(_db: Database, adminApiKey: string, token: string): Promise<Principal | undefined> {
  return timingSafeEqual(digest(token), digest(adminApiKey)) ? { role: 'admin' } : undefined;
}
