/**
 * Drafting a reply with the namespace's model, shared by the generate step and
 * POST /api/v1/rag/draft. A model server that refuses the request (400/401/404: a bad key,
 * an unknown model) cannot be fixed by retrying: the reply is drafted offline and marked
 * as a fallback, which the gate escalates. Throttling, 5xx and timeouts are retried by
 * Temporal, after the server's Retry-After when it sent one.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import type { Database } from '../db';
import { namespaces } from '../db/schema';
import { adapterFor, parseNamespaceConfig, type NamespaceConfig } from '../namespaces/config';
import { searchQuestion } from '../knowledge/search';
import { LlmRejectedError, LlmRetryableError, type Embedder, type LlmRegistry } from '../llm';
import type { AdapterKind, GenerateRequest, GenerateResult, Passage } from '../llm/types';

/** How many passages the model sees. */
export const PASSAGES = 5;

export interface Drafted {
  adapter: AdapterKind;
  result: GenerateResult;
  /** Why the configured model was not used (already redacted), when it was not. */
  fallback?: string;
}

/** A retryable model failure as Temporal should see it: retried after the server's wait. */
export function asRetryable(err: unknown): unknown {
  return err instanceof LlmRetryableError
    ? ApplicationFailure.create({ type: 'LlmRetryableError', message: err.message, nextRetryDelay: err.retryAfterMs })
    : err;
}

export async function draftReply(llm: LlmRegistry, input: { adapter: AdapterKind; request: GenerateRequest }): Promise<Drafted> {
  const offline = llm.offline;
  if (!offline) throw new Error('the offline adapter is always registered');
  const factory = llm[input.adapter];
  if (!factory) {
    // The namespace asks for a model this deployment has no key for.
    const result = await offline().generate(input.request);
    return { adapter: 'offline', result, fallback: `adapter ${input.adapter} is not configured (OPENAI_API_KEY unset)` };
  }
  const adapter = factory();
  try {
    return { adapter: adapter.kind, result: await adapter.generate(input.request) };
  } catch (err) {
    if (err instanceof LlmRejectedError && adapter.kind !== 'offline') {
      return { adapter: 'offline', result: await offline().generate(input.request), fallback: err.message };
    }
    throw asRetryable(err);
  }
}

/** The namespace's config; the defaults when it has none or an invalid one. */
export async function namespaceConfig(db: Database, namespace: string): Promise<NamespaceConfig> {
  const [row] = await db.select({ config: namespaces.config }).from(namespaces).where(eq(namespaces.name, namespace));
  const parsed = parseNamespaceConfig(row?.config ?? {});
  return parsed.success ? parsed.data : parseNamespaceConfig({}).data!;
}

/** The namespace's knowledge for a question (each line or part too): full text, fused with embeddings when configured. */
/**
 * Retrieval as a namespace asks for it: with `knowledge.rewriteQuery` and a model, the message
 * is also rewritten (and translated into `knowledge.language`) by the model, both are searched
 * and the passages merged (each at its better score). A model that refuses the rewrite leaves
 * the message as it is; throttling and outages are retried by Temporal.
 */
export async function retrieveFor(
  deps: { db: Database; embed?: Embedder; llm: LlmRegistry },
  namespace: string,
  query: string,
  config: NamespaceConfig,
): Promise<{ passages: Passage[]; rewritten?: string }> {
  const own = await retrieve(deps, namespace, query, config.knowledge);
  const adapter = config.knowledge.rewriteQuery && adapterFor(config, deps.llm) === 'openai' ? deps.llm.openai?.() : undefined;
  if (!adapter?.rewriteQuery || query.trim() === '') return { passages: own };
  let rewritten: string;
  try {
    rewritten = (await adapter.rewriteQuery({ text: query, knowledgeLanguage: config.knowledge.language, model: config.agentRunner.model })).query;
  } catch (err) {
    if (err instanceof LlmRejectedError) return { passages: own };
    throw asRetryable(err);
  }
  if (rewritten === '' || rewritten.toLowerCase() === query.trim().toLowerCase()) return { passages: own };
  const theirs = await retrieve(deps, namespace, rewritten, config.knowledge);
  const merged = new Map<string, Passage>();
  for (const p of [...own, ...theirs]) {
    const key = `${p.documentId}:${p.position}`;
    const known = merged.get(key);
    if (!known || known.score < p.score) merged.set(key, p);
  }
  const passages = [...merged.values()].sort((a, b) => b.score - a.score).slice(0, PASSAGES);
  return { passages, rewritten };
}

export async function retrieve(
  deps: { db: Database; embed?: Embedder },
  namespace: string,
  query: string,
  knowledge?: NamespaceConfig['knowledge'],
): Promise<Passage[]> {
  if (query.trim() === '') return [];
  try {
    return await searchQuestion(deps.db, {
      namespace,
      query,
      limit: PASSAGES,
      embed: deps.embed,
      synonyms: knowledge?.synonyms,
      builtInSynonyms: knowledge?.builtInSynonyms,
    });
  } catch (err) {
    throw asRetryable(err);
  }
}
