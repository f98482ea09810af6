/**
 * Knowledge gaps: the questions the knowledge base could not answer (handed over as
 * `knowledge_missing`) and the AI answers agents flagged, grouped by topic, with what a person replied
 * to each. A group is questions whose embeddings (the retrieval's model, when the deployment has one)
 * or, without one, whose content-word roots are close; greedy and in time order, so the same rows
 * always group the same way. A person's reply can become an article draft (src/api/routes/gaps.ts).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import { DELIVERY_PURPOSES, MAX_PARTS } from '../db/schema';
import type { EmbedFn } from '../knowledge/store';
import { contentWords, root } from '../llm/extract';

/** Cosine above which two questions are one topic: embeddings, and word roots without a model. */
export const SAME_TOPIC = { embeddings: 0.75, words: 0.3 } as const;
/** At most this many questions are grouped per call (the newest). */
export const MAX_QUESTIONS = 500;

export interface GapQuestion {
  taskId: string;
  text: string;
  at: string;
  why: 'knowledge_missing' | 'flagged';
  /** What a person sent instead (their reply, or their edit of the draft); null when nobody did. */
  reply: string | null;
}

export interface GapGroup {
  topic: string;
  count: number;
  questions: GapQuestion[];
}

type Vector = Map<string, number> | number[];

function cosine(a: Vector, b: Vector): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i += 1) {
      dot += a[i]! * b[i]!;
      na += a[i]! ** 2;
      nb += b[i]! ** 2;
    }
    return na && nb ? dot / Math.sqrt(na * nb) : 0;
  }
  const [x, y] = [a as Map<string, number>, b as Map<string, number>];
  let dot = 0;
  for (const [k, v] of x) dot += v * (y.get(k) ?? 0);
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, v) => s + v * v, 0));
  return norm(x) && norm(y) ? dot / (norm(x) * norm(y)) : 0;
}

const bagOfRoots = (text: string) => {
  const bag = new Map<string, number>();
  for (const w of contentWords(text)) bag.set(root(w), (bag.get(root(w)) ?? 0) + 1);
  return bag;
};

/** Groups questions by topic (pure, given the vectors): each joins the first group whose first question is close enough. */
export function groupByTopic(questions: GapQuestion[], vectors: Vector[], threshold: number): GapGroup[] {
  const groups: Array<{ seed: Vector; questions: GapQuestion[] }> = [];
  questions.forEach((q, i) => {
    const v = vectors[i]!;
    const home = groups.find((g) => cosine(g.seed, v) >= threshold);
    if (home) home.questions.push(q);
    else groups.push({ seed: v, questions: [q] });
  });
  return groups
    .map((g) => ({ topic: topicOf(g.questions.map((q) => q.text)), count: g.questions.length, questions: g.questions }))
    .sort((a, b) => b.count - a.count);
}

/** The group's most frequent content words (three at most), as its name. */
function topicOf(texts: string[]): string {
  const counts = new Map<string, { n: number; word: string }>();
  for (const text of texts) {
    for (const w of new Set(contentWords(text))) {
      const r = root(w);
      const seen = counts.get(r);
      counts.set(r, { n: (seen?.n ?? 0) + 1, word: seen?.word ?? w });
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.n - a.n)
    .slice(0, 3)
    .map((c) => c.word)
    .join(', ');
}

/** The gap questions of a namespace in a window, newest last; with `taskId`, that task's only (whatever its age). */
export async function gapQuestions(db: Database, q: { namespace: string; from?: Date; to?: Date; taskId?: string }): Promise<GapQuestion[]> {
  const human = DELIVERY_PURPOSES.human;
  const rows = await queryRows<{ task_id: string; text: string | null; at: string; why: string; reply: string | null }>(
    db,
    sql`
      select o.task_id, m.text, o.created_at as at,
        case when o.handoff_reason = 'knowledge_missing' then 'knowledge_missing' else 'flagged' end as why,
        (select string_agg(d.text, ' ' order by d.part) from outbound_deliveries d where d.task_id = o.task_id and d.status in ('sent', 'delivered', 'read')
          and ((o.attribution = 'person' and d.part >= ${human} and d.part < ${human + MAX_PARTS})
            or (o.attribution = 'assistant_edited' and d.part >= 0 and d.part < ${MAX_PARTS}))) as reply
      from task_outcomes o
      join agent_tasks t on t.id = o.task_id
      join messages m on m.id = t.message_id
      where o.namespace = ${q.namespace}
        and ${q.taskId ? sql`o.task_id = ${q.taskId}` : sql`o.created_at >= ${q.from!.toISOString()}::timestamptz and o.created_at < ${q.to!.toISOString()}::timestamptz`}
        and (o.handoff_reason = 'knowledge_missing' or exists (select 1 from reply_feedback f where f.task_id = o.task_id))
        and coalesce(m.text, '') <> ''
      order by o.created_at desc
      limit ${MAX_QUESTIONS}`,
  );
  return rows.reverse().map((r) => ({ taskId: r.task_id, text: r.text!, at: new Date(r.at).toISOString(), why: r.why as GapQuestion['why'], reply: r.reply }));
}

export async function knowledgeGaps(db: Database, q: { namespace: string; from: Date; to: Date; embed?: EmbedFn }) {
  const questions = await gapQuestions(db, q);
  let vectors: Vector[] | undefined;
  if (q.embed && questions.length > 0) vectors = await q.embed(questions.map((x) => x.text)).catch(() => undefined);
  const groups = vectors
    ? groupByTopic(questions, vectors, SAME_TOPIC.embeddings)
    : groupByTopic(
        questions,
        questions.map((x) => bagOfRoots(x.text)),
        SAME_TOPIC.words,
      );
  return {
    namespace: q.namespace,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    groupedBy: vectors ? ('embeddings' as const) : ('words' as const),
    groups,
  };
}
