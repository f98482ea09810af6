/**
 * Knowledge documents of a namespace: add (chunked, optionally embedded), list, read, delete.
 * A document and its chunks are written in one transaction; deleting a document deletes its
 * chunks (ON DELETE CASCADE).
 */
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { documentChunks, documents, type DocumentContentType } from '../db/schema';
import { chunkDocument, HEADING_SEPARATOR, type ChunkOptions } from './chunk';

/** Turns texts into vectors, one per text, all of one length (an embedding model). */
export type EmbedFn = (texts: string[]) => Promise<number[][]>;

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
 * Stores a document and its chunks. With `embed`, the chunks are embedded first (outside the
 * transaction, so no database transaction waits on a model) and stored with their vectors.
 */
export async function addDocument(db: Database, doc: NewDocument, embed?: EmbedFn, options: ChunkOptions = {}): Promise<AddedDocument> {
  const chunks = chunkDocument(doc.content, doc.contentType, options).map((c) => ({
    position: c.position,
    heading: chunkHeading(doc.title, c.heading),
    text: c.text,
  }));
  const embeddings = embed ? await embedAll(embed, chunks.map((c) => chunkEmbeddingText(c.heading, c.text))) : undefined;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(documents)
      .values({ namespace: doc.namespace, title: doc.title, contentType: doc.contentType, content: doc.content, source: doc.source ?? null })
      .returning({ id: documents.id, title: documents.title, createdAt: documents.createdAt });
    const document = row!;
    const rows = chunks.map((c, i) => ({ ...c, documentId: document.id, namespace: doc.namespace, embedding: embeddings?.[i] ?? null }));
    for (let i = 0; i < rows.length; i += INSERT_BATCH_SIZE) {
      await tx.insert(documentChunks).values(rows.slice(i, i + INSERT_BATCH_SIZE));
    }
    return { ...document, chunks: rows.length };
  });
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
