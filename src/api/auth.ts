/** Bearer authentication for /api/v1. The bootstrap admin key comes from ADMIN_API_KEY. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiKeyRole } from '../db/schema';
import { unauthorized } from './errors';

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
