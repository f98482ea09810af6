/**
 * Calibrates the relevance floor of knowledge search (src/knowledge/search.ts: MIN_COVERAGE,
 * MIN_FOREIGN_COVERAGE, MIN_SIMILARITY, COMBINED) on the `tune` split of both evaluation sets
 * only: every candidate's coverage and similarity is read once, then a grid of settings is
 * scored by the mean of recall@3 over answerable questions and the share of unanswerable ones
 * left with nothing. Prints the best settings and the current ones; changes nothing.
 *
 *   npx tsx scripts/calibrate-rag.ts
 */
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../src/db';
import { documents } from '../src/db/schema';
import { loadKnowledgeBase, loadQuestions } from '../src/knowledge/eval';
import { createLocalEmbedder } from '../src/knowledge/local-embedder';
import { COMBINED, MIN_COVERAGE, MIN_FOREIGN_COVERAGE, MIN_SIMILARITY, rankCandidates } from '../src/knowledge/search';

const ROOT = path.resolve(__dirname, '..');
const SETS = [
  { knowledge: 'eval/knowledge-base', questions: 'eval/questions.json' },
  { knowledge: 'eval/heldout/knowledge-base', questions: 'eval/heldout/questions.json' },
];

interface Sample {
  answerable: boolean;
  foreign: boolean;
  candidates: Array<{ expected: boolean; coverage: number; similarity: number }>;
}

async function main() {
  const embed = process.env.CALIBRATE_FULLTEXT === '1' ? undefined : createLocalEmbedder();
  const samples: Sample[] = [];
  for (const set of SETS) {
    const handle = await openDatabase({ pgliteDir: 'memory://' });
    await handle.migrate();
    await loadKnowledgeBase(handle.db, 'calibrate', path.join(ROOT, set.knowledge), embed);
    const names = new Map((await handle.db.select().from(documents).where(eq(documents.namespace, 'calibrate'))).map((d) => [d.id, d.source]));
    for (const q of loadQuestions(path.join(ROOT, set.questions)).filter((q) => q.split === 'tune')) {
      const { foreign, candidates } = await rankCandidates(handle.db, { namespace: 'calibrate', query: q.question, embed });
      samples.push({
        answerable: q.expected.length > 0,
        foreign,
        candidates: candidates
          .slice(0, 60)
          .map((c) => ({ expected: q.expected.includes(names.get(c.documentId) ?? ''), coverage: c.coverage, similarity: c.similarity })),
      });
    }
    await handle.close();
  }
  const score = (minCoverage: number, minForeign: number, minSimilarity: number, wc: number, floor: number) => {
    let hits = 0;
    let handled = 0;
    const answerable = samples.filter((s) => s.answerable).length;
    for (const s of samples) {
      const floorCoverage = s.foreign ? minForeign : minCoverage;
      const kept = s.candidates.filter(
        (c) => c.coverage >= floorCoverage || (embed && c.similarity >= minSimilarity) || (embed && wc * c.coverage + (1 - wc) * c.similarity >= floor),
      );
      if (s.answerable) hits += kept.slice(0, 3).some((c) => c.expected) ? 1 : 0;
      else handled += kept.length === 0 ? 1 : 0;
    }
    const unanswerable = samples.length - answerable;
    return { recall: hits / answerable, handled: handled / unanswerable, objective: (hits / answerable + handled / unanswerable) / 2 };
  };
  const results: Array<{ setting: number[]; recall: number; handled: number; objective: number }> = [];
  const range = (from: number, to: number, step: number) =>
    Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 100) / 100);
  for (const c of range(0.4, 0.75, 0.05))
    for (const f of range(0.3, 0.6, 0.05))
      for (const sim of embed ? range(0.5, 0.8, 0.05) : [2])
        for (const wc of embed ? range(0.3, 0.7, 0.1) : [0])
          for (const floor of embed ? range(0.4, 0.7, 0.05) : [2]) results.push({ setting: [c, f, sim, wc, floor], ...score(c, f, sim, wc, floor) });
  results.sort((a, b) => b.objective - a.objective || b.handled - a.handled);
  console.log(`${samples.length} tune questions (${samples.filter((s) => s.answerable).length} answerable), ${embed ? 'with' : 'without'} embeddings`);
  console.log('best [minCoverage, minForeignCoverage, minSimilarity, combined coverage weight, combined floor]:');
  for (const r of results.slice(0, 10)) console.log(JSON.stringify(r));
  console.log('current:', JSON.stringify(score(MIN_COVERAGE, MIN_FOREIGN_COVERAGE, MIN_SIMILARITY, COMBINED.coverage, COMBINED.floor)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
