/** The RAG resource's requests: a draft for a message, without a task. */
import { z } from 'zod';
import { CHANNELS } from '../../channels/types';

/** POST /api/v1/rag/draft */
export const DraftRequest = z.strictObject({
  namespace: z.string().min(1).max(63),
  text: z.string().trim().min(1, 'must not be empty').max(4000),
  channel: z.enum(CHANNELS).default('whatsapp'),
});
