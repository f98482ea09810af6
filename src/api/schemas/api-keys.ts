/** The API-key resource: a key to create, and how keys are shown. */
import { z } from 'zod';
import { API_KEY_ROLES } from '../../db/schema';
import { NAMESPACE_NAME } from '../../namespaces/config';
import { id, listOf, named, timestamp } from './common';

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

export const ApiKey = named(
  'ApiKey',
  z.object({
    id: id(),
    prefix: z.string().describe('the first characters of the key, to recognise it'),
    role: z.enum(API_KEY_ROLES),
    namespace: z.string().nullable(),
    name: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: timestamp(),
    lastUsedAt: timestamp().nullable(),
    revokedAt: timestamp().nullable(),
  }),
);
export const ApiKeyCreated = named(
  'ApiKeyCreated',
  z.object({
    id: id(),
    key: z.string().describe('shown this once; stored hashed'),
    prefix: z.string(),
    role: z.enum(API_KEY_ROLES),
    namespace: z.string().nullable(),
    name: z.string().nullable(),
    createdAt: timestamp(),
  }),
);
export const ApiKeyList = named('ApiKeyList', listOf(ApiKey));
