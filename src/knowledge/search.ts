/**
 * Knowledge search: the passages of a namespace's documents that answer a question.
 *
 * Full text (always; the same on PostgreSQL and PGlite, no extension needed). The question is
 * stemmed by PostgreSQL (`english`) and each remaining word becomes a weighted **term**:
 * - it also matches its synonyms (KNOWLEDGE_SYNONYMS; "money back" → refund) and its word
 *   family in the namespace's vocabulary (`ts_stat` over the chunks; expir → expiri);
 * - a word the vocabulary lacks also matches its spelling corrections ("refnud" → refund,
 *   "shiping" → ship → delivery; edit distance 1, 2 from 8 letters) and `word:*`;
 * - conversational fillers ("please", "how long", "doesn't") are dropped;
 * - the weight is the term's IDF; a word found nowhere in the namespace has the highest.
 * A chunk's **coverage** is the share of the question's weight it matches (terms matched only
 * elsewhere in its document count half). Chunks are ranked by coverage, the coverage of their
 * heading path (document title included), `ts_rank_cd`, and whether the strict
 * `websearch_to_tsquery` matches; a document's third passage waits behind other documents.
 *
 * Relevance floor. A chunk covering less than `minCoverage` (0.55) of the question is not an
 * answer: a question whose specific words appear nowhere in the knowledge ("can I pay in
 * bitcoin?") gets `[]` rather than the passages that merely share "pay".
 *
 * Embeddings (when `embed` is given). The question is embedded and chunks are ranked by
 * cosine similarity, in the database with pgvector when the `vector` extension exists,
 * otherwise here over the full-text candidates plus the most recent chunks. The two rankings
 * are fused with reciprocal rank fusion (k = 60); a passage is kept when it passes the
 * full-text floor or its similarity reaches `minSimilarity`. Passages come in fused order;
 * their `score` stays on the 0..1 scale of a match's strength either way (the better of the
 * full-text score and the cosine similarity), so the confidence gate reads it the same with
 * or without embeddings.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db';
import type { Passage } from '../llm/types';
import { chunkHeading, embedAll, type EmbedFn } from './store';

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
}

export const MIN_COVERAGE = 0.55;
export const MIN_SIMILARITY = 0.4;
export const RRF_K = 60;
/** Candidates taken from each ranking before fusion. */
export const CANDIDATES = 50;
/** Without pgvector, the most recent chunks compared with the question besides the full-text candidates. */
export const RECENT_CHUNKS_FOR_EMBEDDING = 1000;
const MAX_QUERY_CHARS = 2000;

/**
 * Words that mean the same in a shop's help center. A phrase of the question (all its stemmed
 * words present) also matches every other phrase of its set.
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
  ['size', 'sizing', 'fit'],
  ['bigger', 'larger'],
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
  ['waterproof', 'water resistant', 'rainproof'],
  ['wash', 'clean'],
  ['recycle', 'recycling', 'dispose'],
  ['pay later', 'instalment', 'installment', 'buy now pay later'],
  ['collect', 'pick up', 'pickup'],
  ['restock', 'back in stock', 'sold out'],
  ['bulk', 'wholesale', 'corporate'],
  ['scam', 'phishing', 'fraud', 'suspicious'],
  ['review', 'rating', 'feedback'],
  ['change', 'amend', 'modify', 'edit'],
  ...Object.entries({ two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12, fourteen: 14,
    fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, hundred: 100 }).map(([word, n]) => [word, String(n)]),
];

/** Conversational words that carry no topic; ignored unless the question has nothing else. */
export const QUERY_FILLER_WORDS: readonly string[] = [
  'hi', 'hello', 'hey', 'please', 'thanks', 'thank', 'want', 'need', 'know', 'tell', 'like', 'would', 'could',
  'get', 'got', 'help', 'question', 'possible', 'way', 'anyone', 'someone', 'also', 'ok', 'okay', 'much', 'many',
  'long', 'take', 'make', 'go', 'let', 'able', 'us', 'one', 'still', 'actually', 'really', 'wondering', 'something',
  'anything', 'somebody', 'anybody', 'thing', 'stuff', 'bit', 'come',
  // prepositions PostgreSQL's english stop words leave in
  'within', 'without', 'across', 'along', 'among', 'around', 'behind', 'beside', 'beyond', 'inside', 'outside',
  'onto', 'toward', 'towards', 'upon', 'via', 'per', 'near', 'despite', 'since', 'unless', 'whether',
  // what PostgreSQL's parser leaves of contractions ("doesn't" → doesn, t)
  'aren', 'couldn', 'didn', 'doesn', 'hasn', 'haven', 'isn', 'shouldn', 'wasn', 'wouldn', 'm', 've', 'll', 're', 'd',
];

export async function searchKnowledge(db: Database, options: SearchOptions): Promise<Passage[]> {
  const query = options.query.trim().slice(0, MAX_QUERY_CHARS);
  const limit = Math.max(1, Math.min(50, Math.floor(options.limit ?? 5)));
  const minCoverage = options.minCoverage ?? MIN_COVERAGE;
  if (!query) return [];
  const fullText = await fullTextCandidates(db, options.namespace, query);
  if (!options.embed) {
    return diversify(fullText.filter((c) => c.coverage >= minCoverage))
      .slice(0, limit)
      .map((c) => passage(c, c.score));
  }
  const [queryVector] = await embedAll(options.embed, [query]);
  const byVector = await vectorCandidates(db, options.namespace, queryVector!, fullText);
  const fused = reciprocalRankFusion([fullText.map((c) => c.id), byVector.map((c) => c.id)]);
  const chunks = new Map<string, CandidateChunk>([...byVector, ...fullText].map((c) => [c.id, c]));
  const coverage = new Map(fullText.map((c) => [c.id, c.coverage]));
  const scores = new Map(fullText.map((c) => [c.id, c.score]));
  const similarity = new Map(byVector.map((c) => [c.id, c.similarity]));
  const minSimilarity = options.minSimilarity ?? MIN_SIMILARITY;
  const ranked = [...fused]
    .filter(([id]) => (coverage.get(id) ?? 0) >= minCoverage || (similarity.get(id) ?? -1) >= minSimilarity)
    .sort(([a, x], [b, y]) => y - x || compareChunks(chunks.get(a)!, chunks.get(b)!))
    .map(([id]) => ({ ...chunks.get(id)!, score: strength(scores.get(id), similarity.get(id)) }));
  return diversify(ranked)
    .slice(0, limit)
    .map((c) => passage(c, c.score));
}

/** Lines of a question searched on their own besides the whole, at most. */
export const MAX_PARTS = 4;

/**
 * A question of several lines (a burst of messages joined: "hi / my parcel has not arrived /
 * order 4411"): the whole is searched, and each line on its own, because the words of the
 * other lines would pull a line's passage under the coverage floor. A passage found by
 * several searches keeps its best score; the best passages come first.
 */
export async function searchQuestion(db: Database, options: SearchOptions): Promise<Passage[]> {
  const lines = options.query.split(/\n+/).map((l) => l.trim()).filter((l) => l !== '');
  const queries = lines.length > 1 ? [lines.join('\n'), ...lines.slice(-MAX_PARTS)] : [options.query];
  const limit = Math.max(1, Math.min(50, Math.floor(options.limit ?? 5)));
  const found = await Promise.all(queries.map((query) => searchKnowledge(db, { ...options, query, limit })));
  const best = new Map<string, Passage>();
  for (const passage of found.flat()) {
    const key = `${passage.documentId}:${passage.position}`;
    if ((best.get(key)?.score ?? -1) < passage.score) best.set(key, passage);
  }
  return [...best.values()]
    .sort((a, b) => b.score - a.score || compareText(a.title, b.title) || compareText(a.documentId, b.documentId) || a.position - b.position)
    .slice(0, limit);
}

/** A fused passage's 0..1 strength: the better of its full-text score and its cosine similarity. */
const strength = (fullText: number | undefined, similarity: number | undefined) =>
  Math.min(1, Math.max(0, fullText ?? 0, similarity ?? 0));

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
export function reciprocalRankFusion(rankings: readonly (readonly string[])[], k = RRF_K): Map<string, number> {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1)));
  }
  return scores;
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
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

/** Rows of a raw query; postgres.js answers an array, PGlite an object with `rows`. */
async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const chunkColumns = sql.raw(
  `c.id, c.document_id as "documentId", d.title as "documentTitle", c.heading, c.position, c.text`,
);

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

/** The weighted terms a question becomes in a namespace: what full-text search looks for (for debugging). */
export async function explainQuery(db: Database, namespace: string, query: string): Promise<{ terms: Term[]; chunks: number }> {
  const [analysis, vocabulary, language] = await Promise.all([
    rows<{ lexemes: string[] }>(db, sql`select tsvector_to_array(to_tsvector('english', ${query})) as lexemes`),
    namespaceVocabulary(db, namespace),
    stemmedLanguage(db),
  ]);
  return { terms: queryTerms(analysis[0]?.lexemes ?? [], vocabulary, language), chunks: vocabulary.chunks };
}

/** Full-text candidates with their coverage and score, best first (not yet cut at the relevance floor). */
async function fullTextCandidates(db: Database, namespace: string, query: string): Promise<FullTextCandidate[]> {
  const { terms, chunks } = await explainQuery(db, namespace, query);
  if (terms.length === 0 || chunks === 0) return [];
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
                 ${weighted((q) => sql`to_tsvector('english', coalesce(c.heading, '')) @@ ${q}`)} as heading_matched,
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
          cross join (select websearch_to_tsquery('english', ${query}) as strict) v
        ) s
        order by score desc, s."documentTitle" collate "C", s."documentId", s.position
        limit ${CANDIDATES}`,
  );
  return found.map((c) => ({ ...c, coverage: Math.min(1, Number(c.coverage)), score: Number(c.score) }));
}

interface Vocabulary {
  /** Stemmed word → number of chunks holding it. */
  words: Map<string, number>;
  chunks: number;
}

async function namespaceVocabulary(db: Database, namespace: string): Promise<Vocabulary> {
  const [stats, [total]] = await Promise.all([
    rows<{ word: string; ndoc: number }>(
      db,
      sql`select word, ndoc from ts_stat(format('select tsv from document_chunks where namespace = %L', ${namespace}::text))`,
    ),
    rows<{ n: number }>(db, sql`select count(*)::int as n from document_chunks where namespace = ${namespace}`),
  ]);
  return { words: new Map(stats.map((s) => [s.word, Number(s.ndoc)])), chunks: Number(total?.n ?? 0) };
}

interface StemmedLanguage {
  /** Each synonym set as its phrases, each phrase as its stemmed words. */
  synonyms: string[][][];
  /** The synonym phrases of more than one word, longest first, with their sets. */
  phrases: Array<{ phrase: string[]; set: string[][] }>;
  fillers: Set<string>;
  /** The vocabulary plus the one-word synonyms: what spelling is corrected against. */
  dictionary(vocabulary: ReadonlyMap<string, number>): ReadonlyMap<string, number>;
}

const languageCache = new WeakMap<Database, Promise<StemmedLanguage>>();

/** KNOWLEDGE_SYNONYMS and QUERY_FILLER_WORDS stemmed by the database's own `english` configuration, once. */
function stemmedLanguage(db: Database): Promise<StemmedLanguage> {
  let cached = languageCache.get(db);
  if (!cached) {
    cached = stemLanguage(db);
    languageCache.set(db, cached);
    cached.catch(() => languageCache.delete(db));
  }
  return cached;
}

async function stemLanguage(db: Database): Promise<StemmedLanguage> {
  const texts = [...new Set([...KNOWLEDGE_SYNONYMS.flat(), ...QUERY_FILLER_WORDS])];
  const stemmed = await rows<{ phrase: string; lexemes: string[] }>(
    db,
    sql`select p.phrase, tsvector_to_array(to_tsvector('english', p.phrase)) as lexemes
        from unnest(array[${sql.join(texts.map((t) => sql`${t}`), sql`, `)}]::text[]) as p(phrase)`,
  );
  const byPhrase = new Map(stemmed.map((s) => [s.phrase, s.lexemes]));
  const stems = (phrase: string) => byPhrase.get(phrase) ?? [];
  const synonyms = KNOWLEDGE_SYNONYMS.map((set) => set.map(stems).filter((s) => s.length > 0));
  const phrases = synonyms
    .flatMap((set) => set.map((phrase) => ({ phrase, set })))
    .filter(({ phrase }) => phrase.length > 1)
    .sort((a, b) => b.phrase.length - a.phrase.length);
  const synonymWords = [...new Set(synonyms.flat().filter((p) => p.length === 1).map((p) => p[0]!))];
  const dictionaries = new WeakMap<ReadonlyMap<string, number>, ReadonlyMap<string, number>>();
  return {
    synonyms,
    phrases,
    fillers: new Set(QUERY_FILLER_WORDS.flatMap(stems)),
    dictionary(vocabulary) {
      let dictionary = dictionaries.get(vocabulary);
      if (!dictionary) {
        dictionary = new Map([...synonymWords.map((w): [string, number] => [w, 0]), ...vocabulary]);
        dictionaries.set(vocabulary, dictionary);
      }
      return dictionary;
    },
  };
}

/**
 * The question's stemmed words as weighted terms. Synonym phrases are taken out first (so
 * "money back" is one term meaning refund), then conversational fillers are dropped; every
 * other word is a term of its own that also matches its synonyms and its word family in the
 * vocabulary (expir → expiri), and, when the vocabulary lacks it, its spelling corrections
 * (against the vocabulary and the synonyms) and the words it begins (`word:*`).
 */
function queryTerms(lexemes: readonly string[], vocabulary: Vocabulary, language: StemmedLanguage): Term[] {
  const idf = (df: number) => Math.log(1 + (vocabulary.chunks - df + 0.5) / (df + 0.5));
  const df = (words: readonly string[]) => Math.min(...words.map((w) => vocabulary.words.get(w) ?? 0));
  const term = (alternatives: string[][], prefix?: string): Term => {
    const known = unique(alternatives);
    const parts = known.map(conjunction);
    let frequency = Math.max(...known.map(df));
    if (prefix) {
      parts.push(`${quote(prefix)}:*`);
      for (const [w, n] of vocabulary.words) if (w.startsWith(prefix)) frequency = Math.max(frequency, n);
    }
    return { tsquery: parts.join(' | '), weight: idf(frequency) };
  };
  const synonymsOf = (word: string) => language.synonyms.filter((set) => set.some((p) => p.length === 1 && p[0] === word)).flat();

  const remaining = new Set(lexemes);
  const terms: Term[] = [];
  for (const { phrase, set } of language.phrases) {
    if (!phrase.every((w) => remaining.has(w))) continue;
    phrase.forEach((w) => remaining.delete(w));
    terms.push(term([phrase, ...set]));
  }
  const topical = [...remaining].filter((w) => !language.fillers.has(w));
  const words = topical.length > 0 || terms.length > 0 ? topical : [...remaining];
  for (const word of words.sort()) {
    const alternatives: string[][] = [[word], ...synonymsOf(word), ...family(word, vocabulary.words).map((w) => [w])];
    const known = vocabulary.words.has(word);
    if (!known) {
      for (const correction of corrections(word, language.dictionary(vocabulary.words))) {
        alternatives.push([correction], ...synonymsOf(correction));
      }
    }
    const prefix = !known && word.length >= 4 && isPlain(word) ? word : undefined;
    terms.push(term(alternatives, prefix));
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

const vectorExtension = new WeakMap<Database, Promise<boolean>>();

/** Whether the database has pgvector (`vector`) installed; asked once per handle. */
function hasVectorExtension(db: Database): Promise<boolean> {
  let cached = vectorExtension.get(db);
  if (!cached) {
    cached = rows<{ present: boolean }>(db, sql`select exists (select 1 from pg_extension where extname = 'vector') as present`).then(
      ([row]) => row?.present === true,
    );
    vectorExtension.set(db, cached);
    cached.catch(() => vectorExtension.delete(db));
  }
  return cached;
}

async function vectorCandidates(
  db: Database,
  namespace: string,
  queryVector: number[],
  fullText: readonly CandidateChunk[],
): Promise<VectorCandidate[]> {
  if (await hasVectorExtension(db)) {
    const literal = `[${queryVector.join(',')}]`;
    const found = await rows<VectorCandidate>(
      db,
      sql`select ${chunkColumns}, (1 - (c.embedding::vector <=> ${literal}::vector))::float8 as similarity
          from document_chunks c
          join documents d on d.id = c.document_id
          where c.namespace = ${namespace} and c.embedding is not null and cardinality(c.embedding) = ${queryVector.length}
          order by c.embedding::vector <=> ${literal}::vector, d.title collate "C", c.document_id, c.position
          limit ${CANDIDATES}`,
    );
    return found.map((c) => ({ ...c, similarity: Number(c.similarity) }));
  }
  const ids = fullText.map((c) => sql`${c.id}`);
  const found = await rows<CandidateChunk & { embedding: number[] }>(
    db,
    sql`select ${chunkColumns}, c.embedding
        from document_chunks c
        join documents d on d.id = c.document_id
        where c.namespace = ${namespace} and c.embedding is not null and (
          ${ids.length > 0 ? sql`c.id = any(array[${sql.join(ids, sql`, `)}]::uuid[]) or ` : sql``}
          c.id in (select r.id from document_chunks r where r.namespace = ${namespace} and r.embedding is not null
                   order by r.created_at desc, r.id limit ${RECENT_CHUNKS_FOR_EMBEDDING}))`,
  );
  return found
    .map(({ embedding, ...chunk }) => ({ ...chunk, similarity: cosineSimilarity(queryVector, embedding.map(Number)) }))
    .sort((a, b) => b.similarity - a.similarity || compareChunks(a, b))
    .slice(0, CANDIDATES);
}
