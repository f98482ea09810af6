/**
 * The documents router over real HTTP, mounted the way the API mounts it (after a 1 MiB
 * express.json, under /api/v1/namespaces/:ns/documents) in a small app of its own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db';
import { namespaces } from '../../src/db/schema';
import { errorHandler, notFoundHandler } from '../../src/api/errors';
import { documentRoutes } from '../../src/api/routes/documents';
import { createLogger } from '../../src/logger';
import type { EmbedFn } from '../../src/knowledge/store';
import { DB_KINDS, openTestDatabase } from '../helpers/system';
import { json } from '../helpers/http';

const MARKDOWN = `# Returns policy

You can return items within 30 days.

## Refunds

Refunds take 5 working days.
`;

describe.each(DB_KINDS)('documents API on %s', (kind) => {
  let database: DatabaseHandle;
  let server: http.Server;
  let base: string;
  const ns = `docs-${randomUUID().slice(0, 8)}`;
  const failingEmbed: EmbedFn = async () => {
    throw new Error('model unavailable');
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.db.insert(namespaces).values({ name: ns });
    const app = express();
    const api = express.Router();
    api.use(express.json({ limit: '1mb' }));
    api.use((req, _res, next) => {
      req.principal = { role: 'admin' }; // what bearerAuth sets for the admin key
      next();
    });
    api.use('/namespaces/:ns/documents', documentRoutes(database.db));
    api.use('/failing/:ns/documents', documentRoutes(database.db, { embed: failingEmbed }));
    app.use('/api/v1', api);
    app.use(notFoundHandler);
    app.use(errorHandler(createLogger('silent')));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await database?.close();
  });

  const url = (path = '', namespace = ns) => `${base}/namespaces/${namespace}/documents${path}`;
  const post = (body: string, contentType: string | undefined, path = '') =>
    fetch(url(path), { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} });
  const postJson = (body: unknown) => post(JSON.stringify(body), 'application/json');

  it('when a JSON document is posted, then 201 with its id, title and chunk count', async () => {
    const res = await postJson({ title: 'Returns', content: MARKDOWN, contentType: 'text/markdown', source: 'returns.md' });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toEqual({ id: expect.any(String), title: 'Returns', chunks: 2, language: 'english', embedding: 'none' });
    expect(res.headers.get('location')).toBe(`/api/v1/namespaces/${ns}/documents/${body.id}`);
  });

  it('when raw markdown is posted, then the title comes from ?title= or the first heading', async () => {
    const fromHeading = await post(MARKDOWN, 'text/markdown; charset=utf-8');
    expect(fromHeading.status).toBe(201);
    expect(await json(fromHeading)).toMatchObject({ title: 'Returns policy', chunks: 2 });
    const fromQuery = await post(MARKDOWN, 'text/markdown', '?title=Our%20returns&source=help.md');
    expect(fromQuery.status).toBe(201);
    const { id } = await json(fromQuery);
    const doc = await json(await fetch(url(`/${id}`)));
    expect(doc).toMatchObject({ title: 'Our returns', source: 'help.md', contentType: 'text/markdown', content: MARKDOWN });
  });

  it('when raw plain text is posted, then it needs ?title= and is chunked by paragraphs', async () => {
    const res = await post('Our Bristol store has a car park.\n\nIt is free for one hour.', 'text/plain', '?title=Parking');
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ title: 'Parking', chunks: 1 });
    const untitled = await post('# Not a heading in plain text', 'text/plain');
    expect(untitled.status).toBe(400);
    const { error } = await json(untitled);
    expect(error.code).toBe('invalid_document');
    expect(error.problems).toEqual([{ path: 'title', message: expect.stringContaining('?title=') }]);
  });

  it('when a document is not valid, then 400 lists every problem', async () => {
    const res = await postJson({ title: ' ', content: '   ', contentType: 'text/html', colour: 'red' });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('invalid_document');
    expect(error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['(body)', 'content', 'contentType', 'title']);
    expect(error.message).toMatch(/^4 problem\(s\): /);
    const missing = await json(await postJson({}));
    expect(missing.error.problems).toEqual([
      { path: 'title', message: expect.stringContaining('required') },
      { path: 'content', message: 'is required' },
    ]);
    expect((await json(await postJson(['not', 'an', 'object']))).error.code).toBe('invalid_document');
    const broken = await post('{"title": ', 'application/json');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe('invalid_json');
  });

  it('when the body is of another type, then 415', async () => {
    for (const type of ['application/xml', 'text/html', 'application/octet-stream']) {
      const res = await post('<doc/>', type);
      expect(res.status).toBe(415);
      expect((await json(res)).error).toEqual({ code: 'unsupported_media_type', message: expect.stringContaining(type) });
    }
    const none = await fetch(url(), { method: 'POST' });
    expect(none.status).toBe(415);
  });

  it('when the body is over 1 MiB, then 413, raw or JSON', async () => {
    const big = `# Big\n\n${'All work and no play. '.repeat(50_000)}`;
    const raw = await post(big, 'text/markdown');
    expect(raw.status).toBe(413);
    expect((await json(raw)).error.code).toBe('payload_too_large');
    const asJson = await postJson({ title: 'Big', content: big });
    expect(asJson.status).toBe(413);
  });

  it('when the namespace does not exist or is not a name, then 404 or 400', async () => {
    for (const res of [
      await fetch(url('', 'no-such-namespace')),
      await fetch(url('', 'no-such-namespace'), { method: 'POST', body: MARKDOWN, headers: { 'content-type': 'text/markdown' } }),
    ]) {
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
    const bad = await fetch(url('', 'Bad%20Name'));
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('invalid_namespace');
  });

  it('when documents are listed, then each comes with its chunk count, newest first', async () => {
    const res = await fetch(url());
    expect(res.status).toBe(200);
    const { data } = await json(res);
    expect(data.length).toBeGreaterThanOrEqual(4);
    expect(data[0]).toEqual({ id: expect.any(String), title: 'Parking', contentType: 'text/plain', chunks: 1, createdAt: expect.any(String) });
    expect(data.find((d: { title: string }) => d.title === 'Returns')).toMatchObject({ contentType: 'text/markdown', chunks: 2 });
  });

  it('when one document is fetched, then it comes with its chunks; unknown ids are 404', async () => {
    const { id } = await json(await postJson({ title: 'Gift cards', content: 'Gift cards last 24 months.', contentType: 'text/plain' }));
    const res = await fetch(url(`/${id}`));
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      id,
      namespace: ns,
      title: 'Gift cards',
      chunks: [{ id: expect.any(String), position: 0, heading: 'Gift cards', text: 'Gift cards last 24 months.', embedded: false }],
    });
    for (const missing of [randomUUID(), 'not-a-uuid']) {
      const r = await fetch(url(`/${missing}`));
      expect(r.status).toBe(404);
      expect((await json(r)).error.code).toBe('not_found');
    }
  });

  it('when a document is deleted, then 204, and then it is gone (404)', async () => {
    const { id } = await json(await postJson({ title: 'Temporary', content: 'Soon gone.', contentType: 'text/plain' }));
    const del = await fetch(url(`/${id}`), { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect((await fetch(url(`/${id}`))).status).toBe(404);
    expect((await fetch(url(`/${id}`), { method: 'DELETE' })).status).toBe(404);
  });

  it('when the embedding model fails, then the document is stored all the same, its chunks pending, and full text finds it', async () => {
    const res = await fetch(`${base}/failing/${ns}/documents`, { method: 'POST', body: MARKDOWN, headers: { 'content-type': 'text/markdown' } });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.embedding).toBe('pending');
    const stored = await json(await fetch(url(`/${body.id}`)));
    expect(stored.chunks.map((c: { embeddingStatus: string }) => c.embeddingStatus)).toEqual(['pending', 'pending']);
  });

  it('when a document is binary, or holds no searchable text, then 400 says why and nothing is stored', async () => {
    const before = (await json(await fetch(url()))).data.length;
    const binary = await postJson({ title: 'Logo', content: `PNG${'\u0001\u0002\u0003\u0004'.repeat(50)}` });
    expect(binary.status).toBe(400);
    expect((await json(binary)).error.problems).toEqual([{ path: 'content', message: expect.stringMatching(/binary/) }]);
    const hidden = await postJson({ title: 'Notes', content: '<!-- internal only -->' });
    expect(hidden.status).toBe(400);
    expect((await json(hidden)).error.message).toMatch(/no text to search/);
    expect((await json(await fetch(url()))).data.length).toBe(before);
  });
});
