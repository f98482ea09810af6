/** The contact resource: finding a person by their address, what is shown of them, and what erasing them removed. */
import { z } from 'zod';
import { CHANNELS } from '../../channels/types';
import { count, id, listOf, named, timestamp } from './common';

/** GET /api/v1/namespaces/:ns/contacts */
export const FindQuery = z.object({
  channel: z.enum(CHANNELS, { error: `one of ${CHANNELS.join(', ')}` }).optional(),
  externalId: z
    .string()
    .min(1, 'the address on the channel (a phone number, a user id)')
    .optional()
    .describe('the address on the channel: a phone number, a user id'),
});

export const Contact = named(
  'Contact',
  z.object({
    id: id(),
    namespace: z.string(),
    channel: z.enum(CHANNELS),
    externalId: z.string(),
    displayName: z.string().nullable(),
    locale: z.string().nullable(),
    createdAt: timestamp(),
  }),
);
export const ContactList = named('ContactList', listOf(Contact));

/** DELETE /api/v1/namespaces/:ns/contacts/:id: how many rows of each kind were erased. */
export const Erasure = named(
  'Erasure',
  z.object({
    erased: z.object({
      contactId: id(),
      messages: count(),
      conversations: count(),
      tasks: count(),
      toolCalls: count(),
      deliveries: count(),
      escalations: count(),
      decisions: count(),
      webhookPayloads: count(),
      tasksEnded: count(),
      workflowsDeleted: count(),
    }),
  }),
);
