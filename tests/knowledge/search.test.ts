/** Knowledge store and search on PostgreSQL and PGlite: ranking, typos, the relevance floor, isolation, deletes, RRF. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db';
import { documentChunks, namespaces } from '../../src/db/schema';
import {
  bestScore,
  corrections,
  diversify,
  editDistance,
  isAnswer,
  reciprocalRankFusion,
  relevance,
  RELEVANCE_FLOOR,
  searchKnowledge,
  searchQuestion,
} from '../../src/knowledge/search';
import { addDocument, deleteDocument, EmbeddingError, embedPendingChunks, getDocument, listDocuments, type EmbedFn } from '../../src/knowledge/store';
import { DB_KINDS, openTestDatabase } from '../helpers/system';

const RETURNS = `# Returns and refunds

## Returning an item

You can return most items within 30 days of delivery. Items must be unworn with the tags attached.
Use the returns portal to print a free returns label.

## Refund timing

We process your refund within 5 working days of receiving the return. Your bank may take another 3 to 5 days.
`;

const SHIPPING = `# Delivery

## UK delivery

Standard delivery costs £3.95 and takes 2 to 4 working days. Express delivery arrives the next working day.

## International delivery

We ship to the EU, the United States and Canada. Customs duties may apply.
`;

const GIFT_CARDS = `# Gift cards

Gift cards are valid for 24 months and can be used online or in any store. Check your balance on the gift card page.
`;

const PARKING = `Our Bristol store has a customer car park behind the building, free for one hour.`;

/**
 * A deterministic stand-in for an embedding model: one dimension per concept, counting the
 * words of the concept (whole words, or beginnings of at least 5 letters).
 */
const CONCEPTS = [
  ['refund', 'money', 'reimburs'],
  ['deliver', 'ship', 'courier'],
  ['car', 'automobile', 'vehicle', 'parking'],
  ['gift', 'voucher'],
  ['return'],
];
const fakeEmbed: EmbedFn = async (texts) =>
  texts.map((text) => {
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    const inConcept = (word: string, concept: string[]) => concept.some((c) => word === c || (c.length >= 5 && word.startsWith(c)));
    return CONCEPTS.map((concept) => 0.01 + words.filter((w) => inConcept(w, concept)).length);
  });

describe.each(DB_KINDS)('knowledge search on %s', (kind) => {
  let database: DatabaseHandle;
  const shop = `shop-${randomUUID().slice(0, 8)}`;
  const other = `other-${randomUUID().slice(0, 8)}`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.db.insert(namespaces).values([{ name: shop }, { name: other }]);
    const add = async (name: string, namespace: string, title: string, content: string, contentType: 'text/markdown' | 'text/plain' = 'text/markdown') => {
      ids[name] = (await addDocument(database.db, { namespace, title, contentType, content, source: `${name}.md` }, fakeEmbed)).id;
    };
    await add('returns', shop, 'Returns and refunds', RETURNS);
    await add('shipping', shop, 'Delivery', SHIPPING);
    await add('gift', shop, 'Gift cards', GIFT_CARDS);
    await add('parking', shop, 'Parking', PARKING, 'text/plain');
    await add('otherReturns', other, 'Refunds elsewhere', 'Refunds in this other shop take 60 days.', 'text/plain');
  });
  afterAll(async () => {
    await database?.close();
  });

  const search = (query: string, extra: Partial<Parameters<typeof searchKnowledge>[1]> = {}) =>
    searchKnowledge(database.db, { namespace: shop, query, ...extra });

  it('when a question matches a section, then its passage comes first with title, position and score', async () => {
    const passages = await search('How long does a refund take?');
    expect(passages[0]).toMatchObject({
      documentId: ids.returns,
      title: 'Returns and refunds > Refund timing',
      position: 1,
      text: expect.stringContaining('5 working days'),
    });
    expect(passages[0]!.score).toBeGreaterThan(0);
    expect(passages[0]!.score).toBeLessThanOrEqual(1);
    const scores = passages.map((p) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('when a question has typos, then the right section is still found', async () => {
    expect((await search('when do i get my refnud'))[0]).toMatchObject({ documentId: ids.returns, position: 1 });
    expect((await search('shiping to canada'))[0]).toMatchObject({ documentId: ids.shipping, title: 'Delivery > International delivery' });
    expect((await search('gift crad balance'))[0]).toMatchObject({ documentId: ids.gift });
  });

  it('when a question uses other words for the same thing, then synonyms and word families find it', async () => {
    expect((await search('can I get my money back?'))[0]).toMatchObject({ documentId: ids.returns });
    expect((await search('how much is postage'))[0]).toMatchObject({ documentId: ids.shipping, position: 0 });
  });

  it('when the answer is not in the knowledge, then nothing comes back', async () => {
    expect(await search('Can I pay with bitcoin?')).toEqual([]);
    expect(await search('Do you sell bicycles?')).toEqual([]);
    expect(await search('what is the weather tomorrow')).toEqual([]);
    expect(await search('')).toEqual([]);
    expect(await search('what is it and why?')).toEqual([]); // stop words only
    expect(await search("'); drop table documents; --")).toEqual([]);
  });

  it('when the floor is lowered, then weaker matches come back, and the limit is honoured', async () => {
    expect(await search('Can I pay with bitcoin at the store?', { minCoverage: 0 })).not.toEqual([]);
    expect(await search('delivery', { limit: 1 })).toHaveLength(1);
  });

  it('when namespaces differ, then each sees only its own documents', async () => {
    const mine = await search('refunds');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((p) => p.documentId !== ids.otherReturns)).toBe(true);
    const theirs = await searchKnowledge(database.db, { namespace: other, query: 'refunds' });
    expect(theirs.map((p) => p.documentId)).toEqual([ids.otherReturns]);
    expect(await searchKnowledge(database.db, { namespace: 'nobody-here', query: 'refunds' })).toEqual([]);
    expect(await getDocument(database.db, other, ids.returns!)).toBeUndefined();
    expect(await deleteDocument(database.db, other, ids.returns!)).toBe(false);
  });

  it('when documents are listed and read, then they come with their chunks', async () => {
    const list = await listDocuments(database.db, shop);
    expect(list.map((d) => d.title).sort()).toEqual(['Delivery', 'Gift cards', 'Parking', 'Returns and refunds']);
    expect(list.find((d) => d.id === ids.returns)).toMatchObject({ contentType: 'text/markdown', chunks: 2, createdAt: expect.any(Date) });
    const doc = await getDocument(database.db, shop, ids.shipping!);
    expect(doc).toMatchObject({ title: 'Delivery', contentType: 'text/markdown', content: SHIPPING, source: 'shipping.md' });
    expect(doc!.chunks.map((c) => [c.position, c.heading, c.embedded])).toEqual([
      [0, 'Delivery > UK delivery', true],
      [1, 'Delivery > International delivery', true],
    ]);
    expect((await getDocument(database.db, shop, ids.parking!))!.chunks[0]).toMatchObject({ heading: 'Parking', text: PARKING });
    expect(await getDocument(database.db, shop, 'not-a-uuid')).toBeUndefined();
  });

  it('when a question is a burst of lines, then each line is searched too and a passage keeps its best score', async () => {
    const burst = 'hi there\nis there parking at the Bristol store\nand how do I check my gift card balance';
    // Together, the parking line's words are under the floor: the whole alone does not answer it.
    expect((await search(burst)).filter(isAnswer).map((p) => p.documentId)).not.toContain(ids.parking);
    const found = await searchQuestion(database.db, { namespace: shop, query: burst });
    expect(new Set(found.filter(isAnswer).map((p) => p.documentId))).toEqual(new Set([ids.parking, ids.gift]));
    // One line is just a search.
    expect(await searchQuestion(database.db, { namespace: shop, query: 'gift card balance' })).toEqual(await search('gift card balance'));
  });

  it('when a part of a question is a word or two, then what it alone finds is related, not an answer', async () => {
    // "Delivery?" alone matches the delivery article in full; as a part it does not answer.
    const found = await searchQuestion(database.db, { namespace: shop, query: 'Is there parking at the Bristol store? Delivery?' });
    expect(found.filter(isAnswer).map((p) => p.documentId)).toContain(ids.parking);
    expect(found.filter((p) => p.documentId === ids.shipping).every((p) => !isAnswer(p))).toBe(true);
    // Asked on its own, the same words are an answer.
    expect((await searchQuestion(database.db, { namespace: shop, query: 'Delivery?' })).filter(isAnswer).map((p) => p.documentId)).toContain(ids.shipping);
  });

  it('when a document is deleted, then its chunks go with it and search no longer finds it', async () => {
    const { id } = await addDocument(database.db, {
      namespace: shop,
      title: 'Temporary',
      contentType: 'text/plain',
      content: 'Zeppelin deliveries are suspended.',
    });
    expect((await search('zeppelin'))[0]).toMatchObject({ documentId: id });
    expect(await deleteDocument(database.db, shop, id)).toBe(true);
    const [left] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(documentChunks)
      .where(eq(documentChunks.documentId, id));
    expect(left!.n).toBe(0);
    expect(await search('zeppelin')).toEqual([]);
    expect(await deleteDocument(database.db, shop, id)).toBe(false);
  });

  it('when an embedding function is given, then the full-text and vector rankings are fused by RRF, and scores stay 0..1 strengths', async () => {
    // "automobile" is not a word of the knowledge: full text alone finds nothing, the fake
    // model puts it next to the car park.
    const fused = await search('automobile', { embed: fakeEmbed });
    expect(await search('automobile')).toEqual([]);
    expect(fused[0]).toMatchObject({ documentId: ids.parking, title: 'Parking' });
    // Absent from full text: its strength is its cosine similarity, above the 0.4 floor.
    expect(fused[0]!.score).toBeGreaterThanOrEqual(0.4);
    expect(fused[0]!.score).toBeLessThanOrEqual(1);
    expect(fused.every((p) => p.documentId !== ids.gift)).toBe(true); // below both floors

    // First in both rankings; its strength is at least its full-text score.
    const both = await search('gift card balance', { embed: fakeEmbed });
    expect(both[0]).toMatchObject({ documentId: ids.gift });
    const [plain] = await search('gift card balance');
    expect(both[0]!.score).toBeGreaterThanOrEqual(plain!.score);
    expect(both.every((p) => p.score >= 0 && p.score <= 1)).toBe(true);
  });

  it('when vectors are compared by pgvector in the database or in the process, then the ranking is the same', async () => {
    for (const query of ['automobile', 'gift card balance', 'where do I leave my car', 'shipping abroad']) {
      const inDatabase = await search(query, { embed: fakeEmbed, inProcessVectorsUpTo: 0 });
      const inProcess = await search(query, { embed: fakeEmbed, inProcessVectorsUpTo: Number.MAX_SAFE_INTEGER });
      expect(
        inDatabase.map((p) => [p.documentId, p.position]),
        query,
      ).toEqual(inProcess.map((p) => [p.documentId, p.position]));
      inDatabase.forEach((p, i) => expect(p.score, query).toBeCloseTo(inProcess[i]!.score, 5));
    }
    expect((await search('automobile', { embed: fakeEmbed, inProcessVectorsUpTo: 0 }))[0]).toMatchObject({ documentId: ids.parking });
  });

  it('when the embedding function fails, then the document is stored all the same, found by full text, and embedded by a later retry', async () => {
    const before = (await listDocuments(database.db, shop)).length;
    await expect(
      addDocument(database.db, { namespace: shop, title: 'Bad', contentType: 'text/plain', content: 'One.\n\nTwo.' }, async () => [[1, 2]]),
    ).resolves.toBeDefined(); // one chunk, one vector: fine
    const failing: EmbedFn = Object.assign(
      async () => {
        throw new Error('model unavailable');
      },
      { model: 'test:failing' },
    );
    const stored = await addDocument(
      database.db,
      { namespace: shop, title: 'Snowshoe hire', contentType: 'text/plain', content: 'Snowshoes can be hired for 12 pounds a day.' },
      failing,
    );
    expect(stored.embedding).toBe('pending');
    const pending = await getDocument(database.db, shop, stored.id);
    expect(pending!.chunks.map((c) => [c.embeddingStatus, c.embedded])).toEqual([['pending', false]]);
    const [row] = await database.db.select().from(documentChunks).where(eq(documentChunks.documentId, stored.id));
    expect(row!.embeddingError).toMatch(/model unavailable/);
    expect(row!.embedAfter!.getTime()).toBeGreaterThan(Date.now());
    // Searchable by full text meanwhile.
    expect((await search('snowshoe hire')).map((p) => p.documentId)).toContain(stored.id);
    // Not due yet: it is not retried (the chunks of another model are: the model changed). Once due, a
    // failing model keeps it pending with a longer wait.
    await embedPendingChunks(database.db, failing, 1000);
    const [waiting] = await database.db.select().from(documentChunks).where(eq(documentChunks.documentId, stored.id));
    expect(waiting!.embeddingAttempts).toBe(1);
    await database.db
      .update(documentChunks)
      .set({ embedAfter: new Date(Date.now() - 1000) })
      .where(eq(documentChunks.documentId, stored.id));
    const retried = await embedPendingChunks(database.db, failing);
    expect(retried.failed).toBeGreaterThanOrEqual(1);
    const [again] = await database.db.select().from(documentChunks).where(eq(documentChunks.documentId, stored.id));
    expect(again!.embeddingAttempts).toBe(2);
    // The model is back: the chunk gets its vector.
    await database.db.update(documentChunks).set({ embedAfter: null }).where(eq(documentChunks.namespace, shop));
    const working: EmbedFn = Object.assign((texts: string[]) => fakeEmbed(texts), { model: 'test:failing' });
    let progress;
    do progress = await embedPendingChunks(database.db, working);
    while (progress.embedded > 0 && (await getDocument(database.db, shop, stored.id))!.chunks[0]!.embeddingStatus !== 'embedded');
    const done = await getDocument(database.db, shop, stored.id);
    expect(done!.chunks.map((c) => [c.embeddingStatus, c.embedded])).toEqual([['embedded', true]]);
    await expect(addDocument(database.db, { namespace: shop, title: 'Bad', contentType: 'text/plain', content: 'x' }, async () => [])).resolves.toMatchObject({
      embedding: 'pending',
    });
    await expect(search('refund', { embed: Object.assign(async () => Promise.reject(new Error('down')), { model: 'test:failing' }) })).rejects.toBeInstanceOf(
      EmbeddingError,
    );
    expect((await listDocuments(database.db, shop)).length).toBe(before + 3);
  });
});

describe('relevance', () => {
  it('when a chunk reaches a floor, then it is an answer; under every floor it is related, by how near it came', () => {
    expect(relevance(0.5, 0)).toBe(RELEVANCE_FLOOR);
    expect(relevance(1, 0)).toBe(1);
    expect(relevance(0, 0.7)).toBe(RELEVANCE_FLOOR);
    expect(relevance(0.25, 0)).toBeCloseTo(0.25, 3); // half the coverage floor: half the answer floor
    expect(relevance(0, 0)).toBe(0);
    // Rises with either measure, and never reaches the floor from under it.
    const under = [0, 0.1, 0.2, 0.3, 0.4, 0.49].map((c) => relevance(c, 0.3));
    expect([...under].sort((a, b) => a - b)).toEqual(under);
    expect(under.every((r) => r < RELEVANCE_FLOOR)).toBe(true);
  });

  it('when passages are mixed, then the best score is the best of them, whatever their order', () => {
    expect(bestScore([])).toBeNull();
    expect(bestScore([{ score: 0.4 }, { score: 0.9 }, { score: 0.6 }])).toBe(0.9);
    expect([{ score: 0.4 }, { score: 0.5 }].map(isAnswer)).toEqual([false, true]);
  });
});

describe('reciprocalRankFusion and diversify', () => {
  it('when ids are ranked by several lists, then each adds 1/(k + rank)', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b'],
      ['b', 'c'],
    ]);
    expect(fused.get('a')).toBeCloseTo(1 / 61, 12);
    expect(fused.get('b')).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused.get('c')).toBeCloseTo(1 / 62, 12);
    expect(reciprocalRankFusion([['x']], 10).get('x')).toBeCloseTo(1 / 11, 12);
  });

  it('when one document has many passages, then its third waits for the other documents', () => {
    const ranked = ['a1', 'a2', 'a3', 'b1', 'a4', 'c1'].map((id) => ({ id, documentId: id[0]! }));
    expect(diversify(ranked).map((r) => r.id)).toEqual(['a1', 'a2', 'b1', 'c1', 'a3', 'a4']);
  });
});

describe('spelling corrections', () => {
  it('when words are one or two edits apart, then the distance says so, transpositions included', () => {
    expect(editDistance('refnud', 'refund')).toBe(1);
    expect(editDistance('pasword', 'password')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('short', 'a much longer word', 2)).toBe(3); // cut off above the limit
  });

  it('when a word is not in the vocabulary, then the nearest, most frequent words with its first letter are offered', () => {
    const vocabulary = new Map([
      ['refund', 12],
      ['return', 30],
      ['ship', 8],
      ['shop', 20],
      ['deliveri', 40],
    ]);
    expect(corrections('refnud', vocabulary)).toEqual(['refund']);
    expect(corrections('shipe', vocabulary)).toEqual(['ship']);
    expect(corrections('delivri', vocabulary)).toEqual(['deliveri']);
    expect(corrections('car', vocabulary)).toEqual([]); // too short to guess
    expect(corrections('bitcoin', vocabulary)).toEqual([]);
  });
});
