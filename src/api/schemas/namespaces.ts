/** The namespace resource as shown. (Its config's schema is src/namespaces/config.ts.) */
import { z } from 'zod';
import { named, timestamp } from './common';

/**
 * Where a namespace shows its config. The document describes the config once, from its own zod
 * schema in the form PUT takes it (src/api/openapi.ts fills this name in): GET shows it with the
 * defaults filled in, or as stored when it no longer passes validation (`warning`).
 */
export const NamespaceConfigShown = named('NamespaceConfig', z.record(z.string(), z.unknown()));

export const Namespace = named(
  'Namespace',
  z.object({
    namespace: z.string(),
    config: NamespaceConfigShown,
    warning: z.string().optional().describe('set when the stored config no longer passes validation (it is shown as stored)'),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  }),
);
