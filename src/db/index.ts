/**
 * One database handle for the whole process: PostgreSQL through postgres.js when a URL
 * is given, embedded PGlite in a directory otherwise. Both run the same migrations.
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Runs the committed migrations in drizzle/ (idempotent). */
  migrate(): Promise<void>;
  /** Cheap round trip, for /readyz. */
  ping(): Promise<void>;
  /**
   * LISTEN on a channel: `onPayload` gets each NOTIFY payload, in commit order. Resolves once
   * the LISTEN is in force; the function it returns stops listening. postgres.js listens on a
   * dedicated connection of its own (reconnected on loss; notifications sent meanwhile are lost).
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');

export interface DatabaseOptions {
  /** postgres:// URL; unset means embedded PGlite. */
  url?: string;
  /** PGlite data directory; `memory://` for an in-memory database. */
  pgliteDir?: string;
  /** postgres.js pool size. */
  maxConnections?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url, options.maxConnections ?? 10) : openPglite(options.pgliteDir ?? '.data/pglite');
}

/** The advisory lock key the migrations are applied under (any fixed bigint: 'agent-t' in ASCII). */
const MIGRATION_LOCK = '27416758083399028';

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max, onnotice: () => undefined });
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Database,
    kind: 'postgres',
    async migrate() {
      // A dedicated single connection applies migrations, as drizzle recommends. Several processes
      // start at once on one database (workers and API replicas): a session advisory lock lets one
      // apply them while the others wait, then find nothing left to do.
      const migrationClient = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK}::bigint)`;
        await migrate(drizzle(migrationClient), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await migrationClient.end();
      }
    },
    async ping() {
      await client`select 1`;
    },
    async listen(channel, onPayload) {
      const { unlisten } = await client.listen(channel, onPayload);
      return unlisten;
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(dir: string): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  // The extensions knowledge search uses (drizzle/0002, 0006): pgvector ranks embeddings,
  // unaccent and pg_trgm serve full text in any language. Loaded here, created by the migrations.
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir, { extensions: { vector, pg_trgm, unaccent } });
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Database,
    kind: 'pglite',
    async migrate() {
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async ping() {
      await client.query('select 1');
    },
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return () => unlisten();
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

/** Rows of a raw query; postgres.js answers an array, PGlite an object with `rows`. */
export async function queryRows<T = Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
