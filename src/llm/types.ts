/** Model adapters implement one small interface and sit in a registry keyed by kind. */

export const ADAPTER_KINDS = ['offline', 'openai'] as const;
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

export interface Passage {
  documentId: string;
  title: string;
  position: number;
  text: string;
  score: number;
}

export interface ConversationTurn {
  role: 'customer' | 'assistant' | 'agent';
  text: string;
}

/** The customer's message as a model sees it: its type, its text, what files came with it. */
export interface InboundContent {
  kind: string;
  text: string;
  attachments: Array<{ type: string; mimeType?: string; filename?: string }>;
}

export interface GenerateRequest {
  systemPrompt: string;
  history: ConversationTurn[];
  message: InboundContent;
  passages: Passage[];
  model?: string;
}

export interface GenerateResult {
  text: string;
  /** Indexes into `passages` of what the reply used. */
  citations: number[];
  /** The adapter's own estimate that the reply answers the message, 0..1. */
  confidence: number;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
}

export interface AssessInput {
  /** The customer's message. */
  text: string;
  /** The labels the classifier may use (the namespace's `intents`). */
  intents: string[];
  /** A drafted reply: when given, `confidence` says how well it answers the message. */
  draft?: string;
  model?: string;
}

/** A model's reading of a customer's message (and of a draft reply, when one is given). */
export interface Assessment {
  /** One of the input's intents; `other` when the model's answer was unusable. */
  intent: string;
  /** The message tries to override the assistant's instructions (prompt injection). */
  injection: boolean;
  /** 0..1: how well the draft answers the message, or how sure the intent is without a draft. */
  confidence: number;
  reason?: string;
  model?: string;
  usage?: { promptTokens: number; completionTokens: number };
}

export interface LlmAdapter {
  readonly kind: AdapterKind;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Intent, injection and confidence in one call. Adapters without a classifier leave it out. */
  assess?(input: AssessInput): Promise<Assessment>;
  /** The customer's message as a short search query in the knowledge base's language. */
  rewriteQuery?(input: RewriteInput): Promise<RewriteResult>;
}

export interface RewriteInput {
  text: string;
  /** The language the knowledge base is written in, by name ("English"). */
  knowledgeLanguage: string;
  model?: string;
}

export interface RewriteResult {
  query: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
}
