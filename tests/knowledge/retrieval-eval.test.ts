/**
 * The answer-quality evaluation as a regression guard (eval/knowledge-base, eval/questions.json;
 * the figures to report come from `npm run eval:rag`, on the held-out set too): full text on both
 * databases, and fused with the local embedding model on PGlite (pgvector) and PostgreSQL
 * (vectors compared in the process). The floors sit a little under what this set measured when
 * they were set, so that a change that makes answers worse fails here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db';
import { evaluateAnswers, loadKnowledgeBase, loadQuestions, type Evaluation } from '../../src/knowledge/eval';
import { createLocalEmbedder } from '../../src/knowledge/local-embedder';
import { DB_KINDS, openTestDatabase } from '../helpers/system';

const EVAL_DIR = path.resolve(__dirname, '../../eval');
const questions = loadQuestions(path.join(EVAL_DIR, 'questions.json'));
const misses = (result: Evaluation) =>
  result.perQuestion.filter((r) => r.expected.length > 0 && !r.hit).map((r) => `${r.id} ${r.question} → ${r.retrieved.slice(0, 3).join(', ') || 'nothing'}`);
const wronglyAnswered = (result: Evaluation) =>
  result.perQuestion.filter((r) => r.expected.length === 0 && !r.hit).map((r) => `${r.id} ${r.question} → ${r.draft.slice(0, 80)}`);

describe.each(DB_KINDS)('answer evaluation on %s', (kind) => {
  let database: DatabaseHandle;
  let fullText: Evaluation;
  let fused: Evaluation;
  const namespace = `eval-${kind}-${process.pid}`;
  const embed = createLocalEmbedder();

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const loaded = await loadKnowledgeBase(database.db, namespace, path.join(EVAL_DIR, 'knowledge-base'), embed);
    expect(loaded).toBeGreaterThanOrEqual(30);
    fullText = await evaluateAnswers(database.db, namespace, questions);
    fused = await evaluateAnswers(database.db, namespace, questions, { embed });
    for (const [mode, r] of [
      ['full text', fullText],
      ['fused', fused],
    ] as const) {
      console.log(
        `[answer-eval ${kind}, ${mode}] recall@3 ${r.recallAt3.toFixed(3)}  MRR ${r.mrr.toFixed(3)}  fact in draft ${r.factInDraft.toFixed(3)}  ` +
          `unanswerable handled ${r.unanswerableHandled}/${r.unanswerable}`,
      );
    }
  }, 300_000);
  afterAll(async () => {
    await database?.close();
  });

  it('when the labelled questions are loaded, then every kind is there', () => {
    for (const k of ['wording', 'paraphrase', 'typo', 'language', 'multihop', 'unanswerable'])
      expect(fullText.byKind[k]?.questions, k).toBeGreaterThanOrEqual(5);
  });

  it('when answerable questions are asked with full text only, then the right article is in the top 3 for most of them', () => {
    expect(fullText.recallAt3, misses(fullText).join('\n')).toBeGreaterThanOrEqual(0.8);
    expect(fullText.byKind.wording!.recallAt3).toBeGreaterThanOrEqual(0.95);
    expect(fullText.byKind.language!.recallAt3).toBeGreaterThanOrEqual(0.5);
  });

  it('when the embedding model is fused in, then paraphrases are found at least as often and ranked higher', () => {
    expect(fused.recallAt3, misses(fused).join('\n')).toBeGreaterThanOrEqual(0.85);
    expect(fused.byKind.paraphrase!.recallAt3).toBeGreaterThanOrEqual(fullText.byKind.paraphrase!.recallAt3);
    expect(fused.byKind.paraphrase!.mrr).toBeGreaterThan(fullText.byKind.paraphrase!.mrr);
  });

  it('when the answer is not in the knowledge, then nearly every such question is said not known or handed over', () => {
    expect(fullText.unanswerableHandled, wronglyAnswered(fullText).join('\n')).toBeGreaterThanOrEqual(fullText.unanswerable - 2);
    expect(fused.unanswerableHandled, wronglyAnswered(fused).join('\n')).toBeGreaterThanOrEqual(fused.unanswerable - 4);
  });
});
