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
import type { Database } from '../../db';
import { type DocumentContentType } from '../../db/schema';
import { firstHeading } from '../../knowledge/chunk';
import { chunkDocument } from '../../knowledge/chunk';
import { addDocument, deleteDocument, getDocument, listDocuments, type EmbedFn } from '../../knowledge/store';
import { allowRoles } from '../auth';
import { HttpError, notFound, refuseUnstorableText } from '../errors';
import { namespaceParam } from './namespaces';
import { invalid, parseOr400 } from '../validate';
import { DocumentBody } from '../schemas/documents';

export const DOCUMENT_BODY_LIMIT = '1mb';
const RAW_TYPES = ['text/markdown', 'text/plain'];

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
