/** Liveness and readiness answers. */
import { z } from 'zod';
import { named } from './common';

/** GET /healthz */
export const Health = named('Health', z.object({ status: z.enum(['ok']) }));

/** GET /readyz */
export const Ready = named(
  'Ready',
  z.object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: z.string().describe('ok, or unavailable: <why>'), temporal: z.string() }),
  }),
);
