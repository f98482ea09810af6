/**
 * Knowledge search with the local embedding model, offline, on this machine: model load time,
 * document indexing rate (chunks embedded and stored per second), `rag_search` latency over a
 * knowledge base of about 200 chunks (the held-out one, eval/heldout/knowledge-base), with and
 * without embeddings in the same run, and the process's memory with the model loaded. PGlite and
 * PostgreSQL (when reachable); at this size both compare the vectors in the process
 * (IN_PROCESS_VECTORS_UP_TO), larger namespaces use pgvector where the database has it.
 * Writes bench/results/rag-search.json.
 *
 *   npx tsx bench/rag.ts            # also run by npm run bench
 *   RAG_BENCH_QUERIES=50 npx tsx bench/rag.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../src/db';
import { documentChunks } from '../src/db/schema';
import { retrieve } from '../src/activities/drafting';
import { loadKnowledgeBase, loadQuestions } from '../src/knowledge/eval';
import { createLocalEmbedder, loadLocalModel, LOCAL_EMBEDDING_MODEL } from '../src/knowledge/local-embedder';
import { REPO_ROOT } from '../scripts/lib/temporal-dev-server';
import { createScratchDatabase, percentile } from '../testkit/local-system';

const QUERIES = Number(process.env.RAG_BENCH_QUERIES ?? 200);
if (!Number.isInteger(QUERIES) || QUERIES < 1) throw new Error('RAG_BENCH_QUERIES must be a positive integer');
const round = (n: number) => Math.round(n * 10) / 10;
const rssMb = () => round(process.memoryUsage().rss / 1e6);

async function measure(handle: DatabaseHandle, label: string, embed: ReturnType<typeof createLocalEmbedder>) {
  const namespace = `bench-rag-${Date.now()}`;
  const started = performance.now();
  await loadKnowledgeBase(handle.db, namespace, path.join(REPO_ROOT, 'eval/heldout/knowledge-base'), embed);
  const indexingMs = performance.now() - started;
  const [chunks] = await handle.db.select({ n: count() }).from(documentChunks).where(eq(documentChunks.namespace, namespace));
  const questions = loadQuestions(path.join(REPO_ROOT, 'eval/heldout/questions.json')).map((q) => q.question);
  const asked = Array.from({ length: QUERIES }, (_, i) => questions[i % questions.length]!);
  const time = async (withEmbeddings: boolean) => {
    for (const q of asked.slice(0, 5)) await retrieve({ db: handle.db, embed: withEmbeddings ? embed : undefined }, namespace, q); // warm-up
    const ms: number[] = [];
    for (const q of asked) {
      const t = performance.now();
      await retrieve({ db: handle.db, embed: withEmbeddings ? embed : undefined }, namespace, q);
      ms.push(performance.now() - t);
    }
    return { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) };
  };
  const fused = await time(true);
  const fullText = await time(false);
  return {
    database: label,
    chunks: chunks?.n ?? 0,
    indexingChunksPerSec: round(((chunks?.n ?? 0) * 1000) / indexingMs),
    ragSearchP50Ms: fused.p50,
    ragSearchP99Ms: fused.p99,
    fullTextOnlyP50Ms: fullText.p50,
    fullTextOnlyP99Ms: fullText.p99,
    embeddingCostRatio: round((fused.p50 / Math.max(0.1, fullText.p50)) * 100) / 100,
  };
}

async function main() {
  const rssBefore = rssMb();
  const loadStarted = performance.now();
  await loadLocalModel();
  const embed = createLocalEmbedder();
  await embed(['warm up']);
  const modelLoadMs = round(performance.now() - loadStarted);
  const rssWithModel = rssMb();
  const runs = [];
  const pglite = await openDatabase({ pgliteDir: 'memory://' });
  try {
    await pglite.migrate();
    runs.push(await measure(pglite, 'pglite', embed));
  } finally {
    await pglite.close();
  }
  const scratch = await createScratchDatabase('bench_rag').catch((err: unknown) => {
    console.log(`PostgreSQL not reachable, skipped: ${(err as Error).message}`);
    return undefined;
  });
  if (scratch) {
    const pg = await openDatabase({ url: scratch.url });
    try {
      await pg.migrate();
      runs.push(await measure(pg, 'postgres', embed));
    } finally {
      await pg.close();
      await scratch.drop();
    }
  }
  const result = {
    generatedAt: new Date().toISOString(),
    model: LOCAL_EMBEDDING_MODEL,
    queries: QUERIES,
    modelLoadMs,
    rssBeforeModelMb: rssBefore,
    rssWithModelMb: rssWithModel,
    modelRssMb: round(rssWithModel - rssBefore),
    rssAfterRunsMb: rssMb(),
    runs,
  };
  console.table(runs);
  console.log(JSON.stringify({ modelLoadMs, modelRssMb: result.modelRssMb, rssAfterRunsMb: result.rssAfterRunsMb }));
  writeFileSync(path.join(REPO_ROOT, 'bench/results/rag-search.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
