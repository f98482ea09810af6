/** GET /api/v1/analytics and POST /api/v1/agent-tasks/:id/feedback (src/api/routes/analytics.ts). */
import { z } from 'zod';
import { FEEDBACK_CATEGORIES } from '../../db/schema';
import { HANDOFF_REASONS } from '../../gate/decide';
import { parseDuration } from '../../duration';
import { count, id, keyed, named, namespaceName, timestamp } from './common';

/** How far back from now a report looks: a duration from 1m up to 366d. */
const lookBack = (byDefault: string) =>
  z
    .string()
    .default(byDefault)
    .refine((v) => {
      const ms = parseDuration(v);
      return ms !== undefined && ms >= 60_000 && ms <= 366 * 86_400_000;
    }, 'a duration from 1m up to 366d, like 24h, 7d or 30d')
    .describe(`how far back from now: 24h, 7d, 30d (default ${byDefault})`);

export const AnalyticsQuery = z.strictObject({
  namespace: namespaceName().optional().describe("default: the key's own namespace, or default"),
  window: lookBack('7d'),
});

export const FeedbackBody = z.strictObject({
  category: z.enum(FEEDBACK_CATEGORIES).describe('what was wrong with the reply'),
  note: z.string().trim().max(2000).optional(),
  agent: z.string().trim().min(1, 'required, who flags it').max(200),
});

const rate = () => z.number().min(0).max(1).nullable().describe('a share, 0..1; null when there is nothing to divide by');
const csatPart = () => z.object({ answered: count(), score: rate(), average: z.number().min(1).max(5).nullable() });
const latency = () => z.object({ p50Ms: z.number().nullable(), p95Ms: z.number().nullable() });

export const Feedback = named(
  'Feedback',
  z.object({
    id: id(),
    taskId: id(),
    namespace: z.string(),
    category: z.enum(FEEDBACK_CATEGORIES),
    note: z.string().nullable(),
    agent: z.string(),
    createdAt: timestamp(),
  }),
);

export const Analytics = named(
  'Analytics',
  z.object({
    namespace: z.string(),
    from: timestamp(),
    to: timestamp(),
    tasks: count().describe('finished messages with an outcome, created in the window'),
    resolved: z
      .object({ assistant: count(), person: count(), none: count() })
      .describe('who resolved each: the assistant on its own (or approved, handed back), a person, nobody'),
    resolutionRate: rate().describe('resolved by the assistant / tasks'),
    handedOver: z.object({ total: count(), byReason: keyed(HANDOFF_REASONS, count()) }),
    reopened: z.object({ total: count(), rate: rate().describe('of the resolved ones, the customer wrote again within 7 days') }),
    attribution: z.object({ assistant: count(), assistant_edited: count(), person: count() }).describe('who wrote each reply that went out'),
    firstResponse: latency().describe('the message received → the first thing sent (an answer or a notice)'),
    firstHumanResponse: latency().describe("the message received → a person's reply (or their approved or edited draft)"),
    series: z.object({
      unit: z.enum(['hour', 'day']),
      points: z.array(z.object({ at: timestamp(), tasks: count(), resolvedByAssistant: count(), resolvedByPerson: count(), handedOver: count() })),
    }),
    intents: z.array(
      z.object({
        intent: z.string(),
        trust: z.enum(['auto', 'approve', 'escalate']),
        approved: count(),
        edited: count(),
        rejected: count(),
        replies: count().describe('sent on their own'),
        flagged: count(),
        decided: count(),
        editRate: rate(),
        rejectRate: rate(),
        flagRate: rate(),
      }),
    ),
    flags: z.object({ total: count(), byCategory: keyed(FEEDBACK_CATEGORIES, count()) }),
    csat: z
      .object({
        asked: count().describe('rating questions that went out in the window'),
        answered: count(),
        responseRate: rate().describe('answered / asked'),
        score: rate().describe('CSAT: the share of ratings that are 4 or 5'),
        average: z.number().min(1).max(5).nullable().describe('the mean rating, 1..5'),
        distribution: z.object({ 1: count(), 2: count(), 3: count(), 4: count(), 5: count() }),
        byResolver: z
          .object({ assistant: csatPart(), person: csatPart() })
          .describe('the conversations the assistant resolved against those a person resolved'),
        series: z.array(z.object({ at: timestamp(), answered: count(), score: rate() })).describe('per hour or day, as `series.unit`'),
      })
      .describe("the customers' ratings (namespace `csat`), by when they were asked"),
    suggestions: z
      .array(
        z.object({
          intent: z.string(),
          from: z.enum(['approve', 'auto']),
          to: z.enum(['auto', 'approve']),
          why: z.string(),
          figures: z.object({ decided: count(), editRate: rate(), rejectRate: rate(), replies: count(), flagRate: rate() }),
        }),
      )
      .describe("trust matrix changes the data supports; nothing changes until a person PUTs the namespace's trustMatrix"),
  }),
);

export const GapsQuery = z.strictObject({ window: lookBack('30d') });

export const KnowledgeGaps = named(
  'KnowledgeGaps',
  z.object({
    namespace: z.string(),
    from: timestamp(),
    to: timestamp(),
    groupedBy: z.enum(['embeddings', 'words']).describe("embeddings: the retrieval's model; words: content-word roots, without one"),
    groups: z.array(
      z.object({
        topic: z.string().describe("the group's most frequent words"),
        count: count(),
        questions: z.array(
          z.object({
            taskId: id(),
            text: z.string(),
            at: timestamp(),
            why: z.enum(['knowledge_missing', 'flagged']),
            reply: z.string().nullable().describe('what a person sent instead; null when nobody did'),
          }),
        ),
      }),
    ),
  }),
);

export const DraftFromReply = z.strictObject({
  taskId: z.uuid(),
  agent: z.string().trim().min(1, 'required, who drafts it').max(200),
  title: z.string().trim().min(1).max(200).optional().describe("default: the customer's question"),
});

export const PublishDraft = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  content: z.string().trim().min(1).max(200_000).optional().describe('the edited article, markdown; default: the draft as it is'),
});

export const ArticleDraft = named(
  'ArticleDraft',
  z.object({
    id: id(),
    namespace: z.string(),
    taskId: id().nullable(),
    title: z.string(),
    content: z.string(),
    createdBy: z.string(),
    documentId: id().nullable().describe('the document it became, once published'),
    createdAt: timestamp(),
  }),
);
