import { createOfflineAdapter } from './offline';
import type { AdapterKind, LlmAdapter } from './types';

export type LlmRegistry = Partial<Record<AdapterKind, () => LlmAdapter>>;

/** The adapters this process can use. `openai` joins when it is configured (a later issue). */
export function createLlmRegistry(): LlmRegistry {
  const offline = createOfflineAdapter();
  return { offline: () => offline };
}

export * from './types';
