/** The HTTP server: webhooks (channel signatures), the API (bearer keys), health. */
import express, { type Express } from 'express';
import type { Config } from '../config';
import type { DatabaseHandle } from '../db';
import type { Logger } from '../logger';
import { bearerAuth } from './auth';
import { errorHandler, notFoundHandler } from './errors';
import { agentTaskRoutes } from './routes/agent-tasks';
import { attachmentRoutes } from './routes/attachments';
import { documentRoutes } from './routes/documents';
import { namespaceRoutes } from './routes/namespaces';
import { ragRoutes } from './routes/rag';
import { healthRoutes } from './routes/health';
import { humanDecisionRoutes } from './routes/human';
import type { AgentTaskClient } from './temporal-client';
import { createChannels, createSenders } from '../channels';
import { createEmbedderFromConfig, createLlmRegistry } from '../llm';
import { WEBHOOK_BODY_LIMIT } from './webhooks/common';
import { slackWebhook } from './webhooks/slack';
import { telegramWebhook } from './webhooks/telegram';
import { whatsappWebhook } from './webhooks/whatsapp';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  tasks: AgentTaskClient;
  log: Logger;
  /** The admin key in force (ADMIN_API_KEY, or the one generated at start). */
  adminApiKey: string;
}

export function createApp({ config, database, tasks, log, adminApiKey }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use(healthRoutes(database, tasks));
  const ingest = { db: database.db, tasks, log };
  const senders = createSenders(config);
  const channels = createChannels(config, senders);
  app.use(
    '/webhooks/whatsapp',
    whatsappWebhook({ ...ingest, appSecret: config.whatsapp.appSecret, verifyToken: config.whatsapp.verifyToken }),
  );
  app.use(
    '/webhooks/telegram',
    telegramWebhook({
      ...ingest,
      config,
      sender: senders.telegram,
    }),
  );
  app.use('/webhooks/slack', slackWebhook({ ...ingest, config }));

  const api = express.Router();
  api.use(bearerAuth(adminApiKey));
  api.use(express.json({ limit: WEBHOOK_BODY_LIMIT }));
  api.use('/agent-tasks', attachmentRoutes(database.db, channels, senders.whatsapp, config.channelHttpTimeoutMs));
  api.use(humanDecisionRoutes(database.db, tasks));
  api.use('/agent-tasks', agentTaskRoutes(database.db, tasks, log));
  const llm = createLlmRegistry({ ...config.openai, timeoutMs: 60_000 });
  const embed = createEmbedderFromConfig({ ...config.openai, timeoutMs: 30_000 });
  api.use('/namespaces/:ns/documents', documentRoutes(database.db, { embed }));
  api.use('/namespaces', namespaceRoutes(database.db));
  api.use('/rag', ragRoutes({ db: database.db, llm, embed }));
  app.use('/api/v1', api);

  app.use(notFoundHandler);
  app.use(errorHandler(log));
  return app;
}
