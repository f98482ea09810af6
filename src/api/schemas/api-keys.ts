/** The API-key resource's requests: a key to create. */
import { z } from 'zod';
import { API_KEY_ROLES } from '../../db/schema';
import { NAMESPACE_NAME } from '../../namespaces/config';

/** POST /api/v1/api-keys */
export const CreateKey = z.strictObject({
  role: z.enum(API_KEY_ROLES, { error: `must be one of ${API_KEY_ROLES.join(', ')}` }),
  namespace: z
    .string({ error: 'must be a string or null' })
    .regex(NAMESPACE_NAME, 'must be a namespace name: 1-63 lowercase letters, digits, - or _')
    .nullish()
    .describe('required except for admin keys'),
  name: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
});
