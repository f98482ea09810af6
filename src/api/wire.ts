/**
 * What the API's JSON looks like to a client: the zod response schemas the OpenAPI document is
 * generated from (src/api/schemas/), as types. The console imports these (type-only), so its view
 * of the API is the document's. The rows the routes build are checked against the same schemas at
 * compile time (`Sends` below), so neither side can drift from the document.
 * `Wire<T>` is T after JSON.stringify: dates become ISO strings.
 */
import type { z } from 'zod';
import type { agentToolCalls, escalations } from '../db/schema';
import type { FeedEvent as FeedEventRow } from './live-feed';
import type { ConversationWindow as ConversationWindowRow } from '../channels/window';
import type { PresentedTask } from './present-task';
import type { AgentTask, ToolCall as ToolCallSchema } from './schemas/agent-tasks';
import type { Claim as ClaimSchema, Escalation, TranscriptMessage as TranscriptMessageSchema } from './schemas/escalations';
import type { TemplateList as TemplateListSchema } from './schemas/templates';
import type { Analytics as AnalyticsSchema, Feedback as FeedbackSchema } from './schemas/analytics';
import type { ReplyRow } from '../analytics/replies';
import type { Reply as ReplySchema } from './schemas/replies';

export type Wire<T> = T extends Date ? string : T extends Array<infer U> ? Array<Wire<U>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** Compiles only when what a route builds (`Row`, as JSON) is what the schema documents. */
type Sends<Row, Schema extends z.ZodType> = Wire<Row> extends z.output<Schema> ? true : never;

/** One message of the conversation shown with an escalation, as the route builds it. */
export interface TranscriptMessageRow {
  direction: 'inbound' | 'outbound';
  text: string | null;
  kind: string;
  at: Date;
}

/** An item of GET /api/v1/escalations, as the route builds it. */
export type InboxEntryRow = typeof escalations.$inferSelect & {
  task: Pick<PresentedTask, 'id' | 'channel' | 'status' | 'workflowId'>;
  waitingMs: number;
  transcript: TranscriptMessageRow[];
  window: ConversationWindowRow;
};

export const routesSendWhatIsDocumented: [
  Sends<InboxEntryRow, typeof Escalation>,
  Sends<PresentedTask, typeof AgentTask>,
  Sends<typeof agentToolCalls.$inferSelect, typeof ToolCallSchema>,
  Sends<ReplyRow, typeof ReplySchema>,
] = [true, true, true, true];

export type InboxEntry = z.output<typeof Escalation>;
export type TranscriptMessage = z.output<typeof TranscriptMessageSchema>;
export type ToolCall = z.output<typeof ToolCallSchema>;
export type TemplateList = z.output<typeof TemplateListSchema>;
export type Analytics = z.output<typeof AnalyticsSchema>;
export type Claim = z.output<typeof ClaimSchema>['claim'];
/** An item of GET /api/v1/replies: an AI reply that went out, with its flags. */
export type Reply = z.output<typeof ReplySchema>;
/** An agent's flag on an AI reply (POST /api/v1/agent-tasks/:id/feedback). */
export type Feedback = z.output<typeof FeedbackSchema>;
/** GET /api/v1/agent-tasks/:id, the parts the console reads. */
export interface TaskDetail {
  task: z.output<typeof AgentTask>;
  toolCalls: ToolCall[];
  window: ConversationWindow;
}
export type ConversationWindow = Wire<ConversationWindowRow>;
/** A live feed message (/ws/agent-tasks). */
export type FeedEvent = Wire<FeedEventRow>;
