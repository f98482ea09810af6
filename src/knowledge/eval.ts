/**
 * Answer-quality evaluation: labelled questions against a namespace's knowledge, through the
 * same retrieval (`retrieve`), drafting (the offline adapter) and gate as the product.
 *
 * A question's `expected` lists the documents (by `source`, the file name they were loaded from)
 * that answer it; [] means the knowledge does not answer it. `facts` are what a correct answer
 * must contain: groups of alternatives, every group matched (case-insensitive substring).
 * `kind` names the kind of question (wording, paraphrase, typo, language, multihop,
 * unanswerable) and `split` whether it may be tuned on (`tune`) or is only reported (`report`).
 *
 * Per question:
 * - hit: answerable — an expected document among the top 3 passages (multihop: every expected
 *   document among them); unanswerable — handled: nothing retrieved, or the draft says it does
 *   not know, or the gate hands it to a person;
 * - reciprocal rank of the first passage from an expected document;
 * - fact in draft: every fact group appears in the draft, and the gate would send it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { retrieve } from '../activities/drafting';
import { decideDraft } from '../activities/gating';
import type { Database } from '../db';
import { documents, namespaces } from '../db/schema';
import { createLlmRegistry } from '../llm';
import { parseNamespaceConfig } from '../namespaces/config';
import { firstHeading } from './chunk';
import { bestScore } from './search';
import { addDocument, type EmbedFn } from './store';

export const QUESTION_KINDS = ['wording', 'paraphrase', 'typo', 'language', 'multihop', 'unanswerable'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface EvalQuestion {
  id: string;
  question: string;
  kind: QuestionKind;
  lang: string;
  /** File names of the documents that answer it; [] when the knowledge has no answer. */
  expected: string[];
  /** What the answer must contain: every group, any one of its strings. */
  facts: string[][];
  split: 'tune' | 'report';
}

export interface QuestionResult {
  id: string;
  question: string;
  kind: QuestionKind;
  split: 'tune' | 'report';
  expected: string[];
  /** The documents of the passages returned, in order (repeats kept). */
  retrieved: string[];
  hit: boolean;
  reciprocalRank: number;
  topScore: number | null;
  draft: string;
  route: string;
  factInDraft: boolean;
}

export interface Totals {
  questions: number;
  answerable: number;
  recallAt3: number;
  mrr: number;
  factInDraft: number;
  unanswerable: number;
  unanswerableHandled: number;
}

export interface Evaluation extends Totals {
  byKind: Record<string, Totals>;
  bySplit: Record<string, Totals>;
  perQuestion: QuestionResult[];
}

export interface EvaluationOptions {
  embed?: EmbedFn;
}

const gateLlm = createLlmRegistry();

export async function evaluateAnswers(
  db: Database,
  namespace: string,
  questions: readonly EvalQuestion[],
  options: EvaluationOptions = {},
): Promise<Evaluation> {
  const names = new Map(
    (await db.select({ id: documents.id, title: documents.title, source: documents.source }).from(documents).where(eq(documents.namespace, namespace))).map(
      (d) => [d.id, d.source ?? d.title],
    ),
  );
  const config = parseNamespaceConfig({}).data!;
  const offline = gateLlm.offline!();
  const perQuestion: QuestionResult[] = [];
  for (const q of questions) {
    const passages = await retrieve({ db, embed: options.embed }, namespace, q.question);
    const retrieved = passages.map((p) => names.get(p.documentId) ?? p.documentId);
    const top3 = new Set(retrieved.slice(0, 3));
    const firstHit = retrieved.findIndex((name) => q.expected.includes(name));
    const draft = await offline.generate({
      systemPrompt: config.systemPrompt,
      history: [],
      message: { kind: 'text', text: q.question, attachments: [] },
      passages,
    });
    const gate = await decideDraft(gateLlm, {
      config,
      adapter: 'offline',
      text: q.question,
      draft: draft.text,
      draftConfidence: draft.confidence,
      passages,
      unresolvedAttempts: 0,
      systemPrompt: config.systemPrompt,
    });
    const sent = gate.route !== 'await_human' && !gate.notFound;
    const answerable = q.expected.length > 0;
    const lower = draft.text.toLowerCase();
    const factInDraft = answerable && sent && q.facts.every((group) => group.some((fact) => lower.includes(fact.toLowerCase())));
    const hit = answerable
      ? q.kind === 'multihop'
        ? q.expected.every((e) => top3.has(e))
        : q.expected.some((e) => top3.has(e))
      : passages.length === 0 || !sent;
    perQuestion.push({
      id: q.id,
      question: q.question,
      kind: q.kind,
      split: q.split,
      expected: q.expected,
      retrieved,
      hit,
      reciprocalRank: firstHit >= 0 ? 1 / (firstHit + 1) : 0,
      topScore: bestScore(passages),
      draft: draft.text,
      route: gate.notFound ? 'not_found' : gate.route,
      factInDraft,
    });
  }
  const group = (key: (r: QuestionResult) => string) => {
    const groups: Record<string, QuestionResult[]> = {};
    for (const r of perQuestion) (groups[key(r)] ??= []).push(r);
    return Object.fromEntries(Object.entries(groups).map(([k, rs]) => [k, totals(rs)]));
  };
  return { ...totals(perQuestion), byKind: group((r) => r.kind), bySplit: group((r) => r.split), perQuestion };
}

function totals(results: readonly QuestionResult[]): Totals {
  const answerable = results.filter((r) => r.expected.length > 0);
  const unanswerable = results.filter((r) => r.expected.length === 0);
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
  return {
    questions: results.length,
    answerable: answerable.length,
    recallAt3: mean(answerable.map((r) => (r.hit ? 1 : 0))),
    mrr: mean(answerable.map((r) => r.reciprocalRank)),
    factInDraft: mean(answerable.map((r) => (r.factInDraft ? 1 : 0))),
    unanswerable: unanswerable.length,
    unanswerableHandled: unanswerable.filter((r) => r.hit).length,
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

/** Questions of a set; a question without a split is `tune` for an odd id number, `report` for an even one. */
export function loadQuestions(file: string): EvalQuestion[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of questions`);
  return parsed.map((raw: unknown, i) => {
    const q = (raw ?? {}) as Partial<EvalQuestion>;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === 'string');
    if (typeof q.question !== 'string' || !strings(q.expected)) {
      throw new Error(`${file}: question ${i} needs { question: string, expected: string[] }`);
    }
    if (q.kind !== undefined && !QUESTION_KINDS.includes(q.kind)) throw new Error(`${file}: question ${i} has an unknown kind "${String(q.kind)}"`);
    const facts = Array.isArray(q.facts) && q.facts.every(strings) ? q.facts : [];
    const id = typeof q.id === 'string' ? q.id : `q${String(i + 1).padStart(3, '0')}`;
    const number = Number(id.replace(/\D/g, '')) || i + 1;
    return {
      id,
      question: q.question,
      kind: q.kind ?? (q.expected.length === 0 ? 'unanswerable' : 'wording'),
      lang: typeof q.lang === 'string' ? q.lang : 'en',
      expected: q.expected,
      facts,
      split: q.split === 'tune' || q.split === 'report' ? q.split : number % 2 === 1 ? 'tune' : 'report',
    };
  });
}
