/**
 * /api/v1/namespaces/:ns/documents: a namespace's knowledge.
 *
 * POST takes a document as JSON `{ title, content, contentType, source? }`, or raw with
 * `Content-Type: text/markdown` or `text/plain` (title from `?title=` or the first markdown
 * heading, source from `?source=`); anything else is 415. It answers 201 `{ id, title, chunks }`.
 * GET / lists the documents, GET /:id returns one with its chunks, DELETE /:id removes it
 * and its chunks (204). An unknown namespace is 404; an invalid document is 400 with every
 * problem listed. Admins and operators only; another namespace than an operator's own is a 404.
 */
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { Database } from '../../db';
import { DOCUMENT_CONTENT_TYPES, type DocumentContentType } from '../../db/schema';
import { firstHeading } from '../../knowledge/chunk';
import { chunkDocument } from '../../knowledge/chunk';
import { addDocument, deleteDocument, getDocument, listDocuments, type EmbedFn } from '../../knowledge/store';
import { allowRoles } from '../auth';
import { HttpError, notFound, refuseUnstorableText } from '../errors';
import { namespaceParam } from './namespaces';
import { invalid, parseOr400 } from '../validate';

export const DOCUMENT_BODY_LIMIT = '1mb';
const RAW_TYPES = ['text/markdown', 'text/plain'];

const text = (required: string) => z.string({ error: (issue) => (issue.input === undefined ? required : 'must be a string') });
const nonBlank = (max: number, required = 'is required') => text(required).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const DocumentBody = z.strictObject({
  title: nonBlank(300, 'is required (for a raw body: ?title=, or a first markdown heading)'),
  content: text('is required')
    .max(1_048_576)
    .refine((s) => s.trim() !== '', 'must not be empty')
    .refine((s) => !looksBinary(s), 'looks like binary data, not text (send markdown or plain text)'),
  contentType: z.enum(DOCUMENT_CONTENT_TYPES).default('text/markdown'),
  source: nonBlank(2000).optional(),
});

/** Control characters other than tab and line breaks in more than 1 of 100 characters: a file that is not text. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 65_536);
  const control = sample.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/g)?.length ?? 0;
  return control > Math.max(2, sample.length / 100);
}

export function documentRoutes(db: Database, options: { embed?: EmbedFn } = {}): Router {
  const router = Router({ mergeParams: true });
  router.use(express.text({ type: RAW_TYPES, limit: DOCUMENT_BODY_LIMIT }), refuseUnstorableText);
  // Usually parsed already by the API's own express.json; body-parser skips a parsed body.
  router.use(express.json({ limit: DOCUMENT_BODY_LIMIT }));
  const managers = allowRoles('admin', 'operator');

  router.get('/', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    res.json({ data: await listDocuments(db, namespace) });
  });

  router.post('/', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const document = parseOr400(DocumentBody, candidateDocument(req), 'invalid_document');
    if (chunkDocument(document.content, document.contentType).length === 0) {
      throw invalid('invalid_document', [{ path: 'content', message: 'has no text to search (only comments or markup)' }]);
    }
    // An embedding failure does not lose the document: it is stored, its chunks `pending`,
    // searchable by full text at once and embedded by the retry loop later.
    const added = await addDocument(db, { namespace, ...document }, options.embed);
    res
      .status(201)
      .location(`${req.baseUrl}/${added.id}`)
      .json({ id: added.id, title: added.title, chunks: added.chunks, language: added.language, embedding: added.embedding });
  });

  router.get('/:id', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const document = await getDocument(db, namespace, String(req.params.id));
    if (!document) throw notFound(`no document ${String(req.params.id)} in namespace ${namespace}`);
    res.json(document);
  });

  router.delete('/:id', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    if (!(await deleteDocument(db, namespace, String(req.params.id)))) {
      throw notFound(`no document ${String(req.params.id)} in namespace ${namespace}`);
    }
    res.status(204).end();
  });

  return router;
}

/** What the request says the document is, before validation; 415 for a body type we do not take. */
function candidateDocument(req: Request): Record<string, unknown> {
  if (req.is(RAW_TYPES)) {
    const contentType = req.is('text/markdown') ? 'text/markdown' : 'text/plain';
    const content = typeof req.body === 'string' ? req.body : '';
    return {
      title: queryText(req, 'title') ?? (contentType === 'text/markdown' ? firstHeading(content) : undefined),
      content,
      contentType: contentType satisfies DocumentContentType,
      source: queryText(req, 'source'),
    };
  }
  if (req.is('application/json')) {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalid('invalid_document', [{ path: '(body)', message: 'the document must be a JSON object { title, content, contentType }' }]);
    }
    const fields = body as Record<string, unknown>;
    if (fields.title === undefined && typeof fields.content === 'string' && (fields.contentType ?? 'text/markdown') === 'text/markdown') {
      return { ...fields, title: firstHeading(fields.content) };
    }
    return fields;
  }
  throw new HttpError(
    415,
    'unsupported_media_type',
    `send the document as application/json, text/markdown or text/plain${req.get('content-type') ? `, not ${req.get('content-type')}` : ''}`,
  );
}

function queryText(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
