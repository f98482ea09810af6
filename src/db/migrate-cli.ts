/** `npm run db:migrate`: applies drizzle/ to DATABASE_URL, or to the embedded PGlite. */
import path from 'node:path';
import { loadConfig } from '../config';
import { openDatabase } from './index';

async function main(): Promise<void> {
  const config = loadConfig();
  const handle = await openDatabase({
    url: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pglite'),
  });
  try {
    await handle.migrate();
    console.log(`migrations applied (${handle.kind})`);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
