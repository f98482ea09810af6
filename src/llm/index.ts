import type { Config } from '../config';
import { createLocalEmbedder } from '../knowledge/local-embedder';
import { createOfflineAdapter } from './offline';
import { createEmbedder, createOpenAiAdapter, type Embedder } from './openai';
import type { AdapterKind, LlmAdapter } from './types';

export type LlmRegistry = Partial<Record<AdapterKind, () => LlmAdapter>>;
export type LlmConfig = Config['openai'] & { timeoutMs?: number };

/** Memoizes a factory: the adapter is built on first use, then shared. */
function lazy<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

/**
 * The adapters this process can use: `offline` always; `openai` when an API key is
 * configured (created on first use). With no argument, offline only.
 */
export function createLlmRegistry(config?: LlmConfig): LlmRegistry {
  const offline = createOfflineAdapter();
  const registry: LlmRegistry = { offline: () => offline };
  const apiKey = config?.apiKey;
  if (config && apiKey) {
    registry.openai = lazy(() => createOpenAiAdapter({ apiKey, baseUrl: config.baseUrl, model: config.model, timeoutMs: config.timeoutMs }));
  }
  return registry;
}

/**
 * Embeddings for the knowledge base: OPENAI_EMBEDDING_MODEL's when it and a key are set,
 * otherwise the local model (src/knowledge/local-embedder.ts) unless LOCAL_EMBEDDINGS=off.
 */
export function createKnowledgeEmbedder(config: LlmConfig & { localEmbeddings?: boolean }): Embedder | undefined {
  return createEmbedderFromConfig(config) ?? (config.localEmbeddings === false ? undefined : createLocalEmbedder());
}

/** Embeddings through the OpenAI-compatible server, or undefined without an API key or an embedding model. */
export function createEmbedderFromConfig(config: LlmConfig | undefined): Embedder | undefined {
  if (!config?.apiKey || !config.embeddingModel) return undefined;
  return createEmbedder({
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    model: config.embeddingModel,
    timeoutMs: config.timeoutMs,
  });
}

export { LlmRejectedError, LlmRetryableError } from './errors';
export type { Embedder } from './openai';
export * from './types';
