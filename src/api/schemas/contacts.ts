/** The contact resource's requests: finding a person by their address. */
import { z } from 'zod';
import { CHANNELS } from '../../channels/types';

/** GET /api/v1/namespaces/:ns/contacts */
export const FindQuery = z.object({
  channel: z.enum(CHANNELS, { error: `one of ${CHANNELS.join(', ')}` }).optional(),
  externalId: z
    .string()
    .min(1, 'the address on the channel (a phone number, a user id)')
    .optional()
    .describe('the address on the channel: a phone number, a user id'),
});
