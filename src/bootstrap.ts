/** At start: the `default` namespace exists and the env-configured channel accounts belong to it. */
import { sql } from 'drizzle-orm';
import type { Config } from './config';
import type { Database } from './db';
import { channelAccounts, namespaces } from './db/schema';

export const DEFAULT_NAMESPACE = 'default';

export async function bootstrap(db: Database, config: Config): Promise<void> {
  await db.insert(namespaces).values({ name: DEFAULT_NAMESPACE, config: {} }).onConflictDoNothing();
  if (config.whatsapp.phoneNumberId) {
    await db
      .insert(channelAccounts)
      .values({
        namespace: DEFAULT_NAMESPACE,
        channel: 'whatsapp',
        externalId: config.whatsapp.phoneNumberId,
        displayName: 'WhatsApp (env)',
      })
      .onConflictDoUpdate({
        target: [channelAccounts.channel, channelAccounts.externalId],
        set: { updatedAt: sql`now()` },
      });
  }
}
