/**
 * The assistant's replies that went out in a namespace, newest first, for agents to review and flag
 * (GET /api/v1/replies): the tasks whose outcome says the assistant wrote the reply (`assistant`, or
 * `assistant_edited` when an approver changed it) and that sent their answer, with the customer's
 * question, what was sent, and the flags agents put on it (reply_feedback).
 *
 * Ordered like the analytics by when the customer's message came in (task_outcomes.created_at), so a
 * page walks the (namespace, created_at) index backwards and stops after `limit` rows; the reply text
 * and the flagged filter are looked up per row by task id (outbound_deliveries' (task_id, part) key,
 * reply_feedback's task index).
 */
import { and, asc, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db';
import {
  agentTasks,
  contacts,
  conversations,
  DELIVERY_PURPOSES,
  MAX_PARTS,
  messages,
  outboundDeliveries,
  replyFeedback,
  taskOutcomes,
  type Attribution,
} from '../db/schema';
import { after, exactTimestamp, type Keyset } from '../db/keyset';

/** The attributions of a reply the assistant wrote (task_outcomes.attribution): the replies agents may flag. */
export const AI_ATTRIBUTIONS = ['assistant', 'assistant_edited'] as const satisfies readonly Attribution[];
/** Statuses of a part the platform took (src/activities/deliver.ts). */
const SENT = ['sent', 'delivered', 'read'];

export interface RepliesQuery {
  namespace: string;
  /** Customers' messages that came in from then on. */
  from: Date;
  /** true: flagged ones only; false: unflagged ones only; undefined: both. */
  flagged?: boolean;
  limit: number;
  /** The page after the row of this key (the previous page's `next`). */
  after?: Keyset;
}

const answerParts = sql`d.task_id = ${taskOutcomes.taskId} and d.part >= ${DELIVERY_PURPOSES.answer} and d.part < ${DELIVERY_PURPOSES.answer + MAX_PARTS}
  and d.status in (${sql.join(
    SENT.map((s) => sql`${s}`),
    sql`, `,
  )})`;
/** The answer as sent: its parts in order, one per line. */
const sentText = sql<string>`(select string_agg(d.text, E'\n' order by d.part) from ${outboundDeliveries} d where ${answerParts})`;
const flaggedOnce = sql`exists (select 1 from ${replyFeedback} f where f.task_id = ${taskOutcomes.taskId})`;

export async function aiReplies(db: Database, q: RepliesQuery) {
  const where: Array<SQL | undefined> = [
    eq(taskOutcomes.namespace, q.namespace),
    gte(taskOutcomes.createdAt, q.from),
    inArray(taskOutcomes.attribution, [...AI_ATTRIBUTIONS]),
    // Handed back or superseded without anything sent: no reply to review.
    sql`exists (select 1 from ${outboundDeliveries} d where ${answerParts})`,
  ];
  if (q.flagged !== undefined) where.push(q.flagged ? flaggedOnce : sql`not ${flaggedOnce}`);
  if (q.after) where.push(after(taskOutcomes.createdAt, taskOutcomes.taskId, q.after));
  const rows = await db
    .select({
      taskId: taskOutcomes.taskId,
      namespace: taskOutcomes.namespace,
      channel: taskOutcomes.channel,
      contactName: contacts.displayName,
      question: messages.text,
      reply: sentText,
      draft: agentTasks.draft,
      intent: taskOutcomes.intent,
      attribution: taskOutcomes.attribution,
      createdAt: taskOutcomes.createdAt,
      finishedAt: taskOutcomes.finishedAt,
      createdAtExact: exactTimestamp(taskOutcomes.createdAt),
    })
    .from(taskOutcomes)
    .innerJoin(agentTasks, eq(agentTasks.id, taskOutcomes.taskId))
    .innerJoin(messages, eq(messages.id, agentTasks.messageId))
    .innerJoin(conversations, eq(conversations.id, taskOutcomes.conversationId))
    // The message's author (one member of a group), or whoever opened the conversation.
    .leftJoin(contacts, eq(contacts.id, sql`coalesce(${messages.contactId}, ${conversations.contactId})`))
    .where(and(...where))
    .orderBy(desc(taskOutcomes.createdAt), desc(taskOutcomes.taskId))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const flags = page.length
    ? await db
        .select()
        .from(replyFeedback)
        .where(
          inArray(
            replyFeedback.taskId,
            page.map((r) => r.taskId),
          ),
        )
        .orderBy(asc(replyFeedback.createdAt), asc(replyFeedback.id))
    : [];
  const last = page[page.length - 1];
  return {
    namespace: q.namespace,
    data: page.map(({ createdAtExact: _, attribution, ...row }) => ({
      ...row,
      attribution: attribution as (typeof AI_ATTRIBUTIONS)[number],
      flags: flags.filter((f) => f.taskId === row.taskId),
    })),
    /** The key of the page's last row when there is a next page. */
    next: rows.length > q.limit && last ? ([last.createdAtExact, last.taskId] as Keyset) : null,
  };
}

export type ReplyRow = Awaited<ReturnType<typeof aiReplies>>['data'][number];
