/**
 * The confidence gate, shared by the confidence_check step and POST /api/v1/rag/draft:
 * pattern-based injection detection and keyword intents always; the model's own verdict
 * (intent, injection, confidence as structured JSON) when the namespace uses a model; then
 * the rules and the trust matrix (src/gate/decide.ts). An injection, or a draft that repeats
 * the system prompt, never lets the draft out.
 */
import { decide, type GateDecision } from '../gate/decide';
import { LlmRejectedError, type LlmRegistry } from '../llm';
import { saysItDoesNotKnow } from '../llm/confidence';
import type { AdapterKind, Assessment, Passage } from '../llm/types';
import type { NamespaceConfig } from '../namespaces/config';
import { bestScore } from '../knowledge/search';
import { asRetryable } from './drafting';

export interface GateRequest {
  config: NamespaceConfig;
  /** The adapter that drafted the reply: only a model is asked for its verdict. */
  adapter: AdapterKind;
  model?: string;
  text: string;
  draft: string;
  draftConfidence: number;
  passages: Passage[];
  /** The configured model refused the request; the draft is the offline fallback. */
  fallback?: string;
  unresolvedAttempts: number;
  /** The customer's earlier messages in the conversation, oldest first. */
  earlierMessages?: string[];
  /** The namespace's instructions: a draft repeating them is withheld. */
  systemPrompt?: string;
}

export type { GateDecision };

export async function decideDraft(llm: LlmRegistry, request: GateRequest): Promise<GateDecision & { notFound: boolean }> {
  const assessment = request.adapter === 'offline' || request.fallback ? undefined : await assess(llm, request);
  const notFound = saysItDoesNotKnow(request.draft);
  const decision = decide(
    {
      text: request.text,
      draft: request.draft,
      draftConfidence: request.draftConfidence,
      retrieval: { topScore: bestScore(request.passages), passages: request.passages.length },
      modelAssessment: assessment,
      unresolvedAttempts: request.unresolvedAttempts,
      earlierMessages: request.earlierMessages,
      generationFailed: Boolean(request.fallback),
      notFound,
      systemPrompt: request.systemPrompt,
    },
    {
      intents: request.config.intents,
      escalation: request.config.escalation,
      trustMatrix: request.config.trustMatrix,
      intentExamples: request.config.intentExamples,
    },
  );
  return { ...decision, notFound };
}

async function assess(llm: LlmRegistry, request: GateRequest): Promise<Assessment | undefined> {
  const adapter = llm[request.adapter]?.();
  if (!adapter?.assess) return undefined;
  try {
    return await adapter.assess({ text: request.text, intents: request.config.intents, draft: request.draft, model: request.model });
  } catch (err) {
    if (err instanceof LlmRejectedError) return undefined; // the pattern and keyword rules still apply
    throw asRetryable(err);
  }
}
