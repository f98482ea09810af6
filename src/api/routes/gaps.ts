/**
 * /api/v1/namespaces/:ns/knowledge-gaps: what the knowledge base is missing (src/analytics/gaps.ts),
 * and turning a person's reply into an article (admins and operators).
 *
 *   GET  /?window=30d             the questions it could not answer and the flagged answers, by topic
 *   POST /drafts                  { taskId, agent, title? } → 201 a draft from the person's reply (409 when nobody replied)
 *   POST /drafts/:id/publish      { title?, content? } → 201 the draft becomes a document, searchable at once (409 if it was)
 */
import { Router } from 'express';
import { and, eq, isNull } from 'drizzle-orm';
import { gapQuestions, knowledgeGaps } from '../../analytics/gaps';
import type { Database } from '../../db';
import { agentTasks, articleDrafts, messages } from '../../db/schema';
import { parseDuration } from '../../duration';
import { addDocument, type EmbedFn } from '../../knowledge/store';
import { allowRoles } from '../auth';
import { HttpError, notFound } from '../errors';
import { DraftFromReply, GapsQuery, PublishDraft } from '../schemas/analytics';
import { parseOr400 } from '../validate';
import { namespaceParam } from './namespaces';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function gapRoutes(db: Database, options: { embed?: EmbedFn } = {}): Router {
  const router = Router({ mergeParams: true });
  const managers = allowRoles('admin', 'operator');

  router.get('/', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const q = parseOr400(GapsQuery, req.query, 'invalid_query', '(query)');
    const to = new Date();
    res.json(await knowledgeGaps(db, { namespace, from: new Date(to.getTime() - parseDuration(q.window)!), to, embed: options.embed }));
  });

  router.post('/drafts', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const body = parseOr400(DraftFromReply, req.body ?? {}, 'invalid_request');
    const [question] = await gapQuestions(db, { namespace, taskId: body.taskId });
    if (!question) {
      const [task] = await db
        .select({ id: agentTasks.id, text: messages.text })
        .from(agentTasks)
        .innerJoin(messages, eq(messages.id, agentTasks.messageId))
        .where(and(eq(agentTasks.id, body.taskId), eq(agentTasks.namespace, namespace)));
      if (!task) throw notFound(`no task ${body.taskId} in namespace ${namespace}`);
      throw new HttpError(409, 'not_a_gap', `task ${body.taskId} was not handed over for missing knowledge nor flagged`);
    }
    if (!question.reply) throw new HttpError(409, 'no_reply', `nobody replied to task ${body.taskId}: there is nothing to draft from`);
    const title = body.title ?? question.text.replace(/\s+/g, ' ').trim().slice(0, 120);
    const [draft] = await db
      .insert(articleDrafts)
      .values({ namespace, taskId: body.taskId, title, content: `# ${title}\n\n${question.reply}\n`, createdBy: body.agent })
      .returning();
    res.status(201).json(draft);
  });

  router.post('/drafts/:id/publish', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const id = String(req.params.id);
    const body = parseOr400(PublishDraft, req.body ?? {}, 'invalid_request');
    const [draft] = UUID.test(id)
      ? await db
          .select()
          .from(articleDrafts)
          .where(and(eq(articleDrafts.id, id), eq(articleDrafts.namespace, namespace)))
      : [];
    if (!draft) throw notFound(`no article draft ${id} in namespace ${namespace}`);
    if (draft.documentId) throw new HttpError(409, 'already_published', `draft ${id} is document ${draft.documentId} already`);
    const title = body.title ?? draft.title;
    const document = await addDocument(
      db,
      { namespace, title, contentType: 'text/markdown', content: body.content ?? draft.content, source: `draft:${draft.id}` },
      options.embed,
    );
    const [published] = await db
      .update(articleDrafts)
      .set({ documentId: document.id, title, ...(body.content ? { content: body.content } : {}) })
      .where(and(eq(articleDrafts.id, id), isNull(articleDrafts.documentId)))
      .returning();
    res.status(201).json(published);
  });

  return router;
}
