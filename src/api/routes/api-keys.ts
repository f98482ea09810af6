/**
 * /api/v1/api-keys: who may call the API, in which namespace.
 *
 *   POST   /api/v1/api-keys       { namespace, role: admin | operator | agent, name? }
 *          → 201 { id, key, prefix, role, namespace, name, createdAt }: the key is shown this once
 *   GET    /api/v1/api-keys       → { data: [{ id, prefix, role, namespace, name, createdBy, createdAt, lastUsedAt, revokedAt }] }
 *   DELETE /api/v1/api-keys/:id   → 204; the key stops working at once
 *
 * Admins manage every key. An operator manages the operator and agent keys of its own
 * namespace (403 for anything else; another namespace's key is a 404). Agents: 403.
 */
import { Router } from 'express';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db';
import { API_KEY_ROLES, apiKeys, type ApiKeyRole } from '../../db/schema';
import { allowRoles, confinedTo, generateApiKey, hashApiKey, KEY_PREFIX_LENGTH, principalId, type Principal } from '../auth';
import { HttpError, notFound } from '../errors';
import { requireNamespace } from './namespaces';
import { invalid, problemsOf, type Problem } from '../validate';
import { CreateKey } from '../schemas/api-keys';

/** What a list shows of a key: never the key, never its hash. */
const listed = {
  id: apiKeys.id,
  prefix: apiKeys.prefix,
  role: apiKeys.role,
  namespace: apiKeys.namespace,
  name: apiKeys.name,
  createdBy: apiKeys.createdBy,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** The roles of the keys an operator manages. */
const OPERATOR_MANAGES: ApiKeyRole[] = ['operator', 'agent'];
const isUuid = (value: string) => z.uuid().safeParse(value).success;

export function apiKeyRoutes(db: Database): Router {
  const router = Router();
  const managers = allowRoles('admin', 'operator');

  router.post('/', managers, async (req, res) => {
    const body: unknown = req.body;
    const problems = creationProblems(body);
    if (problems.length > 0) throw invalid('invalid_request', problems);
    const { role, namespace, name } = CreateKey.parse(body);
    mayManage(req.principal!, role, namespace ?? undefined);
    if (namespace) await requireNamespace(db, namespace, req.principal);
    const key = generateApiKey();
    const [row] = await db
      .insert(apiKeys)
      .values({
        prefix: key.slice(0, KEY_PREFIX_LENGTH),
        keyHash: hashApiKey(key),
        role,
        namespace: namespace ?? null,
        name: name ?? null,
        createdBy: principalId(req.principal!),
      })
      .returning();
    res
      .status(201)
      .location(`${req.baseUrl}/${row!.id}`)
      .json({ id: row!.id, key, prefix: row!.prefix, role: row!.role, namespace: row!.namespace, name: row!.name, createdAt: row!.createdAt });
  });

  router.get('/', managers, async (req, res) => {
    const confined = confinedTo(req.principal);
    const rows = await db
      .select(listed)
      .from(apiKeys)
      .where(confined === undefined ? undefined : and(eq(apiKeys.namespace, confined), inArray(apiKeys.role, OPERATOR_MANAGES)))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
    res.json({ data: rows });
  });

  router.delete('/:id', managers, async (req, res) => {
    const id = String(req.params.id);
    const [row] = isUuid(id) ? await db.select(listed).from(apiKeys).where(eq(apiKeys.id, id)) : [];
    const confined = confinedTo(req.principal);
    if (!row || (confined !== undefined && row.namespace !== confined)) throw notFound(`no API key ${id}`);
    mayManage(req.principal!, row.role, row.namespace ?? undefined);
    await db
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(eq(apiKeys.id, id));
    res.status(204).end();
  });

  return router;
}

/** Every problem of a creation request, with its path. */
function creationProblems(body: unknown): Problem[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [{ path: '(body)', message: 'must be a JSON object { namespace, role, name? }' }];
  }
  const parsed = CreateKey.safeParse(body);
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  const { role, namespace } = body as Record<string, unknown>;
  if (typeof role === 'string' && role !== 'admin' && (API_KEY_ROLES as readonly string[]).includes(role) && (namespace === undefined || namespace === null)) {
    problems.push({ path: 'namespace', message: `is required for ${role} keys (only an admin key covers every namespace)` });
  }
  return problems;
}

/** 403 unless the principal may manage a key of this role and namespace. */
function mayManage(principal: Principal, role: ApiKeyRole, namespace: string | undefined): void {
  if (principal.role === 'admin') return;
  if (!OPERATOR_MANAGES.includes(role)) {
    throw new HttpError(403, 'forbidden', `an operator key manages operator and agent keys only, not ${role} keys`);
  }
  if (namespace !== confinedTo(principal)) {
    throw new HttpError(403, 'forbidden', `an operator key manages the keys of its own namespace (${confinedTo(principal)}) only`);
  }
}
