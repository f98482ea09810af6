/**
 * Knowledge search in any language and on a knowledge base of one document, on PostgreSQL and
 * PGlite: each chunk stemmed in its own language, accents ignored, questions in other languages
 * translated through the lexicon, pg_trgm spelling corrections, the namespace's own synonyms.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db';
import { documentChunks, namespaces } from '../../src/db/schema';
import { explainQuery, isAnswer, RELATED_FLOOR, RELEVANCE_FLOOR, searchKnowledge, searchQuestion } from '../../src/knowledge/search';
import { addDocument } from '../../src/knowledge/store';
import { DB_KINDS, openTestDatabase } from '../helpers/system';

const DUPLICATES = 'If you were charged twice for the same order, tell us the order number and we will refund the duplicate payment within 3 working days.';
const DEVOLUCIONES = `# Devoluciones

Puedes devolver cualquier artículo en un plazo de 30 días. El reembolso llega a tu tarjeta en 5 días hábiles.`;
const MIXED = `# Store hours

## Madrid

Our Madrid store is open from 10am to 9pm, Monday to Saturday.

## Madrid (español)

Nuestra tienda de Madrid abre de 10 a 21 horas, de lunes a sábado, y cierra los domingos.`;
const ROAMING = `# Using your phone abroad

Roaming in the EU costs £2.50 a day. Your UK allowance of minutes, texts and data works as usual.`;

describe.each(DB_KINDS)('knowledge in any language on %s', (kind) => {
  let database: DatabaseHandle;
  const single = `one-${randomUUID().slice(0, 8)}`;
  const spanish = `es-${randomUUID().slice(0, 8)}`;
  const english = `en-${randomUUID().slice(0, 8)}`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.db.insert(namespaces).values([{ name: single }, { name: spanish }, { name: english }]);
    const add = async (key: string, namespace: string, title: string, content: string) => {
      ids[key] = (await addDocument(database.db, { namespace, title, contentType: 'text/markdown', content })).id;
    };
    await add('duplicates', single, 'Duplicate charges', DUPLICATES);
    await add('devoluciones', spanish, 'Devoluciones', DEVOLUCIONES);
    await add('mixed', english, 'Store hours', MIXED);
    await add('roaming', english, 'Using your phone abroad', ROAMING);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('when a namespace holds one short document, then a wordy question about it still finds it', async () => {
    const found = await searchKnowledge(database.db, { namespace: single, query: 'I need a refund for my last invoice, it was charged twice' });
    expect(found.map((p) => p.documentId)).toEqual([ids.duplicates]);
    expect(await searchKnowledge(database.db, { namespace: single, query: 'Can I pay with bitcoin?' })).toEqual([]);
  });

  it('when chunks are stored, then each is stemmed in its own language', async () => {
    const rows = await database.db
      .select({ language: sql<string>`${documentChunks.language}::text`, text: documentChunks.text })
      .from(documentChunks)
      .where(eq(documentChunks.documentId, ids.mixed!));
    expect(rows.map((r) => r.language).sort()).toEqual(['english', 'spanish']);
  });

  it('when knowledge is in Spanish, then a Spanish question finds it with or without accents, and an English one through the lexicon', async () => {
    for (const query of ['¿Cuándo llega el reembolso?', 'cuando llega el reembolso', 'When will my refund arrive?']) {
      const found = await searchKnowledge(database.db, { namespace: spanish, query });
      expect(
        found.map((p) => p.documentId),
        query,
      ).toContain(ids.devoluciones);
    }
  });

  it('when a question is in another language than (some of) the knowledge, then its words are translated and the passage is found', async () => {
    const analysis = await explainQuery(database.db, english, '¿Cuánto cuesta usar el móvil en el extranjero?');
    expect(analysis.language).toBe('spanish');
    expect(analysis.terms.some((t) => t.tsquery.includes("'abroad'"))).toBe(true);
    const found = await searchQuestion(database.db, { namespace: english, query: '¿Cuánto cuesta usar el móvil en el extranjero?' });
    expect(found[0]?.documentId).toBe(ids.roaming);
  });

  it('when a word is misspelt, then pg_trgm offers the knowledge word it resembles', async () => {
    const query = 'how much does it cost to use my phone abraod';
    const analysis = await explainQuery(database.db, english, query);
    expect(analysis.terms.some((t) => t.tsquery.includes("'abroad'"))).toBe(true);
    const found = await searchKnowledge(database.db, { namespace: english, query });
    expect(found[0]?.documentId).toBe(ids.roaming);
  });

  it("when a namespace declares its own synonyms, then its customers' words find its articles", async () => {
    const query = 'globetrotting charges';
    // Without them the article is only related (under the answer floor), not an answer, and
    // answers alone leave it out.
    const related = await searchKnowledge(database.db, { namespace: english, query });
    expect(related.map((p) => p.documentId)).toContain(ids.roaming);
    expect(related.filter(isAnswer)).toEqual([]);
    expect(related.every((p) => p.score >= RELATED_FLOOR && p.score < RELEVANCE_FLOOR)).toBe(true);
    expect(await searchKnowledge(database.db, { namespace: english, query, related: false })).toEqual([]);
    const found = await searchKnowledge(database.db, { namespace: english, query, synonyms: [['globetrotting', 'roaming']] });
    expect(found[0]?.documentId).toBe(ids.roaming);
    expect(isAnswer(found[0]!)).toBe(true);
  });
});
