/**
 * The thinking steps of the pipeline: inject_profile, rag_search, generate, confidence_check.
 * Each is recorded as a tool call per attempt and returns a small, serializable result.
 */
import { eq, sql } from 'drizzle-orm';
import type { Channels } from '../channels';
import type { Database } from '../db';
import { agentTasks } from '../db/schema';
import type { LlmRegistry } from '../llm';
import type { ConversationTurn } from '../llm/types';
import { acknowledgeInbound } from './acknowledge';
import { recordStep } from './tool-calls';
import { loadTaskContext, recentMessages } from './task-context';
import type { DraftResult, GateResult, ProfileContext, RagResult } from './types';

/** How many earlier messages of the conversation the prompt sees. */
export const HISTORY_WINDOW = 12;

export interface PipelineDeps {
  db: Database;
  llm: LlmRegistry;
  channels: Channels;
}

export function createPipelineActivities({ db, llm, channels }: PipelineDeps) {
  return {
    async inject_profile(taskId: string): Promise<ProfileContext> {
      return recordStep(db, taskId, 'inject_profile', { taskId }, async (attempt) => {
        const ctx = await loadTaskContext(db, taskId);
        // The task has started: the platform hears about it (read receipt, callback answer, placeholder).
        const acknowledged = await acknowledgeInbound({ db, channels }, ctx, attempt);
        const earlier = await recentMessages(db, ctx.conversation.id, ctx.message.createdAt, HISTORY_WINDOW);
        const history: ConversationTurn[] = earlier
          .filter((m) => m.text)
          .map((m) => ({ role: m.direction === 'inbound' ? 'customer' : 'assistant', text: m.text ?? '' }));
        const value: ProfileContext = {
          attempt,
          detail: `namespace ${ctx.task.namespace}, ${history.length} earlier messages`,
          systemPrompt: ctx.config.systemPrompt,
          adapter: ctx.config.agentRunner.activeAdapter,
          model: ctx.config.agentRunner.model,
          contact: {
            name: ctx.contact.displayName ?? undefined,
            channel: ctx.task.channel,
            locale: ctx.contact.locale ?? undefined,
          },
          history,
          message: {
            kind: ctx.message.kind,
            text: ctx.message.text ?? '',
            attachments: ctx.message.attachments.map((a) => ({ type: a.type, mimeType: a.mimeType, filename: a.filename })),
          },
        };
        return {
          value,
          summary: {
            adapter: value.adapter,
            historyMessages: history.length,
            promptChars: value.systemPrompt.length,
            acknowledged,
          },
        };
      });
    },

    async rag_search(taskId: string, query: string): Promise<RagResult> {
      return recordStep(db, taskId, 'rag_search', { queryChars: query.length }, async (attempt) => {
        // The knowledge base arrives with the pipeline issue; until then nothing is retrieved.
        const value: RagResult = { attempt, detail: 'no knowledge base yet: 0 passages', passages: [] };
        return { value, summary: { passages: 0 } };
      });
    },

    async generate(taskId: string, profile: ProfileContext, rag: RagResult): Promise<DraftResult> {
      return recordStep(db, taskId, 'generate', { adapter: profile.adapter, passages: rag.passages.length }, async (attempt) => {
        const factory = llm[profile.adapter] ?? llm.offline;
        if (!factory) throw new Error('no language model adapter is available');
        const adapter = factory();
        const result = await adapter.generate({
          systemPrompt: profile.systemPrompt,
          history: profile.history,
          message: profile.message,
          passages: rag.passages,
          model: profile.model,
        });
        await db
          .update(agentTasks)
          .set({ draft: result.text, updatedAt: sql`now()` })
          .where(eq(agentTasks.id, taskId));
        const { text, ...rest } = result;
        const value: DraftResult = {
          attempt,
          detail: `${adapter.kind}: ${text.length} characters, confidence ${result.confidence.toFixed(2)}`,
          draft: text,
          ...rest,
        };
        return {
          value,
          summary: { adapter: adapter.kind, model: result.model, usage: result.usage, citations: result.citations },
        };
      });
    },

    async confidence_check(taskId: string, draft: DraftResult): Promise<GateResult> {
      return recordStep(db, taskId, 'confidence_check', { confidence: draft.confidence }, async (attempt) => {
        // First version: every draft passes. Injection routing, escalation rules, intents and
        // the trust matrix arrive with the pipeline issue.
        const value: GateResult = {
          attempt,
          detail: 'passed: deliver',
          route: 'deliver',
          confidence: draft.confidence,
          reasons: ['no gate rules configured'],
        };
        return { value, summary: { route: value.route, reasons: value.reasons } };
      });
    },
  };
}
