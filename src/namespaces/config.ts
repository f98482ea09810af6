/**
 * A namespace's configuration (the tenant's settings), with defaults. The full contract
 * config (intents, escalation, trust matrix, channel scopes) and its PUT validation grow
 * here; unknown keys are kept as they are.
 */
import { z } from 'zod';
import { ADAPTER_KINDS } from '../llm/types';

export const DEFAULT_SYSTEM_PROMPT =
  'You are a helpful customer support assistant. Answer briefly and only from the provided knowledge; ' +
  'say so plainly when you do not know.';

export const NamespaceConfigSchema = z
  .object({
    systemPrompt: z.string().min(1).max(20_000).default(DEFAULT_SYSTEM_PROMPT),
    agentRunner: z
      .object({
        activeAdapter: z.enum(ADAPTER_KINDS).default('offline'),
        model: z.string().min(1).optional(),
      })
      .default({ activeAdapter: 'offline' }),
  })
  .passthrough();

export type NamespaceConfig = z.infer<typeof NamespaceConfigSchema>;

export function parseNamespaceConfig(raw: unknown): z.ZodSafeParseResult<NamespaceConfig> {
  return NamespaceConfigSchema.safeParse(raw ?? {});
}
