/**
 * The thinking steps of the pipeline: inject_profile, rag_search, generate, confidence_check.
 * Each is recorded as a tool call per attempt and returns a small, serializable result.
 */
import { and, desc, eq, lt, ne, sql } from 'drizzle-orm';
import type { Channels } from '../channels';
import type { Database } from '../db';
import { agentTasks } from '../db/schema';
import type { Embedder, LlmRegistry } from '../llm';
import { TaskNotFoundError } from '../errors';
import { llmTokens } from '../metrics';
import { acknowledgeInbound } from './acknowledge';
import { openEscalationIn } from './deliver';
import { buildSystemPrompt, splitHistory, summarizeEarlier } from './profile';
import { draftReply, namespaceConfig, retrieveFor } from './drafting';
import { gateLanguage } from '../gate/escalation';
import { holdingReply } from '../gate/holding-reply';
import { decideDraft } from './gating';
import { heartbeating, recordStep } from './tool-calls';
import { loadTaskContext, recentMessages, type TaskContext } from './task-context';
import type { DraftResult, GateResult, ProfileContext, RagResult } from './types';
import { adapterFor } from '../namespaces/config';
import { parseDuration } from '../duration';
import { bestScore, isAnswer } from '../knowledge/search';

/** How many earlier messages of the conversation the prompt sees in full. */
export const HISTORY_WINDOW = 12;
/** How many messages before the window are summarized in one line. */
export const SUMMARY_WINDOW = 50;

export interface PipelineDeps {
  db: Database;
  llm: LlmRegistry;
  channels: Channels;
  /** Embeds texts for retrieval when an embedding model is configured. */
  embed?: Embedder;
}

export function createPipelineActivities({ db, llm, channels, embed }: PipelineDeps) {
  /**
   * The customer's words this task answers — a burst since our last reply, joined (as
   * inject_profile did) — and their earlier messages before it, oldest first, from which the gate
   * tells the same question asked again. One read of the conversation for both.
   */
  async function questionOf(ctx: TaskContext): Promise<{ question: string; earlier: string[] }> {
    const recent = await recentMessages(db, ctx.conversation.id, ctx.message.id, HISTORY_WINDOW);
    const { turns, unanswered } = splitHistory(recent);
    return {
      question: [...unanswered, ctx.message.text ?? ''].filter((t) => t.trim() !== '').join('\n'),
      earlier: turns.filter((t) => t.role === 'customer').map((t) => t.text),
    };
  }

  /** Earlier tasks in a row in this conversation whose answer did not resolve the question. */
  async function unresolvedAttempts(ctx: TaskContext): Promise<number> {
    const earlier = await db
      .select({ unresolved: agentTasks.unresolved })
      .from(agentTasks)
      .where(and(eq(agentTasks.conversationId, ctx.task.conversationId), ne(agentTasks.id, ctx.task.id), lt(agentTasks.createdAt, ctx.task.createdAt)))
      .orderBy(desc(agentTasks.createdAt))
      .limit(5);
    let count = 0;
    for (const row of earlier) {
      if (row.unresolved !== true) break;
      count += 1;
    }
    return count;
  }

  return {
    async inject_profile(taskId: string): Promise<ProfileContext> {
      return recordStep(db, taskId, 'inject_profile', { taskId }, async (attempt) => {
        const ctx = await loadTaskContext(db, taskId);
        const open = await openEscalationIn(db, ctx.task.conversationId, ctx.task.id);
        const heldBy = open ? { escalationId: open.id, taskId: open.taskId } : undefined;
        // The task has started: the platform hears about it (read receipt, callback answer,
        // placeholder) — unless a person holds the conversation and will answer in their own time.
        const acknowledged = heldBy ? ['held by a person: nothing acknowledged'] : await acknowledgeInbound({ db, channels }, ctx, attempt);
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
          adapter: adapterFor(ctx.config, llm),
          model: ctx.config.agentRunner.model,
          contact,
          history: turns,
          message: {
            kind: ctx.message.kind,
            text,
            attachments: ctx.message.attachments.map((a) => ({ type: a.type, mimeType: a.mimeType, filename: a.filename })),
          },
          ...(heldBy ? { heldBy } : {}),
          ...(ctx.config.csat?.enabled ? { rating: { afterMs: parseDuration(ctx.config.csat.after) ?? 0 } } : {}),
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
            ...(heldBy ? { heldBy } : {}),
          },
        };
      });
    },

    async rag_search(taskId: string, query: string): Promise<RagResult> {
      return recordStep(db, taskId, 'rag_search', { queryChars: query.length }, async (attempt) => {
        const [task] = await db.select({ namespace: agentTasks.namespace }).from(agentTasks).where(eq(agentTasks.id, taskId));
        if (!task) throw new TaskNotFoundError(`agent task ${taskId} does not exist`);
        const { passages, rewritten } = await retrieveFor({ db, embed, llm }, task.namespace, query, await namespaceConfig(db, task.namespace));
        const top = bestScore(passages) ?? undefined;
        const answers = passages.filter(isAnswer).length;
        const value: RagResult = {
          attempt,
          detail:
            (answers > 0
              ? `${answers} answering passage(s)${passages.length > answers ? ` and ${passages.length - answers} related` : ''}, first "${passages.find(isAnswer)!.title}", best relevance ${top!.toFixed(3)}`
              : passages.length > 0
                ? `nothing answers it; ${passages.length} related passage(s), best relevance ${top!.toFixed(3)}`
                : 'nothing relevant found') + (rewritten ? `; also searched as "${rewritten}"` : ''),
          passages,
        };
        return {
          value,
          summary: {
            passages: passages.length,
            topScore: top ?? null,
            documents: [...new Set(passages.map((p) => p.documentId))],
            ...(rewritten ? { rewritten: true } : {}),
          },
        };
      });
    },

    async generate(taskId: string, profile: ProfileContext, rag: RagResult): Promise<DraftResult> {
      return heartbeating(() =>
        recordStep(db, taskId, 'generate', { adapter: profile.adapter, passages: rag.passages.length }, async (attempt) => {
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
          llmTokens.inc({ kind: 'prompt', adapter }, result.usage.promptTokens);
          llmTokens.inc({ kind: 'completion', adapter }, result.usage.completionTokens);
          const citations = result.citations.flatMap((i) => {
            const p = rag.passages[i];
            return p ? [{ documentId: p.documentId, title: p.title, position: p.position }] : [];
          });
          await db
            .update(agentTasks)
            .set({
              draft: result.text,
              citations,
              model: result.model,
              promptTokens: result.usage.promptTokens,
              completionTokens: result.usage.completionTokens,
              draftFallback: fallback ?? null,
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
        }),
      );
    },

    async confidence_check(taskId: string, draft: DraftResult, rag?: RagResult): Promise<GateResult> {
      return recordStep(db, taskId, 'confidence_check', { confidence: draft.confidence }, async (attempt) => {
        const ctx = await loadTaskContext(db, taskId);
        const passages = rag?.passages ?? [];
        const { question, earlier } = await questionOf(ctx);
        const decision = await decideDraft(llm, {
          config: ctx.config,
          adapter: draft.fallback ? 'offline' : adapterFor(ctx.config, llm),
          model: ctx.config.agentRunner.model,
          text: question,
          draft: draft.draft,
          draftConfidence: draft.confidence,
          passages,
          fallback: draft.fallback,
          unresolvedAttempts: await unresolvedAttempts(ctx),
          earlierMessages: earlier,
          systemPrompt: ctx.config.systemPrompt,
        });
        const withheld = decision.injection.detected || decision.leak;
        // A billing action with nothing found: the approver sends a holding reply, not "I couldn't find it".
        const holding =
          decision.route === 'await_approval' && decision.notFound && !withheld
            ? (ctx.config.approval.holdingReply ?? holdingReply(gateLanguage(question)))
            : undefined;
        // Kept on the task: the next task in the conversation counts unresolved attempts from it.
        const unresolved = decision.notFound || decision.confidence < ctx.config.escalation.minConfidence;
        await db
          .update(agentTasks)
          .set({
            gateRoute: decision.route,
            gateIntent: decision.intent,
            gateConfidence: decision.confidence,
            gateReasons: decision.reasons,
            gateCause: decision.cause ?? null,
            unresolved,
            // An injection attempt's or a leaking draft is never kept where it could be sent.
            ...(withheld ? { draft: null } : holding ? { draft: holding } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(agentTasks.id, taskId));
        const value: GateResult = {
          attempt,
          detail: `${decision.route}: ${decision.reasons.join('; ')}`,
          route: decision.route,
          confidence: decision.confidence,
          reasons: decision.reasons,
          intent: decision.intent,
          injection: decision.injection.detected,
          leak: decision.leak,
          ...(holding ? { approvalDraft: holding } : {}),
        };
        return {
          value,
          summary: {
            route: decision.route,
            action: decision.action,
            intent: decision.intent,
            confidence: decision.confidence,
            injection: decision.injection,
            leak: decision.leak,
            notFound: decision.notFound,
            reasons: decision.reasons,
            ...(holding ? { holdingReply: 'nothing was found: the person approving gets a holding reply to send instead of the draft' } : {}),
          },
        };
      });
    },
  };
}
