/**
 * POST /api/v1/rag/draft — `{ namespace, text, channel? }` → the draft the assistant would
 * send, the passages it was drafted from and what the gate would decide. Nothing is stored
 * and nothing is sent: for trying a namespace's prompt and knowledge before going live.
 * Admins and operators only; another namespace than an operator's own is a 404.
 */
import { Router } from 'express';
import { draftReply, retrieveFor } from '../../activities/drafting';
import { decideDraft } from '../../activities/gating';
import { buildSystemPrompt } from '../../activities/profile';
import type { Database } from '../../db';
import type { Embedder, LlmRegistry } from '../../llm';
import { adapterFor, parseNamespaceConfig } from '../../namespaces/config';
import { allowRoles } from '../auth';
import { requireNamespace } from './namespaces';
import { invalid, validate } from '../validate';
import { DraftRequest } from '../schemas/rag';

export function ragRoutes(deps: { db: Database; llm: LlmRegistry; embed?: Embedder }): Router {
  const router = Router();

  const draftRequest = validate({ body: DraftRequest }, 'invalid_request');
  router.post('/draft', allowRoles('admin', 'operator'), draftRequest, async (req, res) => {
    const { namespace, text, channel } = draftRequest.parsed(res).body;
    const row = await requireNamespace(deps.db, namespace, req.principal);
    const config = parseNamespaceConfig(row.config);
    if (!config.success) throw invalid('invalid_config', [{ path: 'namespace', message: `${namespace} has an invalid config; PUT a corrected one` }]);
    const { passages, rewritten } = await retrieveFor(deps, namespace, text, config.data);
    const message = { kind: 'text', text, attachments: [] };
    const { adapter, result, fallback } = await draftReply(deps.llm, {
      adapter: adapterFor(config.data, deps.llm),
      request: {
        systemPrompt: buildSystemPrompt({ config: config.data, channel, contact: {} }),
        history: [],
        message,
        passages,
        model: config.data.agentRunner.model,
      },
    });
    const gate = await decideDraft(deps.llm, {
      config: config.data,
      adapter,
      model: config.data.agentRunner.model,
      text,
      draft: result.text,
      draftConfidence: result.confidence,
      passages,
      fallback,
      unresolvedAttempts: 0,
      systemPrompt: config.data.systemPrompt,
    });
    res.json({
      draft: result.text,
      adapter,
      model: result.model,
      usage: result.usage,
      ...(fallback ? { fallback } : {}),
      citations: result.citations,
      passages,
      ...(rewritten ? { rewrittenQuery: rewritten } : {}),
      gate,
    });
  });

  return router;
}
