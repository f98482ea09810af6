/**
 * Knowledge search: the passages of a namespace's documents that answer a question.
 *
 * Full text (always; the same on PostgreSQL and PGlite). The question's language is detected
 * (language.ts); its words are stemmed by PostgreSQL in that language and in the knowledge's
 * (each chunk is indexed in its own language, accents removed), and each word becomes a weighted
 * **term**:
 * - it also matches its synonyms (built-in KNOWLEDGE_SYNONYMS and the namespace's own) and its
 *   word family in the namespace's vocabulary (`ts_stat` over the chunks; expir → expiri);
 * - in a question of another language than the knowledge it matches its translations through
 *   the cross-lingual lexicon (lexicon.ts); an untranslatable word counts UNTRANSLATED_WEIGHT;
 * - a word the vocabulary lacks also matches its spelling corrections (pg_trgm candidates
 *   confirmed by edit distance: "refnud" → refund) and `word:*`;
 * - conversational fillers ("please", "how long", "doesn't") are dropped;
 * - the weight is the term's IDF (over at least MIN_IDF_CHUNKS chunks).
 * A chunk's **coverage** is the share of the question's weight it matches (terms matched only
 * elsewhere in its document count half). Chunks are ranked by coverage, the coverage of their
 * heading path (document title included), `ts_rank_cd`, and whether the strict
 * `websearch_to_tsquery` matches; a document's third passage waits behind other documents.
 *
 * Embeddings (when `embed` is given and the namespace has chunks of its model). The question is
 * embedded and chunks are ranked by cosine similarity, in the database with pgvector when the
 * `vector` extension exists, otherwise here over the namespace's vectors (cached per version of
 * its chunks). The two rankings are fused with reciprocal rank fusion (k = 60).
 *
 * Relevance floor (`relevance`, calibrated by scripts/calibrate-rag.ts on the tune splits): a
 * chunk is an answer when its coverage, its similarity, or both together are high enough; a
 * question whose specific words appear nowhere in the knowledge ("can I pay in bitcoin?") gets
 * `[]` rather than the passages that merely share "pay". A passage's `score` is that relevance,
 * 0..1, so the confidence gate reads it the same with or without embeddings.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import type { Passage } from '../llm/types';
import { LANGUAGE_CODES, detectLanguage, type TextSearchLanguage } from './language';
import { lexiconPairs } from './lexicon';
import { chunkHeading, embedAll, modelOf, type EmbedFn } from './store';
import { contentWords, questionParts } from '../llm/extract';
import { withoutAccents } from './text';

export interface SearchOptions {
  namespace: string;
  query: string;
  /** Passages returned at most (default 5, at most 50). */
  limit?: number;
  /** With an embedding function, full-text and vector rankings are fused. */
  embed?: EmbedFn;
  /** Full-text relevance floor: the share of the question's weight a chunk must match (default 0.55). */
  minCoverage?: number;
  /** Embedding relevance floor: cosine similarity a chunk must reach to be kept on that ground (default 0.4). */
  minSimilarity?: number;
  /** The namespace's own synonym sets (its config's `knowledge.synonyms`), besides the built-in ones. */
  synonyms?: readonly (readonly string[])[];
  /** Whether the built-in general support synonyms apply (default true). */
  builtInSynonyms?: boolean;
  /**
   * Whether passages under RELEVANCE_FLOOR that still share something with the question
   * (relevance ≥ RELATED_FLOOR) follow the answers (default true): they are not answers, but a
   * model or a person may find the answer in them. False returns answers only.
   */
  related?: boolean;
  /**
   * Up to how many embedded chunks a namespace's vectors are compared in the process (read once
   * per version of its chunks) rather than by pgvector in the database (default
   * IN_PROCESS_VECTORS_UP_TO). Without pgvector they always are.
   */
  inProcessVectorsUpTo?: number;
}

export const MIN_COVERAGE = 0.5;
export const MIN_SIMILARITY = 0.7;
export const RRF_K = 60;
/** The vector ranking's weight in the fusion for a question in another language (it embeds a word-by-word translation). */
export const FOREIGN_VECTOR_WEIGHT = 0.5;
/** Candidates taken from each ranking before fusion. */
export const CANDIDATES = 50;
const MAX_QUERY_CHARS = 2000;

/**
 * Built-in synonyms: phrases that mean the same in most support conversations (money back is a
 * refund, sending back is a return). A phrase of the question (all its stemmed words present)
 * also matches every other phrase of its set. A namespace adds its own (`knowledge.synonyms`) or
 * turns these off (`knowledge.builtInSynonyms: false`).
 */
export const KNOWLEDGE_SYNONYMS: readonly (readonly string[])[] = [
  ['refund', 'money back', 'reimburse', 'reimbursement', 'repay'],
  ['return', 'send back', 'take back', 'give back', 'bring back'],
  ['delivery', 'shipping', 'postage', 'dispatch', 'courier'],
  ['parcel', 'package', 'shipment'],
  ['cancel', 'cancellation'],
  ['track', 'tracking', 'trace'],
  ['sign in', 'log in', 'login', 'logon'],
  ['password', 'passcode', 'passphrase'],
  ['cost', 'price', 'fee', 'charge'],
  ['free', 'complimentary'],
  ['discount code', 'promo code', 'promotional code', 'voucher', 'coupon', 'promo'],
  ['gift card', 'gift voucher', 'egift'],
  ['points', 'rewards', 'loyalty'],
  ['faulty', 'broken', 'defective', 'damaged', 'fault', 'stopped working'],
  ['warranty', 'guarantee'],
  ['store', 'shop', 'branch'],
  ['opening hours', 'opening times'],
  ['create account', 'make account', 'open account', 'register', 'registration'],
  ['checkout', 'check out'],
  ['exchange', 'swap', 'replacement'],
  ['international', 'abroad', 'overseas', 'worldwide'],
  ['vat', 'tax'],
  ['invoice', 'receipt'],
  ['delete', 'deactivate', 'erase'],
  ['unsubscribe', 'opt out'],
  ['personal data', 'personal information', 'gdpr'],
  ['phone', 'telephone', 'call'],
  ['contact', 'get in touch', 'reach'],
  ['wrong', 'incorrect', 'mistake'],
  ['late', 'delayed', 'delay'],
  ['lost', 'missing', 'never arrived'],
  ['hire', 'rent', 'rental', 'borrow'],
  ['repair', 'fix', 'mend'],
  ['pay later', 'instalment', 'installment', 'buy now pay later'],
  ['collect', 'pick up', 'pickup'],
  ['bulk', 'wholesale', 'corporate'],
  ['scam', 'phishing', 'fraud', 'suspicious'],
  ['review', 'rating', 'feedback'],
  ['change', 'amend', 'modify', 'edit'],
  ...Object.entries({
    two: 2,
    three: 3,
    four: 4,
    five: 5,
    six: 6,
    seven: 7,
    eight: 8,
    nine: 9,
    ten: 10,
    twelve: 12,
    fourteen: 14,
    fifteen: 15,
    twenty: 20,
    thirty: 30,
    forty: 40,
    fifty: 50,
    sixty: 60,
    hundred: 100,
  }).map(([word, n]) => [word, String(n)]),
];

/** Conversational words that carry no topic; ignored unless the question has nothing else. */
export const QUERY_FILLER_WORDS: readonly string[] = [
  'hi',
  'hello',
  'hey',
  'please',
  'thanks',
  'thank',
  'want',
  'need',
  'know',
  'tell',
  'like',
  'would',
  'could',
  'get',
  'got',
  'help',
  'question',
  'possible',
  'way',
  'anyone',
  'someone',
  'also',
  'ok',
  'okay',
  'much',
  'many',
  'long',
  'take',
  'make',
  'go',
  'let',
  'able',
  'us',
  'one',
  'still',
  'actually',
  'really',
  'wondering',
  'something',
  'anything',
  'somebody',
  'anybody',
  'thing',
  'stuff',
  'bit',
  'come',
  // prepositions PostgreSQL's english stop words leave in
  'within',
  'without',
  'across',
  'along',
  'among',
  'around',
  'behind',
  'beside',
  'beyond',
  'inside',
  'outside',
  'onto',
  'toward',
  'towards',
  'upon',
  'via',
  'per',
  'near',
  'despite',
  'since',
  'unless',
  'whether',
  // what PostgreSQL's parser leaves of contractions ("doesn't" → doesn, t)
  'aren',
  'couldn',
  'didn',
  'doesn',
  'hasn',
  'haven',
  'isn',
  'shouldn',
  'wasn',
  'wouldn',
  'm',
  've',
  'll',
  're',
  'd',
];

/**
 * A namespace's passages for one question, in the ranking's order (fused, or full text's
 * score): the answers (relevance ≥ RELEVANCE_FLOOR) and, unless `related: false`, the related
 * passages (RELATED_FLOOR ≤ relevance < RELEVANCE_FLOOR) among them. Relevance decides what is
 * kept and what counts as an answer, not the place: the ranking orders better than relevance
 * does. A passage's `score` is its relevance, so `isAnswer` tells the two apart wherever
 * passages go (the offline adapter answers only from answers; a model reads them all).
 */
export async function searchKnowledge(db: Database, options: SearchOptions): Promise<Passage[]> {
  const limit = Math.max(1, Math.min(50, Math.floor(options.limit ?? 5)));
  const { foreign, candidates } = await rankCandidates(db, options);
  const minCoverage = options.minCoverage ?? (foreign ? MIN_FOREIGN_COVERAGE : MIN_COVERAGE);
  const floor = options.related === false ? RELEVANCE_FLOOR : RELATED_FLOOR;
  const kept = candidates
    .map((c) => ({ ...c, score: relevance(c.coverage, c.similarity, minCoverage, options.minSimilarity) }))
    .filter((c) => c.score >= floor);
  // Up to `limit` answers, and the related passages among the first `limit` places: a related
  // passage ranked high never pushes an answer out.
  const ranked = diversify(kept);
  const answers = new Set(ranked.filter(isAnswer).slice(0, limit));
  const related = new Set(ranked.slice(0, limit).filter((c) => !isAnswer(c)));
  return ranked.filter((c) => answers.has(c) || related.has(c)).map((c) => passage(c, c.score));
}

/** Whether a passage answers its question (its relevance reaches the floor), rather than being only related to it. */
export const isAnswer = (p: { score: number }): boolean => p.score >= RELEVANCE_FLOOR;

/** The best relevance among passages (related ones come in rank order, not by score); null for none. */
export const bestScore = (passages: readonly { score: number }[]): number | null => (passages.length === 0 ? null : Math.max(...passages.map((p) => p.score)));

export interface RankedCandidate extends CandidateChunk {
  /** Share of the question's weight the chunk matches (full text). */
  coverage: number;
  /** Cosine similarity of its embedding to the question's; 0 without embeddings. */
  similarity: number;
}

/**
 * Every candidate chunk in ranked order, before the relevance floor: full text alone (by its
 * score), or fused with the embedding ranking (reciprocal rank fusion) when the namespace has
 * chunks embedded with `embed`'s model.
 */
export async function rankCandidates(db: Database, options: SearchOptions): Promise<{ foreign: boolean; candidates: RankedCandidate[] }> {
  const query = options.query.trim().slice(0, MAX_QUERY_CHARS);
  if (!query) return { foreign: false, candidates: [] };
  // The namespace's vocabulary is read once per search (a version check; the words are cached).
  const vocabulary = await namespaceVocabulary(db, options.namespace);
  const model = options.embed ? modelOf(options.embed) : undefined;
  const embedded = options.embed !== undefined && model !== undefined && (vocabulary.models.get(model) ?? 0) > 0;
  // A question in the knowledge's only language is embedded as it is: started now, the model
  // works while the database searches the full text. One that will be translated is embedded
  // in its translation, once that is known.
  const language = detectLanguage(query);
  const translates = language !== 'simple' && vocabulary.languages.some((l) => l !== language && l !== 'simple');
  const early = embedded && !translates ? embedAll(options.embed!, [query]) : undefined;
  early?.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
  const { analysis, candidates: fullText } = await fullTextCandidates(db, options.namespace, query, options, vocabulary, language);
  if (!embedded || !model) {
    // No model, or nothing of this namespace embedded with it (yet): full text alone, no model call.
    return { foreign: analysis.foreign, candidates: fullText.map((c) => ({ ...c, similarity: 0 })) };
  }
  const [queryVector] = early && !analysis.translation ? await early : await embedAll(options.embed!, [analysis.translation ?? query]);
  const inProcess = vocabulary.models.get(model)! <= (options.inProcessVectorsUpTo ?? IN_PROCESS_VECTORS_UP_TO);
  const byVector = await vectorCandidates(db, options.namespace, model, queryVector!, vocabulary.version, inProcess);
  const fused = reciprocalRankFusion([fullText.map((c) => c.id), byVector.map((c) => c.id)], RRF_K, [1, analysis.foreign ? FOREIGN_VECTOR_WEIGHT : 1]);
  const chunks = new Map<string, CandidateChunk>([...byVector, ...fullText].map((c) => [c.id, c]));
  const coverage = new Map(fullText.map((c) => [c.id, c.coverage]));
  const similarity = new Map(byVector.map((c) => [c.id, c.similarity]));
  const candidates = [...fused]
    .sort(([a, x], [b, y]) => y - x || compareChunks(chunks.get(a)!, chunks.get(b)!))
    .map(([id]) => ({ ...chunks.get(id)!, coverage: coverage.get(id) ?? 0, similarity: similarity.get(id) ?? 0 }));
  return { foreign: analysis.foreign, candidates };
}

/**
 * How well a chunk answers the question, 0..1, from its full-text coverage and the cosine
 * similarity of its embedding. At or above RELEVANCE_FLOOR: the coverage (scaled so that
 * `minCoverage` is the floor), or the similarity above its own floor, or both together. Under
 * it, the same three measured against their floors (a chunk with half the coverage the floor
 * asks for is at a quarter): passages there are not answers, only related. The constants are
 * calibrated on the tune split of both evaluation sets (scripts/calibrate-rag.ts).
 */
export function relevance(coverage: number, similarity: number, minCoverage = MIN_COVERAGE, minSimilarity = MIN_SIMILARITY): number {
  const lexical = coverage >= minCoverage ? RELEVANCE_FLOOR + (1 - RELEVANCE_FLOOR) * ((coverage - minCoverage) / Math.max(1e-9, 1 - minCoverage)) : 0;
  const semantic =
    similarity >= minSimilarity ? RELEVANCE_FLOOR + (1 - RELEVANCE_FLOOR) * ((similarity - minSimilarity) / Math.max(1e-9, 1 - minSimilarity)) : 0;
  const together = COMBINED.coverage * coverage + COMBINED.similarity * similarity;
  const above = Math.max(lexical, semantic, together >= COMBINED.floor ? RELEVANCE_FLOOR + (together - COMBINED.floor) : 0);
  if (above > 0) return Math.min(1, above);
  // Under the floor: how far towards it the nearest of the three has come.
  const toward = Math.max(coverage / Math.max(1e-9, minCoverage), similarity / Math.max(1e-9, minSimilarity), together / COMBINED.floor);
  return Math.max(0, Math.min(RELEVANCE_FLOOR - 0.001, RELEVANCE_FLOOR * toward));
}

/** The relevance a passage needs to be an answer. */
export const RELEVANCE_FLOOR = 0.5;
/** The relevance a passage under the floor needs to be returned as related. */
export const RELATED_FLOOR = 0.3;
/** Coverage and similarity weighed together, for chunks that reach neither floor alone. */
export const COMBINED = { coverage: 0.3, similarity: 0.7, floor: 0.5 };
/** The coverage floor for a question in another language than the knowledge. */
export const MIN_FOREIGN_COVERAGE = 0.35;

/** Lines or parts of a question searched on their own besides the whole, at most. */
export const MAX_PARTS = 4;
/** Content words a line or part needs for what it finds alone to count as an answer. */
export const MIN_PART_WORDS = 3;

/**
 * A question of several lines (a burst of messages joined: "hi / my parcel has not arrived /
 * order 4411") or of several parts ("How much is the fastest plan, and can I get a social
 * tariff?"): the whole is searched, and each line or part on its own, because the words of the
 * others would pull a part's passage under the relevance floor. The results are merged rank by
 * rank (the whole's first passage, each part's first, then the seconds…), so that every part's
 * best passage is near the top; a passage found twice keeps its better score.
 */
export async function searchQuestion(db: Database, options: SearchOptions): Promise<Passage[]> {
  const lines = options.query
    .split(/\n+/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const parts = lines.length > 1 ? lines : questionParts(options.query);
  const queries = parts.length > 1 ? [lines.join('\n'), ...parts.slice(-MAX_PARTS)] : [options.query];
  const limit = Math.max(1, Math.min(50, Math.floor(options.limit ?? 5)));
  // Searched together: the model embeds the parts in one batch while the database works.
  const found = await Promise.all(queries.map((query) => searchKnowledge(db, { ...options, query, limit })));
  // A part of a few words ("Will my phone work there", "How do I get hold of that?") matches
  // any passage holding them in full: what it finds is related at most, never an answer on its own.
  for (let q = 1; q < queries.length; q += 1) {
    if (contentWords(queries[q]!).length >= MIN_PART_WORDS) continue;
    found[q] = found[q]!.map((p) => (isAnswer(p) ? { ...p, score: Math.min(p.score, RELEVANCE_FLOOR - 0.001) } : p));
  }
  const merged = new Map<string, Passage>();
  for (let rank = 0; rank < limit; rank += 1) {
    for (const list of found) {
      const passage = list[rank];
      if (!passage) continue;
      const key = `${passage.documentId}:${passage.position}`;
      const known = merged.get(key);
      if (!known) merged.set(key, passage);
      else if (known.score < passage.score) merged.set(key, { ...known, score: passage.score });
    }
  }
  const all = [...merged.values()];
  const answers = new Set(all.filter(isAnswer).slice(0, limit));
  return all.filter((p, i) => answers.has(p) || (i < limit && !isAnswer(p)));
}

/** Passages per document before other documents get their turn. */
export const PER_DOCUMENT = 2;

/**
 * Keeps the order, except that a document's third and later passages wait until every other
 * document's passages have been listed, so that a few passages cover more than one document.
 */
export function diversify<T extends { documentId: string }>(ranked: readonly T[], perDocument = PER_DOCUMENT): T[] {
  const seen = new Map<string, number>();
  const first: T[] = [];
  const later: T[] = [];
  for (const item of ranked) {
    const n = (seen.get(item.documentId) ?? 0) + 1;
    seen.set(item.documentId, n);
    (n <= perDocument ? first : later).push(item);
  }
  return [...first, ...later];
}

/** Reciprocal rank fusion: each list adds 1 / (k + rank) to an id, ranks counted from 1. */
export function reciprocalRankFusion(rankings: readonly (readonly string[])[], k = RRF_K, weights: readonly number[] = []): Map<string, number> {
  const scores = new Map<string, number>();
  rankings.forEach((ranking, r) => {
    const weight = weights[r] ?? 1;
    ranking.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + index + 1)));
  });
  return scores;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

// --- Chunks as read from the database ----------------------------------------------------

interface CandidateChunk {
  id: string;
  documentId: string;
  documentTitle: string;
  heading: string | null;
  position: number;
  text: string;
}

interface FullTextCandidate extends CandidateChunk {
  coverage: number;
  score: number;
}

interface VectorCandidate extends CandidateChunk {
  similarity: number;
}

/** Ties are broken by document title, then document id and position, so equal content ranks the same everywhere. */
const compareChunks = (a: CandidateChunk, b: CandidateChunk) =>
  compareText(a.documentTitle, b.documentTitle) || compareText(a.documentId, b.documentId) || a.position - b.position;
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const passage = (c: CandidateChunk, score: number): Passage => ({
  documentId: c.documentId,
  title: chunkHeading(c.documentTitle, c.heading),
  position: c.position,
  text: c.text,
  score,
});

const rows = queryRows;

const chunkColumns = sql.raw(`c.id, c.document_id as "documentId", d.title as "documentTitle", c.heading, c.position, c.text`);

// --- Full text ---------------------------------------------------------------------------

export interface Term {
  /** tsquery text: the alternatives this term matches, OR-ed. */
  tsquery: string;
  weight: number;
}

/**
 * How a full-text score is made, out of 1: the chunk's coverage (the share of the question's
 * weight it matches, topped up by DOCUMENT_SHARE of what the rest of its document matches),
 * the share its heading path (document title included) matches, `ts_rank_cd` (normalized to
 * 0..1), and whether the strict `websearch_to_tsquery` matches.
 */
const SCORE_WEIGHTS = { coverage: 0.7, heading: 0.15, rank: 0.1, exact: 0.05 };
/** How much a term matched elsewhere in the chunk's document counts, against 1 in the chunk itself. */
const DOCUMENT_SHARE = 0.5;

/** What full-text search looks for: the question's language, its weighted terms, and the namespace's size. */
export interface QueryAnalysis {
  /** The text-search configuration of the question ('simple' when it could not be told). */
  language: TextSearchLanguage;
  /** The configurations the namespace's chunks are stemmed with. */
  knowledgeLanguages: string[];
  terms: Term[];
  chunks: number;
  /** Whether the question is in another language than the knowledge. */
  foreign: boolean;
  /** The question in the knowledge's language, word by word through the lexicon (embedded instead of the question). */
  translation?: string;
}

/** The weighted terms a question becomes in a namespace: what full-text search looks for (for debugging). */
export async function explainQuery(db: Database, namespace: string, query: string, synonyms: SynonymOptions = {}): Promise<QueryAnalysis> {
  return analyzeQuery(db, namespace, query, synonyms, await namespaceVocabulary(db, namespace));
}

async function analyzeQuery(
  db: Database,
  namespace: string,
  query: string,
  synonyms: SynonymOptions,
  vocabulary: Vocabulary,
  language: TextSearchLanguage = detectLanguage(query),
): Promise<QueryAnalysis> {
  const knowledgeLanguages = vocabulary.languages.length > 0 ? vocabulary.languages : ['english'];
  // A question is stemmed in its own language and in the knowledge's; words the knowledge lacks
  // are translated through the lexicon when the question is in another language.
  const configs = [...new Set([...(language === 'simple' ? [] : [language]), ...knowledgeLanguages])];
  const [analysis, resources] = await Promise.all([analyzeWords(db, query, configs), stemmedResources(db, knowledgeLanguages, synonyms)]);
  // Translated whenever some of the knowledge is in another language than the question.
  const others = knowledgeLanguages.filter((l) => l !== language && l !== 'simple');
  const foreign = language !== 'simple' && !knowledgeLanguages.includes(language);
  const translated =
    language !== 'simple' && others.length > 0
      ? { ...(await translateWords(db, analysis, language, others)), foreign }
      : { foreign: false, byWord: new Map<number, string[][]>(), consumed: new Set<number>() };
  const unknown = unknownWords(analysis, vocabulary, translated);
  const similar = unknown.length > 0 ? await similarWords(db, namespace, unknown) : new Map<string, string[]>();
  return {
    language,
    knowledgeLanguages,
    terms: queryTerms(analysis, vocabulary, resources, translated, similar),
    chunks: vocabulary.chunks,
    foreign: translated.foreign,
    ...(translated.text ? { translation: translated.text } : {}),
  };
}

export interface SynonymOptions {
  synonyms?: readonly (readonly string[])[];
  builtInSynonyms?: boolean;
}

/** Full-text candidates with their coverage and score, best first (not yet cut at the relevance floor). */
async function fullTextCandidates(
  db: Database,
  namespace: string,
  query: string,
  synonyms: SynonymOptions,
  vocabulary: Vocabulary,
  questionLanguage: TextSearchLanguage,
): Promise<{ analysis: QueryAnalysis; candidates: FullTextCandidate[] }> {
  const analysis = await analyzeQuery(db, namespace, query, synonyms, vocabulary, questionLanguage);
  const { terms, chunks, language, knowledgeLanguages } = analysis;
  const strictLanguage = language === 'simple' ? (knowledgeLanguages[0] ?? 'english') : language;
  if (terms.length === 0 || chunks === 0) return { analysis, candidates: [] };
  const total = terms.reduce((sum, t) => sum + t.weight, 0);
  const anyTerm = terms.map((t) => `(${t.tsquery})`).join(' | ');
  const weighted = (test: (tsquery: SQL) => SQL) =>
    sql`(${sql.join(
      terms.map((t) => sql`(case when ${test(sql`${t.tsquery}::tsquery`)} then ${t.weight}::float8 else 0 end)`),
      sql` + `,
    )})::float8`;
  const w = SCORE_WEIGHTS;
  const found = await rows<CandidateChunk & { coverage: number; score: number }>(
    db,
    sql`select s.id, s."documentId", s."documentTitle", s.heading, s.position, s.text, s.coverage,
               ${w.coverage}::float8 * s.coverage + ${w.heading}::float8 * s.heading_matched / ${total}::float8
               + ${w.rank}::float8 * s.rank + (case when s.exact then ${w.exact}::float8 else 0 end) as score
        from (
          select ${chunkColumns},
                 (c.matched + ${DOCUMENT_SHARE}::float8 * (c.document_matched - c.matched)) / ${total}::float8 as coverage,
                 ${weighted((q) => sql`to_tsvector(c.language, knowledge_unaccent(coalesce(c.heading, ''))) @@ ${q}`)} as heading_matched,
                 ts_rank_cd(c.tsv, ${anyTerm}::tsquery, 32)::float8 as rank,
                 coalesce(numnode(v.strict) > 0 and c.tsv @@ v.strict, false) as exact
          from (
            select c.*,
                   ${weighted((q) => sql`c.tsv @@ ${q}`)} as matched,
                   ${weighted((q) => sql`bool_or(c.tsv @@ ${q}) over (partition by c.document_id)`)} as document_matched
            from document_chunks c
            where c.namespace = ${namespace} and c.tsv @@ ${anyTerm}::tsquery
          ) c
          join documents d on d.id = c.document_id
          cross join (select websearch_to_tsquery(${strictLanguage}::regconfig, knowledge_unaccent(${query})) as strict) v
        ) s
        order by score desc, s."documentTitle" collate "C", s."documentId", s.position
        limit ${CANDIDATES}`,
  );
  return { analysis, candidates: found.map((c) => ({ ...c, coverage: Math.min(1, Number(c.coverage)), score: Number(c.score) })) };
}

interface Vocabulary {
  /** Stemmed word → number of chunks holding it. */
  words: Map<string, number>;
  chunks: number;
  /** The text-search configurations of the namespace's chunks, the most used first. */
  languages: string[];
  /** Embedding model → chunks embedded with it. */
  models: Map<string, number>;
  /** Changes whenever the namespace's chunks do: caches keyed by it stay right. */
  version: string;
}

/** Vocabularies read once per namespace and kept while its chunks stay the same (count and newest). */
const vocabularyCache = new WeakMap<Database, Map<string, { version: string; vocabulary: Vocabulary }>>();
const VOCABULARY_CACHE_SIZE = 200;

async function namespaceVocabulary(db: Database, namespace: string): Promise<Vocabulary> {
  const [state] = await rows<{ n: number; newest: string | null; languages: string | null; models: string | null }>(
    db,
    sql`select count(*)::int as n, max(created_at)::text as newest,
               (select string_agg(l.language, ',' order by l.n desc, l.language)
                  from (select language::text as language, count(*) as n from document_chunks where namespace = ${namespace} group by 1) l) as languages,
               (select string_agg(m.model || '=' || m.n, chr(10))
                  from (select embedding_model as model, count(*) as n from document_chunks
                        where namespace = ${namespace} and embedding_status = 'embedded' group by 1) m) as models
        from document_chunks where namespace = ${namespace}`,
  );
  const version = `${state?.n ?? 0}:${state?.newest ?? ''}:${state?.models ?? ''}`;
  let cache = vocabularyCache.get(db);
  if (!cache) vocabularyCache.set(db, (cache = new Map()));
  const cached = cache.get(namespace);
  if (cached?.version === version) return cached.vocabulary;
  const stats = await rows<{ word: string; ndoc: number }>(
    db,
    sql`select word, ndoc from ts_stat(format('select tsv from document_chunks where namespace = %L', ${namespace}::text))`,
  );
  const vocabulary: Vocabulary = {
    words: new Map(stats.map((s) => [s.word, Number(s.ndoc)])),
    chunks: Number(state?.n ?? 0),
    languages: (state?.languages ?? '').split(',').filter((l) => l !== ''),
    models: new Map(
      (state?.models ?? '')
        .split('\n')
        .filter((m) => m !== '')
        .map((m): [string, number] => [m.slice(0, m.lastIndexOf('=')), Number(m.slice(m.lastIndexOf('=') + 1))]),
    ),
    version,
  };
  if (cache.size >= VOCABULARY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(namespace, { version, vocabulary });
  return vocabulary;
}

/** The question's words, accents removed, and what each becomes under each configuration. */
interface WordAnalysis {
  words: string[];
  /** Configuration → per word, its lexemes ([] for a stop word of that language). */
  stems: Map<string, string[][]>;
  /** Per word: the union of its lexemes, or [] when it is a stop word of the question's language. */
  lexemes: string[][];
}

/** Words as PostgreSQL's parser would see them, accents removed (the knowledge is indexed without them). */
export function questionWords(text: string, plain = true): string[] {
  return ((plain ? withoutAccents(text.toLowerCase()) : text.toLowerCase()).replace(/[’`]/g, "'").match(/[\p{L}\p{N}]+(?:[.,'][\p{L}\p{N}]+)*/gu) ?? []).slice(
    0,
    200,
  );
}

async function analyzeWords(db: Database, query: string, configs: readonly string[]): Promise<WordAnalysis> {
  const written = questionWords(query, false);
  const words = written.map(withoutAccents);
  const stems = new Map(configs.map((c) => [c, words.map((): string[] => [])]));
  const stop = new Map(configs.map((c) => [c, words.map(() => false)]));
  if (words.length > 0) {
    // Stop words are recognised as written ("más" is one, "mas" is not); lexemes are taken
    // without accents, as the knowledge is indexed.
    const found = await rows<{ i: number; config: string; lexemes: string[]; stop: boolean }>(
      db,
      sql`select w.i::int as i, c.config,
                 tsvector_to_array(to_tsvector(c.config::regconfig, knowledge_unaccent(w.word))) as lexemes,
                 length(to_tsvector(c.config::regconfig, w.word)) = 0 as stop
          from unnest(${sql.raw(textArray(written))}::text[]) with ordinality as w(word, i)
          cross join unnest(${sql.raw(textArray(configs))}::text[]) as c(config)`,
    );
    for (const f of found) {
      stems.get(f.config)![f.i - 1] = f.lexemes;
      stop.get(f.config)![f.i - 1] = f.stop;
    }
  }
  // A stop word of the question's language (its first configuration) is no term in any language.
  const first = stop.get(configs[0]!)!;
  const lexemes = words.map((_, i) => (first[i] ? [] : [...new Set(configs.flatMap((c) => stems.get(c)![i]!))]));
  return { words, stems, lexemes };
}

/** A text[] literal of plain strings, quoted for SQL (the words come from `questionWords`, the configurations are ours). */
const textArray = (values: readonly string[]) => `array[${values.map((v) => `'${v.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`).join(',')}]`;

interface Translation {
  /** Whether the question is in another language than the knowledge. */
  foreign: boolean;
  /** The question in the knowledge's words, as far as the lexicon goes (for the embedding model). */
  text?: string;
  /** Word index → the knowledge-language phrases (as lexemes) it translates to. */
  byWord: Map<number, string[][]>;
  /** Words that were part of a translated phrase after its first word. */
  consumed: Set<number>;
}

/**
 * The question's words in the knowledge's language, through the cross-lingual lexicon: the
 * longest phrase of the lexicon (matched by its stems in the question's language) wins.
 */
async function translateWords(db: Database, analysis: WordAnalysis, language: TextSearchLanguage, knowledgeLanguages: readonly string[]): Promise<Translation> {
  const byWord = new Map<number, string[][]>();
  const consumed = new Set<number>();
  const written: string[] = [];
  const lexicon = await stemmedLexicon(db, language, knowledgeLanguages);
  const own = analysis.stems.get(language) ?? [];
  if (!lexicon) return { foreign: true, byWord, consumed };
  // Stems of each word in the question's language; a stop word keeps its surface form so phrases still line up.
  const keys = analysis.words.map((w, i) => (own[i]?.length ? own[i]!.join(' ') : w));
  for (let i = 0; i < keys.length; i += 1) {
    if (consumed.has(i)) continue;
    for (let length = Math.min(lexicon.longest, keys.length - i); length >= 1; length -= 1) {
      const phrase = keys.slice(i, i + length).join(' ');
      const entry = lexicon.entries.get(phrase) ?? (length === 1 ? lexicon.entries.get(analysis.words[i]!) : undefined);
      if (!entry) continue;
      byWord.set(i, entry.lexemes);
      written.push(entry.texts[0]!);
      for (let j = i + 1; j < i + length; j += 1) consumed.add(j);
      break;
    }
    if (!byWord.has(i) && (analysis.lexemes[i]?.length ?? 0) > 0) written.push(analysis.words[i]!);
  }
  return { foreign: true, byWord, consumed, text: written.join(' ') };
}

interface StemmedLexicon {
  /** A phrase's stems in its language (or a word as written) → its translations as knowledge-language lexemes, and as written. */
  entries: Map<string, { lexemes: string[][]; texts: string[] }>;
  longest: number;
}

const lexiconCache = new WeakMap<Database, Map<string, Promise<StemmedLexicon | undefined>>>();

function stemmedLexicon(db: Database, language: TextSearchLanguage, knowledgeLanguages: readonly string[]): Promise<StemmedLexicon | undefined> {
  const key = `${language}>${knowledgeLanguages.join(',')}`;
  let cache = lexiconCache.get(db);
  if (!cache) lexiconCache.set(db, (cache = new Map()));
  let cached = cache.get(key);
  if (!cached) {
    cached = stemLexicon(db, language, knowledgeLanguages);
    cache.set(key, cached);
    cached.catch(() => cache.delete(key));
  }
  return cached;
}

async function stemLexicon(db: Database, language: TextSearchLanguage, knowledgeLanguages: readonly string[]): Promise<StemmedLexicon | undefined> {
  const pairs = lexiconPairs(
    LANGUAGE_CODES[language],
    knowledgeLanguages.map((l) => LANGUAGE_CODES[l as TextSearchLanguage] ?? 'en'),
  );
  if (pairs.length === 0) return undefined;
  const sourceWords = [...new Set(pairs.flatMap((p) => p.source.split(' ')))];
  const targets = [...new Set(pairs.flatMap((p) => p.targets.map((t) => `${t.config}:${t.text}`)))];
  const [sourceStems, targetStems] = await Promise.all([
    rows<{ word: string; lexemes: string[] }>(
      db,
      sql`select t.word, tsvector_to_array(to_tsvector(${language}::regconfig, t.word)) as lexemes
          from unnest(${sql.raw(textArray(sourceWords))}::text[]) as t(word)`,
    ),
    rows<{ key: string; lexemes: string[] }>(
      db,
      sql`select t.key, tsvector_to_array(to_tsvector(split_part(t.key, ':', 1)::regconfig, knowledge_unaccent(substr(t.key, strpos(t.key, ':') + 1)))) as lexemes
          from unnest(${sql.raw(textArray(targets))}::text[]) as t(key)`,
    ),
  ]);
  // A stop word stands for itself, as translateWords reads the question.
  const stemOf = new Map(sourceStems.map((s) => [s.word, s.lexemes.length > 0 ? s.lexemes.join(' ') : s.word]));
  const targetOf = new Map(targetStems.map((t) => [t.key, t.lexemes]));
  const entries = new Map<string, { lexemes: string[][]; texts: string[] }>();
  let longest = 1;
  for (const pair of pairs) {
    const words = pair.source.split(' ');
    const key = words.map((w) => stemOf.get(w) ?? w).join(' ');
    const translations = pair.targets.map((t) => targetOf.get(`${t.config}:${t.text}`) ?? []).filter((l) => l.length > 0);
    if (translations.length === 0) continue;
    longest = Math.max(longest, words.length);
    const entry = entries.get(key) ?? { lexemes: [], texts: [] };
    entry.lexemes.push(...translations);
    entry.texts.push(...pair.targets.map((t) => t.text));
    entries.set(key, entry);
  }
  return { entries, longest };
}

interface StemmedResources {
  /** Each synonym set as its phrases, each phrase as its stemmed words. */
  synonyms: string[][][];
  /** The synonym phrases of more than one word, longest first, with their sets. */
  phrases: Array<{ phrase: string[]; set: string[][] }>;
  fillers: Set<string>;
  /** One-word synonyms: spelling is corrected against them besides the vocabulary. */
  synonymWords: string[];
}

const resourceCache = new WeakMap<Database, Map<string, Promise<StemmedResources>>>();
const RESOURCE_CACHE_SIZE = 100;

/** The synonyms (built-in and the namespace's) and the filler words, stemmed by the database, cached per set. */
function stemmedResources(db: Database, knowledgeLanguages: readonly string[], options: SynonymOptions): Promise<StemmedResources> {
  const sets = [...(options.builtInSynonyms === false ? [] : KNOWLEDGE_SYNONYMS), ...(options.synonyms ?? [])];
  const language = knowledgeLanguages[0] ?? 'english';
  const key = `${language}\u0001${JSON.stringify(sets)}`;
  let cache = resourceCache.get(db);
  if (!cache) resourceCache.set(db, (cache = new Map()));
  let cached = cache.get(key);
  if (!cached) {
    if (cache.size >= RESOURCE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cached = stemResources(db, language, sets);
    cache.set(key, cached);
    cached.catch(() => cache.delete(key));
  }
  return cached;
}

async function stemResources(db: Database, language: string, sets: readonly (readonly string[])[]): Promise<StemmedResources> {
  const texts = [...new Set([...sets.flat(), ...QUERY_FILLER_WORDS])];
  const stemmed =
    texts.length === 0
      ? []
      : await rows<{ phrase: string; lexemes: string[] }>(
          db,
          sql`select p.phrase, tsvector_to_array(to_tsvector(${language}::regconfig, knowledge_unaccent(p.phrase))) as lexemes
        from unnest(${sql.raw(textArray(texts))}::text[]) as p(phrase)`,
        );
  const byPhrase = new Map(stemmed.map((s) => [s.phrase, s.lexemes]));
  const stems = (phrase: string) => byPhrase.get(phrase) ?? [];
  const synonyms = sets.map((set) => set.map(stems).filter((s) => s.length > 0));
  const phrases = synonyms
    .flatMap((set) => set.map((phrase) => ({ phrase, set })))
    .filter(({ phrase }) => phrase.length > 1)
    .sort((a, b) => b.phrase.length - a.phrase.length);
  return {
    synonyms,
    phrases,
    fillers: new Set(QUERY_FILLER_WORDS.flatMap(stems)),
    synonymWords: [
      ...new Set(
        synonyms
          .flat()
          .filter((p) => p.length === 1)
          .map((p) => p[0]!),
      ),
    ],
  };
}

/** Lexemes of the question the vocabulary lacks and no translation covers: candidates for spelling correction. */
function unknownWords(analysis: WordAnalysis, vocabulary: Vocabulary, translation: Translation): string[] {
  const unknown = new Set<string>();
  analysis.lexemes.forEach((lexemes, i) => {
    if (translation.byWord.has(i) || translation.consumed.has(i)) return;
    if (lexemes.some((l) => vocabulary.words.has(l))) return;
    for (const l of lexemes) if (l.length >= 4 && isPlain(l)) unknown.add(l);
  });
  return [...unknown].slice(0, 20);
}

/**
 * Vocabulary words that look like each unknown word (pg_trgm similarity), for spelling
 * correction; `corrections` then keeps those within the edit distance. Without pg_trgm the
 * whole vocabulary is compared in `corrections`.
 */
async function similarWords(db: Database, namespace: string, unknown: readonly string[]): Promise<Map<string, string[]> | undefined> {
  if (!(await hasExtension(db, 'pg_trgm'))) return undefined;
  const found = await rows<{ word: string; candidate: string }>(
    db,
    sql`select q.word, s.word as candidate
        from unnest(${sql.raw(textArray(unknown))}::text[]) as q(word)
        cross join ts_stat(format('select tsv from document_chunks where namespace = %L', ${namespace}::text)) s
        where similarity(s.word, q.word) >= ${TRIGRAM_THRESHOLD}`,
  );
  const similar = new Map<string, string[]>();
  for (const f of found) similar.set(f.word, [...(similar.get(f.word) ?? []), f.candidate]);
  return similar;
}

/** pg_trgm similarity a vocabulary word needs to be considered a spelling of an unknown one (transpositions score low). */
export const TRIGRAM_THRESHOLD = 0.2;

/**
 * IDF is computed as if the namespace had at least this many chunks: in a knowledge base of
 * one or two documents every word is "common", and a wordy question would otherwise be
 * outweighed by its words that are not in the knowledge.
 */
export const MIN_IDF_CHUNKS = 20;

/** The weight of a word of a foreign question that neither the lexicon nor the knowledge knows. */
export const UNTRANSLATED_WEIGHT = 0.35;

/**
 * The question's words as weighted terms. Translated words (a question in another language
 * than the knowledge) are terms of their own matching their translations. Of the rest,
 * synonym phrases are taken out first (so "money back" is one term meaning refund), then
 * conversational fillers are dropped; every other word is a term of its own that also matches
 * its synonyms and its word family in the vocabulary (expir → expiri), and, when the
 * vocabulary lacks it, its spelling corrections and the words it begins (`word:*`).
 */
function queryTerms(
  analysis: WordAnalysis,
  vocabulary: Vocabulary,
  resources: StemmedResources,
  translation: Translation,
  similar: Map<string, string[]> | undefined,
): Term[] {
  const n = Math.max(vocabulary.chunks, MIN_IDF_CHUNKS);
  const idf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const df = (words: readonly string[]) => Math.min(...words.map((w) => vocabulary.words.get(w) ?? 0));
  const term = (alternatives: string[][], prefix?: string): Term => {
    const known = unique(alternatives.filter((a) => a.length > 0));
    const parts = known.map(conjunction);
    let frequency = Math.max(0, ...known.map(df));
    if (prefix) {
      parts.push(`${quote(prefix)}:*`);
      for (const [w, c] of vocabulary.words) if (w.startsWith(prefix)) frequency = Math.max(frequency, c);
    }
    return { tsquery: parts.join(' | '), weight: idf(frequency) };
  };
  const synonymsOf = (word: string) => resources.synonyms.filter((set) => set.some((p) => p.length === 1 && p[0] === word)).flat();

  const terms: Term[] = [];
  for (const [i, targets] of translation.byWord) {
    const own = analysis.lexemes[i]!.map((l) => [l]);
    terms.push(term([...own, ...targets, ...targets.filter((t) => t.length === 1).flatMap((t) => synonymsOf(t[0]!))]));
  }
  // The other words, each with its lexemes in every configuration (one term per word).
  const lexemesOf = analysis.lexemes.map((lexemes, i) => (translation.byWord.has(i) || translation.consumed.has(i) ? [] : lexemes));
  const used = new Set<number>();
  for (const { phrase, set } of resources.phrases) {
    const at: number[] = [];
    for (const lexeme of phrase) {
      const i = lexemesOf.findIndex((lexemes, j) => !used.has(j) && !at.includes(j) && lexemes.includes(lexeme));
      if (i < 0) break;
      at.push(i);
    }
    if (at.length !== phrase.length) continue;
    at.forEach((i) => used.add(i));
    terms.push(term([phrase, ...set]));
  }
  // In a foreign question, a short word neither language knows is most likely a function word.
  const noise = (lexemes: string[]) => translation.foreign && lexemes.every((l) => l.length <= 3 && !vocabulary.words.has(l));
  const open = lexemesOf.map((lexemes, i) => ({ lexemes, i })).filter(({ lexemes, i }) => lexemes.length > 0 && !used.has(i) && !noise(lexemes));
  const topical = open.filter(({ lexemes }) => !lexemes.some((l) => resources.fillers.has(l)));
  const chosen = topical.length > 0 || terms.length > 0 ? topical : open;
  const seen = new Set<string>();
  const words = chosen
    .map(({ lexemes }) => [...lexemes].sort())
    .filter((lexemes) => {
      const key = lexemes.join(' ');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0));
  for (const lexemes of words) {
    const alternatives: string[][] = lexemes.flatMap((l) => [[l], ...synonymsOf(l), ...family(l, vocabulary.words).map((w) => [w])]);
    const known = lexemes.some((l) => vocabulary.words.has(l));
    let corrected = false;
    if (!known) {
      for (const word of lexemes) {
        const candidates = new Map<string, number>(resources.synonymWords.map((w): [string, number] => [w, 0]));
        const pool = similar ? (similar.get(word) ?? []) : [...vocabulary.words.keys()];
        for (const w of pool) candidates.set(w, vocabulary.words.get(w) ?? 0);
        for (const correction of corrections(word, candidates)) {
          alternatives.push([correction], ...synonymsOf(correction));
          corrected = true;
        }
      }
    }
    const word = lexemes[0]!;
    const prefix = !known && word.length >= 4 && isPlain(word) ? word : undefined;
    const made = term(alternatives, prefix);
    // A word of another language than the knowledge that the lexicon cannot translate may be one it
    // lacks rather than a subject the knowledge lacks: it counts UNTRANSLATED_WEIGHT of its weight.
    if (translation.foreign && !known && !corrected) made.weight *= UNTRANSLATED_WEIGHT;
    terms.push(made);
  }
  return terms;
}

/** Vocabulary words of the same family: a few letters longer (expir → expiri), or a stem it extends. */
function family(word: string, vocabulary: ReadonlyMap<string, number>): string[] {
  if (word.length < 4 || !isPlain(word)) return [];
  const related: string[] = [];
  for (const candidate of vocabulary.keys()) {
    if (candidate === word || !isPlain(candidate)) continue;
    const longer = candidate.startsWith(word) && candidate.length - word.length <= 3;
    const shorter = word.startsWith(candidate) && candidate.length >= 4 && word.length - candidate.length <= 2;
    if (longer || shorter) related.push(candidate);
  }
  return related.sort();
}

const unique = (phrases: readonly string[][]) => [...new Map(phrases.map((p) => [p.join(' '), p])).values()];
const conjunction = (words: readonly string[]) => (words.length === 1 ? quote(words[0]!) : `(${words.map(quote).join(' & ')})`);
const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const isPlain = (word: string) => /^[\p{L}\p{N}]+$/u.test(word);

/**
 * Vocabulary words one edit away (two for words of 8 letters or more) from a word the
 * vocabulary lacks, same first letter, the most frequent first. Short words are left alone.
 */
export function corrections(word: string, vocabulary: ReadonlyMap<string, number>, max = 3): string[] {
  if (word.length < 4 || !isPlain(word)) return [];
  const allowed = word.length >= 8 ? 2 : 1;
  let best = Infinity;
  let found: Array<[string, number]> = [];
  for (const [candidate, count] of vocabulary) {
    if (candidate[0] !== word[0] || Math.abs(candidate.length - word.length) > allowed || candidate.length < 3) continue;
    const distance = editDistance(word, candidate, allowed);
    if (distance > allowed || distance > best) continue;
    if (distance < best) {
      best = distance;
      found = [];
    }
    found.push([candidate, count]);
  }
  return found
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, max)
    .map(([w]) => w);
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), cut off above `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

// --- Embeddings --------------------------------------------------------------------------

const extensions = new WeakMap<Database, Map<string, Promise<boolean>>>();

/** Whether the database has an extension installed (pgvector's `vector`, `pg_trgm`); asked once per handle. */
function hasExtension(db: Database, name: string): Promise<boolean> {
  let known = extensions.get(db);
  if (!known) extensions.set(db, (known = new Map()));
  let cached = known.get(name);
  if (!cached) {
    cached = rows<{ present: boolean }>(db, sql`select exists (select 1 from pg_extension where extname = ${name}) as present`).then(
      ([row]) => row?.present === true,
    );
    known.set(name, cached);
    cached.catch(() => known.delete(name));
  }
  return cached;
}

async function vectorCandidates(
  db: Database,
  namespace: string,
  model: string,
  queryVector: number[],
  version: string,
  inProcess: boolean,
): Promise<VectorCandidate[]> {
  if (!inProcess && (await hasExtension(db, 'vector'))) {
    const literal = `[${queryVector.join(',')}]`;
    const found = await rows<VectorCandidate>(
      db,
      sql`select ${chunkColumns}, (1 - (c.embedding::vector <=> ${literal}::vector))::float8 as similarity
          from document_chunks c
          join documents d on d.id = c.document_id
          where c.namespace = ${namespace} and c.embedding_model = ${model} and cardinality(c.embedding) = ${queryVector.length}
          order by c.embedding::vector <=> ${literal}::vector, d.title collate "C", c.document_id, c.position
          limit ${CANDIDATES}`,
    );
    return found.map((c) => ({ ...c, similarity: Number(c.similarity) }));
  }
  // A small namespace, or no pgvector: its vectors, read once per version of its chunks, compared
  // here (a few thousand comparisons cost less than casting every stored array to a vector).
  const chunks = await namespaceVectors(db, namespace, model, version);
  return chunks
    .map(({ vector, ...chunk }) => ({ ...chunk, similarity: cosineSimilarity(queryVector, vector) }))
    .sort((a, b) => b.similarity - a.similarity || compareChunks(a, b))
    .slice(0, CANDIDATES);
}

type VectorChunk = CandidateChunk & { vector: Float32Array };
const vectorCache = new WeakMap<Database, Map<string, { version: string; chunks: Promise<VectorChunk[]> }>>();
/** Namespaces whose vectors are kept in memory per process (small ones, or any without pgvector), least recently read out first. */
export const VECTOR_CACHE_NAMESPACES = 50;
/**
 * Namespaces with up to this many embedded chunks are searched in the process (at most ~4 MB of
 * vectors each with 512 dimensions); larger ones by pgvector in the database.
 */
export const IN_PROCESS_VECTORS_UP_TO = 2000;

function namespaceVectors(db: Database, namespace: string, model: string, version: string): Promise<VectorChunk[]> {
  let cache = vectorCache.get(db);
  if (!cache) vectorCache.set(db, (cache = new Map()));
  const key = `${namespace}\u0001${model}`;
  const cached = cache.get(key);
  if (cached?.version === version) {
    cache.delete(key);
    cache.set(key, cached);
    return cached.chunks;
  }
  const chunks = rows<CandidateChunk & { embedding: number[] }>(
    db,
    sql`select ${chunkColumns}, c.embedding
        from document_chunks c
        join documents d on d.id = c.document_id
        where c.namespace = ${namespace} and c.embedding_model = ${model}`,
  ).then((found) => found.map(({ embedding, ...chunk }) => ({ ...chunk, vector: Float32Array.from(embedding, Number) })));
  if (cache.size >= VECTOR_CACHE_NAMESPACES) cache.delete(cache.keys().next().value!);
  cache.set(key, { version, chunks });
  chunks.catch(() => cache.delete(key));
  return chunks;
}
