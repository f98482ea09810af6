/**
 * The cursor of a keyset-paginated list (src/db/keyset.ts): a page's `nextCursor` is its last row's
 * (timestamp, id) as base64url JSON, opaque to clients.
 */
import { z } from 'zod';
import type { Keyset } from '../db/keyset';
import { badRequest } from './errors';

const Key = z.tuple([z.iso.datetime({ offset: true, precision: 6 }).refine((s) => !s.startsWith('0000'), 'PostgreSQL has no year 0'), z.uuid()]);

export const encodeCursor = ([at, id]: Keyset) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

/** The cursor's key, or undefined when it is not one this API handed out. */
export function parseCursor(cursor: string): Keyset | undefined {
  try {
    return Key.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
}

/** The cursor's key; 400 `invalid_cursor` when it is not one this API handed out. */
export function decodeCursor(cursor: string): Keyset {
  const key = parseCursor(cursor);
  if (!key) throw badRequest('cursor is not one this API handed out', 'invalid_cursor');
  return key;
}

/** A `cursor` query parameter, checked with the rest of the query (a problem of its 400) and parsed to its key. */
export const cursorParam = () =>
  z
    .string()
    .max(200)
    .transform((value, ctx) => {
      const key = parseCursor(value);
      if (!key) ctx.addIssue({ code: 'custom', message: 'not a cursor this API handed out: pass nextCursor of the previous page as it is' });
      return key ?? z.NEVER;
    })
    .optional()
    .describe('nextCursor of the previous page');
