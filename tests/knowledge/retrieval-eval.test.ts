/**
 * The retrieval evaluation (eval/knowledge-base, eval/questions.json), full text only, on both
 * databases: recall@3 of the answerable questions and "not found" for every unanswerable one.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db';
import { evaluateRetrieval, loadKnowledgeBase, loadQuestions, type RetrievalEvaluation } from '../../src/knowledge/eval';
import { DB_KINDS, openTestDatabase } from '../helpers/system';

const EVAL_DIR = path.resolve(__dirname, '../../eval');
const questions = loadQuestions(path.join(EVAL_DIR, 'questions.json'));

describe.each(DB_KINDS)('retrieval evaluation on %s', (kind) => {
  let database: DatabaseHandle;
  let result: RetrievalEvaluation;
  const namespace = `eval-${kind}-${process.pid}`;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const loaded = await loadKnowledgeBase(database.db, namespace, path.join(EVAL_DIR, 'knowledge-base'));
    expect(loaded).toBeGreaterThanOrEqual(30);
    result = await evaluateRetrieval(database.db, namespace, questions);
    console.log(
      `[retrieval-eval ${kind}] recall@3 ${result.recallAt3.toFixed(3)}  MRR ${result.mrr.toFixed(3)}  ` +
        `not found ${result.notFoundCorrect}/${result.notFoundTotal}  (${result.answerable} answerable of ${result.questions})`,
    );
  });
  afterAll(async () => {
    await database?.close();
  });

  it('when the labelled questions are asked, then there are enough of both kinds', () => {
    expect(result.answerable).toBeGreaterThanOrEqual(40);
    expect(result.notFoundTotal).toBeGreaterThanOrEqual(8);
  });

  it('when answerable questions are asked, then recall@3 is at least 0.9 with full text only', () => {
    const misses = result.perQuestion.filter((r) => r.expected.length > 0 && !r.hit).map((r) => `${r.question} → ${r.retrieved.slice(0, 3).join(', ') || 'nothing'}`);
    expect(result.recallAt3, `misses:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(0.9);
    expect(result.mrr).toBeGreaterThan(0.75);
  });

  it('when the answer is not in the knowledge, then no passage comes back', () => {
    const wrong = result.perQuestion.filter((r) => r.expected.length === 0 && r.retrieved.length > 0);
    expect(wrong.map((r) => `${r.question} → ${r.retrieved.join(', ')}`)).toEqual([]);
    expect(result.notFoundCorrect).toBe(result.notFoundTotal);
  });
});
