/** GET /api/v1/replies: the assistant's replies that went out, for agents to review and flag (src/api/routes/replies.ts). */
import { z } from 'zod';
import { AI_ATTRIBUTIONS } from '../../analytics/replies';
import { CHANNELS } from '../../channels/types';
import { parseDuration } from '../../duration';
import { cursorParam } from '../cursor';
import { Feedback } from './analytics';
import { id, named, namespaceName, pageLimit, timestamp } from './common';

export const RepliesQuery = z.strictObject({
  namespace: namespaceName().optional().describe("default: the key's own namespace, or default"),
  window: z
    .string()
    .default('7d')
    .refine((v) => {
      const ms = parseDuration(v);
      return ms !== undefined && ms >= 60_000 && ms <= 366 * 86_400_000;
    }, 'a duration from 1m up to 366d, like 24h, 7d or 30d')
    .describe("how far back from now the customers' messages came in: 24h, 7d, 30d (default 7d)"),
  flagged: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only replies an agent flagged; false: only those nobody flagged; absent: both'),
  limit: pageLimit(),
  cursor: cursorParam(),
});

export const Reply = named(
  'Reply',
  z.object({
    taskId: id(),
    namespace: z.string(),
    channel: z.enum(CHANNELS),
    contactName: z.string().nullable().describe("the customer's name on the channel, when it gives one"),
    question: z.string().nullable().describe("the customer's message the reply answers; null for a message without text (a picture)"),
    reply: z.string().describe("what the customer was sent: the answer's parts as the channel got them (its markup, a template's text), one per line"),
    draft: z.string().nullable().describe("the assistant's draft; differs from reply when a person edited it before it went out"),
    intent: z.string().nullable(),
    attribution: z
      .enum(AI_ATTRIBUTIONS)
      .describe('assistant: sent as the assistant wrote it (on its own, approved, handed back); assistant_edited: a person changed it first'),
    createdAt: timestamp().describe("when the customer's message came in (the order of the list)"),
    finishedAt: timestamp().describe('when the task finished, the reply sent'),
    flags: z.array(Feedback).describe("agents' flags on it, oldest first"),
  }),
);

export const ReplyList = named(
  'ReplyList',
  z.object({
    namespace: z.string(),
    data: z.array(Reply).describe("newest first, by when the customer's message came in"),
    nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
  }),
);
