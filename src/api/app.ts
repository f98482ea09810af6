/** The HTTP server: webhooks (channel signatures), the API (bearer keys), health, metrics and the OpenAPI document (no key). */
import express, { type Express } from 'express';
import type { Config } from '../config';
import type { DatabaseHandle } from '../db';
import type { Logger } from '../logger';
import { bearerAuth } from './auth';
import { rateLimit } from './rate-limit';
import { apiKeyRoutes } from './routes/api-keys';
import { codecRoutes } from './routes/codec';
import { consoleRoutes } from './routes/console';
import { contactRoutes } from './routes/contacts';
import { errorHandler, notFoundHandler, refuseUnstorableText } from './errors';
import { agentTaskRoutes } from './routes/agent-tasks';
import { attachmentRoutes } from './routes/attachments';
import { documentRoutes } from './routes/documents';
import { namespaceRoutes } from './routes/namespaces';
import { ragRoutes } from './routes/rag';
import { retentionRoutes } from './routes/retention';
import { healthRoutes } from './routes/health';
import { templateRoutes } from './routes/templates';
import { analyticsRoutes } from './routes/analytics';
import { gapRoutes } from './routes/gaps';
import { replyRoutes } from './routes/replies';
import { humanDecisionRoutes } from './routes/human';
import { httpMetrics, metricsRoutes, webhookMetrics } from './routes/metrics';
import { statsRoutes } from './routes/stats';
import { openApiDocument } from './openapi';
import type { AgentTaskClient } from './temporal-client';
import type { RetentionClient } from './retention-client';
import { createChannels, createSenders } from '../channels';
import { createKnowledgeEmbedder, createLlmRegistry, type Embedder } from '../llm';
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
  /** host:port of the Temporal SDK's Prometheus endpoint, appended to /metrics when it answers. */
  temporalMetricsAddress?: string;
  /** The process's embedding model (shared with its worker); unset → created from the config. */
  embed?: Embedder;
  /** The retention cleanup's client (POST /api/v1/retention/run); unset → those routes answer 503. */
  retention?: RetentionClient;
}

export function createApp({ config, database, tasks, log, adminApiKey, temporalMetricsAddress, embed: sharedEmbed, retention }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use(httpMetrics());
  app.use(healthRoutes(database, tasks));
  app.use(metricsRoutes(database.db, log, temporalMetricsAddress));
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  const ingest = { db: database.db, tasks, log };
  const senders = createSenders(config);
  const channels = createChannels(config, senders);
  app.use('/webhooks', webhookMetrics());
  app.use('/webhooks/whatsapp', whatsappWebhook({ ...ingest, appSecret: config.whatsapp.appSecret, verifyToken: config.whatsapp.verifyToken }));
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
  api.use(bearerAuth(database.db, adminApiKey), rateLimit(database.db, config.apiRateLimit));
  api.use(express.json({ limit: WEBHOOK_BODY_LIMIT }), refuseUnstorableText);
  api.use('/agent-tasks', attachmentRoutes(database.db, channels, senders.whatsapp, config.channelHttpTimeoutMs));
  api.use(humanDecisionRoutes(database.db, tasks, config.whatsappWindowMs, config.claimHoldMs));
  api.use('/agent-tasks', statsRoutes(database.db)); // before /:id takes "stats" for an id
  api.use(analyticsRoutes(database.db));
  api.use(replyRoutes(database.db));
  api.use('/agent-tasks', agentTaskRoutes(database.db, tasks, log, config.whatsappWindowMs));
  const llm = createLlmRegistry({ ...config.openai, timeoutMs: 60_000 });
  const embed = sharedEmbed ?? createKnowledgeEmbedder({ ...config.openai, timeoutMs: 30_000 });
  api.use('/namespaces/:ns/documents', documentRoutes(database.db, { embed }));
  api.use('/namespaces/:ns/knowledge-gaps', gapRoutes(database.db, { embed }));
  api.use('/namespaces/:ns/contacts', contactRoutes(database.db, tasks));
  api.use(
    '/namespaces/:ns/templates',
    templateRoutes(database.db, { channels, whatsapp: senders.whatsapp, envBusinessAccountId: config.whatsapp.businessAccountId }),
  );
  api.use('/namespaces', namespaceRoutes(database.db));
  api.use('/rag', ragRoutes({ db: database.db, llm, embed }));
  api.use('/api-keys', apiKeyRoutes(database.db));
  api.use('/retention', retentionRoutes(retention, config.retention.batchSize));
  app.use('/api/v1', api);
  // The Web UI's codec server (its own CORS and credentials: the Web UI cannot send our keys as such).
  app.use(codecRoutes({ db: database.db, adminApiKey, keys: config.payloadEncryption, corsOrigins: config.codecCorsOrigins }));
  app.use(consoleRoutes({ temporalUiUrl: config.temporal.uiUrl, temporalNamespace: 'default' })); // the page at /, no key

  app.use(notFoundHandler);
  app.use(errorHandler(log));
  return app;
}
