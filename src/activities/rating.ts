/**
 * ask_rating: the customer's one rating question (CSAT), after a resolved conversation has gone
 * quiet. The workflow sleeps `csat.after` once its task is delivered, then runs this; everything
 * that decides whether to ask is read here, at that moment (src/analytics/csat.ts):
 *
 *   not asked   ratings off; nobody resolved the task; the customer wrote again since (the newer
 *               task asks when it is resolved); a question went to the conversation within
 *               `csat.every`; WhatsApp's window has closed (a question is not worth a template);
 *               the conversation is blocked
 *   asked       the survey row is made once per task, the question sent once (its delivery is
 *               claimed like every message, purpose `rating`), then marked asked: a retry after a
 *               crash finds the part sent and only marks it
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { surveyBlocked } from '../analytics/csat';
import { ratingChoices } from '../channels/rating';
import { conversationWindow, DEFAULT_WINDOW_MS } from '../channels/window';
import { csatSurveys, taskOutcomes } from '../db/schema';
import { parseDuration } from '../duration';
import { createOutbound, type DeliverDeps } from './deliver';
import { loadTaskContext } from './task-context';
import { recordStep } from './tool-calls';
import type { RatingAsked } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

export function createRatingActivities(deps: DeliverDeps) {
  const { db, windowMs = DEFAULT_WINDOW_MS } = deps;
  const outbound = createOutbound(deps);
  return {
    async ask_rating(taskId: string): Promise<RatingAsked> {
      return recordStep(db, taskId, 'ask_rating', { taskId }, async (attempt) => {
        const skip = (why: string) => ({ value: { attempt, detail: `not asked: ${why}`, asked: false }, summary: { asked: false, why } });
        const ctx = await loadTaskContext(db, taskId);
        const csat = ctx.config.csat;
        if (!csat?.enabled) return skip('ratings are off in the namespace');
        let [survey] = await db.select().from(csatSurveys).where(eq(csatSurveys.taskId, taskId));
        if (!survey) {
          const [outcome] = await db.select({ resolvedBy: taskOutcomes.resolvedBy }).from(taskOutcomes).where(eq(taskOutcomes.taskId, taskId));
          if (!outcome || outcome.resolvedBy === 'none') return skip('nobody resolved the conversation');
          if (ctx.conversation.blockedAt) return skip('the conversation cannot be written to');
          const window = conversationWindow(ctx.task.channel, ctx.conversation.lastMessageAt, new Date(), windowMs);
          if (!window.open) return skip("WhatsApp's 24-hour window has closed");
          const blocked = await surveyBlocked(db, ctx.task, parseDuration(csat.every) ?? DAY_MS);
          if (blocked) return skip(blocked);
          await db
            .insert(csatSurveys)
            .values({
              taskId,
              namespace: ctx.task.namespace,
              channel: ctx.task.channel,
              conversationId: ctx.task.conversationId,
              resolvedBy: outcome.resolvedBy,
              expiresAt: new Date(Date.now() + (parseDuration(csat.expiresAfter) ?? DAY_MS)),
            })
            .onConflictDoNothing();
          [survey] = await db.select().from(csatSurveys).where(eq(csatSurveys.taskId, taskId));
        }
        if (!survey) throw new Error(`the survey of task ${taskId} vanished while being made`);
        const choices = ratingChoices(survey.id, csat.labels);
        const sent = await outbound.sendText(ctx, csat.question, 'rating', attempt, undefined, { choices, choiceButton: csat.button });
        await db
          .update(csatSurveys)
          .set({ askedAt: sql`now()`, expiresAt: sql`now() + ${`${parseDuration(csat.expiresAfter) ?? DAY_MS} milliseconds`}::interval` })
          .where(and(eq(csatSurveys.id, survey.id), isNull(csatSurveys.askedAt)));
        const again = sent.skipped > 0 && sent.providerMessageIds.length === 0;
        return {
          value: { attempt, detail: `asked on ${ctx.task.channel}${again ? ' (already sent by an earlier attempt)' : ''}`, asked: true, surveyId: survey.id },
          summary: { asked: true, surveyId: survey.id, sent: sent.providerMessageIds.length, skipped: sent.skipped },
        };
      });
    },
  };
}
