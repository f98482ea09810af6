/**
 * GET /api/v1/analytics: what a support lead reads, over a window of one namespace's finished tasks
 * (task_outcomes), the agents' flags (reply_feedback) and the customers' ratings (csat_surveys). Computed in SQL over the
 * (namespace, created_at) indexes; bench/analytics.ts holds it to its budget over 100,000 tasks.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import { FEEDBACK_CATEGORIES, type FeedbackCategory } from '../db/schema';
import { HANDOFF_REASONS, type HandoffReason } from '../gate/decide';
import type { NamespaceConfig } from '../namespaces/config';
import { figuresOf, suggest, type Suggestion } from './autonomy';

export interface AnalyticsQuery {
  namespace: string;
  from: Date;
  to: Date;
  config: NamespaceConfig;
}

const num = (v: unknown) => Number(v ?? 0);
const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
const share = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 1000 : null);

export async function analyticsReport(db: Database, q: AnalyticsQuery) {
  const inWindow = sql`namespace = ${q.namespace} and created_at >= ${q.from.toISOString()}::timestamptz and created_at < ${q.to.toISOString()}::timestamptz`;
  // Hours for a window up to two days, days beyond.
  const unit = q.to.getTime() - q.from.getTime() <= 48 * 3_600_000 ? 'hour' : 'day';
  const askedInWindow = sql`namespace = ${q.namespace} and asked_at >= ${q.from.toISOString()}::timestamptz and asked_at < ${q.to.toISOString()}::timestamptz`;
  const [totals, reasons, series, intents, flags, ratings, ratingSeries] = await Promise.all([
    queryRows(
      db,
      sql`
      select count(*) as tasks,
        count(*) filter (where resolved_by = 'assistant') as by_assistant,
        count(*) filter (where resolved_by = 'person') as by_person,
        count(*) filter (where resolved_by = 'none') as unresolved,
        count(*) filter (where handed_over) as handed_over,
        count(*) filter (where reopened) as reopened,
        count(*) filter (where attribution = 'assistant') as attr_assistant,
        count(*) filter (where attribution = 'assistant_edited') as attr_edited,
        count(*) filter (where attribution = 'person') as attr_person,
        percentile_cont(0.5) within group (order by first_response_ms) as frt_p50,
        percentile_cont(0.95) within group (order by first_response_ms) as frt_p95,
        percentile_cont(0.5) within group (order by first_human_response_ms) as fhrt_p50,
        percentile_cont(0.95) within group (order by first_human_response_ms) as fhrt_p95
      from task_outcomes where ${inWindow}`,
    ),
    queryRows(db, sql`select handoff_reason as reason, count(*) as n from task_outcomes where ${inWindow} and handed_over group by handoff_reason`),
    queryRows(
      db,
      sql`
      select date_trunc(${unit}, created_at) as at, count(*) as tasks,
        count(*) filter (where resolved_by = 'assistant') as by_assistant,
        count(*) filter (where resolved_by = 'person') as by_person,
        count(*) filter (where handed_over) as handed_over
      from task_outcomes where ${inWindow} group by 1 order by 1`,
    ),
    queryRows(
      db,
      sql`
      select o.intent,
        count(*) filter (where o.approval = 'approve') as approved,
        count(*) filter (where o.approval = 'edit') as edited,
        count(*) filter (where o.approval = 'reject') as rejected,
        count(*) filter (where o.approval is null and not o.handed_over and o.attribution = 'assistant') as replies,
        count(*) filter (where o.approval is null and not o.handed_over and o.attribution = 'assistant'
          and exists (select 1 from reply_feedback f where f.task_id = o.task_id)) as flagged
      from task_outcomes o where ${inWindow} and o.intent is not null group by o.intent order by o.intent`,
    ),
    queryRows(db, sql`select category, count(*) as n from reply_feedback where ${inWindow} group by category`),
    // CSAT: the questions asked in the window (src/activities/rating.ts) and what came back.
    queryRows(
      db,
      sql`
      select count(*) as asked, count(score) as answered, avg(score) as average,
        count(*) filter (where score >= 4) as satisfied,
        count(*) filter (where score = 1) as s1, count(*) filter (where score = 2) as s2, count(*) filter (where score = 3) as s3,
        count(*) filter (where score = 4) as s4, count(*) filter (where score = 5) as s5,
        count(score) filter (where resolved_by = 'assistant') as a_answered,
        count(*) filter (where resolved_by = 'assistant' and score >= 4) as a_satisfied,
        avg(score) filter (where resolved_by = 'assistant') as a_average,
        count(score) filter (where resolved_by = 'person') as p_answered,
        count(*) filter (where resolved_by = 'person' and score >= 4) as p_satisfied,
        avg(score) filter (where resolved_by = 'person') as p_average
      from csat_surveys where ${askedInWindow}`,
    ),
    queryRows(
      db,
      sql`
      select date_trunc(${unit}, asked_at) as at, count(score) as answered, count(*) filter (where score >= 4) as satisfied
      from csat_surveys where ${askedInWindow} and score is not null group by 1 order by 1`,
    ),
  ]);
  const r = ratings[0] ?? {};
  const average = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);
  const resolverCsat = (answered: unknown, satisfied: unknown, avg: unknown) => ({
    answered: num(answered),
    score: share(num(satisfied), num(answered)),
    average: average(avg),
  });
  const t = totals[0] ?? {};
  const tasks = num(t.tasks);
  const byReason = Object.fromEntries(HANDOFF_REASONS.map((r) => [r, 0])) as Record<HandoffReason, number>;
  for (const r of reasons) if (r.reason) byReason[r.reason as HandoffReason] = num(r.n);
  const byCategory = Object.fromEntries(FEEDBACK_CATEGORIES.map((c) => [c, 0])) as Record<FeedbackCategory, number>;
  for (const r of flags) byCategory[r.category as FeedbackCategory] = num(r.n);
  const perIntent = intents.map((r) => {
    const intent = String(r.intent);
    const figures = {
      intent,
      trust: (q.config.trustMatrix[intent] ?? 'auto') as 'auto' | 'approve' | 'escalate',
      approved: num(r.approved),
      edited: num(r.edited),
      rejected: num(r.rejected),
      replies: num(r.replies),
      flagged: num(r.flagged),
    };
    return { ...figures, ...figuresOf(figures) };
  });
  const suggestions: Suggestion[] = perIntent.map((f) => suggest(f)).filter((s): s is Suggestion => s !== undefined);
  return {
    namespace: q.namespace,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    tasks,
    resolved: { assistant: num(t.by_assistant), person: num(t.by_person), none: num(t.unresolved) },
    resolutionRate: share(num(t.by_assistant), tasks),
    handedOver: { total: num(t.handed_over), byReason },
    reopened: { total: num(t.reopened), rate: share(num(t.reopened), num(t.by_assistant) + num(t.by_person)) },
    attribution: { assistant: num(t.attr_assistant), assistant_edited: num(t.attr_edited), person: num(t.attr_person) },
    firstResponse: { p50Ms: ms(t.frt_p50), p95Ms: ms(t.frt_p95) },
    firstHumanResponse: { p50Ms: ms(t.fhrt_p50), p95Ms: ms(t.fhrt_p95) },
    series: {
      unit,
      points: series.map((r) => ({
        at: new Date(String(r.at)).toISOString(),
        tasks: num(r.tasks),
        resolvedByAssistant: num(r.by_assistant),
        resolvedByPerson: num(r.by_person),
        handedOver: num(r.handed_over),
      })),
    },
    intents: perIntent,
    flags: { total: Object.values(byCategory).reduce((a, b) => a + b, 0), byCategory },
    csat: {
      asked: num(r.asked),
      answered: num(r.answered),
      responseRate: share(num(r.answered), num(r.asked)),
      /** CSAT as support teams quote it: the share of ratings that are 4 or 5. */
      score: share(num(r.satisfied), num(r.answered)),
      average: average(r.average),
      distribution: { 1: num(r.s1), 2: num(r.s2), 3: num(r.s3), 4: num(r.s4), 5: num(r.s5) },
      byResolver: {
        assistant: resolverCsat(r.a_answered, r.a_satisfied, r.a_average),
        person: resolverCsat(r.p_answered, r.p_satisfied, r.p_average),
      },
      series: ratingSeries.map((p) => ({
        at: new Date(String(p.at)).toISOString(),
        answered: num(p.answered),
        score: share(num(p.satisfied), num(p.answered)),
      })),
    },
    suggestions,
  };
}
export type AnalyticsReport = Awaited<ReturnType<typeof analyticsReport>>;
