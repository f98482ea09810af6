/** The document resource: a document as JSON (a raw body is turned into the same shape first), and what is answered. */
import { z } from 'zod';
import { DOCUMENT_CONTENT_TYPES, EMBEDDING_STATUSES } from '../../db/schema';
import { count, id, listOf, named, timestamp } from './common';

const text = (required: string) => z.string({ error: (issue) => (issue.input === undefined ? required : 'must be a string') });
const nonBlank = (max: number, required = 'is required') => text(required).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Control characters other than tab and line breaks in more than 1 of 100 characters: a file that is not text. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 65_536);
  const control = sample.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/g)?.length ?? 0;
  return control > Math.max(2, sample.length / 100);
}

/** POST /api/v1/namespaces/:ns/documents */
export const DocumentBody = z.strictObject({
  title: nonBlank(300, 'is required (for a raw body: ?title=, or a first markdown heading)').describe('optional for markdown with a first heading'),
  content: text('is required')
    .max(1_048_576)
    .refine((s) => s.trim() !== '', 'must not be empty')
    .refine((s) => !looksBinary(s), 'looks like binary data, not text (send markdown or plain text)')
    .describe('markdown or plain text, at most 1 MiB'),
  contentType: z.enum(DOCUMENT_CONTENT_TYPES).default('text/markdown'),
  source: nonBlank(2000).optional().describe('where it came from: a URL, a file name'),
});

export const DocumentCreated = named(
  'DocumentCreated',
  z.object({ id: id(), title: z.string(), chunks: count(), language: z.string(), embedding: z.enum(EMBEDDING_STATUSES) }),
);
export const DocumentSummary = named(
  'DocumentSummary',
  z.object({ id: id(), title: z.string(), contentType: z.enum(DOCUMENT_CONTENT_TYPES), chunks: count(), createdAt: timestamp() }),
);
export const DocumentList = named('DocumentList', listOf(DocumentSummary));

/** GET /api/v1/namespaces/:ns/documents/:id: the document and the parts it was cut into. */
export const Document = named(
  'Document',
  z.object({
    id: id(),
    namespace: z.string(),
    title: z.string(),
    contentType: z.enum(DOCUMENT_CONTENT_TYPES),
    content: z.string(),
    source: z.string().nullable(),
    language: z.string(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    chunks: z.array(
      z.object({
        id: id(),
        position: count(),
        heading: z.string().nullable(),
        text: z.string(),
        embedded: z.boolean(),
        embeddingStatus: z.enum(EMBEDDING_STATUSES),
        language: z.string(),
      }),
    ),
  }),
);
