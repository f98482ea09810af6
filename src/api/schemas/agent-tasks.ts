/** The agent-task resource: the list, the stats and an attachment asked for, and what each answers. */
import { z } from 'zod';
import { HANDOFF_REASONS } from '../../gate/decide';
import { STEP_NAMES } from '../../activities/types';
import { CHANNELS } from '../../channels/types';
import { DELIVERY_STATUSES, ROUTES, TASK_STATUSES, TOOL_CALL_STATUSES } from '../../db/schema';
import { parseDuration } from '../../duration';
import { ConversationWindow, count, id, keyed, named, namespaceName, pageLimit, Percentiles, summary, timestamp } from './common';

/** GET /api/v1/agent-tasks */
export const ListQuery = z.object({
  status: z.enum(TASK_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  namespace: namespaceName().optional(),
  conversationId: z.uuid().optional(),
  limit: pageLimit(),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

export const DEFAULT_STATS_WINDOW = '24h';
const MAX_WINDOW_MS = 366 * 86_400_000;

/** GET /api/v1/agent-tasks/stats */
export const StatsQuery = z.object({
  window: z
    .string()
    .default(DEFAULT_STATS_WINDOW)
    .refine((v) => {
      const ms = parseDuration(v);
      return ms !== undefined && ms > 0 && ms <= MAX_WINDOW_MS;
    }, 'a duration up to 366d, like 15m, 24h or 7d')
    .describe('a duration: 15m, 24h, 7d (at most 366d)'),
  namespace: z.string().min(1).max(200).optional(),
  channel: z.enum(CHANNELS).optional(),
});

/** GET /api/v1/agent-tasks/:id/attachments/:index */
export const AttachmentParams = z.object({ id: z.uuid(), index: z.coerce.number().int().min(0).max(100) });

/** What the steps found, as one object (src/api/present-task.ts); null before generate ran. */
export const TaskResult = z.object({
  citations: z.array(z.object({ documentId: id(), title: z.string(), position: count() })).optional(),
  model: z.string().optional(),
  usage: z.object({ promptTokens: count(), completionTokens: count() }).optional(),
  fallback: z.string().optional().describe('why the configured model was not used'),
  gate: z
    .object({
      route: z.enum(ROUTES),
      intent: z.string().optional(),
      confidence: z.number().nullable(),
      reasons: z.array(z.string()),
      cause: z.enum(HANDOFF_REASONS).optional().describe('why it was held, from the fixed list analytics counts'),
    })
    .optional(),
  unresolved: z.boolean().optional(),
  joinedEscalation: id().optional().describe('the escalation this task joined: a person held the conversation'),
});

export const AgentTask = named(
  'AgentTask',
  z.object({
    id: id(),
    namespace: z.string(),
    channel: z.enum(CHANNELS),
    channelAccountId: id(),
    conversationId: id(),
    messageId: id(),
    workflowId: z.string().describe('agent-task:<namespace>:<channel>:<external message id>'),
    status: z.enum(TASK_STATUSES),
    route: z.enum(ROUTES).nullable(),
    draft: z.string().nullable(),
    result: TaskResult.nullable(),
    error: z.string().nullable(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    finishedAt: timestamp().nullable(),
  }),
);

export const ToolCall = named(
  'ToolCall',
  z.object({
    id: id(),
    taskId: id(),
    name: z.enum(STEP_NAMES),
    attempt: count(),
    status: z.enum(TOOL_CALL_STATUSES),
    startedAt: timestamp(),
    finishedAt: timestamp().nullable(),
    inputSummary: summary().nullable(),
    outputSummary: summary().nullable(),
    error: z.string().nullable(),
  }),
);

export const Delivery = named(
  'Delivery',
  z.object({
    id: id(),
    taskId: id(),
    part: z.number().int().describe("0.. the answer; -1 the Slack placeholder; higher blocks for notices and a person's replies"),
    channel: z.enum(CHANNELS),
    channelAccountId: id(),
    recipient: z.string(),
    text: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempt: count(),
    providerMessageId: z.string().nullable(),
    error: z.string().nullable(),
    errorCode: z.string().nullable(),
    template: z
      .object({ name: z.string(), language: z.string(), parameters: z.array(z.string()) })
      .nullable()
      .describe('sent as this approved template (the WhatsApp window had closed); `text` is the filled template'),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    sentAt: timestamp().nullable(),
    deliveredAt: timestamp().nullable(),
    readAt: timestamp().nullable(),
  }),
);

/** The `progress` query's answer (src/workflows/definitions.ts). */
export const Progress = named(
  'Progress',
  z.object({
    taskId: id(),
    status: z.enum(TASK_STATUSES),
    route: z.enum(ROUTES).nullable(),
    steps: z.array(
      z.object({
        name: z.enum(STEP_NAMES),
        status: z.enum(TOOL_CALL_STATUSES),
        startedAt: timestamp(),
        finishedAt: timestamp().nullable(),
        attempt: count(),
        detail: z.string().nullable(),
      }),
    ),
  }),
);

/** GET /api/v1/agent-tasks */
export const AgentTaskList = named('AgentTaskList', z.object({ data: z.array(AgentTask), nextCursor: z.string().nullable() }));

/** GET /api/v1/agent-tasks/:id */
export const AgentTaskDetail = named(
  'AgentTaskDetail',
  z.object({
    task: AgentTask,
    toolCalls: z.array(ToolCall),
    deliveries: z.array(Delivery),
    progress: Progress,
    progressSource: z.enum(['workflow', 'database']).describe('workflow: the live progress query; database: rebuilt from the stored tool calls'),
    window: ConversationWindow,
  }),
);

const perStatus = keyed(TASK_STATUSES, count());

/** GET /api/v1/agent-tasks/stats */
export const Stats = named(
  'Stats',
  z.object({
    window: z.string().describe('as asked, e.g. 24h'),
    windowMs: count(),
    from: timestamp(),
    to: timestamp(),
    namespace: z.string().nullable(),
    channel: z.enum(CHANNELS).nullable(),
    total: count(),
    byStatus: perStatus,
    byChannel: keyed(CHANNELS, count()),
    byStatusAndChannel: keyed(CHANNELS, perStatus),
    steps: keyed(STEP_NAMES, Percentiles).describe('per step: succeeded tool calls, finished_at − started_at'),
    task: Percentiles.describe('finished tasks: created_at → finished_at'),
  }),
);
