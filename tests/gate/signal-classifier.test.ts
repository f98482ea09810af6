/** The escalation signals' light classifiers: deterministic training, shipped weights that tell a report from a question, and a switch. */
import { describe, expect, it } from 'vitest';
import { trainLinearModel } from '../../src/gate/classifier';
import { billingAction, escalationSignals } from '../../src/gate/escalation';
import { classifiedSignals, signalProbabilities } from '../../src/gate/signal-classifier';
import { SIGNAL_MODELS } from '../../src/gate/signal-classifier-model';

describe('the signal classifiers', () => {
  it('when the shipped models read a fraud report and a plain question, then the report scores higher for fraud', () => {
    const report = signalProbabilities('Alguien entró a mi cuenta y compró cosas con mi tarjeta guardada');
    const plain = signalProbabilities('¿A qué hora abren la tienda del centro?');
    expect(report.fraud!).toBeGreaterThan(plain.fraud!);
    expect(classifiedSignals('¿A qué hora abren la tienda del centro?')).toEqual([]);
  });

  it('when every signal has a model, then each threshold is a probability and the models are not empty', () => {
    for (const signal of ['human_request', 'legal', 'complaint', 'fraud', 'billing_action'] as const) {
      const model = SIGNAL_MODELS[signal]!;
      expect(model.high).toBeGreaterThan(0);
      expect(model.high).toBeLessThan(1);
      expect(Object.keys(model.weights).length).toBeGreaterThan(100);
    }
  });

  it('when a model is given one that always fires, then the classifier alone raises the signal, and `classifier: false` leaves it out', () => {
    const always = { bias: 5, weights: {}, high: 0.5, low: 0.5 };
    expect(classifiedSignals('anything at all', { fraud: always }).map((h) => h.signal)).toEqual(['fraud']);
    // The shipped models decide in escalationSignals; with the switch off, only the phrase lists do.
    const text = 'Hola, quisiera saber el horario';
    expect(escalationSignals(text, 'es', { classifier: false })).toEqual([]);
    expect(billingAction(text, 'es', { classifier: false })).toBeUndefined();
  });

  it('when trained twice on the same rows, then the weights are the same', () => {
    const rows = [
      { text: 'someone used my card without permission', attack: true },
      { text: 'my account was hacked last night', attack: true },
      { text: 'when does the shop open', attack: false },
      { text: 'how much is delivery to my city', attack: false },
    ];
    expect(trainLinearModel(rows)).toEqual(trainLinearModel(rows));
  });
});
