/**
 * GET /api/v1/analytics?namespace&window: outcomes, hand-off reasons, reply attribution, response
 * times, flags and the autonomy suggestions of one namespace (src/analytics/report.ts); admins and
 * operators. POST /api/v1/agent-tasks/:id/feedback: an agent flags an AI reply (every role). Another
 * namespace is a 404, as everywhere; a task whose reply was not the assistant's is a 409.
 */
import { Router } from 'express';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db';
import { API_KEY_ROLES, namespaces, replyFeedback, taskOutcomes } from '../../db/schema';
import { parseDuration } from '../../duration';
import { analyticsReport } from '../../analytics/report';
import { parseNamespaceConfig } from '../../namespaces/config';
import { allowRoles, confinedTo } from '../auth';
import { HttpError, notFound } from '../errors';
import { AnalyticsQuery, FeedbackBody } from '../schemas/analytics';
import { parseOr400, validate } from '../validate';
import { visibleTask } from './agent-tasks';

export function analyticsRoutes(db: Database): Router {
  const router = Router();

  const query = validate({ query: AnalyticsQuery }, 'invalid_query');
  router.get('/analytics', allowRoles('admin', 'operator'), query, async (req, res) => {
    const q = query.parsed(res).query;
    const confined = confinedTo(req.principal);
    if (confined && q.namespace && q.namespace !== confined) throw notFound(`namespace ${q.namespace} does not exist`);
    const namespace = confined ?? q.namespace ?? 'default';
    const [row] = await db.select({ config: namespaces.config }).from(namespaces).where(eq(namespaces.name, namespace));
    if (!row) throw notFound(`namespace ${namespace} does not exist`);
    const parsed = parseNamespaceConfig(row.config);
    const to = new Date();
    const from = new Date(to.getTime() - parseDuration(q.window)!);
    res.json(await analyticsReport(db, { namespace, from, to, config: parsed.success ? parsed.data : parseNamespaceConfig({}).data! }));
  });

  router.post('/agent-tasks/:id/feedback', allowRoles(...API_KEY_ROLES), async (req, res) => {
    const task = await visibleTask(db, req.principal, String(req.params.id));
    const body = parseOr400(FeedbackBody, req.body ?? {}, 'invalid_request');
    const [outcome] = await db.select({ attribution: taskOutcomes.attribution }).from(taskOutcomes).where(eq(taskOutcomes.taskId, task.id));
    if (outcome?.attribution !== 'assistant' && outcome?.attribution !== 'assistant_edited') {
      throw new HttpError(
        409,
        'not_an_ai_reply',
        `task ${task.id} sent no reply written by the assistant${outcome ? '' : ' (it has not finished)'}: nothing to flag`,
      );
    }
    const [saved] = await db
      .insert(replyFeedback)
      .values({ taskId: task.id, namespace: task.namespace, category: body.category, note: body.note ?? null, agent: body.agent })
      .returning();
    res.status(201).json(saved);
  });

  return router;
}
