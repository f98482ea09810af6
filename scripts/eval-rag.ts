/**
 * Retrieval evaluation, full text only: loads eval/knowledge-base into a fresh in-memory PGlite
 * namespace, asks eval/questions.json, prints one row per question and the totals, and writes
 * bench/results/retrieval-eval.json.
 *
 *   npm run eval:rag
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../src/db';
import { documentChunks } from '../src/db/schema';
import { evaluateRetrieval, loadKnowledgeBase, loadQuestions } from '../src/knowledge/eval';

const ROOT = path.resolve(__dirname, '..');
const NAMESPACE = 'eval';

async function main() {
  const handle = await openDatabase({ pgliteDir: 'memory://' });
  try {
    await handle.migrate();
    const documents = await loadKnowledgeBase(handle.db, NAMESPACE, path.join(ROOT, 'eval/knowledge-base'));
    const [chunks] = await handle.db.select({ n: count() }).from(documentChunks).where(eq(documentChunks.namespace, NAMESPACE));
    const questions = loadQuestions(path.join(ROOT, 'eval/questions.json'));
    const started = performance.now();
    const result = await evaluateRetrieval(handle.db, NAMESPACE, questions);
    const elapsedMs = performance.now() - started;

    for (const r of result.perQuestion) {
      const verdict = r.hit ? 'ok  ' : 'MISS';
      const expected = r.expected.length > 0 ? r.expected.join(', ') : '(not in the knowledge)';
      const got = r.retrieved.length > 0 ? r.retrieved.slice(0, 3).join(', ') : '(nothing)';
      console.log(`${verdict} ${r.question}\n       expected ${expected}\n       got      ${got}${r.topScore === null ? '' : `  (top score ${r.topScore.toFixed(3)})`}`);
    }
    const summary = {
      database: handle.kind,
      mode: 'full-text',
      documents,
      chunks: chunks?.n ?? 0,
      questions: result.questions,
      answerable: result.answerable,
      recallAt3: round(result.recallAt3),
      mrr: round(result.mrr),
      notFoundCorrect: result.notFoundCorrect,
      notFoundTotal: result.notFoundTotal,
      msPerQuestion: round(elapsedMs / Math.max(1, result.questions)),
    };
    console.log('');
    console.table([summary]);
    const out = path.join(ROOT, 'bench/results/retrieval-eval.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), ...summary, perQuestion: result.perQuestion }, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, out)}`);
  } finally {
    await handle.close();
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
