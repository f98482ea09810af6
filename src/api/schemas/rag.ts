/** The RAG resource: a draft for a message, without a task, and what it answers. */
import { z } from 'zod';
import { HANDOFF_REASONS } from '../../gate/decide';
import { CHANNELS } from '../../channels/types';
import { ROUTES } from '../../db/schema';
import { ADAPTER_KINDS } from '../../llm/types';
import { count, id, named } from './common';

/** POST /api/v1/rag/draft */
export const DraftRequest = z.strictObject({
  namespace: z.string().min(1).max(63),
  text: z.string().trim().min(1, 'must not be empty').max(4000),
  channel: z.enum(CHANNELS).default('whatsapp'),
});

/** A knowledge-base passage a draft was written from. */
export const Passage = named('Passage', z.object({ documentId: id(), title: z.string(), position: count(), text: z.string(), score: z.number() }));

export const Draft = named(
  'Draft',
  z.object({
    draft: z.string(),
    adapter: z.enum(ADAPTER_KINDS),
    model: z.string(),
    usage: z.object({ promptTokens: count(), completionTokens: count() }),
    fallback: z.string().optional().describe('why the configured model was not used'),
    citations: z.array(count()).describe('indexes into passages'),
    passages: z.array(Passage),
    rewrittenQuery: z.string().optional().describe('the search query the model rewrote the message into (knowledge.rewriteQuery)'),
    gate: z.object({
      route: z.enum(ROUTES),
      action: z.enum(['auto', 'approve', 'escalate']),
      cause: z.enum(HANDOFF_REASONS).optional().describe('why it would be held (absent when it would go out on its own)'),
      intent: z.string(),
      confidence: z.number(),
      injection: z.object({ detected: z.boolean(), matches: z.array(z.string()), byModel: z.boolean() }),
      leak: z.boolean(),
      reasons: z.array(z.string()),
      notFound: z.boolean(),
    }),
  }),
);
