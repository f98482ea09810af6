/**
 * A namespace's contacts (people on the channels), and erasure on request:
 *
 *   GET    /api/v1/namespaces/:ns/contacts?channel=&externalId=   find a person by their address
 *   GET    /api/v1/namespaces/:ns/contacts/:id
 *   DELETE /api/v1/namespaces/:ns/contacts/:id                    erase them (src/privacy/erase.ts)
 *
 * Admins and operators of the namespace. An unknown contact, another namespace's, or one erased
 * already: 404 alike.
 */
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { Router, type Request } from 'express';
import type { Database } from '../../db';
import { contacts } from '../../db/schema';
import { eraseContact, type WorkflowEraser } from '../../privacy/erase';
import { allowRoles, principalId } from '../auth';
import { notFound } from '../errors';
import { validate } from '../validate';
import { namespaceParam } from './namespaces';
import { FindQuery } from '../schemas/contacts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const present = (c: typeof contacts.$inferSelect) => ({
  id: c.id,
  namespace: c.namespace,
  channel: c.channel,
  externalId: c.externalId,
  displayName: c.displayName,
  locale: c.locale,
  createdAt: c.createdAt,
});

export function contactRoutes(db: Database, workflows: WorkflowEraser): Router {
  const router = Router({ mergeParams: true });
  router.use(allowRoles('admin', 'operator'));

  const findQuery = validate({ query: FindQuery }, 'invalid_query');
  router.get('/', findQuery, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const where: SQL[] = [eq(contacts.namespace, namespace)];
    const { channel, externalId } = findQuery.parsed(res).query;
    if (channel !== undefined) where.push(eq(contacts.channel, channel));
    if (externalId !== undefined) where.push(eq(contacts.externalId, externalId));
    const rows = await db
      .select()
      .from(contacts)
      .where(and(...where))
      .orderBy(asc(contacts.createdAt))
      .limit(100);
    res.json({ data: rows.map(present) });
  });

  router.get('/:id', async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const id = contactId(req, namespace);
    const [row] = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.id, id), eq(contacts.namespace, namespace)));
    if (!row) throw noSuchContact(id, namespace);
    res.json(present(row));
  });

  router.delete('/:id', async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const id = contactId(req, namespace);
    const erased = await eraseContact(db, workflows, { namespace, contactId: id, actor: principalId(req.principal!) });
    if (!erased) throw noSuchContact(id, namespace);
    res.json({ erased: { contactId: id, ...erased } });
  });
  return router;
}

const noSuchContact = (id: string, namespace: string) => notFound(`no contact ${id} in namespace ${namespace}`);

/** A contact id that is not a uuid cannot exist: 404 like any unknown one. */
function contactId(req: Request, namespace: string): string {
  const id = String(req.params.id);
  if (!UUID.test(id)) throw noSuchContact(id, namespace);
  return id.toLowerCase();
}
