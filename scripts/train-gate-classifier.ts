/**
 * Trains the light injection classifier (src/gate/classifier.ts) on the development split of the
 * gate's labelled sets (the escalation conversations' messages as benign rows) — never on the test
 * split `npm run eval:gate` reports — picks its two thresholds by 5-fold cross-validation on that
 * split (and its L2 weight, of three), and writes src/gate/classifier-model.ts. Then the escalation signals' models
 * (src/gate/signal-classifier.ts) the same way, into src/gate/signal-classifier-model.ts.
 *
 *   npx tsx scripts/train-gate-classifier.ts
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { injectionProbability, trainLinearModel, type LinearModel } from '../src/gate/classifier';
import { CLASSIFIED_SIGNALS } from '../src/gate/signal-classifier';
import { loadSets } from './eval-gate';

const FOLDS = 5;
/** The classifier alone must keep this precision on cross-validation to detect on its own. */
const HIGH_PRECISION = 0.97;
/** …and this precision to count as a weak signal that needs a rule beside it. */
const LOW_PRECISION = 0.85;
/** A signal's model alone must keep this precision to raise its signal. */
const SIGNAL_PRECISION = 0.9;

const sets = loadSets();
// The dev injection rows, and the dev escalation conversations' messages as more benign ones:
// real customers asking for refunds, people and help are what the classifier must not flag.
// The older corpus the rules were first built on (tests/fixtures/injection) is development data too.
const corpus = (file: string) => JSON.parse(readFileSync(path.resolve(__dirname, '../tests/fixtures/injection', file), 'utf8')) as Array<{ text: string }>;
/**
 * Rows in a fixed order that does not follow the files' (which group rows by kind or label):
 * stochastic gradient descent over sorted rows would learn the last kind best. Deterministic.
 */
const mixed = <T extends { text: string }>(rows: T[]): T[] =>
  rows
    .map((r) => ({ r, key: createHash('sha256').update(r.text).digest().readUInt32BE(0) }))
    .sort((a, b) => a.key - b.key)
    .map(({ r }) => r);

const rows = mixed([
  ...sets.injection.filter((r) => r.split === 'dev').map((r) => ({ text: r.text, attack: r.label === 'attack' })),
  ...corpus('attacks.json').map((r) => ({ text: r.text, attack: true })),
  ...corpus('harmless.json').map((r) => ({ text: r.text, attack: false })),
  ...[...new Set(sets.escalation.filter((r) => r.split === 'dev').flatMap((r) => r.messages))].map((text) => ({ text, attack: false })),
]);

type Options = NonNullable<Parameters<typeof trainLinearModel>[1]>;
/** The training settings tried; each model keeps the one cross-validation liked best. */
const GRID: Options[] = [0.01, 0.003, 0.001].map((l2) => ({ epochs: 150, rate: 0.1, l2 }));

/** Out-of-fold probabilities: each row scored by a model trained without its fold. */
function crossValidated(rows: ReadonlyArray<{ text: string; attack: boolean }>, options: Options): Array<{ p: number; attack: boolean }> {
  const cv: Array<{ p: number; attack: boolean }> = [];
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const model = trainLinearModel(
      rows.filter((_, i) => i % FOLDS !== fold),
      options,
    );
    for (const r of rows.filter((_, i) => i % FOLDS === fold)) cv.push({ p: injectionProbability(r.text, { ...model, high: 1, low: 1 }), attack: r.attack });
  }
  return cv;
}

/** The lowest threshold (0.02…0.98) at which the cross-validated classifier keeps `precision`. */
function lowestWith(cv: ReadonlyArray<{ p: number; attack: boolean }>, precision: number): number {
  for (let t = 0.02; t <= 0.98; t = Math.round((t + 0.02) * 100) / 100) {
    const flagged = cv.filter((c) => c.p >= t);
    if (flagged.length > 0 && flagged.filter((c) => c.attack).length / flagged.length >= precision) return t;
  }
  return 0.98;
}

const recallAt = (cv: ReadonlyArray<{ p: number; attack: boolean }>, t: number) => {
  const positives = cv.filter((c) => c.attack);
  return positives.length === 0 ? 0 : Math.round((positives.filter((c) => c.p >= t).length / positives.length) * 1000) / 1000;
};

/** The settings whose cross-validated recall at `precision` is highest, with that threshold. */
function bestSettings(rows: ReadonlyArray<{ text: string; attack: boolean }>, precision: number) {
  let best: { options: Options; cv: Array<{ p: number; attack: boolean }>; threshold: number; recall: number } | undefined;
  for (const options of GRID) {
    const cv = crossValidated(rows, options);
    const threshold = lowestWith(cv, precision);
    const recall = recallAt(cv, threshold);
    if (!best || recall > best.recall) best = { options, cv, threshold, recall };
  }
  return best!;
}

const chosen = bestSettings(rows, HIGH_PRECISION);
const high = chosen.threshold;
const low = Math.min(high, lowestWith(chosen.cv, LOW_PRECISION));
const model = trainLinearModel(rows, chosen.options);
const file = path.resolve(__dirname, '../src/gate/classifier-model.ts');
writeFileSync(
  file,
  `/* Generated by scripts/train-gate-classifier.ts from ${rows.length} development rows; do not edit. */\n` +
    `import type { LinearModel } from './classifier';\n\n` +
    `export const MODEL: LinearModel = ${JSON.stringify({ bias: model.bias, high, low, weights: model.weights })};\n`,
);
console.log(
  `injection: ${rows.length} rows, l2 ${chosen.options.l2}, ${Object.keys(model.weights).length} features, thresholds high ${high} (cross-validated recall ${chosen.recall}) low ${low} → ${path.relative(process.cwd(), file)}`,
);

// --- The escalation signals: one model per signal, one against the rest ---------------------------
// A development conversation's last message carries its category; repeats are about the thread,
// not the message, so they and the earlier messages (unlabelled) are left out. The answer
// categories and the benign injection rows (customers' messages) are the negatives.
const ANSWER = new Set(['billing_info', 'lookalike', 'plain', 'repeat_twice', 'answer']);
const labelled = mixed([
  ...sets.escalation
    .filter(
      (r) =>
        r.split === 'dev' &&
        r.category !== 'repeat' &&
        r.category !== 'repeat_twice' &&
        (ANSWER.has(r.category) || (CLASSIFIED_SIGNALS as readonly string[]).includes(r.category)),
    )
    .map((r) => ({ text: r.messages.at(-1)!, category: r.category })),
  ...sets.injection.filter((r) => r.split === 'dev' && r.label === 'benign').map((r) => ({ text: r.text, category: 'answer' })),
  ...corpus('harmless.json').map((r) => ({ text: r.text, category: 'answer' })),
]);
const signalModels: Record<string, LinearModel> = {};
for (const signal of CLASSIFIED_SIGNALS) {
  // Negatives are the answer categories only: a complaint often asks for a manager too, a fraud
  // report for the money back, so the other signals' rows would teach each model wrong labels.
  const signalRows = labelled.filter((r) => r.category === signal || ANSWER.has(r.category)).map((r) => ({ text: r.text, attack: r.category === signal }));
  const { options, threshold, recall } = bestSettings(signalRows, SIGNAL_PRECISION);
  const trained = trainLinearModel(signalRows, options);
  signalModels[signal] = { bias: trained.bias, high: threshold, low: threshold, weights: trained.weights };
  console.log(
    `${signal}: ${signalRows.filter((r) => r.attack).length} of ${signalRows.length} rows, ${Object.keys(trained.weights).length} features, l2 ${options.l2}, threshold ${threshold} (cross-validated recall ${recall})`,
  );
}
const signalFile = path.resolve(__dirname, '../src/gate/signal-classifier-model.ts');
writeFileSync(
  signalFile,
  `/* Generated by scripts/train-gate-classifier.ts from ${labelled.length} development messages; do not edit. */\n` +
    `import type { LinearModel } from './classifier';\n` +
    `import type { ClassifiedSignal } from './signal-classifier';\n\n` +
    `export const SIGNAL_MODELS: Readonly<Partial<Record<ClassifiedSignal, LinearModel>>> = ${JSON.stringify(signalModels)};\n`,
);
console.log(`→ ${path.relative(process.cwd(), signalFile)}`);
