/** The adapter registry and the embedder factory, from configuration; the offline adapter's behaviour. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedderFromConfig, createLlmRegistry } from '../../src/llm';
import { createOfflineAdapter, GREETING_REPLY, NOT_FOUND_REPLY } from '../../src/llm/offline';
import { startFakeOpenAi, type FakeOpenAi } from '../../testkit/fake-openai';

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-registry-test-key' });
});
afterAll(async () => {
  await fake.close();
});

const config = (overrides: Record<string, string | undefined> = {}) => ({
  apiKey: 'sk-registry-test-key',
  baseUrl: fake.url,
  model: 'gpt-4o-mini',
  embeddingModel: 'text-embedding-3-small',
  ...overrides,
});

describe('createLlmRegistry', () => {
  it('when called with nothing or without a key, then only the offline adapter is there', () => {
    expect(Object.keys(createLlmRegistry())).toEqual(['offline']);
    expect(Object.keys(createLlmRegistry(config({ apiKey: undefined })))).toEqual(['offline']);
  });

  it('when a key is configured, then the openai adapter is built on first use, once, and talks to the configured server', async () => {
    const registry = createLlmRegistry({ ...config(), timeoutMs: 5_000 });
    const before = fake.requests.length;
    const adapter = registry.openai!();
    expect(fake.requests.length).toBe(before);
    expect(registry.openai!()).toBe(adapter);
    expect(adapter.kind).toBe('openai');
    const result = await adapter.generate({
      systemPrompt: '',
      history: [],
      message: { kind: 'text', text: 'Hi?', attachments: [] },
      passages: [],
    });
    expect(result.model).toBe('gpt-4o-mini');
    expect(fake.chatRequests().length).toBe(1);
  });
});

describe('createEmbedderFromConfig', () => {
  it('when the key or the embedding model is missing, then there is no embedder', () => {
    expect(createEmbedderFromConfig(undefined)).toBeUndefined();
    expect(createEmbedderFromConfig(config({ apiKey: undefined }))).toBeUndefined();
    expect(createEmbedderFromConfig(config({ embeddingModel: undefined }))).toBeUndefined();
  });

  it('when both are configured, then it embeds with the embedding model', async () => {
    const embed = createEmbedderFromConfig(config())!;
    expect(await embed(['one', 'two'])).toHaveLength(2);
    expect(fake.embeddingRequests().at(-1)?.body.model).toBe('text-embedding-3-small');
  });
});

describe('the offline adapter', () => {
  const offline = createOfflineAdapter();
  const ask = (
    text: string,
    passages = [{ documentId: 'd', title: 'Refunds', position: 0, text: 'Refunds are paid within 5 business days. We love cats.', score: 1 }],
  ) => offline.generate({ systemPrompt: 'Be kind.', history: [], message: { kind: 'text', text, attachments: [] }, passages });

  it('when a passage answers, then it quotes the best sentence and cites it; otherwise it says it does not know', async () => {
    // The passage is quoted whole (it is short), not only its best sentence.
    expect(await ask('How long do refunds take?')).toMatchObject({
      text: 'Refunds are paid within 5 business days. We love cats.',
      citations: [0],
      model: 'offline-extractive',
    });
    expect(await ask('Do you sell bikes?')).toMatchObject({ text: NOT_FOUND_REPLY, citations: [], confidence: 0.2 });
    expect(await ask('Hello!')).toMatchObject({ text: GREETING_REPLY, confidence: 1 });
    expect(offline.assess).toBeUndefined();
  });

  it('when a passage is only related (under the relevance floor), then it is not answered from, and citations point into the passages given', async () => {
    const related = { documentId: 'r', title: 'Roaming', position: 0, text: 'Roaming in the EU costs £2.50 a day.', score: 0.45 };
    const refunds = { documentId: 'd', title: 'Refunds', position: 0, text: 'Refunds are paid within 5 business days.', score: 0.8 };
    expect(await ask('How much does roaming cost?', [related])).toMatchObject({ text: NOT_FOUND_REPLY, citations: [] });
    expect(await ask('How much does roaming cost?', [{ ...related, score: 0.5 }])).toMatchObject({
      text: 'Roaming in the EU costs £2.50 a day.',
      citations: [0],
    });
    // The related passage first, the answer second: the citation is the answer's place, 1.
    expect(await ask('How long do refunds take?', [related, refunds])).toMatchObject({ text: 'Refunds are paid within 5 business days.', citations: [1] });
  });

  it('when the message is only small talk, then it answers it without looking anything up', async () => {
    expect(await ask('hello again!')).toMatchObject({ text: GREETING_REPLY, confidence: 1 });
    expect(await ask('Thank you so much')).toMatchObject({ text: expect.stringMatching(/^You're welcome/), confidence: 1 });
    expect(await ask('bye')).toMatchObject({ text: expect.stringMatching(/^Goodbye/), confidence: 1 });
    expect(await ask('hello\nhello?\nthanks')).toMatchObject({ text: expect.stringMatching(/^You're welcome/), confidence: 1 });
    // A greeting that asks for something is not small talk.
    expect(await ask('hi, how long do refunds take?')).toMatchObject({ text: 'Refunds are paid within 5 business days. We love cats.', citations: [0] });
  });
});
