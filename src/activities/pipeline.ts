/**
 * The thinking steps of the pipeline: inject_profile, rag_search, generate, confidence_check.
 * Each is recorded as a tool call per attempt and returns a small, serializable result.
 */
import { eq, sql } from 'drizzle-orm';
import type { Channels } from '../channels';
import type { Database } from '../db';
import { agentTasks } from '../db/schema';
import type { LlmRegistry } from '../llm';
import { acknowledgeInbound } from './acknowledge';
import { buildSystemPrompt, splitHistory, summarizeEarlier } from './profile';
import { draftReply } from './drafting';
import { recordStep } from './tool-calls';
import { loadTaskContext, recentMessages } from './task-context';
import type { DraftResult, GateResult, ProfileContext, RagResult } from './types';

/** How many earlier messages of the conversation the prompt sees in full. */
export const HISTORY_WINDOW = 12;
/** How many messages before the window are summarized in one line. */
export const SUMMARY_WINDOW = 50;

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
        const earlier = await recentMessages(db, ctx.conversation.id, ctx.message.id, HISTORY_WINDOW + SUMMARY_WINDOW);
        const older = earlier.slice(0, Math.max(0, earlier.length - HISTORY_WINDOW));
        const { turns, unanswered } = splitHistory(earlier.slice(older.length));
        const contact = {
          name: ctx.contact.displayName ?? undefined,
          channel: ctx.task.channel,
          locale: ctx.contact.locale ?? undefined,
        };
        const systemPrompt = buildSystemPrompt({ config: ctx.config, channel: ctx.task.channel, contact }, summarizeEarlier(older));
        // Messages the customer sent since our last reply are part of this question (a burst).
        const text = [...unanswered, ctx.message.text ?? ''].filter((t) => t.trim() !== '').join('\n');
        const value: ProfileContext = {
          attempt,
          detail: `namespace ${ctx.task.namespace}, ${turns.length} earlier turns${unanswered.length ? `, ${unanswered.length} unanswered joined` : ''}`,
          systemPrompt,
          adapter: ctx.config.agentRunner.activeAdapter,
          model: ctx.config.agentRunner.model,
          contact,
          history: turns,
          message: {
            kind: ctx.message.kind,
            text,
            attachments: ctx.message.attachments.map((a) => ({ type: a.type, mimeType: a.mimeType, filename: a.filename })),
          },
        };
        return {
          value,
          summary: {
            adapter: value.adapter,
            historyTurns: turns.length,
            unansweredJoined: unanswered.length,
            summarized: older.length,
            scoped: Boolean(ctx.config.channelScopes[ctx.task.channel as keyof typeof ctx.config.channelScopes]),
            promptChars: systemPrompt.length,
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
        const { adapter, result, fallback } = await draftReply(llm, {
          adapter: profile.adapter,
          request: {
            systemPrompt: profile.systemPrompt,
            history: profile.history,
            message: profile.message,
            passages: rag.passages,
            model: profile.model,
          },
        });
        const citations = result.citations.flatMap((i) => {
          const p = rag.passages[i];
          return p ? [{ documentId: p.documentId, title: p.title, position: p.position }] : [];
        });
        await db
          .update(agentTasks)
          .set({
            draft: result.text,
            result: { citations, model: result.model, usage: result.usage, ...(fallback ? { fallback } : {}) },
            updatedAt: sql`now()`,
          })
          .where(eq(agentTasks.id, taskId));
        const { text, ...rest } = result;
        const value: DraftResult = {
          attempt,
          detail: `${adapter}: ${text.length} characters, confidence ${result.confidence.toFixed(2)}${fallback ? ' (fallback)' : ''}`,
          draft: text,
          ...rest,
          ...(fallback ? { fallback } : {}),
        };
        return {
          value,
          summary: { adapter, model: result.model, usage: result.usage, citations, ...(fallback ? { fallback } : {}) },
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
