/** The escalation resource's requests: the inbox. (The decisions are checked by src/workflows/human.ts, shared with the workflow.) */
import { z } from 'zod';
import { HANDOFF_KINDS, HANDOFF_STATUSES } from '../../db/schema';
import { namespaceName, pageLimit } from './common';

/** GET /api/v1/escalations */
export const InboxQuery = z.strictObject({
  status: z.enum(HANDOFF_STATUSES).default('open'),
  kind: z.enum(HANDOFF_KINDS).optional(),
  namespace: namespaceName().optional(),
  limit: pageLimit(),
});
