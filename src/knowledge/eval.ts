/**
 * Retrieval evaluation: labelled questions against a namespace's knowledge. A question's
 * `expected` lists the documents (by `source`, the file name they were loaded from) that
 * answer it; an empty list means the knowledge does not answer it and search must say so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../db';
import { documents, namespaces } from '../db/schema';
import { firstHeading } from './chunk';
import { searchKnowledge } from './search';
import { addDocument, type EmbedFn } from './store';

export interface EvalQuestion {
  question: string;
  /** File names of the documents that answer it; [] when the knowledge has no answer. */
  expected: string[];
}

export interface QuestionResult {
  question: string;
  expected: string[];
  /** The documents of the passages returned, in order (repeats kept). */
  retrieved: string[];
  /** Answerable: an expected document is among the top 3 passages. Unanswerable: nothing came back. */
  hit: boolean;
  /** 1 / rank of the first passage from an expected document; 0 when none (and for unanswerable ones). */
  reciprocalRank: number;
  topScore: number | null;
}

export interface RetrievalEvaluation {
  questions: number;
  answerable: number;
  recallAt3: number;
  mrr: number;
  notFoundCorrect: number;
  notFoundTotal: number;
  perQuestion: QuestionResult[];
}

export interface EvaluationOptions {
  /** Passages retrieved per question (default 5). MRR counts ranks up to this. */
  limit?: number;
  embed?: EmbedFn;
}

export async function evaluateRetrieval(
  db: Database,
  namespace: string,
  questions: readonly EvalQuestion[],
  options: EvaluationOptions = {},
): Promise<RetrievalEvaluation> {
  const names = new Map(
    (await db.select({ id: documents.id, title: documents.title, source: documents.source }).from(documents).where(eq(documents.namespace, namespace))).map(
      (d) => [d.id, d.source ?? d.title],
    ),
  );
  const perQuestion: QuestionResult[] = [];
  for (const q of questions) {
    const passages = await searchKnowledge(db, { namespace, query: q.question, limit: options.limit ?? 5, embed: options.embed });
    const retrieved = passages.map((p) => names.get(p.documentId) ?? p.documentId);
    const firstHit = retrieved.findIndex((name) => q.expected.includes(name));
    const answerable = q.expected.length > 0;
    perQuestion.push({
      question: q.question,
      expected: q.expected,
      retrieved,
      hit: answerable ? firstHit >= 0 && firstHit < 3 : passages.length === 0,
      reciprocalRank: firstHit >= 0 ? 1 / (firstHit + 1) : 0,
      topScore: passages[0]?.score ?? null,
    });
  }
  const answerable = perQuestion.filter((r) => r.expected.length > 0);
  const unanswerable = perQuestion.filter((r) => r.expected.length === 0);
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
  return {
    questions: perQuestion.length,
    answerable: answerable.length,
    recallAt3: mean(answerable.map((r) => (r.hit ? 1 : 0))),
    mrr: mean(answerable.map((r) => r.reciprocalRank)),
    notFoundCorrect: unanswerable.filter((r) => r.hit).length,
    notFoundTotal: unanswerable.length,
    perQuestion,
  };
}

/**
 * Loads every `*.md` file of a folder into a namespace (created when missing), in file-name
 * order: title from the first heading, `source` the file name.
 */
export async function loadKnowledgeBase(db: Database, namespace: string, folder: string, embed?: EmbedFn): Promise<number> {
  await db.insert(namespaces).values({ name: namespace }).onConflictDoNothing();
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.md'))
    .sort();
  for (const file of files) {
    const content = readFileSync(path.join(folder, file), 'utf8');
    const title = firstHeading(content) ?? path.basename(file, '.md');
    await addDocument(db, { namespace, title, contentType: 'text/markdown', content, source: file }, embed);
  }
  return files.length;
}

export function loadQuestions(file: string): EvalQuestion[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of questions`);
  return parsed.map((q: unknown, i) => {
    const { question, expected } = (q ?? {}) as Partial<EvalQuestion>;
    if (typeof question !== 'string' || !Array.isArray(expected) || !expected.every((e) => typeof e === 'string')) {
      throw new Error(`${file}: question ${i} needs { question: string, expected: string[] }`);
    }
    return { question, expected };
  });
}
