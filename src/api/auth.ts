/** Bearer authentication for /api/v1. The bootstrap admin key comes from ADMIN_API_KEY. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { unauthorized } from './errors';

export interface Principal {
  role: 'admin';
  /** undefined: every namespace. */
  namespace?: string;
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
