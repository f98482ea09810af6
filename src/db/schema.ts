/**
 * The data model. SQL names are snake_case, TypeScript names camelCase.
 * Migrations are generated from this file into drizzle/ (`npm run db:generate`).
 */
import { sql } from 'drizzle-orm';
import type { StepName } from '../activities/types';
import type { Attachment, ChannelKind } from '../channels/types';
import type { HandoffReason } from '../gate/decide';
import type { Passage } from '../llm/types';
import { boolean, check, customType, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** A tenant: its system prompt, adapters, escalation rules, trust matrix. */
export const namespaces = pgTable('namespaces', {
  name: text('name').primaryKey(),
  config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * One bot/number/app on a channel, owned by a namespace. `externalId` is what inbound
 * requests are routed by: WhatsApp `phone_number_id`, Telegram account id, Slack `team_id`.
 * Credentials are not stored here for env-configured accounts (they stay in the env).
 */
export const channelAccounts = pgTable(
  'channel_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    namespace: text('namespace')
      .notNull()
      .references(() => namespaces.name),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    displayName: text('display_name'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('channel_accounts_channel_external_id_key').on(t.channel, t.externalId)],
);

/** An end user on a channel. */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    namespace: text('namespace')
      .notNull()
      .references(() => namespaces.name),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    displayName: text('display_name'),
    locale: text('locale'),
    profile: jsonb('profile').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('contacts_namespace_channel_external_id_key').on(t.namespace, t.channel, t.externalId)],
);

/**
 * Where replies go: one WhatsApp customer, one Telegram chat (private or group), one Slack
 * DM or thread. `externalId` is the platform's address of it (see InboundMessage.conversation).
 * `contactId` is the contact who opened it. A conversation the platform says we can no
 * longer write to (Telegram: the user blocked the bot) has `blockedAt` set.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    namespace: text('namespace')
      .notNull()
      .references(() => namespaces.name),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    externalId: text('external_id').notNull(),
    title: text('title'),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    status: text('status').notNull().default('open'),
    blockedAt: timestamp('blocked_at', { withTimezone: true }),
    blockedReason: text('blocked_reason'),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('conversations_account_external_id_key').on(t.channelAccountId, t.externalId), index('conversations_contact_idx').on(t.contactId)],
);

export type MessageDirection = 'inbound' | 'outbound';

/** Every message in and out. Inbound ids are the platform's; unique per account. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    direction: text('direction').$type<MessageDirection>().notNull(),
    externalId: text('external_id'),
    /** The author of an inbound message (in a group, one member). */
    contactId: uuid('contact_id').references(() => contacts.id),
    kind: text('kind').notNull().default('text'),
    text: text('text'),
    /** The platform's id of the message this one answers. */
    replyToExternalId: text('reply_to_external_id'),
    attachments: jsonb('attachments').$type<Attachment[]>().notNull().default([]),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_account_external_id_key').on(t.channelAccountId, t.externalId),
    index('messages_conversation_created_idx').on(t.conversationId, t.createdAt),
  ],
);

export const TASK_STATUSES = ['queued', 'running', 'awaiting_approval', 'escalated', 'delivered', 'failed', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['delivered', 'failed', 'closed'];

export const ROUTES = ['deliver', 'await_approval', 'await_human'] as const;
export type Route = (typeof ROUTES)[number];

/** One per inbound message: the unit a workflow works on. */
export const agentTasks = pgTable(
  'agent_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    namespace: text('namespace')
      .notNull()
      .references(() => namespaces.name),
    channel: text('channel').$type<ChannelKind>().notNull(),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id),
    workflowId: text('workflow_id').notNull(),
    status: text('status').$type<TaskStatus>().notNull().default('queued'),
    route: text('route').$type<Route>(),
    draft: text('draft'),
    // What `generate` made of it (written by generate only):
    /** The passages the draft cites. */
    citations: jsonb('citations').$type<Array<{ documentId: string; title: string; position: number }>>(),
    model: text('model'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    /** Why the draft is the offline fallback's, when the configured model failed. */
    draftFallback: text('draft_fallback'),
    // What `confidence_check` decided (written by confidence_check only):
    gateRoute: text('gate_route').$type<Route>(),
    gateIntent: text('gate_intent'),
    gateConfidence: real('gate_confidence'),
    gateReasons: jsonb('gate_reasons').$type<string[]>(),
    /** Why the gate held it, from the fixed list (src/gate/decide.ts HANDOFF_REASONS); null when it went out on its own. */
    gateCause: text('gate_cause').$type<HandoffReason>(),
    /** The answer did not resolve the question (nothing found, or low confidence): the next task counts it. */
    unresolved: boolean('unresolved'),
    /** The open escalation of the conversation this task joined instead of answering (written by deliver). */
    joinedEscalationId: uuid('joined_escalation_id'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('agent_tasks_message_id_key').on(t.messageId),
    uniqueIndex('agent_tasks_workflow_id_key').on(t.workflowId),
    index('agent_tasks_status_idx').on(t.status),
    index('agent_tasks_namespace_created_idx').on(t.namespace, t.createdAt, t.id),
    index('agent_tasks_conversation_idx').on(t.conversationId),
  ],
);

export const TOOL_CALL_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type ToolCallStatus = (typeof TOOL_CALL_STATUSES)[number];

/** One row per attempt of one pipeline step. */
export const agentToolCalls = pgTable(
  'agent_tool_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => agentTasks.id),
    name: text('name').$type<StepName>().notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status').$type<ToolCallStatus>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    inputSummary: jsonb('input_summary').$type<Record<string, unknown>>(),
    outputSummary: jsonb('output_summary').$type<Record<string, unknown>>(),
    error: text('error'),
  },
  (t) => [uniqueIndex('agent_tool_calls_task_name_attempt_key').on(t.taskId, t.name, t.attempt)],
);

export const DELIVERY_STATUSES = ['sending', 'sent', 'delivered', 'read', 'failed', 'unknown'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Part number of a placeholder posted before the answer (Slack), which the first message sent then replaces. */
export const PLACEHOLDER_PART = -1;

/**
 * What a task sends, each in its own range of part numbers, so that every message is claimed
 * once per task: the answer (0…), the hand-off notice, a human's reply, the fallback after an
 * expired escalation, a rejection notice, the SLA's wait message, the bot's summary when it resumes,
 * the rating question (CSAT).
 */
export const DELIVERY_PURPOSES = { answer: 0, handoff: 100, human: 200, fallback: 300, notice: 400, wait: 500, summary: 600, rating: 700 } as const;
export type DeliveryPurpose = keyof typeof DELIVERY_PURPOSES;
/** Parts one message may have at most (the channel's length limit × 100 is far beyond any reply). */
export const MAX_PARTS = 100;

/**
 * One row per reply part. The row is claimed (status `sending`) before the provider is
 * called and marked `sent` with the provider's message id after, so a re-run never
 * sends the same part twice. See README, "Delivery exactly once".
 */
export const outboundDeliveries = pgTable(
  'outbound_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => agentTasks.id),
    part: integer('part').notNull(),
    channel: text('channel').$type<ChannelKind>().notNull(),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    recipient: text('recipient').notNull(),
    text: text('text').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull(),
    attempt: integer('attempt').notNull(),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    /** The platform's failure code from a status callback (WhatsApp 131047, ...). */
    errorCode: text('error_code'),
    /** Sent as this approved template (outside WhatsApp's window), not as free text; `text` is what it reads as. */
    template: jsonb('template').$type<SentTemplate>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('outbound_deliveries_task_part_key').on(t.taskId, t.part),
    index('outbound_deliveries_provider_message_id_idx')
      .on(t.providerMessageId)
      .where(sql`${t.providerMessageId} is not null`),
  ],
);

/** The template a delivery was sent as: which one, and the values of its parameters in order. */
export interface SentTemplate {
  name: string;
  language: string;
  parameters: string[];
}

export const TEMPLATE_STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/**
 * A WhatsApp message template of one account: what may be sent once the customer-service window
 * has closed. Managed through the API (`source: api`) or copied from the Graph API's list by a sync
 * (`source: graph`). `body` keeps the placeholders {{1}}…{{n}}; only APPROVED ones are sent.
 */
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    namespace: text('namespace')
      .notNull()
      .references(() => namespaces.name),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category').notNull().default('UTILITY'),
    status: text('status').$type<TemplateStatus>().notNull().default('APPROVED'),
    body: text('body').notNull(),
    parameterCount: integer('parameter_count').notNull(),
    source: text('source').$type<'api' | 'graph'>().notNull().default('api'),
    /** The Graph API's id of the template, for synced ones. */
    externalId: text('external_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('message_templates_account_name_language_key').on(t.channelAccountId, t.name, t.language),
    index('message_templates_namespace_idx').on(t.namespace),
  ],
);

export type InboundEventOutcome = 'task' | 'stored' | 'ignored' | 'rejected' | 'state';

/**
 * Every inbound event that did not simply become a task (ignored, rejected, stored only,
 * a conversation state change), and every Slack/Telegram event by its platform id, so a
 * redelivery is recognised. Nothing that passed a signature is dropped without a row here.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    channelAccountId: uuid('channel_account_id').references(() => channelAccounts.id),
    /** Slack event_id, Telegram update_id; null where the platform has none. */
    eventId: text('event_id'),
    kind: text('kind').notNull(),
    outcome: text('outcome').$type<InboundEventOutcome>().notNull(),
    reason: text('reason'),
    payload: jsonb('payload').$type<unknown>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('inbound_events_account_event_id_key').on(t.channelAccountId, t.eventId), index('inbound_events_created_idx').on(t.createdAt)],
);

// ---------------------------------------------------------------------------------------
// Knowledge: a namespace's help-center documents, split into chunks for retrieval.
// ---------------------------------------------------------------------------------------

export const DOCUMENT_CONTENT_TYPES = ['text/markdown', 'text/plain'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
/** A text-search configuration's name ('english', 'spanish', 'simple', …), stored as PostgreSQL's regconfig. */
const regconfig = customType<{ data: string }>({ dataType: () => 'regconfig' });

/** Where a chunk's embedding stands: `none` (no model configured), `pending` (to be embedded or retried), `embedded`. */
export const EMBEDDING_STATUSES = ['none', 'pending', 'embedded'] as const;
export type EmbeddingStatus = (typeof EMBEDDING_STATUSES)[number];

/** One knowledge document (markdown or plain text) as it was added. */
export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    namespace: text('namespace')
      .notNull()
      .references(() => namespaces.name),
    title: text('title').notNull(),
    contentType: text('content_type').$type<DocumentContentType>().notNull(),
    content: text('content').notNull(),
    /** Where it came from (a URL, a file name), for people; never interpreted. */
    source: text('source'),
    /** The text-search configuration of most of its text (each chunk has its own). */
    language: text('language').notNull().default('simple'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('documents_namespace_created_idx').on(t.namespace, t.createdAt)],
);

/**
 * A retrievable piece of a document. `heading` is its heading path ("Shipping > International");
 * `tsv` is maintained by PostgreSQL from heading and text, stemmed in the chunk's own `language`
 * with accents removed (`knowledge_unaccent`). `embedding` is the vector of `embeddingModel`;
 * a chunk whose embedding failed is `pending` and retried, searchable by full text meanwhile.
 */
export const documentChunks = pgTable(
  'document_chunks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    namespace: text('namespace').notNull(),
    position: integer('position').notNull(),
    heading: text('heading'),
    text: text('text').notNull(),
    language: regconfig('language').notNull().default('simple'),
    tsv: tsvector('tsv')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector(language, knowledge_unaccent(coalesce(heading, '') || ' ' || text))`),
    embedding: real('embedding').array(),
    embeddingModel: text('embedding_model'),
    embeddingStatus: text('embedding_status').$type<EmbeddingStatus>().notNull().default('none'),
    embeddingAttempts: integer('embedding_attempts').notNull().default(0),
    /** The last embedding failure, redacted; null once embedded. */
    embeddingError: text('embedding_error'),
    /** When a pending chunk is tried next. */
    embedAfter: timestamp('embed_after', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('document_chunks_document_position_key').on(t.documentId, t.position),
    index('document_chunks_namespace_idx').on(t.namespace),
    index('document_chunks_tsv_idx').using('gin', t.tsv),
    index('document_chunks_pending_idx')
      .on(t.embedAfter)
      .where(sql`embedding_status = 'pending'`),
  ],
);

// ---------------------------------------------------------------------------------------
// Humans in the loop: escalations and approvals, and every human decision.
// ---------------------------------------------------------------------------------------

export const HANDOFF_KINDS = ['escalation', 'approval'] as const;
export type HandoffKind = (typeof HANDOFF_KINDS)[number];
export const HANDOFF_STATUSES = ['open', 'resolved', 'expired'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

export const SLA_RUNGS = ['wait_message', 'notify_backup', 'offer_next'] as const;
export type SlaRung = (typeof SLA_RUNGS)[number];
/** One step of a hand-off's SLA ladder, as the workflow planned it and as it happened. */
export interface SlaStep {
  kind: SlaRung | 'timeout';
  dueAt: string;
  doneAt?: string;
  detail?: string;
}
export interface SlaRecord {
  steps: SlaStep[];
  /** When business hours apply: the hand-off came outside them, and when a person is back. */
  opensAt?: string;
}

/**
 * A task handed to a person: an escalation (a human answers instead of the bot) or an
 * approval (a human checks the bot's draft). At most one of each kind per task; while an
 * escalation is open, its conversation belongs to the human.
 */
export const escalations = pgTable(
  'escalations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => agentTasks.id),
    kind: text('kind').$type<HandoffKind>().notNull(),
    namespace: text('namespace').notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    status: text('status').$type<HandoffStatus>().notNull().default('open'),
    /** Why the gate held it, in plain words. */
    reason: text('reason').notNull(),
    draft: text('draft'),
    /** What retrieval found, shown to the person deciding. */
    passages: jsonb('passages').$type<Passage[]>().notNull().default([]),
    assignee: text('assignee'),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }).notNull(),
    /** When the assignee was told (a Slack DM); claimed before sending, so at most once. */
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    notifyError: text('notify_error'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: text('resolved_by'),
    /** `{ action | decision, text? }` as the human sent it; for an expiry, what was sent instead. */
    resolution: jsonb('resolution').$type<Record<string, unknown>>(),
    /** The agent who took it (POST /escalations/:id/claim); while their claim is active it does not time out. */
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** Renewed while the claiming agent is active (the console re-claims); past it, the claim has lapsed. */
    claimActiveUntil: timestamp('claim_active_until', { withTimezone: true }),
    /** Who it is offered to now: the assignee first, then the next agent of the namespace's roster. */
    offeredTo: text('offered_to'),
    /** The SLA ladder: each rung with when it is due (in business time) and when it was done. */
    sla: jsonb('sla').$type<SlaRecord>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('escalations_task_kind_key').on(t.taskId, t.kind),
    index('escalations_status_created_idx').on(t.status, t.createdAt),
    index('escalations_conversation_status_idx').on(t.conversationId, t.status),
  ],
);

/** The audit trail: every human decision on a task, applied or refused, and how it came in. */
export const humanDecisions = pgTable(
  'human_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => agentTasks.id),
    escalationId: uuid('escalation_id').references(() => escalations.id),
    /** `resolveEscalation` or `decideApproval`. */
    kind: text('kind').notNull(),
    agent: text('agent').notNull(),
    /** reply | handback | close | approve | edit | reject. */
    action: text('action').notNull(),
    text: text('text'),
    outcome: text('outcome').$type<'applied' | 'refused'>().notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('human_decisions_task_idx').on(t.taskId, t.createdAt),
    // Deleting an escalation (retention) looks its decisions up by it, and so does the FK check.
    index('human_decisions_escalation_idx').on(t.escalationId),
  ],
);

// ---------------------------------------------------------------------------------------
// API keys: who may call the API and the live feed, in which namespace.
// ---------------------------------------------------------------------------------------

export const API_KEY_ROLES = ['admin', 'operator', 'agent'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * A key is shown once when created and stored only as its SHA-256 hash. `namespace` null:
 * every namespace (admin keys). Revoked keys stay for the record.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The first characters of the key, to recognise it in a list (never enough to use it). */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    role: text('role').$type<ApiKeyRole>().notNull(),
    namespace: text('namespace').references(() => namespaces.name),
    name: text('name'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_key_hash_key').on(t.keyHash), index('api_keys_namespace_idx').on(t.namespace)],
);

/**
 * The API's rate limit, counted in the database so every API replica shares it: one row per
 * API key (or the bootstrap key) and fixed window. Written only by src/api/rate-limit.ts; rows
 * whose window ended an hour ago are deleted as it goes.
 */
export const apiRateLimits = pgTable(
  'api_rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('api_rate_limits_reset_at_idx').on(t.resetAt)],
);

// ---------------------------------------------------------------------------------------
// Audit: what people and the system did to customers' data (erasure, retention), without
// the data itself: who, what, which record, counts.
// ---------------------------------------------------------------------------------------

export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    namespace: text('namespace'),
    /** The key id, "bootstrap" (ADMIN_API_KEY) or "system" (retention). */
    actor: text('actor').notNull(),
    /** contact.erased, retention.purged, … */
    action: text('action').notNull(),
    /** The record acted on (a contact id); never a customer's words, name or address. */
    subject: text('subject'),
    /** Counts and ids only. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_events_namespace_created_idx').on(t.namespace, t.createdAt), index('audit_events_created_idx').on(t.createdAt)],
);

/**
 * The retention cleanup's ledger: one row per batch it deleted, written in the batch's own
 * transaction. A batch retried after its transaction committed (a worker killed before it could
 * report) finds its row and answers the same counts instead of deleting the next rows under the
 * same number, so a run's counts stay exact. A run's rows go once its audit row is written.
 */
export const retentionBatches = pgTable(
  'retention_batches',
  {
    /** The run's key (one per RetentionCleanupWorkflow run, kept across continue-as-new). */
    runKey: text('run_key').notNull(),
    seq: integer('seq').notNull(),
    namespace: text('namespace').notNull(),
    step: text('step').notNull(),
    /** Rows deleted, by table. */
    deleted: jsonb('deleted').$type<Record<string, number>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.runKey, t.seq] }), index('retention_batches_created_idx').on(t.createdAt)],
);

export const RESOLVERS = ['assistant', 'person', 'none'] as const;
export type Resolver = (typeof RESOLVERS)[number];
export const ATTRIBUTIONS = ['assistant', 'assistant_edited', 'person'] as const;
export type Attribution = (typeof ATTRIBUTIONS)[number];

/**
 * How each answered message ended, for analytics (src/analytics/outcomes.ts derives it from the task,
 * its hand-offs and deliveries when the task finishes): who resolved it, whether and why it went to a
 * person, who wrote the reply, how fast the first reply and the first human reply came, and whether
 * the customer came back within 7 days. Tasks that joined another's escalation or gave way to a
 * newer message have none: the other task answers for them.
 */
export const taskOutcomes = pgTable(
  'task_outcomes',
  {
    // Derived from the task: deleted with it (retention, erasure).
    taskId: uuid('task_id')
      .primaryKey()
      .references(() => agentTasks.id, { onDelete: 'cascade' }),
    namespace: text('namespace').notNull(),
    channel: text('channel').$type<ChannelKind>().notNull(),
    conversationId: uuid('conversation_id').notNull(),
    intent: text('intent'),
    resolvedBy: text('resolved_by').$type<Resolver>().notNull(),
    handedOver: boolean('handed_over').notNull(),
    handoffReason: text('handoff_reason').$type<HandoffReason>(),
    attribution: text('attribution').$type<Attribution>(),
    /** For drafts held for approval: approve, edit, reject, or expired. */
    approval: text('approval'),
    firstResponseMs: integer('first_response_ms'),
    firstHumanResponseMs: integer('first_human_response_ms'),
    reopened: boolean('reopened').notNull().default(false),
    /** When the customer's message came in (the task's creation). */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('task_outcomes_namespace_created_idx').on(t.namespace, t.createdAt),
    index('task_outcomes_conversation_finished_idx').on(t.conversationId, t.finishedAt),
  ],
);

export const FEEDBACK_CATEGORIES = ['incorrect', 'outdated', 'inappropriate', 'incomplete'] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];

/** An agent's flag on an AI reply: what was wrong with it, and a note. */
export const replyFeedback = pgTable(
  'reply_feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Deleted with the task it is about (retention, erasure): the note may quote the customer.
    taskId: uuid('task_id')
      .notNull()
      .references(() => agentTasks.id, { onDelete: 'cascade' }),
    namespace: text('namespace').notNull(),
    category: text('category').$type<FeedbackCategory>().notNull(),
    note: text('note'),
    agent: text('agent').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('reply_feedback_namespace_created_idx').on(t.namespace, t.createdAt), index('reply_feedback_task_idx').on(t.taskId)],
);

export const RATING_ANSWERS = ['button', 'text'] as const;
export type RatingAnswer = (typeof RATING_ANSWERS)[number];

/**
 * A customer's rating of a resolved conversation (CSAT), asked once on the channel after the
 * conversation went quiet (src/activities/rating.ts), answered by a button or a typed 1-5
 * (src/api/ingest.ts). One per task at most; `score` stays null until the customer answers.
 */
export const csatSurveys = pgTable(
  'csat_surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Deleted with the task it rates (retention, erasure).
    taskId: uuid('task_id')
      .notNull()
      .unique()
      .references(() => agentTasks.id, { onDelete: 'cascade' }),
    namespace: text('namespace').notNull(),
    channel: text('channel').$type<ChannelKind>().notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The language the question was asked in (ISO 639-1), or `default`: the namespace's own question. */
    language: text('language'),
    /** Who resolved the conversation being rated (task_outcomes.resolved_by when it was asked). */
    resolvedBy: text('resolved_by').$type<Resolver>().notNull(),
    /** Set once the question went out; a row without it was never seen by the customer. */
    askedAt: timestamp('asked_at', { withTimezone: true }),
    /** An answer after this is stored as a message, not counted. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    score: integer('score'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    answeredVia: text('answered_via').$type<RatingAnswer>(),
    /** The customer's message (the tap or the typed number) that answered it. */
    answerMessageId: uuid('answer_message_id').references(() => messages.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('csat_surveys_namespace_asked_idx').on(t.namespace, t.askedAt),
    index('csat_surveys_conversation_asked_idx').on(t.conversationId, t.askedAt),
    check('csat_surveys_score_range', sql`${t.score} between 1 and 5`),
  ],
);

/**
 * A knowledge-base article drafted from a person's reply to a question the knowledge base could not
 * answer (src/api/routes/gaps.ts): not searchable until published, when it becomes a document.
 */
export const articleDrafts = pgTable(
  'article_drafts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    namespace: text('namespace')
      .notNull()
      .references(() => namespaces.name),
    /** The question it answers; kept when the task is deleted. */
    taskId: uuid('task_id').references(() => agentTasks.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    content: text('content').notNull(),
    createdBy: text('created_by').notNull(),
    /** Set once published: the document it became. */
    documentId: uuid('document_id').references(() => documents.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('article_drafts_namespace_created_idx').on(t.namespace, t.createdAt)],
);
