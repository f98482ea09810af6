/**
 * Light classifiers for what a support lead escalates or sends to approval, one per signal:
 * logistic regression over the same features as the injection classifier (./classifier: folded
 * words, word pairs, character 4-grams), trained by `scripts/train-gate-classifier.ts` on the
 * development split of the gate's conversations only and shipped as weights in
 * ./signal-classifier-model.ts — no download, no network, deterministic.
 *
 * They catch what the phrase lists (./escalation) do not know: a refund asked for in words no
 * rule lists, fraud described rather than named. Each model's `high` threshold is the lowest at
 * which it alone kept precision ≥ 0.9 on 5-fold cross-validation of the development split; below
 * it the model says nothing. The phrase lists still decide first and name what they matched.
 */
import { classifierFeatures, linearProbability, type LinearModel } from './classifier';
import { SIGNAL_MODELS } from './signal-classifier-model';

/** The signals a model is trained for: the escalation signals read from one message, and billing actions. */
export type ClassifiedSignal = 'human_request' | 'legal' | 'complaint' | 'fraud' | 'billing_action';
export const CLASSIFIED_SIGNALS: readonly ClassifiedSignal[] = ['human_request', 'legal', 'complaint', 'fraud', 'billing_action'];

export type SignalModels = Readonly<Partial<Record<ClassifiedSignal, LinearModel>>>;

/** Each trained signal's probability for the message, 0..1. */
export function signalProbabilities(text: string, models: SignalModels = SIGNAL_MODELS): Partial<Record<ClassifiedSignal, number>> {
  const features = classifierFeatures(text);
  const out: Partial<Record<ClassifiedSignal, number>> = {};
  for (const signal of CLASSIFIED_SIGNALS) {
    const model = models[signal];
    if (model) out[signal] = linearProbability(features, model);
  }
  return out;
}

/** The signals whose model is sure enough on its own (probability ≥ its `high`), with the probability. */
export function classifiedSignals(text: string, models: SignalModels = SIGNAL_MODELS): Array<{ signal: ClassifiedSignal; p: number }> {
  const p = signalProbabilities(text, models);
  return CLASSIFIED_SIGNALS.filter((s) => models[s] !== undefined && p[s]! >= models[s]!.high).map((signal) => ({ signal, p: p[signal]! }));
}
