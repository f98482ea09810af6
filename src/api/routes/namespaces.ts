/**
 * GET /api/v1/namespaces/:ns and PUT /api/v1/namespaces/:ns: a tenant and its config.
 * PUT replaces the whole config, validated in full (400 lists every problem with its path),
 * and creates the namespace on first use. Stored configs are normalized: defaults filled in.
 * Admins and operators only; an operator sees its own namespace, any other is a 404 (creating
 * one included).
 */
import { Router, type Request } from 'express';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { namespaces } from '../../db/schema';
import { NAMESPACE_NAME, parseNamespaceConfig, validateNamespaceConfig } from '../../namespaces/config';
import { allowRoles, canSee, type Principal } from '../auth';
import { badRequest, HttpError, notFound } from '../errors';
import { invalid } from '../validate';

export function namespaceName(raw: string): string {
  if (!NAMESPACE_NAME.test(raw)) {
    throw badRequest('a namespace name is 1-63 lowercase letters, digits, - or _, starting with a letter or digit', 'invalid_namespace');
  }
  return raw;
}

const noSuchNamespace = (name: string) => notFound(`namespace ${name} does not exist`);

/** 404, as for a namespace that does not exist, unless the principal may see the namespace. */
export function requireVisible(principal: Principal | undefined, name: string): void {
  if (!canSee(principal, name)) throw noSuchNamespace(name);
}

/** The namespace, if it exists and the principal may see it: 404 alike otherwise, so nothing leaks. */
export async function requireNamespace(db: Database, name: string, principal: Principal | undefined) {
  requireVisible(principal, name);
  const [row] = await db.select().from(namespaces).where(eq(namespaces.name, name));
  if (!row) throw noSuchNamespace(name);
  return row;
}

/** The `:ns` of a mount path (…/namespaces/:ns/…), checked to exist and to be the caller's. */
export async function namespaceParam(db: Database, req: Request): Promise<string> {
  const name = namespaceName(String((req.params as Record<string, string | undefined>).ns ?? ''));
  await requireNamespace(db, name, req.principal);
  return name;
}

function present(row: typeof namespaces.$inferSelect) {
  const parsed = parseNamespaceConfig(row.config);
  return {
    namespace: row.name,
    // A config stored before a newer schema is shown as stored, with a warning, never hidden.
    config: parsed.success ? parsed.data : row.config,
    ...(parsed.success ? {} : { warning: 'the stored config does not pass validation; PUT a corrected one' }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function namespaceRoutes(db: Database): Router {
  const router = Router();
  const managers = allowRoles('admin', 'operator');

  router.get('/:ns', managers, async (req, res) => {
    res.json(present(await requireNamespace(db, namespaceName(String(req.params.ns)), req.principal)));
  });

  router.put('/:ns', managers, async (req, res) => {
    const name = namespaceName(String(req.params.ns));
    requireVisible(req.principal, name);
    if (!req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the config as application/json');
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalid('invalid_config', [{ path: '(body)', message: 'the config must be a JSON object' }]);
    const validated = validateNamespaceConfig(body);
    if (!validated.ok) throw invalid('invalid_config', validated.problems);
    const [row] = await db
      .insert(namespaces)
      .values({ name, config: validated.config })
      .onConflictDoUpdate({ target: namespaces.name, set: { config: validated.config, updatedAt: sql`now()` } })
      .returning();
    const created = row!.createdAt.getTime() === row!.updatedAt.getTime();
    res.status(created ? 201 : 200).json(present(row!));
  });

  return router;
}
