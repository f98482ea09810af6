/**
 * Keyset pagination in SQL: rows in (timestamp desc, id desc) order, a page after the last row of the
 * previous one. The timestamp keeps PostgreSQL's microseconds (a JS Date has milliseconds only), so
 * a page boundary never skips or repeats a row. src/api/cursor.ts turns a key into the API's cursor.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** A row's place in the order: its timestamp (ISO, with microseconds) and id. */
export type Keyset = [at: string, id: string];

/** A timestamp column with its microseconds, as a key keeps it. */
export const exactTimestamp = (column: AnyColumn): SQL<string> => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The rows after `key` in (timestamp desc, id desc) order. */
export const after = (at: AnyColumn, id: AnyColumn, [keyAt, keyId]: Keyset): SQL => sql`(${at}, ${id}) < (${keyAt}::timestamptz, ${keyId}::uuid)`;
