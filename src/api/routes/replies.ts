/**
 * GET /api/v1/replies?namespace=&window=&flagged=&limit=&cursor=: the assistant's replies that went
 * out in a namespace, newest first, with the flags agents put on them (src/analytics/replies.ts);
 * the console's Replies view, where agents flag them (POST /api/v1/agent-tasks/:id/feedback).
 *
 * Every role, within its namespace: a key confined to one lists its own (the default), and a
 * `namespace` naming another is a 404, as for one that does not exist.
 */
import { Router } from 'express';
import { eq } from 'drizzle-orm';
import { aiReplies } from '../../analytics/replies';
import type { Database } from '../../db';
import { API_KEY_ROLES, namespaces } from '../../db/schema';
import { parseDuration } from '../../duration';
import { allowRoles, confinedTo } from '../auth';
import { encodeCursor } from '../cursor';
import { notFound } from '../errors';
import { RepliesQuery } from '../schemas/replies';
import { validate } from '../validate';
import { requireVisible } from './namespaces';

export function replyRoutes(db: Database): Router {
  const router = Router();

  const query = validate({ query: RepliesQuery }, 'invalid_query');
  router.get('/replies', allowRoles(...API_KEY_ROLES), query, async (req, res) => {
    const q = query.parsed(res).query;
    if (q.namespace) requireVisible(req.principal, q.namespace);
    const namespace = q.namespace ?? confinedTo(req.principal) ?? 'default';
    const [known] = await db.select({ name: namespaces.name }).from(namespaces).where(eq(namespaces.name, namespace));
    if (!known) throw notFound(`namespace ${namespace} does not exist`);
    const from = new Date(Date.now() - parseDuration(q.window)!);
    const page = await aiReplies(db, { namespace, from, flagged: q.flagged, limit: q.limit, after: q.cursor });
    res.json({ namespace, data: page.data, nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  return router;
}
