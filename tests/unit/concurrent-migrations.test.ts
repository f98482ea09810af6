/**
 * Several processes (workers, API replicas) start at once on one fresh PostgreSQL database and each
 * applies the migrations: one applies them under an advisory lock, the others wait and find none left.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db';
import { createScratchDatabase } from '../../testkit/local-system';

const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('migrations from several processes at once', () => {
  it('when four handles migrate one fresh database at the same time, then all succeed and every migration is applied once', async () => {
    const scratch = await createScratchDatabase('agent_tasks_migrations', ADMIN_URL);
    const handles = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ url: scratch.url, maxConnections: 1 })));
    try {
      const results = await Promise.allSettled(handles.map((h) => h.migrate()));
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
      const applied = await handles[0]!.db.execute(
        sql`select count(*)::int as n, count(distinct hash)::int as distinct_hashes from drizzle.__drizzle_migrations`,
      );
      const row = (applied as unknown as Array<{ n: number; distinct_hashes: number }>)[0]!;
      expect(row.n).toBeGreaterThan(10);
      expect(row.n).toBe(row.distinct_hashes);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await scratch.drop();
    }
  });
});
