/**
 * Knowledge documents of a namespace: add (chunked, optionally embedded), list, read, delete.
 * A document and its chunks are written in one transaction; deleting a document deletes its
 * chunks (ON DELETE CASCADE).
 */
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { documentChunks, documents, type DocumentContentType, type EmbeddingStatus } from '../db/schema';
import { chunkDocument, HEADING_SEPARATOR, type ChunkOptions } from './chunk';
import { detectLanguage, dominantLanguage } from './language';

/** Turns texts into vectors, one per text, all of one length (an embedding model named `model`). */
export type EmbedFn = ((texts: string[]) => Promise<number[][]>) & { model?: string };

/** The name chunks record for an embedding function's vectors. */
export const modelOf = (embed: EmbedFn) => embed.model ?? 'unnamed';

export interface NewDocument {
  namespace: string;
  title: string;
  contentType: DocumentContentType;
  content: string;
  source?: string | null;
}

export interface AddedDocument {
  id: string;
  title: string;
  chunks: number;
  /** The text-search configuration of most of its text. */
  language: string;
  /** `embedded`: every chunk has its vector; `pending`: embedding failed and is retried (full text works meanwhile); `none`: no model. */
  embedding: 'embedded' | 'pending' | 'none';
  createdAt: Date;
}

export interface DocumentSummary {
  id: string;
  title: string;
  contentType: DocumentContentType;
  chunks: number;
  createdAt: Date;
}

export interface StoredChunk {
  id: string;
  position: number;
  heading: string | null;
  text: string;
  embedded: boolean;
  embeddingStatus: 'none' | 'pending' | 'embedded';
  language: string;
}

export interface StoredDocument {
  id: string;
  namespace: string;
  title: string;
  contentType: DocumentContentType;
  content: string;
  source: string | null;
  createdAt: Date;
  updatedAt: Date;
  chunks: StoredChunk[];
}

/** The embedding function failed or answered something unusable; nothing was stored. */
export class EmbeddingError extends Error {
  override name = 'EmbeddingError';
}

/** Texts sent to `embed` per call. */
export const EMBED_BATCH_SIZE = 64;
const INSERT_BATCH_SIZE = 200;

/**
 * A chunk's heading path, rooted at the document title, so that the title is searchable in
 * every chunk: text before any heading (and plain text) gets the title alone.
 */
export function chunkHeading(title: string, heading: string | null): string {
  if (!heading) return title;
  const lower = heading.toLowerCase();
  const root = title.toLowerCase();
  if (lower === root || lower.startsWith(root + HEADING_SEPARATOR.toLowerCase())) return heading;
  return title + HEADING_SEPARATOR + heading;
}

/** What is embedded for a chunk: its heading path, then its text. */
export const chunkEmbeddingText = (heading: string | null, text: string) => (heading ? `${heading}\n\n${text}` : text);

/**
 * Stores a document and its chunks, each chunk stemmed in its own language (a paragraph too
 * short to tell takes the document's). With `embed`, the chunks are embedded first (outside the
 * transaction, so no database transaction waits on a model). When embedding fails the document
 * is stored all the same, its chunks `pending`: full-text search finds them at once and
 * `embedPendingChunks` retries them.
 */
export async function addDocument(db: Database, doc: NewDocument, embed?: EmbedFn, options: ChunkOptions = {}): Promise<AddedDocument> {
  const pieces = chunkDocument(doc.content, doc.contentType, options);
  const language = dominantLanguage(pieces.map((c) => c.text));
  const chunks = pieces.map((c) => {
    const own = detectLanguage(c.text);
    return { position: c.position, heading: chunkHeading(doc.title, c.heading), text: c.text, language: own === 'simple' ? language : own };
  });
  let embeddings: number[][] | undefined;
  let failure: string | undefined;
  if (embed) {
    try {
      embeddings = await embedAll(
        embed,
        chunks.map((c) => chunkEmbeddingText(c.heading, c.text)),
      );
    } catch (err) {
      if (!(err instanceof EmbeddingError)) throw err;
      failure = err.message.slice(0, 500);
    }
  }
  const status: EmbeddingStatus = !embed ? 'none' : embeddings ? 'embedded' : 'pending';
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(documents)
      .values({ namespace: doc.namespace, title: doc.title, contentType: doc.contentType, content: doc.content, source: doc.source ?? null, language })
      .returning({ id: documents.id, title: documents.title, createdAt: documents.createdAt });
    const document = row!;
    const rows = chunks.map((c, i) => ({
      ...c,
      documentId: document.id,
      namespace: doc.namespace,
      embedding: embeddings?.[i] ?? null,
      embeddingModel: embeddings && embed ? modelOf(embed) : null,
      embeddingStatus: status,
      embeddingError: failure ?? null,
      embeddingAttempts: failure ? 1 : 0,
      embedAfter: failure ? new Date(Date.now() + retryDelayMs(1)) : null,
    }));
    for (let i = 0; i < rows.length; i += INSERT_BATCH_SIZE) {
      await tx.insert(documentChunks).values(rows.slice(i, i + INSERT_BATCH_SIZE));
    }
    return { ...document, chunks: rows.length, language, embedding: status };
  });
}

/** Wait before the n-th retry of a failed embedding: 30 s, doubling, at most an hour. */
export const retryDelayMs = (attempts: number) => Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));

/** Chunks embedded per call of `embedPendingChunks`. */
export const EMBED_RETRY_BATCH = 64;

export interface EmbeddingProgress {
  embedded: number;
  failed: number;
}

/**
 * Embeds chunks that lack a vector of `embed`'s model — those whose embedding failed (when
 * their wait is over), those stored without a model, and those of another model (the model
 * was changed) — a batch at a time, oldest first. A failure puts the batch back with a longer
 * wait; nothing is lost, and full text finds the chunks meanwhile.
 */
export async function embedPendingChunks(db: Database, embed: EmbedFn, limit = EMBED_RETRY_BATCH): Promise<EmbeddingProgress> {
  const model = modelOf(embed);
  const due = await db
    .select({ id: documentChunks.id, heading: documentChunks.heading, text: documentChunks.text, attempts: documentChunks.embeddingAttempts })
    .from(documentChunks)
    .where(and(sql`${documentChunks.embeddingModel} is distinct from ${model}`, sql`coalesce(${documentChunks.embedAfter}, '-infinity') <= now()`))
    .orderBy(asc(documentChunks.createdAt), asc(documentChunks.id))
    .limit(limit);
  if (due.length === 0) return { embedded: 0, failed: 0 };
  let vectors: number[][];
  try {
    vectors = await embedAll(
      embed,
      due.map((c) => chunkEmbeddingText(c.heading, c.text)),
    );
  } catch (err) {
    const message = (err as Error).message.slice(0, 500);
    for (const c of due) {
      await db
        .update(documentChunks)
        .set({
          embeddingStatus: 'pending',
          embeddingError: message,
          embeddingAttempts: c.attempts + 1,
          embedAfter: new Date(Date.now() + retryDelayMs(c.attempts + 1)),
        })
        .where(eq(documentChunks.id, c.id));
    }
    return { embedded: 0, failed: due.length };
  }
  await db.transaction(async (tx) => {
    for (const [i, c] of due.entries()) {
      await tx
        .update(documentChunks)
        .set({ embedding: vectors[i]!, embeddingModel: model, embeddingStatus: 'embedded', embeddingError: null, embedAfter: null })
        .where(eq(documentChunks.id, c.id));
    }
  });
  return { embedded: due.length, failed: 0 };
}

/**
 * Keeps embedding what `embedPendingChunks` finds, every `intervalMs` (and at once when a batch
 * was full). Errors are logged, never thrown; the returned function stops it.
 */
export function startEmbeddingRetries(
  db: Database,
  embed: EmbedFn,
  options: { intervalMs?: number; onError?: (err: unknown) => void; onProgress?: (p: EmbeddingProgress) => void } = {},
): () => Promise<void> {
  const intervalMs = options.intervalMs ?? 30_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      let delay = intervalMs;
      try {
        const progress = await embedPendingChunks(db, embed);
        if (progress.embedded + progress.failed > 0) options.onProgress?.(progress);
        if (progress.embedded === EMBED_RETRY_BATCH) delay = 0;
      } catch (err) {
        options.onError?.(err);
      }
      if (!stopped) timer = setTimeout(tick, delay).unref();
    })();
  };
  timer = setTimeout(tick, Math.min(intervalMs, 1000)).unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}

/** Calls `embed` in batches and checks what comes back: one finite vector per text, all of one length. */
export async function embedAll(embed: EmbedFn, texts: string[]): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH_SIZE) {
    const batch = texts.slice(i, i + EMBED_BATCH_SIZE);
    let result: number[][];
    try {
      result = await embed(batch);
    } catch (err) {
      throw new EmbeddingError(`embedding failed: ${(err as Error).message}`, { cause: err });
    }
    if (!Array.isArray(result) || result.length !== batch.length) {
      throw new EmbeddingError(`embed returned ${Array.isArray(result) ? result.length : 'no'} vectors for ${batch.length} texts`);
    }
    vectors.push(...result);
  }
  const dimensions = vectors[0]?.length;
  for (const v of vectors) {
    if (!Array.isArray(v) || v.length === 0 || v.length !== dimensions || !v.every(Number.isFinite)) {
      throw new EmbeddingError('embed must return non-empty vectors of finite numbers, all of one length');
    }
  }
  return vectors;
}

export async function listDocuments(db: Database, namespace: string): Promise<DocumentSummary[]> {
  return db
    .select({
      id: documents.id,
      title: documents.title,
      contentType: documents.contentType,
      chunks: count(documentChunks.id),
      createdAt: documents.createdAt,
    })
    .from(documents)
    .leftJoin(documentChunks, eq(documentChunks.documentId, documents.id))
    .where(eq(documents.namespace, namespace))
    .groupBy(documents.id)
    .orderBy(desc(documents.createdAt), desc(documents.id));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getDocument(db: Database, namespace: string, id: string): Promise<StoredDocument | undefined> {
  if (!UUID.test(id)) return undefined;
  const [document] = await db
    .select()
    .from(documents)
    .where(and(eq(documents.namespace, namespace), eq(documents.id, id)));
  if (!document) return undefined;
  const chunks = await db
    .select({
      id: documentChunks.id,
      position: documentChunks.position,
      heading: documentChunks.heading,
      text: documentChunks.text,
      embedded: sql<boolean>`${documentChunks.embedding} is not null`,
      embeddingStatus: documentChunks.embeddingStatus,
      language: sql<string>`${documentChunks.language}::text`,
    })
    .from(documentChunks)
    .where(eq(documentChunks.documentId, id))
    .orderBy(asc(documentChunks.position));
  return { ...document, chunks };
}

/** Deletes a document and its chunks; false when the namespace has no such document. */
export async function deleteDocument(db: Database, namespace: string, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const deleted = await db
    .delete(documents)
    .where(and(eq(documents.namespace, namespace), eq(documents.id, id)))
    .returning({ id: documents.id });
  return deleted.length > 0;
}
