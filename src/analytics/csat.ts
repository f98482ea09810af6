/**
 * Customer ratings (CSAT), the part that reads and writes the database: whether a survey may be
 * asked, and the answer that comes back. The question is sent by the ask_rating activity
 * (src/activities/rating.ts); the answer is taken by the ingest story (src/api/ingest.ts) before
 * a task would be made of it.
 *
 *   asked      once per resolved task at most (unique task_id), when the conversation stayed quiet
 *              for `csat.after`, no other question went to it within `csat.every`, and WhatsApp's window is open
 *   answered   by a tap on a choice (the survey id is in it), or by a message that is only a score,
 *              the customer's first message after the question; until `csat.expiresAfter`.
 *              A second tap changes the score (a slip of the finger); the first answer's time stays.
 */
import { and, desc, eq, gt, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { RatingReply } from '../channels/rating';
import type { Database } from '../db';
import { csatSurveys, messages, type RatingAnswer } from '../db/schema';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface RatingTaken {
  surveyId: string;
  score: number;
}

/**
 * Records `reply` on the survey it answers, if one is waiting in the conversation; undefined when
 * none is (expired, unknown, another conversation's, or a typed number after the customer moved on).
 */
export async function takeRating(
  tx: Tx | Database,
  at: { namespace: string; conversationId: string; messageId: string },
  reply: RatingReply,
): Promise<RatingTaken | undefined> {
  const via: RatingAnswer = reply.surveyId ? 'button' : 'text';
  const open = and(
    eq(csatSurveys.namespace, at.namespace),
    eq(csatSurveys.conversationId, at.conversationId),
    isNotNull(csatSurveys.askedAt),
    gt(csatSurveys.expiresAt, sql`now()`),
  );
  let surveyId = reply.surveyId;
  if (!surveyId) {
    // A typed number answers only the latest question, and only as the first thing said after it.
    const [waiting] = await tx
      .select({ id: csatSurveys.id })
      .from(csatSurveys)
      .where(
        and(
          open,
          isNull(csatSurveys.score),
          sql`not exists (select 1 from ${messages} m where m.conversation_id = ${at.conversationId}
            and m.direction = 'inbound' and m.created_at > ${csatSurveys.askedAt} and m.id <> ${at.messageId})`,
        ),
      )
      .orderBy(desc(csatSurveys.askedAt))
      .limit(1);
    surveyId = waiting?.id;
  }
  if (!surveyId) return undefined;
  const [taken] = await tx
    .update(csatSurveys)
    .set({
      score: reply.score,
      answeredVia: via,
      answerMessageId: at.messageId,
      answeredAt: sql`coalesce(${csatSurveys.answeredAt}, now())`,
    })
    .where(and(open, eq(csatSurveys.id, surveyId), via === 'text' ? isNull(csatSurveys.score) : undefined))
    .returning({ id: csatSurveys.id, score: csatSurveys.score });
  return taken ? { surveyId: taken.id, score: taken.score! } : undefined;
}

/** Why a survey is not asked for a task now; undefined when it may be. */
export async function surveyBlocked(
  db: Database,
  task: { id: string; conversationId: string; messageId: string },
  everyMs: number,
): Promise<string | undefined> {
  const [newer] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, task.conversationId),
        eq(messages.direction, 'inbound'),
        ne(messages.id, task.messageId),
        gt(messages.createdAt, sql`(select m.created_at from ${messages} m where m.id = ${task.messageId})`),
      ),
    )
    .limit(1);
  if (newer) return 'the customer wrote again since: the conversation goes on';
  const [recent] = await db
    .select({ id: csatSurveys.id })
    .from(csatSurveys)
    .where(
      and(
        eq(csatSurveys.conversationId, task.conversationId),
        ne(csatSurveys.taskId, task.id),
        isNotNull(csatSurveys.askedAt),
        gt(csatSurveys.askedAt, new Date(Date.now() - everyMs)),
      ),
    )
    .limit(1);
  if (recent) return `the conversation was asked for a rating within the last ${Math.round(everyMs / 60_000)} min`;
  return undefined;
}
