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
import type { Database } from '../db';
import { csatSurveys, taskOutcomes } from '../db/schema';
import { parseDuration } from '../duration';
import { detectLanguage, LANGUAGE_CODES } from '../knowledge/language';
import { csatWording } from '../namespaces/csat-wording';
import { createOutbound, type DeliverDeps } from './deliver';
import { loadTaskContext, recentMessages, type TaskContext } from './task-context';
import { recordStep } from './tool-calls';
import type { RatingAsked } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The language the customer writes in: told from their last few messages (a lone "hello" says
 * little), else the locale their platform gave (Telegram's language_code); undefined when neither tells.
 */
async function customerLanguage(db: Database, ctx: TaskContext): Promise<string | undefined> {
  const earlier = await recentMessages(db, ctx.task.conversationId, ctx.message.id, 10);
  const said = [...earlier.filter((m) => m.direction === 'inbound').slice(-4), ctx.message].map((m) => m.text ?? '').join('\n');
  const code = LANGUAGE_CODES[detectLanguage(said)];
  if (code !== 'und') return code;
  return ctx.contact.locale?.slice(0, 2).toLowerCase() || undefined;
}

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
              language: csatWording(csat, await customerLanguage(db, ctx)).language,
              expiresAt: new Date(Date.now() + (parseDuration(csat.expiresAfter) ?? DAY_MS)),
            })
            .onConflictDoNothing();
          [survey] = await db.select().from(csatSurveys).where(eq(csatSurveys.taskId, taskId));
        }
        if (!survey) throw new Error(`the survey of task ${taskId} vanished while being made`);
        const wording = csatWording(csat, survey.language ?? undefined);
        const choices = ratingChoices(survey.id, wording.labels);
        const sent = await outbound.sendText(ctx, wording.question, 'rating', attempt, undefined, { choices, choiceButton: wording.button });
        await db
          .update(csatSurveys)
          .set({ askedAt: sql`now()`, expiresAt: sql`now() + ${`${parseDuration(csat.expiresAfter) ?? DAY_MS} milliseconds`}::interval` })
          .where(and(eq(csatSurveys.id, survey.id), isNull(csatSurveys.askedAt)));
        const again = sent.skipped > 0 && sent.providerMessageIds.length === 0;
        return {
          value: {
            attempt,
            detail: `asked on ${ctx.task.channel} (${wording.language})${again ? ' (already sent by an earlier attempt)' : ''}`,
            asked: true,
            surveyId: survey.id,
          },
          summary: { asked: true, surveyId: survey.id, language: wording.language, sent: sent.providerMessageIds.length, skipped: sent.skipped },
        };
      });
    },
  };
}
