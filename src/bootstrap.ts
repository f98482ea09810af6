/** At start: the `default` namespace exists and the env-configured channel accounts belong to it. */
import { sql } from 'drizzle-orm';
import { envAccounts } from './channels/accounts';
import type { Config } from './config';
import type { Database } from './db';
import { channelAccounts, namespaces } from './db/schema';

export const DEFAULT_NAMESPACE = 'default';

export async function bootstrap(db: Database, config: Config): Promise<void> {
  await db.insert(namespaces).values({ name: DEFAULT_NAMESPACE, config: {} }).onConflictDoNothing();
  for (const account of envAccounts(config)) {
    await db
      .insert(channelAccounts)
      .values({ namespace: DEFAULT_NAMESPACE, ...account, settings: { source: 'env' } })
      .onConflictDoUpdate({
        target: [channelAccounts.channel, channelAccounts.externalId],
        set: { settings: sql`${channelAccounts.settings} || '{"source":"env"}'::jsonb`, updatedAt: sql`now()` },
      });
  }
}
