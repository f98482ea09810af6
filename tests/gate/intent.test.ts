import { describe, expect, it } from 'vitest';
import { classifyIntent, isQuestion } from '../../src/gate/intent';
import { DEFAULT_INTENTS } from '../../src/namespaces/config';

const intents = [...DEFAULT_INTENTS];
const intentOf = (text: string, allowed: string[] = intents) => classifyIntent(text, allowed).intent;

describe('classifyIntent with the default intents', () => {
  it.each([
    ['greeting', 'Hi there!'],
    ['greeting', 'Thanks a lot'],
    ['greeting', 'Guten Morgen'],
    ['greeting', 'Bonjour'],
    ['order_status', 'Where is my order? It has not arrived.'],
    ['order_status', 'Wo ist mein Paket? Die Lieferung ist überfällig.'],
    ['order_status', '¿Dónde está mi pedido?'],
    ['order_status', 'Je n’ai toujours pas reçu mon colis.'],
    ['order_status', 'A minha encomenda ainda não chegou.'],
    ['order_status', 'Il pacco non è ancora arrivato.'],
    ['order_status', 'Waar is mijn pakket?'],
    ['billing', 'I was charged twice, I need a refund.'],
    ['billing', 'Die Rechnung ist falsch, bitte Erstattung.'],
    ['billing', 'Quiero un reembolso de mi factura.'],
    ['billing', 'Ma facture est incorrecte.'],
    ['billing', 'Preciso da fatura do pagamento.'],
    ['billing', 'Vorrei un rimborso.'],
    ['billing', 'Mijn factuur klopt niet.'],
    ['complaint', 'This is unacceptable, the item arrived broken and damaged.'],
    ['complaint', 'Ich bin sehr unzufrieden, das Gerät ist kaputt.'],
    ['complaint', 'Estoy harto, el producto llegó roto.'],
    ['human_request', 'I want to talk to a real person.'],
    ['human_request', 'Ich möchte mit einem Mitarbeiter sprechen.'],
    ['human_request', 'Quiero hablar con un agente.'],
    ['human_request', 'Je veux parler à un conseiller.'],
    ['human_request', 'Quero falar com um atendente.'],
    ['human_request', 'Vorrei parlare con un operatore.'],
    ['human_request', 'Ik wil een medewerker spreken.'],
    ['question', 'Do you ship to Norway?'],
    ['question', 'How long is the warranty'],
    ['other', 'Lorem ipsum dolor sit amet.'],
  ])('when the message reads as %s (%j), then that intent wins', (expected, text) => {
    expect(intentOf(text)).toBe(expected);
  });

  it('when a greeting comes with a real request, then the request wins', () => {
    expect(intentOf('Hi, where is my order?')).toBe('order_status');
    expect(intentOf('Hello, thanks, I need my invoice')).toBe('billing');
  });

  it('when two intents match equally, then the tie goes to the more urgent one', () => {
    // one keyword each: "human" (human_request) and "broken" (complaint)
    expect(intentOf('broken, human please')).toBe('human_request');
    // "order" (order_status) and "charged" (billing)
    expect(intentOf('charged for order')).toBe('billing');
  });

  it('when more keywords point at one intent, then it wins over a single keyword of another', () => {
    const result = classifyIntent('Terrible, awful service, the order came damaged', intents);
    expect(result.intent).toBe('complaint');
    expect(result.matched).toEqual(expect.arrayContaining(['terrible', 'awful', 'damaged']));
    expect(result.score).toBe(0.875);
  });

  it('when keywords match, then the score grows with them and stays in 0..1', () => {
    expect(classifyIntent('refund', intents)).toEqual({ intent: 'billing', score: 0.5, matched: ['refund'] });
    expect(classifyIntent('refunded invoice', intents).score).toBe(0.75);
    expect(classifyIntent('invoice bill payment refund receipt price cost fee vat tax', intents).score).toBeLessThanOrEqual(1);
  });

  it('when words only contain a keyword, then they do not match it', () => {
    expect(intentOf('I love your paypalish design?')).toBe('question');
    expect(intentOf('taxidermy')).toBe('other');
  });
});

describe('classifyIntent with a custom intent list', () => {
  it('when a default intent is not allowed, then it is never returned', () => {
    expect(intentOf('Where is my order?', ['greeting', 'question', 'other'])).toBe('question');
    expect(intentOf('Where is my order', ['greeting', 'other'])).toBe('other');
  });

  it('when a custom intent is declared, then only the words of its name match it', () => {
    const allowed = [...intents, 'warranty_claim', 'gift_card'];
    expect(classifyIntent('My warranty claim was ignored', allowed)).toEqual({
      intent: 'warranty_claim',
      score: 0.75,
      matched: ['warranty', 'claim'],
    });
    expect(intentOf('Can I buy gift cards?', allowed)).toBe('gift_card');
    expect(intentOf('My guarantee expired?', allowed)).toBe('question');
  });

  it('when a custom intent ties with billing, then the tenant’s own intent wins', () => {
    expect(intentOf('I want a refund', [...intents, 'refund_request'])).toBe('refund_request');
  });

  it('when a custom intent name has only short or common words, then it never matches', () => {
    expect(intentOf('it is what it is', ['a_b', 'other'])).toBe('other');
  });

  it('when nothing matches and question is not allowed, then the result is other', () => {
    expect(classifyIntent('Do you ship to Norway?', ['billing', 'other'])).toEqual({ intent: 'other', score: 0.2, matched: [] });
  });

  it('when the message is empty, then the result is other with score 0', () => {
    expect(classifyIntent('   ', intents)).toEqual({ intent: 'other', score: 0, matched: [] });
  });
});

describe('isQuestion', () => {
  it.each(['Is it in stock?', '¿Tienen talla M', 'Wie lange dauert der Versand', 'Combien coûte la livraison', 'Hoe lang duurt het'])(
    'when the text is %j, then it is a question',
    (text) => expect(isQuestion(text)).toBe(true),
  );

  it.each(['I want the blue one.', 'Thanks', 'Bitte schnell liefern'])('when the text is %j, then it is not a question', (text) =>
    expect(isQuestion(text)).toBe(false),
  );
});
