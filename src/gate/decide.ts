/**
 * The confidence gate: may this drafted reply go to the customer on its own, wait for a
 * person to approve it, or go to a human instead? Pure and deterministic: same input, same
 * decision. Every rule below is checked; each one that fires adds a reason and an action,
 * and the strongest action wins (escalate > approve > auto).
 *
 *  1. Injection — the message matches the prompt-injection patterns (./injection) or the
 *     model's own assessment says injection → escalate. The draft must never be sent: it was
 *     written under the attacker's instructions. The caller replaces it; the decision says so
 *     in `injection` and in the reason.
 *     The same when the draft repeats the system prompt (8 words in a row, folded): a reply that
 *     leaks the instructions is never sent, whatever the message looked like.
 *  2. Signals — what a support lead escalates, read in the message's language (./escalation):
 *     a request for a person, a legal threat, an angry or formal complaint, suspected fraud, the
 *     same question a third time (`earlierMessages`). `escalation.detect` lists those on.
 *     Escalation keyword — one of `escalation.keywords` (none by default) occurs in the message as whole words,
 *     case-insensitive, accents folded ("Représentant" matches "representant") → escalate.
 *  3. Escalation intent — the intent is one of `escalation.intents` (default human_request)
 *     → escalate. The intent is the model's (`modelAssessment.intent`) when it names one of
 *     `intents`, else the keyword classifier's (./intent).
 *  4. Generation failed — the model call was rejected and the draft is a fallback → escalate.
 *  5. Low confidence — confidence (below) under `escalation.minConfidence` → escalate, unless the
 *     operator's trust matrix says `approve` for the intent: then a person approves (edits) the draft.
 *     A reply that says the answer is not in the knowledge base (`notFound`) has its
 *     confidence capped at 0.2, so with the default minimum it goes to a human.
 *  6. Asked again — `unresolvedAttempts` ≥ 2: the customer asked again twice → escalate.
 *  7. Trust matrix — `trustMatrix[intent]` (default auto): auto → deliver,
 *     approve → await_approval, escalate → await_human. Always listed.
 *
 * Confidence, kept in 0..1 and rounded to 3 decimals:
 *   d = draftConfidence, clamped to 0..1
 *   r = retrieval.topScore clamped to 0..1, or 0 when nothing was retrieved
 *       (topScore is expected on a 0..1 scale, 1 = a perfect match)
 *   base = d                      for greetings and small talk (intent greeting), and for a message
 *                                 with no text (a file without a caption, a type we cannot read):
 *                                 they need no knowledge
 *        = d × (0.3 + 0.7 × r)    otherwise: without passages at most 0.3, below the default minimum 0.35
 *   with a model assessment m:  base × (0.6 + 0.4 × m.confidence)  — the model can only lower it
 *   notFound:                   min(…, 0.2)
 */
import { DEFAULT_ESCALATION_KEYWORDS, DEFAULT_INTENTS } from '../namespaces/config';
import {
  askedAgain,
  billingAction,
  ESCALATION_SIGNALS,
  escalationSignals,
  gateLanguage,
  insistsAgain,
  sameQuestion,
  sameSubject,
  type EscalationSignal,
  type GateLanguage,
  type SignalHit,
} from './escalation';
import { detectInjection } from './injection';
import { classifyIntent, isQuestion } from './intent';
import { containsPhrase, foldWords, repeatsText } from './normalize';

export type GateAction = 'auto' | 'approve' | 'escalate';
export type GateRoute = 'deliver' | 'await_approval' | 'await_human';

export interface GateConfig {
  intents: string[];
  escalation: { keywords: string[]; intents: string[]; minConfidence: number; detect?: readonly EscalationSignal[] };
  trustMatrix: Record<string, GateAction>;
  /** Example messages per intent (the namespace's `intentExamples`). */
  intentExamples?: Record<string, string[]>;
}

export interface GateInput {
  /** The customer's message. */
  text: string;
  /** The drafted reply. */
  draft: string;
  /** The model's / offline adapter's own 0..1. */
  draftConfidence: number;
  /** `topScore` null when nothing was retrieved. */
  retrieval: { topScore: number | null; passages: number };
  modelAssessment?: { intent: string; injection: boolean; confidence: number; reason?: string };
  /** Earlier assistant replies in this conversation the customer did not accept — computed by the caller. */
  unresolvedAttempts: number;
  /** The customer's earlier messages in this conversation, oldest first: the same question a third time goes to a person. */
  earlierMessages?: readonly string[];
  /** The model call was rejected (fallback path). */
  generationFailed?: boolean;
  /** The reply says the answer is not in the knowledge base. */
  notFound?: boolean;
  /** The instructions the draft was written under: a draft that repeats them is a leak. */
  systemPrompt?: string;
}

/** Why a message went to a person (or a person's approval), from a fixed list: what analytics counts. */
export const HANDOFF_REASONS = ['customer_asked', 'knowledge_missing', 'policy', 'injection', 'low_confidence', 'model_failure', 'timeout'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

export interface GateDecision {
  route: GateRoute;
  action: GateAction;
  /** Why it was held: the first rule, in rule order, that fired with the winning action; absent for auto. */
  cause?: HandoffReason;
  intent: string;
  confidence: number;
  injection: { detected: boolean; matches: string[]; byModel: boolean };
  /** The draft repeats the system prompt: it must not be sent. */
  leak: boolean;
  /** Every rule that fired, in plain words, in rule order. */
  reasons: string[];
}

/** What each built-in escalation signal counts as. */
const SIGNAL_CAUSE: Readonly<Record<EscalationSignal, HandoffReason>> = {
  human_request: 'customer_asked',
  legal: 'policy',
  complaint: 'policy',
  fraud: 'policy',
  repeat: 'knowledge_missing',
};

export const DEFAULT_MIN_CONFIDENCE = 0.35;
/** The confidence a "not in the knowledge base" reply can have at most. */
export const NOT_FOUND_CONFIDENCE_CAP = 0.2;
/** From this many unaccepted earlier replies on, a human takes over. */
export const MAX_UNRESOLVED_ATTEMPTS = 2;
/** Intents that need no knowledge, so no passages is no penalty. */
export const SMALL_TALK_INTENTS: readonly string[] = ['greeting'];

export const DEFAULT_GATE_CONFIG: GateConfig = {
  intents: [...DEFAULT_INTENTS],
  escalation: { keywords: [...DEFAULT_ESCALATION_KEYWORDS], intents: ['human_request'], minConfidence: DEFAULT_MIN_CONFIDENCE, detect: ESCALATION_SIGNALS },
  trustMatrix: {},
};

export const ROUTE_FOR: Readonly<Record<GateAction, GateRoute>> = {
  auto: 'deliver',
  approve: 'await_approval',
  escalate: 'await_human',
};

const LANGUAGE_NAMES: Readonly<Record<GateLanguage, string>> = {
  en: 'English',
  es: 'Spanish',
  pt: 'Portuguese',
  de: 'German',
  fr: 'French',
  it: 'Italian',
  nl: 'Dutch',
  id: 'Indonesian',
  hi: 'Hindi',
  'hi-Latn': 'Hinglish',
  und: 'any language (too short to tell)',
};

const STRENGTH: Readonly<Record<GateAction, number>> = { auto: 0, approve: 1, escalate: 2 };

const clamp01 = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);
const round = (n: number) => Math.round(n * 1000) / 1000;
const quoted = (items: string[]) => items.map((i) => `"${i}"`).join(', ');

/** Missing pieces (a config read from JSON) take the namespace defaults. */
function withDefaults(config: Partial<GateConfig> | undefined): GateConfig & { escalation: { detect: readonly EscalationSignal[] } } {
  const escalation: Partial<GateConfig['escalation']> = config?.escalation ?? {};
  return {
    intents: config?.intents?.length ? config.intents : DEFAULT_GATE_CONFIG.intents,
    escalation: {
      keywords: escalation.keywords ?? DEFAULT_GATE_CONFIG.escalation.keywords,
      intents: escalation.intents ?? DEFAULT_GATE_CONFIG.escalation.intents,
      minConfidence: escalation.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
      detect: escalation.detect ?? ESCALATION_SIGNALS,
    },
    trustMatrix: config?.trustMatrix ?? {},
    intentExamples: config?.intentExamples ?? {},
  };
}

/**
 * The intent without a model: a person is `human_request` only when asked for; a message alike one
 * of the namespace's `intentExamples` has that example's intent; a request for a billing action is
 * `billing` and a question about billing is a `question`; otherwise the keyword classifier in the
 * message's language.
 */
export function offlineIntent(
  text: string,
  intents: string[],
  language: GateLanguage,
  signals: readonly SignalHit[],
  examples: Readonly<Record<string, readonly string[]>> = {},
): string {
  const allowed = (i: string) => intents.includes(i);
  if (allowed('human_request') && signals.some((h) => h.signal === 'human_request')) return 'human_request';
  const example = closestExample(text, examples, intents);
  if (example) return example;
  if (allowed('billing') && billingAction(text, language)) return 'billing';
  const pool = intents.filter((i) => i !== 'human_request' && i !== 'billing');
  const { intent } = classifyIntent(text, intents.includes('billing') ? [...pool, 'billing'] : pool, language === 'und' ? undefined : language);
  if (intent !== 'billing') return intent;
  return allowed('question') && isQuestion(text) ? 'question' : allowed('other') ? 'other' : intent;
}

/** How alike a message must be to one of an intent's examples to take its intent. */
export const EXAMPLE_MATCH = 0.6;

/** The declared intent whose example is most alike the message, when one is alike enough. */
function closestExample(text: string, examples: Readonly<Record<string, readonly string[]>>, intents: string[]): string | undefined {
  let best: { intent: string; alike: number } | undefined;
  for (const [intent, phrases] of Object.entries(examples)) {
    if (!intents.includes(intent)) continue;
    for (const phrase of phrases) {
      const alike = sameQuestion(text, phrase);
      if (alike >= EXAMPLE_MATCH && (!best || alike > best.alike)) best = { intent, alike };
    }
  }
  return best?.intent;
}

/** The confidence formula at the top of this file. */
export function gateConfidence(input: GateInput, intent: string): number {
  const d = clamp01(input.draftConfidence);
  const retrieved = input.retrieval.passages > 0 && input.retrieval.topScore !== null;
  const r = retrieved ? clamp01(input.retrieval.topScore) : 0;
  const needsNoKnowledge = SMALL_TALK_INTENTS.includes(intent) || input.text.trim() === '';
  let c = needsNoKnowledge ? d : d * (0.3 + 0.7 * r);
  if (input.modelAssessment) c *= 0.6 + 0.4 * clamp01(input.modelAssessment.confidence);
  if (input.notFound) c = Math.min(c, NOT_FOUND_CONFIDENCE_CAP);
  return round(c);
}

export function decide(input: GateInput, gateConfig: GateConfig): GateDecision {
  const config = withDefaults(gateConfig);
  const fired: Array<{ action: GateAction; reason: string; cause: HandoffReason }> = [];
  const fire = (action: GateAction, reason: string, cause: HandoffReason) => fired.push({ action, reason, cause });

  // 1. Injection.
  const patterns = detectInjection(input.text);
  const byModel = input.modelAssessment?.injection === true;
  if (patterns.detected) {
    fire('escalate', `prompt injection in the message (${patterns.matches.slice(0, 3).join('; ')}): the draft must not be sent`, 'injection');
  }
  if (byModel) {
    const why = input.modelAssessment?.reason?.trim();
    fire('escalate', `the model flagged a prompt injection${why ? ` (${why})` : ''}: the draft must not be sent`, 'injection');
  }

  const leak = input.systemPrompt !== undefined && repeatsText(input.draft, input.systemPrompt);
  if (leak) fire('escalate', 'the draft repeats the system prompt: the draft must not be sent', 'injection');

  // 2. What a support lead escalates, read in the message's language.
  const language = gateLanguage(input.text);
  const detect = config.escalation.detect;
  const signals = escalationSignals(input.text, language).filter((h) => detect.includes(h.signal));
  const again = detect.includes('repeat')
    ? askedAgain(input.text, input.earlierMessages ?? [], (t) => {
        const language = gateLanguage(t);
        const r = classifyIntent(t, config.intents, language === 'und' ? undefined : language);
        return [r.intent, ...(r.also ?? [])];
      })
    : 0;
  if (again >= MAX_UNRESOLVED_ATTEMPTS) signals.push({ signal: 'repeat', evidence: `the same question a ${again === 2 ? 'third' : `${again + 1}th`} time` });
  else if (detect.includes('repeat') && (input.earlierMessages?.length ?? 0) >= MAX_UNRESOLVED_ATTEMPTS) {
    // Worded too differently to match, but the customer says so: "third time I ask", "still nothing".
    const insists = insistsAgain(input.text, language);
    if (insists && sameSubject(input.text, input.earlierMessages ?? []) >= 1)
      signals.push({ signal: 'repeat', evidence: `asked again ("${insists}") after ${input.earlierMessages!.length} messages on the subject` });
  }
  for (const hit of signals) fire('escalate', `${hit.evidence}, read as ${LANGUAGE_NAMES[language]}`, SIGNAL_CAUSE[hit.signal]);

  // Escalation keywords (the operator's own list).
  const folded = foldWords(input.text);
  const keywords = config.escalation.keywords.filter((k) => containsPhrase(folded, k));
  if (keywords.length > 0) {
    fire('escalate', `escalation keyword${keywords.length > 1 ? 's' : ''} ${quoted(keywords)} in the message`, 'policy');
  }

  // 3. Intent.
  const modelIntent = input.modelAssessment?.intent;
  const intent =
    modelIntent !== undefined && config.intents.includes(modelIntent)
      ? modelIntent
      : offlineIntent(input.text, config.intents, language, signals, config.intentExamples);
  if (config.escalation.intents.includes(intent)) {
    fire('escalate', `intent ${intent} is configured to escalate`, intent === 'human_request' ? 'customer_asked' : 'policy');
  }

  // 4. Generation failed.
  if (input.generationFailed) fire('escalate', 'the model call failed: the fallback draft needs a human', 'model_failure');

  // 5. Confidence.
  const confidence = gateConfidence(input, intent);
  if (input.notFound) {
    fire('auto', `the reply says the answer is not in the knowledge base: confidence capped at ${NOT_FOUND_CONFIDENCE_CAP}`, 'knowledge_missing');
  }
  const min = config.escalation.minConfidence;
  const trust = config.trustMatrix[intent];
  if (confidence < min) {
    // The operator's explicit policy decides before the fallback: a person approves the draft anyway.
    // Below the minimum because the knowledge base had nothing: that is what is missing.
    const cause = input.notFound || input.retrieval.passages === 0 ? 'knowledge_missing' : 'low_confidence';
    if (trust === 'approve') fire('approve', `confidence ${confidence} is below the minimum ${min}: the person approving will check the draft`, cause);
    else fire('escalate', `confidence ${confidence} is below the minimum ${min}`, cause);
  }

  // 6. Asked again.
  const attempts = Math.max(0, Math.floor(input.unresolvedAttempts || 0));
  if (attempts >= MAX_UNRESOLVED_ATTEMPTS) {
    fire('escalate', `the customer asked again ${attempts === 2 ? 'twice' : `${attempts} times`}`, 'knowledge_missing');
  }

  // 7. Trust matrix.
  fire(trust ?? 'auto', `intent ${intent}: trust matrix says ${trust ?? 'auto (default)'}`, 'policy');

  const action = fired.reduce<GateAction>((best, f) => (STRENGTH[f.action] > STRENGTH[best] ? f.action : best), 'auto');
  const cause = action === 'auto' ? undefined : fired.find((f) => f.action === action)?.cause;
  return {
    route: ROUTE_FOR[action],
    action,
    ...(cause ? { cause } : {}),
    intent,
    confidence,
    injection: { detected: patterns.detected || byModel, matches: patterns.matches, byModel },
    leak,
    reasons: fired.map((f) => f.reason),
  };
}
