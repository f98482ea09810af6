/**
 * A light injection classifier: logistic regression over the folded message's words, word pairs
 * and character 4-grams, trained by `scripts/train-gate-classifier.ts` on the development split
 * of the gate's labelled sets (../shared/quality-dev and the dev half of eval/gate) and shipped as
 * weights in ./classifier-model.ts — no model download, no network, deterministic.
 *
 * It adds one signal to the rule layers (./injection): `classifier` weighs 0.5 (detects alone)
 * when the probability reaches `MODEL.high`, 0.3 (counts with a weak rule) from `MODEL.low`.
 * Both thresholds are chosen by the training script on 5-fold cross-validation of the development
 * split: `high` is the lowest at which the classifier alone kept precision ≥ 0.97, `low` the
 * lowest at which it kept 0.85.
 */
import { MODEL } from './classifier-model';
import { foldWords } from './normalize';

/** Words and characters read at most (a very long message is judged by its start). */
const MAX_WORDS = 300;
const MAX_CHARS = 2000;

export function classifierFeatures(text: string): string[] {
  const words = foldWords(text).split(' ').filter(Boolean).slice(0, MAX_WORDS);
  const features = new Set<string>();
  for (let i = 0; i < words.length; i += 1) {
    features.add(`w:${words[i]}`);
    if (i + 1 < words.length) features.add(`b:${words[i]} ${words[i + 1]}`);
  }
  const spaced = ` ${words.join(' ')} `;
  for (let i = 0; i + 4 <= spaced.length && i < MAX_CHARS; i += 1) features.add(`c:${spaced.slice(i, i + 4)}`);
  return [...features];
}

export interface LinearModel {
  bias: number;
  weights: Readonly<Record<string, number>>;
  high: number;
  low: number;
}

/** The probability that the text is an injection, 0..1. */
export function injectionProbability(text: string, model: LinearModel = MODEL): number {
  return linearProbability(classifierFeatures(text), model);
}

/** A linear model's probability for a message's features (`classifierFeatures`), 0..1. */
export function linearProbability(features: readonly string[], model: Pick<LinearModel, 'bias' | 'weights'>): number {
  const known = features.filter((f) => model.weights[f] !== undefined);
  const norm = 1 / Math.sqrt(known.length || 1);
  let z = model.bias;
  for (const f of known) z += model.weights[f]! * norm;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Trains the model: `epochs` passes of stochastic gradient descent in the rows' order, L2
 * regularized, over the features seen in at least two rows. Deterministic.
 */
export function trainLinearModel(
  rows: ReadonlyArray<{ text: string; attack: boolean }>,
  options: { epochs?: number; rate?: number; l2?: number } = {},
): Omit<LinearModel, 'high' | 'low'> {
  const { epochs = 60, rate = 0.1, l2 = 0.01 } = options;
  const features = rows.map((r) => classifierFeatures(r.text));
  const seen = new Map<string, number>();
  for (const fs of features) for (const f of fs) seen.set(f, (seen.get(f) ?? 0) + 1);
  const vocabulary = new Map<string, number>();
  for (const [f, n] of seen) if (n >= 2) vocabulary.set(f, vocabulary.size);
  const weights = new Float64Array(vocabulary.size);
  let bias = 0;
  const indexes = features.map((fs) => fs.map((f) => vocabulary.get(f)).filter((i): i is number => i !== undefined));
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    rows.forEach((row, k) => {
      const ii = indexes[k]!;
      const norm = 1 / Math.sqrt(ii.length || 1);
      let z = bias;
      for (const i of ii) z += weights[i]! * norm;
      const gradient = 1 / (1 + Math.exp(-z)) - (row.attack ? 1 : 0);
      for (const i of ii) weights[i] = weights[i]! - rate * (gradient * norm + l2 * weights[i]!);
      bias -= rate * gradient;
    });
  }
  const out: Record<string, number> = {};
  for (const [f, i] of vocabulary) if (Math.abs(weights[i]!) >= 1e-3) out[f] = Math.round(weights[i]! * 1e4) / 1e4;
  return { bias: Math.round(bias * 1e4) / 1e4, weights: out };
}
