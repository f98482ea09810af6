/**
 * /api/v1/api-keys over real HTTP: create, list, revoke; keys hashed at rest; what an operator
 * and an agent may do with keys; validation; the per-key rate limit (429 with Retry-After), shared
 * by API replicas through the database.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/errors';
import { rateLimit } from '../../src/api/rate-limit';
import { loadConfig } from '../../src/config';
import type { DatabaseHandle } from '../../src/db';
import { apiKeys, apiRateLimits, namespaces } from '../../src/db/schema';
import { createLogger } from '../../src/logger';
import { json } from '../helpers/http';
import { ADMIN_KEY, DB_KINDS, openTestDatabase, useTestSystem, type TestStack } from '../helpers/system';

const KEY_FORMAT = /^atk_[A-Za-z0-9_-]{43}$/;

/** HTTP against one test system, as one key. */
function client(stack: TestStack) {
  return (key: string, method: string, path: string, body?: unknown) =>
    fetch(`${stack.system.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
}

describe('API keys', () => {
  const stack = useTestSystem('pglite', { worker: false });
  const call = client(stack);
  const nsA = `keys-a-${randomUUID().slice(0, 8)}`;
  const nsB = `keys-b-${randomUUID().slice(0, 8)}`;

  /** Creates a key as the bootstrap admin; returns the 201 body. */
  const createKey = async (body: Record<string, unknown>, as = ADMIN_KEY) => {
    const res = await call(as, 'POST', '/api-keys', body);
    expect(res.status).toBe(201);
    return json(res);
  };

  beforeAll(async () => {
    await stack.database.db.insert(namespaces).values([{ name: nsA }, { name: nsB }]);
  });

  it('when an admin creates a key, then 201 shows it once, and only its SHA-256 hash is stored', async () => {
    const res = await call(ADMIN_KEY, 'POST', '/api-keys', { namespace: nsA, role: 'operator', name: 'ops laptop' });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created).toEqual({
      id: expect.any(String),
      key: expect.stringMatching(KEY_FORMAT),
      prefix: created.key.slice(0, 8),
      role: 'operator',
      namespace: nsA,
      name: 'ops laptop',
      createdAt: expect.any(String),
    });
    expect(res.headers.get('location')).toBe(`/api/v1/api-keys/${created.id}`);

    const [row] = await stack.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.keyHash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(row!.createdBy).toBe('bootstrap');

    const listed = await json(await call(ADMIN_KEY, 'GET', '/api-keys'));
    const mine = listed.data.find((k: { id: string }) => k.id === created.id);
    expect(mine).toEqual({
      id: created.id,
      prefix: created.prefix,
      role: 'operator',
      namespace: nsA,
      name: 'ops laptop',
      createdBy: 'bootstrap',
      createdAt: created.createdAt,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toContain(row!.keyHash);
  });

  it('when a stored key is used, then it authenticates with its role and namespace, and lastUsedAt is set', async () => {
    const { id, key } = await createKey({ namespace: nsA, role: 'operator' });
    expect((await call(key, 'GET', `/namespaces/${nsA}`)).status).toBe(200);
    expect((await call(key, 'GET', `/namespaces/${nsB}`)).status).toBe(404);
    const [row] = await stack.database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    // Written at most once a minute.
    expect((await call(key, 'GET', `/namespaces/${nsA}`)).status).toBe(200);
    const [again] = await stack.database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(again!.lastUsedAt!.getTime()).toBe(row!.lastUsedAt!.getTime());
  });

  it('when an admin key is created without a namespace, then it sees every namespace', async () => {
    const created = await createKey({ role: 'admin' });
    expect(created.namespace).toBeNull();
    for (const ns of [nsA, nsB]) expect((await call(created.key, 'GET', `/namespaces/${ns}`)).status).toBe(200);
    expect((await call(created.key, 'GET', '/api-keys')).status).toBe(200);
  });

  it('when a key is revoked, then it gets 401 at once; revoking again is 204, an unknown id 404', async () => {
    const { id, key } = await createKey({ namespace: nsA, role: 'agent' });
    expect((await call(key, 'GET', '/escalations')).status).toBe(200);
    const revoked = await call(ADMIN_KEY, 'DELETE', `/api-keys/${id}`);
    expect(revoked.status).toBe(204);
    const denied = await call(key, 'GET', '/escalations');
    expect(denied.status).toBe(401);
    expect((await json(denied)).error.code).toBe('unauthorized');
    const [row] = await stack.database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row!.revokedAt).toBeInstanceOf(Date);
    expect((await call(ADMIN_KEY, 'DELETE', `/api-keys/${id}`)).status).toBe(204);
    const [still] = await stack.database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(still!.revokedAt!.getTime()).toBe(row!.revokedAt!.getTime());
    for (const unknown of [randomUUID(), 'not-a-uuid']) {
      const res = await call(ADMIN_KEY, 'DELETE', `/api-keys/${unknown}`);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
  });

  it('when a key that was never issued is sent, then 401', async () => {
    for (const key of [`atk_${'x'.repeat(43)}`, 'atk_', 'not-a-key']) {
      expect((await call(key, 'GET', '/escalations')).status).toBe(401);
    }
  });

  it('when an operator manages keys, then only operator and agent keys of its own namespace (403 otherwise, 404 for another namespace)', async () => {
    const operator = (await createKey({ namespace: nsA, role: 'operator' })).key as string;
    const agent = await createKey({ namespace: nsA, role: 'agent' }, operator);
    expect(agent).toMatchObject({ role: 'agent', namespace: nsA });
    const peer = await createKey({ namespace: nsA, role: 'operator' }, operator);
    const [row] = await stack.database.db.select().from(apiKeys).where(eq(apiKeys.id, peer.id));
    expect(row!.createdBy).not.toBe('bootstrap');

    const refused: Array<[string, Record<string, unknown>]> = [
      ['an admin key', { role: 'admin' }],
      ['an admin key of its namespace', { role: 'admin', namespace: nsA }],
      ['an agent key of another namespace', { role: 'agent', namespace: nsB }],
      ['an operator key of a namespace that does not exist', { role: 'operator', namespace: 'no-such-namespace' }],
    ];
    for (const [what, body] of refused) {
      const res = await call(operator, 'POST', '/api-keys', body);
      expect(res.status, what).toBe(403);
      expect((await json(res)).error.code, what).toBe('forbidden');
    }

    const otherAgent = await createKey({ namespace: nsB, role: 'agent' });
    const adminOfA = await createKey({ namespace: nsA, role: 'admin' });
    const listed = (await json(await call(operator, 'GET', '/api-keys'))).data as Array<{ id: string; namespace: string; role: string }>;
    expect(listed.map((k) => k.id)).toEqual(expect.arrayContaining([agent.id, peer.id]));
    expect(listed.every((k) => k.namespace === nsA && k.role !== 'admin')).toBe(true);

    expect((await call(operator, 'DELETE', `/api-keys/${otherAgent.id}`)).status).toBe(404);
    expect((await call(operator, 'DELETE', `/api-keys/${adminOfA.id}`)).status).toBe(403);
    expect((await call(operator, 'DELETE', `/api-keys/${agent.id}`)).status).toBe(204);
    expect((await call(agent.key, 'GET', '/escalations')).status).toBe(401);
  });

  it('when an agent key touches keys, then 403', async () => {
    const agent = (await createKey({ namespace: nsA, role: 'agent' })).key as string;
    const own = await createKey({ namespace: nsA, role: 'agent' });
    for (const [method, path, body] of [
      ['POST', '/api-keys', { namespace: nsA, role: 'agent' }],
      ['GET', '/api-keys', undefined],
      ['DELETE', `/api-keys/${own.id}`, undefined],
    ] as const) {
      const res = await call(agent, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await json(res)).error.code).toBe('forbidden');
    }
  });

  it('when a creation request is invalid, then 400 invalid_request lists every problem and nothing is stored', async () => {
    const before = (await stack.database.db.select().from(apiKeys)).length;
    const cases: Array<[string, unknown, string[]]> = [
      ['an empty body', {}, ['role']],
      ['everything wrong', { role: 'boss', namespace: 'Not A Name!', name: 5, colour: 'red' }, ['(body)', 'name', 'namespace', 'role']],
      ['an operator key without a namespace', { role: 'operator' }, ['namespace']],
      ['an agent key with a null namespace and a blank name', { role: 'agent', namespace: null, name: '  ' }, ['name', 'namespace']],
      ['not an object', [1, 2], ['(body)']],
    ];
    for (const [what, body, paths] of cases) {
      const res = await call(ADMIN_KEY, 'POST', '/api-keys', body);
      expect(res.status, what).toBe(400);
      const { error } = await json(res);
      expect(error.code, what).toBe('invalid_request');
      expect((error.problems as Array<{ path: string }>).map((p) => p.path).sort(), what).toEqual(paths);
      expect(error.message, what).toContain(`${paths.length} problem(s)`);
    }
    expect((await call(ADMIN_KEY, 'POST', '/api-keys', '{"role":')).status).toBe(400);
    expect((await stack.database.db.select().from(apiKeys)).length).toBe(before);
  });

  it('when the namespace does not exist, then 404', async () => {
    for (const role of ['admin', 'operator', 'agent']) {
      const res = await call(ADMIN_KEY, 'POST', '/api-keys', { role, namespace: 'no-such-namespace' });
      expect(res.status, role).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
  });
});

describe('API rate limit', () => {
  const stack = useTestSystem('pglite', { worker: false, env: { API_RATE_LIMIT: '3' } });
  const call = client(stack);

  it('when a key sends more than API_RATE_LIMIT requests a minute, then 429 rate_limited with Retry-After; other keys keep their own budget', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i += 1) {
      const res = await call(ADMIN_KEY, 'GET', '/namespaces/default');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await json(limited!)).error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('3 requests a minute') });

    // The bootstrap key is spent; a stored key has a bucket of its own (the creation below is the
    // bootstrap key's fourth request, so the key is inserted directly).
    const key = `atk_${randomUUID().replaceAll('-', '')}rate-limit-test-key-0001`;
    await stack.database.db
      .insert(apiKeys)
      .values({ prefix: key.slice(0, 8), keyHash: createHash('sha256').update(key).digest('hex'), role: 'operator', namespace: 'default' });
    expect((await call(key, 'GET', '/namespaces/default')).status).toBe(200);
    // A request without a valid key is refused before it is counted.
    expect((await call('wrong', 'GET', '/namespaces/default')).status).toBe(401);
  });

  it('when API_RATE_LIMIT is set, then it is parsed like the other settings', () => {
    expect(loadConfig({}).apiRateLimit).toBe(600);
    expect(loadConfig({ API_RATE_LIMIT: '' }).apiRateLimit).toBe(600);
    expect(loadConfig({ API_RATE_LIMIT: '0' }).apiRateLimit).toBe(0);
    expect(() => loadConfig({ API_RATE_LIMIT: 'lots' })).toThrow(/API_RATE_LIMIT/);
    expect(() => loadConfig({ API_RATE_LIMIT: '-1' })).toThrow(/API_RATE_LIMIT/);
  });
});

describe.each(DB_KINDS)('the rate limit shared through %s', (kind) => {
  let database: DatabaseHandle;
  const servers: Server[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    await database?.close();
  });

  /** An API replica: the limit as the app mounts it, behind a stand-in for authentication. */
  async function replica(perMinute: number, windowMs: number): Promise<(keyId: string) => Promise<Response>> {
    const app = express();
    app.use((req, _res, next) => {
      req.principal = { keyId: req.get('x-key-id')!, role: 'admin', namespace: null } as unknown as NonNullable<typeof req.principal>;
      next();
    });
    app.use(rateLimit(database.db, perMinute, windowMs));
    app.get('/', (_req, res) => res.json({ ok: true }));
    app.use(errorHandler(createLogger('silent')));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return (keyId) => fetch(url, { headers: { 'x-key-id': keyId } });
  }

  it('when two API replicas serve one key, then they share its budget; the next window has it all again; other keys count apart', async () => {
    const [a, b] = [await replica(3, 1500), await replica(3, 1500)];
    const key = `replicas-${randomUUID()}`;
    const statuses = [];
    for (const call of [a, b, a, b]) statuses.push((await call(key)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await a(key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect((await b(`other-${randomUUID()}`)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect([(await b(key)).status, (await a(key)).status, (await b(key)).status, (await a(key)).status]).toEqual([200, 200, 200, 429]);
  });

  it('when many requests for one key arrive at once on two replicas, then exactly the limit get through', async () => {
    const [a, b] = [await replica(10, 60_000), await replica(10, 60_000)];
    const key = `burst-${randomUUID()}`;
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b)(key).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const [row] = await database.db
      .select()
      .from(apiRateLimits)
      .where(eq(apiRateLimits.key, `api:${key}`));
    expect(row?.hits).toBe(30);
  });
});
