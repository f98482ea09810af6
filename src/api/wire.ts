/**
 * What the API's JSON looks like to a client, derived from the server's own types: the console
 * imports these (type-only), so its view of the API cannot drift from what the routes send.
 * `Wire<T>` is T after JSON.stringify: dates become ISO strings.
 */
import type { escalations, agentToolCalls } from '../db/schema';
import type { FeedEvent as FeedEventRow } from './live-feed';
import type { PresentedTask } from './present-task';

export type Wire<T> = T extends Date ? string : T extends Array<infer U> ? Array<Wire<U>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** One message of the conversation shown with an escalation. */
export interface TranscriptMessageRow {
  direction: string;
  text: string | null;
  kind: string;
  at: Date;
}

/** An item of GET /api/v1/escalations. */
export type InboxEntryRow = typeof escalations.$inferSelect & {
  task: Pick<PresentedTask, 'id' | 'channel' | 'status' | 'workflowId'>;
  waitingMs: number;
  transcript: TranscriptMessageRow[];
};

/** GET /api/v1/agent-tasks/:id, the parts the console reads. */
export interface TaskDetailRow {
  task: PresentedTask;
  toolCalls: Array<typeof agentToolCalls.$inferSelect>;
}

export type InboxEntry = Wire<InboxEntryRow>;
export type TranscriptMessage = Wire<TranscriptMessageRow>;
export type TaskDetail = Wire<TaskDetailRow>;
export type ToolCall = Wire<typeof agentToolCalls.$inferSelect>;
/** A live feed message (/ws/agent-tasks). */
export type FeedEvent = Wire<FeedEventRow>;
