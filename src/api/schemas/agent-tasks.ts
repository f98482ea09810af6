/** The agent-task resource's requests: the list, the stats and an attachment. */
import { z } from 'zod';
import { CHANNELS } from '../../channels/types';
import { TASK_STATUSES } from '../../db/schema';
import { parseDuration } from '../../duration';
import { namespaceName, pageLimit } from './common';

/** GET /api/v1/agent-tasks */
export const ListQuery = z.object({
  status: z.enum(TASK_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  namespace: namespaceName().optional(),
  conversationId: z.uuid().optional(),
  limit: pageLimit(),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

export const DEFAULT_STATS_WINDOW = '24h';
const MAX_WINDOW_MS = 366 * 86_400_000;

/** GET /api/v1/agent-tasks/stats */
export const StatsQuery = z.object({
  window: z
    .string()
    .default(DEFAULT_STATS_WINDOW)
    .refine((v) => {
      const ms = parseDuration(v);
      return ms !== undefined && ms > 0 && ms <= MAX_WINDOW_MS;
    }, 'a duration up to 366d, like 15m, 24h or 7d')
    .describe('a duration: 15m, 24h, 7d (at most 366d)'),
  namespace: z.string().min(1).max(200).optional(),
  channel: z.enum(CHANNELS).optional(),
});

/** GET /api/v1/agent-tasks/:id/attachments/:index */
export const AttachmentParams = z.object({ id: z.uuid(), index: z.coerce.number().int().min(0).max(100) });
