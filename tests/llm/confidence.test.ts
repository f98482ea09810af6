/** The confidence of a generated reply, read from the reply alone. */
import { describe, expect, it } from 'vitest';
import { CONFIDENCE, estimateConfidence, saysItDoesNotKnow } from '../../src/llm/confidence';
import { NOT_FOUND_REPLY } from '../../src/llm/offline';
import type { InboundContent } from '../../src/llm/types';

const question: InboundContent = { kind: 'text', text: 'How long do refunds take?', attachments: [] };
const hello: InboundContent = { kind: 'text', text: 'Hello!', attachments: [] };

describe('estimateConfidence', () => {
  it('when the reply cites passages, then it is confident', () => {
    expect(estimateConfidence({ text: 'Five business days.', citations: [0], message: question })).toBe(CONFIDENCE.cited);
  });

  it('when the reply says it does not know, then it is low, a little higher when it still cites', () => {
    expect(estimateConfidence({ text: "Sorry, I don't know that.", citations: [], message: question })).toBe(CONFIDENCE.unknown);
    expect(estimateConfidence({ text: 'Refunds take 5 days. I do not know about exchanges.', citations: [0], message: question })).toBe(CONFIDENCE.partial);
  });

  it('when the reply cites nothing, then a greeting is fine and an answer is ungrounded', () => {
    expect(estimateConfidence({ text: 'Hello! How can I help?', citations: [], message: hello })).toBe(CONFIDENCE.smallTalk);
    expect(estimateConfidence({ text: 'Welcome!', citations: [], message: { kind: 'request_welcome', text: '', attachments: [] } })).toBe(CONFIDENCE.smallTalk);
    expect(estimateConfidence({ text: 'Refunds take 3 days.', citations: [], message: question })).toBe(CONFIDENCE.ungrounded);
  });

  it('when the reply is empty, then the confidence is 0', () => {
    expect(estimateConfidence({ text: '  ', citations: [0], message: question })).toBe(CONFIDENCE.empty);
  });
});

describe('saysItDoesNotKnow', () => {
  it.each([
    "I don't know.",
    'I’m not sure about that.',
    "I couldn't find anything about that in our articles.",
    NOT_FOUND_REPLY,
    'The passages do not contain information about exchanges.',
    "That isn't mentioned in our help articles.",
    'Lo siento, no tengo información sobre eso.',
    'Je ne sais pas.',
    'Dazu habe ich leider keine Informationen.',
    'Não sei.',
  ])('when the reply is "%s", then it admits it does not know', (text) => {
    expect(saysItDoesNotKnow(text)).toBe(true);
  });

  it.each(['Refunds take 5 business days.', 'You know, our shipping is fast.', 'Nosé is a town.'])('when the reply is "%s", then it does not', (text) => {
    expect(saysItDoesNotKnow(text)).toBe(false);
  });
});
