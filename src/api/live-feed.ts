/**
 * The live feed behind /ws/agent-tasks: ONE database listener per process on the channel the
 * triggers of drizzle/0005_live_feed.sql notify (`agent_task_events`), fanned out to every
 * subscriber whose filter matches. Whoever wrote the change (API, worker, another process), the
 * database announces it; Temporal is never asked.
 *
 * Per notification the task row (and, for `task.step`, the tool-call row) is read once, turned
 * into one JSON text `{ type, task, step?, escalation? }`, and handed to each matching subscriber. The
 * notifications of one task are handled one after the other, so its events reach a subscriber
 * in the order they were committed; different tasks proceed side by side.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseHandle } from '../db';
import { agentTasks, agentToolCalls, escalations } from '../db/schema';
import type { Logger } from '../logger';
import { presentTask, type PresentedTask } from './present-task';

export const FEED_CHANNEL = 'agent_task_events';
export const FEED_EVENT_TYPES = ['task.created', 'task.status', 'task.step', 'task.escalation'] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

/** The trigger's payload: ids only (NOTIFY payloads are limited to 8000 bytes). */
const Notification = z.object({
  type: z.enum(FEED_EVENT_TYPES),
  taskId: z.string(),
  namespace: z.string().nullable(),
  status: z.string(),
  toolCallId: z.string().optional(),
  escalationId: z.string().optional(),
});
type Notification = z.infer<typeof Notification>;

export interface FeedEvent {
  type: FeedEventType;
  task: PresentedTask;
  step?: typeof agentToolCalls.$inferSelect;
  /** task.escalation: the hand-off as it is now (claimed, offered, its SLA steps). */
  escalation?: typeof escalations.$inferSelect;
}

/** What a subscriber wants; an absent set means "any". */
export interface FeedFilter {
  namespaces?: ReadonlySet<string>;
  taskIds?: ReadonlySet<string>;
  /** Task statuses: of the change for task.created/task.status, of the task as read for task.step. */
  statuses?: ReadonlySet<string>;
}

/** Receives the event's JSON text; must not block (the socket layer buffers or drops). */
export type Deliver = (json: string) => void;

export interface LiveFeed {
  /** Starts the database listener (once; later calls share it). Subscribe after it resolved to miss nothing. */
  start(): Promise<void>;
  /** Adds a subscriber; returns the function that removes it. */
  subscribe(filter: FeedFilter, deliver: Deliver): () => void;
  readonly subscriberCount: number;
  /** Stops listening, forgets the subscribers and waits for the events in flight. */
  close(): Promise<void>;
}

interface Subscriber {
  filter: FeedFilter;
  deliver: Deliver;
}

const admits = (set: ReadonlySet<string> | undefined, value: string) => !set || set.has(value);

export function createLiveFeed({ database, log }: { database: DatabaseHandle; log: Logger }): LiveFeed {
  const subscribers = new Set<Subscriber>();
  /** The tail of each task's queue of notifications, so one task's events keep their order. */
  const queues = new Map<string, Promise<void>>();
  let listening: Promise<() => Promise<void>> | undefined;
  let closed = false;

  const wanted = (n: Notification) =>
    [...subscribers].some((s) => admits(s.filter.taskIds, n.taskId) && (n.namespace === null || admits(s.filter.namespaces, n.namespace)));

  async function read(n: Notification): Promise<FeedEvent | undefined> {
    if (n.type === 'task.step') {
      if (!n.toolCallId) return undefined;
      const [row] = await database.db
        .select({ task: agentTasks, step: agentToolCalls })
        .from(agentToolCalls)
        .innerJoin(agentTasks, eq(agentTasks.id, agentToolCalls.taskId))
        .where(eq(agentToolCalls.id, n.toolCallId));
      if (!row) return undefined;
      // The row may have moved on since the change was committed: the event says what the change was.
      const step = { ...row.step, status: n.status as typeof row.step.status };
      if (n.status === 'running') Object.assign(step, { finishedAt: null, outputSummary: null, error: null });
      return { type: n.type, task: presentTask(row.task), step };
    }
    if (n.type === 'task.escalation') {
      if (!n.escalationId) return undefined;
      const [row] = await database.db
        .select({ task: agentTasks, escalation: escalations })
        .from(escalations)
        .innerJoin(agentTasks, eq(agentTasks.id, escalations.taskId))
        .where(eq(escalations.id, n.escalationId));
      return row ? { type: n.type, task: presentTask(row.task), escalation: row.escalation } : undefined;
    }
    const [task] = await database.db.select().from(agentTasks).where(eq(agentTasks.id, n.taskId));
    return task ? { type: n.type, task: { ...presentTask(task), status: n.status as typeof task.status } } : undefined;
  }

  async function publish(n: Notification): Promise<void> {
    if (closed || !wanted(n)) return;
    const event = await read(n);
    if (!event || closed) return;
    const { task } = event;
    let json: string | undefined;
    for (const s of subscribers) {
      const f = s.filter;
      if (!admits(f.namespaces, task.namespace) || !admits(f.taskIds, task.id) || !admits(f.statuses, task.status)) continue;
      json ??= JSON.stringify(event);
      try {
        s.deliver(json);
      } catch (err) {
        log.warn({ err, taskId: task.id }, 'live feed: a subscriber failed to take an event');
      }
    }
  }

  function onPayload(payload: string): void {
    if (closed) return;
    let n: Notification;
    try {
      n = Notification.parse(JSON.parse(payload));
    } catch {
      log.warn({ payload: payload.slice(0, 200) }, 'live feed: ignored a notification it cannot read');
      return;
    }
    // Nobody wants it (by namespace or task): nothing is read.
    if (!wanted(n)) return;
    const tail = (queues.get(n.taskId) ?? Promise.resolve())
      .then(() => publish(n))
      .catch((err: unknown) => log.warn({ err, taskId: n.taskId, type: n.type }, 'live feed: could not read an event'));
    queues.set(n.taskId, tail);
    void tail.then(() => {
      if (queues.get(n.taskId) === tail) queues.delete(n.taskId);
    });
  }

  return {
    start() {
      if (closed) return Promise.reject(new Error('the live feed is closed'));
      listening ??= database.listen(FEED_CHANNEL, onPayload).catch((err: unknown) => {
        listening = undefined; // the next subscriber tries again
        throw err;
      });
      return listening.then(() => undefined);
    },
    subscribe(filter, deliver) {
      const subscriber = { filter, deliver };
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    get subscriberCount() {
      return subscribers.size;
    },
    async close() {
      closed = true;
      subscribers.clear();
      const unlisten = await listening?.catch(() => undefined);
      await unlisten?.().catch((err: unknown) => log.warn({ err }, 'live feed: unlisten failed'));
      await Promise.allSettled([...queues.values()]);
    },
  };
}
