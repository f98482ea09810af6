/**
 * What human agents use: a decision on a task, and the inbox.
 *
 *   POST /api/v1/agent-tasks/:id/escalation   { action: reply | handback | close, text?, agent }
 *   POST /api/v1/agent-tasks/:id/approval     { decision: approve | edit | reject, text?, agent }
 *   GET  /api/v1/escalations?status=open|resolved|expired&kind=&namespace=&limit=
 *   POST /api/v1/escalations/:id/claim        { agent, renew? }
 *
 * Once WhatsApp's window has closed, a reply goes out as a template (src/channels/reengagement.ts):
 * one that does not exist or whose parameters do not fit is a 400 naming it (`template_invalid`),
 * and nothing is sent. While an agent's claim holds, only they decide (409 `claimed` for others).
 *
 * A claim: 409 when someone's claim holds already (claiming twice included) or the hand-off is
 * closed; `renew: true` from its holder keeps it (the console renews while the task is open).
 * A claim that lapsed is anyone's to take.
 *
 * A decision goes to the workflow as an Update, so the caller learns the outcome (200, once
 * carried out) or why it was refused: 400 for a bad body, 404 for an unknown task, 409 when
 * nothing waits for it (already decided by someone else, expired, finished, not escalated).
 * A refusal is kept in the audit table like every decision.
 *
 * Every role may decide and read the inbox, within its namespace: another namespace's task is
 * a 404, the inbox shows the key's namespace only, and a `namespace` filter naming another is a 404.
 */
import { Router, type Request, type Response } from 'express';
import { and, asc, desc, eq, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { loadTaskContext } from '../../activities/task-context';
import { planForTask, type TemplateChoice } from '../../channels/reengagement';
import type { Database } from '../../db';
import { conversationWindow, DEFAULT_WINDOW_MS } from '../../channels/window';
import { agentTasks, API_KEY_ROLES, conversations, escalations, humanDecisions, messages } from '../../db/schema';
import { approvalProblems, escalationProblems, type ApprovalDecision, type EscalationResolution } from '../../workflows/human';
import { allowRoles } from '../auth';
import { HttpError, notFound } from '../errors';
import { taskScope, visibleTask } from './agent-tasks';
import { requireVisible } from './namespaces';
import { DecisionRefusedError, type AgentTaskClient, type HumanDecision } from '../temporal-client';
import { invalid, parseOr400, problemsFromText, validate } from '../validate';
import type { InboxEntryRow, TranscriptMessageRow } from '../wire';
import { ClaimBody, InboxQuery } from '../schemas/escalations';

/** Messages of the conversation shown with an escalation, the latest ones. */
export const TRANSCRIPT_MESSAGES = 50;

/** ESCALATION_CLAIM_HOLD's default: a claim holds 10 minutes unless renewed. */
export const DEFAULT_CLAIM_HOLD_MS = 10 * 60 * 1000;

export function humanDecisionRoutes(db: Database, tasks: AgentTaskClient, whatsappWindowMs = DEFAULT_WINDOW_MS, claimHoldMs = DEFAULT_CLAIM_HOLD_MS): Router {
  const router = Router();

  /** What the decision sends, if anything, and the template the person picked for it. */
  function outgoing(kind: HumanDecision['kind'], decision: EscalationResolution | ApprovalDecision, draft: string | null) {
    if ('action' in decision) return decision.action === 'reply' ? { text: decision.text!, choice: decision.template } : undefined;
    if (decision.decision === 'edit') return { text: decision.text! };
    return decision.decision === 'approve' && kind === 'approval' && draft ? { text: draft } : undefined;
  }

  /** 400 naming the template when the reply would go into a closed window and no template fits; nothing is sent then. */
  async function checkTemplate(taskId: string, out: { text: string; choice?: TemplateChoice } | undefined): Promise<void> {
    if (!out) return;
    const plan = await planForTask(db, await loadTaskContext(db, taskId), out.text, out.choice, whatsappWindowMs);
    if (plan.mode !== 'refused') return;
    throw invalid(
      'template_invalid',
      plan.problems.map((message) => ({ path: plan.template ? 'template' : '(body)', message })),
    );
  }

  /** While an agent's claim holds, only they decide. */
  async function checkClaim(taskId: string, kind: HumanDecision['kind'], agent: string): Promise<{ draft: string | null } | undefined> {
    const [open] = await db
      .select()
      .from(escalations)
      .where(and(eq(escalations.taskId, taskId), eq(escalations.kind, kind), eq(escalations.status, 'open')));
    if (open?.claimedBy && open.claimActiveUntil && open.claimActiveUntil > new Date() && open.claimedBy !== agent) {
      throw new HttpError(
        409,
        'claimed',
        `claimed by ${open.claimedBy} until ${open.claimActiveUntil.toISOString()}: only they decide while their claim holds`,
      );
    }
    return open ? { draft: open.draft } : undefined;
  }

  const decide = (kind: HumanDecision['kind']) =>
    async function handler(req: Request, res: Response) {
      const task = await visibleTask(db, req.principal, String(req.params.id));
      const id = task.id;
      const problems = kind === 'escalation' ? escalationProblems(req.body) : approvalProblems(req.body);
      if (problems.length > 0) throw invalid('invalid_decision', problemsFromText(problems));
      const human = { kind, decision: req.body } as HumanDecision;
      const open = await checkClaim(task.id, kind, human.decision.agent);
      if (open) await checkTemplate(task.id, outgoing(kind, human.decision, open.draft));
      try {
        const outcome = await tasks.decide(task.workflowId, human);
        res.json({ outcome });
      } catch (err) {
        if (!(err instanceof DecisionRefusedError)) throw err;
        await recordRefusal(db, task.id, human, err.message);
        if (err.reason === 'invalid') throw invalid('invalid_decision', problemsFromText(err.message.split('; ')));
        throw new HttpError(409, 'not_waiting', `task ${id} does not wait for ${kind === 'escalation' ? 'a person' : 'approval'}: ${err.message}`);
      }
    };

  const everyRole = allowRoles(...API_KEY_ROLES);
  router.post('/agent-tasks/:id/escalation', everyRole, decide('escalation'));
  router.post('/agent-tasks/:id/approval', everyRole, decide('approval'));

  router.post('/escalations/:id/claim', everyRole, async (req, res) => {
    const id = String(req.params.id);
    const body = parseOr400(ClaimBody, req.body ?? {}, 'invalid_request');
    const [row] = z.uuid().safeParse(id).success
      ? await db
          .select({ escalation: escalations })
          .from(escalations)
          .innerJoin(agentTasks, eq(agentTasks.id, escalations.taskId))
          .where(and(eq(escalations.id, id), taskScope(req.principal)))
      : [];
    if (!row) throw notFound(`no escalation ${id}`);
    const until = sql`now() + ${claimHoldMs} * interval '1 millisecond'`;
    const open = and(eq(escalations.id, id), eq(escalations.status, 'open'));
    const [claimed] = body.renew
      ? await db
          .update(escalations)
          .set({ claimActiveUntil: until })
          .where(and(open, eq(escalations.claimedBy, body.agent)))
          .returning()
      : await db
          .update(escalations)
          // Anyone's when nobody holds it, or the holder's claim lapsed. The row decides: a claim racing the timeout has one winner.
          .set({ claimedBy: body.agent, claimedAt: sql`now()`, claimActiveUntil: until, offeredTo: body.agent })
          .where(and(open, or(isNull(escalations.claimedBy), lte(escalations.claimActiveUntil, sql`now()`))))
          .returning();
    if (!claimed) {
      const [now] = await db.select().from(escalations).where(eq(escalations.id, id));
      if (now?.status !== 'open') throw new HttpError(409, 'not_open', `escalation ${id} is ${now?.status ?? 'gone'}: nothing to claim`);
      if (body.renew)
        throw new HttpError(409, 'not_claimed', `escalation ${id} is not claimed by ${body.agent}${now.claimedBy ? ` (claimed by ${now.claimedBy})` : ''}`);
      throw new HttpError(409, 'already_claimed', `escalation ${id} is claimed by ${now.claimedBy} until ${now.claimActiveUntil?.toISOString()}`);
    }
    res.json({
      claim: { escalationId: claimed.id, claimedBy: claimed.claimedBy!, claimedAt: claimed.claimedAt!, claimActiveUntil: claimed.claimActiveUntil! },
    });
  });

  const inboxQuery = validate({ query: InboxQuery }, 'invalid_query');
  router.get('/escalations', everyRole, inboxQuery, async (req, res) => {
    const q = inboxQuery.parsed(res).query;
    if (q.namespace) requireVisible(req.principal, q.namespace);
    const where: Array<SQL | undefined> = [eq(escalations.status, q.status), taskScope(req.principal)];
    if (q.kind) where.push(eq(escalations.kind, q.kind));
    if (q.namespace) where.push(eq(escalations.namespace, q.namespace));
    const rows = await db
      .select({
        escalation: escalations,
        task: { id: agentTasks.id, channel: agentTasks.channel, status: agentTasks.status, workflowId: agentTasks.workflowId },
        lastCustomerMessageAt: conversations.lastMessageAt,
        waitingMs: sql<number>`(extract(epoch from (coalesce(${escalations.resolvedAt}, now()) - ${escalations.createdAt})) * 1000)::float8`,
      })
      .from(escalations)
      .innerJoin(agentTasks, eq(agentTasks.id, escalations.taskId))
      .innerJoin(conversations, eq(conversations.id, escalations.conversationId))
      .where(and(...where))
      .orderBy(asc(escalations.createdAt), asc(escalations.id))
      .limit(q.limit);
    const transcripts = await transcriptsOf(db, [...new Set(rows.map((r) => r.escalation.conversationId))]);
    // The console reads these through src/api/wire.ts: the type holds both sides to one shape.
    const now = new Date();
    const data: InboxEntryRow[] = rows.map(({ escalation, task, waitingMs, lastCustomerMessageAt }) => ({
      ...escalation,
      task,
      waitingMs: Math.round(Number(waitingMs)),
      transcript: transcripts.get(escalation.conversationId) ?? [],
      window: conversationWindow(task.channel, lastCustomerMessageAt, now, whatsappWindowMs),
    }));
    res.json({ data });
  });

  return router;
}

/** The latest messages of each conversation, oldest first. */
async function transcriptsOf(db: Database, conversationIds: string[]) {
  const result = new Map<string, TranscriptMessageRow[]>();
  if (conversationIds.length === 0) return result;
  const rows = await db
    .select({ conversationId: messages.conversationId, direction: messages.direction, text: messages.text, kind: messages.kind, at: messages.createdAt })
    .from(messages)
    .where(
      and(
        inArray(messages.conversationId, conversationIds),
        sql`${messages.id} in (select m.id from messages m where m.conversation_id = ${messages.conversationId} order by m.created_at desc limit ${TRANSCRIPT_MESSAGES})`,
      ),
    )
    .orderBy(asc(messages.createdAt));
  for (const { conversationId, ...message } of rows) {
    const list = result.get(conversationId) ?? [];
    list.push(message);
    result.set(conversationId, list);
  }
  return result;
}

async function recordRefusal(db: Database, taskId: string, human: HumanDecision, reason: string): Promise<void> {
  const decision: EscalationResolution | ApprovalDecision = human.decision;
  const [escalation] = await db
    .select({ id: escalations.id })
    .from(escalations)
    .where(and(eq(escalations.taskId, taskId), eq(escalations.kind, human.kind)))
    .orderBy(desc(escalations.createdAt))
    .limit(1);
  await db.insert(humanDecisions).values({
    taskId,
    escalationId: escalation?.id ?? null,
    kind: human.kind === 'escalation' ? 'resolveEscalation' : 'decideApproval',
    agent: decision.agent,
    action: 'action' in decision ? decision.action : decision.decision,
    text: decision.text ?? null,
    outcome: 'refused',
    reason,
  });
}
