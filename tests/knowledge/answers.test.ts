/**
 * The pieces of answering in any wording and language, without a database: language detection,
 * chunking that keeps tables and lists readable, the extractive offline answer, and which adapter
 * a namespace drafts with.
 */
import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from '../../src/knowledge/chunk';
import { detectLanguage, dominantLanguage } from '../../src/knowledge/language';
import { lexiconPairs } from '../../src/knowledge/lexicon';
import { extractAnswer, QUOTE_CHARS, questionParts, quoteAnswer, root } from '../../src/llm/extract';
import type { Passage } from '../../src/llm/types';
import { adapterFor, parseNamespaceConfig } from '../../src/namespaces/config';

const passage = (title: string, text: string, score = 0.8): Passage => ({ documentId: title, title, position: 0, text, score });

describe('detectLanguage', () => {
  it('when a question is written in a language, then its text-search configuration is told', () => {
    expect(detectLanguage('Where is my parcel? It has not arrived yet')).toBe('english');
    expect(detectLanguage('¿Cuánto tarda el reembolso en llegar a mi tarjeta?')).toBe('spanish');
    expect(detectLanguage('Quanto tempo demora o reembolso?')).toBe('portuguese');
    expect(detectLanguage('Wo ist mein Paket? Es ist noch nicht angekommen')).toBe('german');
    expect(detectLanguage('Je voudrais annuler ma commande, comment faire ?')).toBe('french');
    expect(detectLanguage('Bagaimana cara mengembalikan barang yang rusak?')).toBe('indonesian');
    expect(detectLanguage('मुझे रिफंड चाहिए')).toBe('hindi');
  });

  it('when a text is too short or has no words, then it is not guessed', () => {
    expect(detectLanguage('ok')).toBe('simple');
    expect(detectLanguage('12345 !!!')).toBe('simple');
  });

  it('when a document mixes languages, then the language of most of its text is its own', () => {
    expect(dominantLanguage(['Our stores are open from 9am to 6pm on weekdays and on Saturdays.', 'Abrimos de lunes a viernes.'])).toBe('english');
  });
});

describe('lexiconPairs', () => {
  it('when a question is in Spanish and the knowledge in English, then Spanish words translate to English ones', () => {
    const pairs = lexiconPairs('es', ['en']);
    const refund = pairs.find((p) => p.source === 'reembolso');
    expect(refund?.targets).toContainEqual({ config: 'english', text: 'refund' });
  });

  it('when the knowledge is in Spanish and the question in English, then English words translate to Spanish ones', () => {
    const pairs = lexiconPairs('en', ['es']);
    expect(pairs.find((p) => p.source === 'refund')?.targets.some((t) => t.config === 'spanish')).toBe(true);
  });

  it('when question and knowledge share a language, then there is nothing to translate', () => {
    expect(lexiconPairs('en', ['en'])).toEqual([]);
  });
});

describe('chunking tables and lists', () => {
  const rows = Array.from({ length: 30 }, (_, i) => `| Fibre ${i} | ${i * 10} Mbps | £${20 + i} |`).join('\n');
  const steps = Array.from({ length: 25 }, (_, i) => `${i + 1}. Plug the grey cable into port ${i} and wait for the light to turn white.`).join('\n');
  const chunks = chunkMarkdown(
    `# Plans\n\n## Broadband\n\nOur plans:\n\n| Plan | Speed | Price |\n|---|---|---|\n${rows}\n\n## Set-up\n\nTo set up your hub:\n\n${steps}\n`,
  );

  it('when a table is longer than a chunk, then every part repeats the header row', () => {
    const table = chunks.filter((c) => c.text.includes('| Fibre '));
    expect(table.length).toBeGreaterThan(1);
    for (const c of table) expect(c.text).toContain('| Plan | Speed | Price |\n|---|---|---|');
    expect(table.flatMap((c) => c.text.match(/\| Fibre \d+ /g) ?? []).length).toBe(30);
  });

  it('when a list is longer than a chunk, then every part repeats the sentence that leads into it, and keeps the heading path', () => {
    const list = chunks.filter((c) => /^\d+\. Plug/m.test(c.text));
    expect(list.length).toBeGreaterThan(1);
    for (const c of list) {
      expect(c.text.startsWith('To set up your hub:')).toBe(true);
      expect(c.heading).toBe('Plans > Set-up');
    }
  });
});

describe('extractAnswer (offline drafting)', () => {
  const hours = passage(
    'Contact us > Opening hours',
    'Our team is here to help.\n\n| Day | Phone lines |\n|---|---|\n| Monday to Friday | 8am to 8pm |\n| Saturday | 9am to 5pm |\n| Sunday | Closed |',
  );
  const refunds = passage(
    'Refunds > Timing',
    'We check every return carefully. We refund you within 5 working days of receiving your return. Card refunds can take 3 more days to show.',
  );

  it('when the answer is a row of a table, then the row comes with its column names', () => {
    const answer = extractAnswer('What time do your phone lines open on Saturday?', [hours]);
    expect(answer.text).toContain('Day: Saturday, Phone lines: 9am to 5pm');
  });

  it('when a passage has several sentences, then the one with the asked fact is picked, not the first', () => {
    const answer = extractAnswer('How long does a refund take?', [refunds]);
    expect(answer.text).toMatch(/5 working days/);
    expect(answer.text).not.toMatch(/^We check every return/);
  });

  it('when a question has two parts, then each part is answered from its own passage and both are cited', () => {
    const answer = extractAnswer('How long does a refund take, and are you open on Sunday?', [refunds, hours]);
    expect(answer.text).toMatch(/5 working days/);
    expect(answer.text).toMatch(/Sunday/);
    expect(answer.citations).toEqual([0, 1]);
  });

  it('when the question is in Spanish, then its words are read in English to pick the answer', () => {
    expect(extractAnswer('¿Cuánto tarda el reembolso?', [refunds]).text).toMatch(/5 working days/);
  });

  it('when the question names something no passage mentions, then nothing is answered', () => {
    expect(extractAnswer('Are your phone lines open on Easter Monday?', [hours]).text).toBeUndefined();
  });

  it('when a table has a column name every row shares, then the row whose own values match is picked', () => {
    const teams = passage(
      'Contact us > Phone lines',
      '| Team or service | Hours |\n|---|---|\n| Lost phone line | 24 hours |\n| Customer service phone line | 8am to 8pm |',
    );
    expect(extractAnswer('When is the service phone line open?', [teams]).text).toContain('Customer service phone line');
  });

  it('when a heading inside a passage names the topic, then the sentences under it answer, with the sentence that follows on', () => {
    const billing = passage(
      'Paying your bill',
      '## Card payments\nYou can pay by card in the app.\n\n## Setting up Direct Debit\nOpen Billing in the app and choose Direct Debit. It takes 10 working days to start. We love hearing from you.',
    );
    const answer = extractAnswer('How do I set up a Direct Debit?', [billing]);
    expect(answer.text).toMatch(/^Open Billing in the app and choose Direct Debit\. It takes 10 working days to start\.$/);
  });

  it('when the answer is quoted, then the section of its chosen unit is quoted from its start, the two best-ranked passages too, and a chosen unit is never cut', () => {
    const billing = passage(
      'Paying your bill',
      '## Card payments\nYou can pay by card in the app.\n\n## Setting up Direct Debit\nOpen Billing in the app and choose Direct Debit. It takes 10 working days to start.',
    );
    // The Direct Debit section, not the card one before it; the second-ranked passage follows.
    const quoted = quoteAnswer('How do I set up a Direct Debit?', [billing, refunds]);
    expect(quoted.text).toBe(
      'Open Billing in the app and choose Direct Debit. It takes 10 working days to start.\n\n' +
        'We check every return carefully. We refund you within 5 working days of receiving your return. Card refunds can take 3 more days to show.',
    );
    expect(quoted.citations).toEqual([0, 1]);
    // A table row far down a long passage: the rows before it go past the length, the chosen one stays.
    const rows = Array.from({ length: 40 }, (_, i) => `| Zone ${i + 1} | £${i + 1}.00 a day |`).join('\n');
    const roaming = passage('Roaming > Prices', `| Country zone | Daily price |\n|---|---|\n${rows}\n| Antarctica | £99.00 a day |`);
    const antarctica = quoteAnswer('How much is roaming in Antarctica?', [roaming]);
    expect(antarctica.text!.length).toBeLessThan(QUOTE_CHARS + 80);
    expect(antarctica.text).toContain('Country zone: Antarctica, Daily price: £99.00 a day');
    // A passage the question's words chose beyond the first two is quoted as well, in rank order.
    const third = quoteAnswer('Are you open on Sunday?', [refunds, billing, hours]);
    expect(third.citations).toEqual([0, 1, 2]);
    expect(third.text).toMatch(/Day: Sunday, Phone lines: Closed$/);
    // A sentence that leads into a list is quoted once, with its list.
    const covers = passage('Insurance > What is covered', 'Protect covers:\n- loss\n- theft\n- accidental damage');
    expect(quoteAnswer('What does Protect cover if my phone is stolen?', [covers]).text).toBe('Protect covers:\n- loss\n- theft\n- accidental damage');
    // Nothing answers: nothing is quoted.
    expect(quoteAnswer('Are your phone lines open on Easter Monday?', [hours]).text).toBeUndefined();
  });

  it('when a question is split, then sentences and joined clauses are its parts', () => {
    expect(questionParts('How much is delivery? And can I collect in store?')).toHaveLength(2);
    expect(questionParts('How much is delivery and can I pay later')).toEqual(['How much is delivery', 'I pay later']);
    expect(root('Refunds')).toBe(root('refund'));
  });
});

describe('adapterFor', () => {
  const config = (raw: unknown) => parseNamespaceConfig(raw).data!;
  it('when a namespace names no adapter, then a configured key means the model and no key the offline adapter', () => {
    expect(adapterFor(config({}), { openai: () => undefined })).toBe('openai');
    expect(adapterFor(config({}), {})).toBe('offline');
  });
  it('when a namespace names an adapter, then that one is used', () => {
    expect(adapterFor(config({ agentRunner: { activeAdapter: 'offline' } }), { openai: () => undefined })).toBe('offline');
  });
});
