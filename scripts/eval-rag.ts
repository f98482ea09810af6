/**
 * Answer-quality evaluation (src/knowledge/eval.ts) on both labelled sets, each loaded into a
 * fresh in-memory PGlite namespace:
 * - `regression`: eval/knowledge-base + eval/questions.json (an outdoor shop; written with the
 *   articles in view — a regression guard, not a blind score);
 * - `heldout`: eval/heldout/knowledge-base + eval/heldout/questions.json (a broadband and mobile
 *   provider; questions written by someone who saw only a list of topics, labelled afterwards).
 * Each in two modes: full text only, and fused with the local embedding model. Prints recall@3,
 * MRR, fact-in-draft and unanswerable handling per kind and per split, and writes
 * bench/results/rag-eval.json.
 *
 *   npm run eval:rag
 *   EVAL_SETS=heldout EVAL_MODES=embeddings EVAL_MISSES=tune npm run eval:rag   # list the tune split's misses
 *
 * Tune on the `tune` split only; the `report` split is for reporting (EVAL_MISSES=report is
 * refused unless EVAL_ALLOW_REPORT_MISSES=1, so nobody reads its misses by accident).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../src/db';
import { documentChunks } from '../src/db/schema';
import { evaluateAnswers, loadKnowledgeBase, loadQuestions, type Evaluation, type Totals } from '../src/knowledge/eval';
import { createLocalEmbedder, LOCAL_EMBEDDING_MODEL } from '../src/knowledge/local-embedder';

const ROOT = path.resolve(__dirname, '..');
const SETS = {
  regression: { knowledge: 'eval/knowledge-base', questions: 'eval/questions.json' },
  heldout: { knowledge: 'eval/heldout/knowledge-base', questions: 'eval/heldout/questions.json' },
} as const;
const MODES = ['fulltext', 'embeddings'] as const;

function list<T extends string>(name: string, allowed: readonly T[]): T[] {
  const raw = process.env[name];
  if (!raw) return [...allowed];
  const values = raw.split(',').map((v) => v.trim());
  const bad = values.filter((v) => !allowed.includes(v as T));
  if (bad.length > 0) throw new Error(`${name}: unknown ${bad.join(', ')} (use ${allowed.join(', ')})`);
  return values as T[];
}

async function main() {
  const sets = list('EVAL_SETS', Object.keys(SETS) as Array<keyof typeof SETS>);
  const modes = list('EVAL_MODES', MODES);
  const misses = process.env.EVAL_MISSES;
  if (misses && !['tune', 'report', 'all'].includes(misses)) throw new Error('EVAL_MISSES: use tune, report or all');
  if ((misses === 'report' || misses === 'all') && process.env.EVAL_ALLOW_REPORT_MISSES !== '1') {
    throw new Error('EVAL_MISSES=report shows the split you only report on; set EVAL_ALLOW_REPORT_MISSES=1 if you mean it');
  }
  const embed = modes.includes('embeddings') ? createLocalEmbedder() : undefined;
  const results: Record<string, Record<string, Evaluation & { chunks: number; documents: number; indexingChunksPerSec?: number; msPerQuestion: number }>> = {};
  for (const set of sets) {
    const handle = await openDatabase({ pgliteDir: 'memory://' });
    try {
      await handle.migrate();
      const namespace = `eval-${set}`;
      const started = performance.now();
      const documents = await loadKnowledgeBase(handle.db, namespace, path.join(ROOT, SETS[set].knowledge), embed);
      const indexingMs = performance.now() - started;
      const [chunks] = await handle.db.select({ n: count() }).from(documentChunks).where(eq(documentChunks.namespace, namespace));
      const questions = loadQuestions(path.join(ROOT, SETS[set].questions));
      results[set] = {};
      for (const mode of modes) {
        const t0 = performance.now();
        const result = await evaluateAnswers(handle.db, namespace, questions, { embed: mode === 'embeddings' ? embed : undefined });
        results[set][mode] = {
          ...result,
          documents,
          chunks: chunks?.n ?? 0,
          msPerQuestion: round((performance.now() - t0) / Math.max(1, questions.length)),
          ...(embed ? { indexingChunksPerSec: round(((chunks?.n ?? 0) * 1000) / indexingMs) } : {}),
        };
        console.log(
          `\n== ${set} (${documents} documents, ${chunks?.n ?? 0} chunks), ${mode === 'embeddings' ? `full text + ${LOCAL_EMBEDDING_MODEL}` : 'full text only'}`,
        );
        console.table(table(result));
        if (misses) printMisses(result, misses);
      }
    } finally {
      await handle.close();
    }
  }
  const out = path.join(ROOT, 'bench/results/rag-eval.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), model: LOCAL_EMBEDDING_MODEL, results }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

function table(result: Evaluation): Record<string, Record<string, string | number>> {
  const row = (t: Totals) => ({
    questions: t.questions,
    'recall@3': t.answerable ? round(t.recallAt3) : '–',
    MRR: t.answerable ? round(t.mrr) : '–',
    'fact in draft': t.answerable ? round(t.factInDraft) : '–',
    'unanswerable handled': t.unanswerable ? `${t.unanswerableHandled}/${t.unanswerable}` : '–',
  });
  const rows: Record<string, Record<string, string | number>> = {};
  for (const [kind, t] of Object.entries(result.byKind)) rows[kind] = row(t);
  for (const [split, t] of Object.entries(result.bySplit)) rows[`split: ${split}`] = row(t);
  rows.all = row(result);
  return rows;
}

function printMisses(result: Evaluation, split: string) {
  for (const r of result.perQuestion) {
    if (split !== 'all' && r.split !== split) continue;
    const factMiss = r.expected.length > 0 && !r.factInDraft;
    if (r.hit && !factMiss) continue;
    console.log(`${r.hit ? 'FACT' : 'MISS'} ${r.id} [${r.kind}] ${r.question}`);
    console.log(
      `     expected ${r.expected.join(', ') || '(nothing)'}  got ${r.retrieved.slice(0, 3).join(', ') || '(nothing)'}  top ${r.topScore?.toFixed(3) ?? '–'}  ${r.route}`,
    );
    console.log(`     draft: ${r.draft.slice(0, 300).replace(/\n/g, ' ')}`);
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
