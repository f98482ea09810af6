/**
 * The local embedding model through the whole stack, as `npm start` runs it (LOCAL_EMBEDDINGS on):
 * a document posted to the API is embedded by the API process's model, and a customer's question
 * in other words than the article reaches it through the worker's rag_search and is answered with
 * the article's fact; the rag_search step records the passages it found.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentToolCalls, channelAccounts, documentChunks, namespaces } from '../../src/db/schema';
import { searchKnowledge } from '../../src/knowledge/search';
import { taskLookups } from '../helpers/tasks';
import { ADMIN_KEY, useTestSystem } from '../helpers/system';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

describe('semantic knowledge search in the running system', () => {
  const stack = useTestSystem('pglite', { env: { LOCAL_EMBEDDINGS: 'on', EMBEDDING_RETRY_INTERVAL: '500ms' } });
  const { taskOf, finished } = taskLookups(stack);
  const ns = `semantic-${randomUUID().slice(0, 8)}`;
  const phoneNumberId = `7${Math.floor(Math.random() * 1e13)}`;
  let documentId: string;

  beforeAll(async () => {
    await stack.database.db.insert(namespaces).values({ name: ns, config: {} });
    await stack.database.db.insert(channelAccounts).values({ namespace: ns, channel: 'whatsapp', externalId: phoneNumberId, settings: { source: 'env' } });
    const post = (title: string, content: string) =>
      fetch(`${stack.system.url}/api/v1/namespaces/${ns}/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title, content, contentType: 'text/markdown' }),
      });
    const res = await post(
      'Travelling abroad',
      '# Travelling abroad\n\nRoaming in Europe costs £2.50 per day and your usual minutes, texts and data work as at home.',
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; embedding: string };
    expect(body.embedding).toBe('embedded');
    documentId = body.id;
    expect((await post('Opening hours', '# Opening hours\n\nOur shops open from 9am to 6pm, Monday to Saturday.')).status).toBe(201);
  }, 120_000);

  it("when a document is posted, then its chunks carry the local model's vectors", async () => {
    const chunks = await stack.database.db.select().from(documentChunks).where(eq(documentChunks.documentId, documentId));
    expect(chunks.every((c) => c.embeddingStatus === 'embedded' && c.embedding?.length === 512)).toBe(true);
    expect(chunks[0]!.embeddingModel).toMatch(/^local:/);
  });

  it('when a customer asks in other words than the article, then the worker finds it and the reply carries the fact', async () => {
    const id = wamid();
    const from = `4479${Math.floor(Math.random() * 1e8)}`;
    const text = 'how much to use my phone when travelling abroad';
    // Full text alone does not reach the article's floor for these words: the embeddings must.
    expect(await searchKnowledge(stack.database.db, { namespace: ns, query: text, related: false })).toEqual([]);
    const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id, from, text }));
    expect(res.status).toBe(200);
    expect((await finished(id)).status).toBe('delivered');
    const reply = stack.graph.sent().find((r) => r.body.to === from);
    expect(reply!.body.text.body).toContain('£2.50 per day');
    const task = (await taskOf(id))!;
    const [search] = await stack.database.db
      .select()
      .from(agentToolCalls)
      .where(and(eq(agentToolCalls.taskId, task.id), eq(agentToolCalls.name, 'rag_search')));
    // The article first; the other document may follow as related, never as the answer.
    expect((search!.outputSummary as { documents: string[] }).documents[0]).toBe(documentId);
  }, 60_000);
});
