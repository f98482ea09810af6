/**
 * The OpenAPI 3.1 document of the HTTP API, served at GET /api/v1/openapi.json without a key.
 * tests/api/openapi.test.ts calls every operation below over HTTP and validates each real
 * response against the schema documented here for its path, method and status: a route or a
 * status not listed here, or a body that does not match, fails the test.
 * Its schemas are generated from the zod schemas the routes validate requests with and answer
 * with (src/api/schemas/, src/workflows/human.ts, the namespace config), so they cannot drift.
 */
import { z } from 'zod';
import { NamespaceConfigSchema } from '../namespaces/config';
import { ApprovalDecisionSchema, EscalationResolutionSchema } from '../workflows/human';
// Each resource's module registers its response schemas by name in `components` as it loads.
import { ListQuery, StatsQuery } from './schemas/agent-tasks';
import { CreateKey } from './schemas/api-keys';
import { components } from './schemas/common';
import { FindQuery } from './schemas/contacts';
import { DocumentBody } from './schemas/documents';
import { ClaimBody, InboxQuery } from './schemas/escalations';
import { SyncBody, TemplateBody } from './schemas/templates';
import { AnalyticsQuery, DraftFromReply, FeedbackBody, GapsQuery, PublishDraft } from './schemas/analytics';
import './schemas/health';
import './schemas/namespaces';
import { DraftRequest } from './schemas/rag';
import { RunBody } from './schemas/retention';
import { RepliesQuery } from './schemas/replies';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const obj: Schema = { type: 'object' };

const json = (schema: Schema) => ({ 'application/json': { schema } });
const response = (description: string, schema: Schema) => ({ description, content: json(schema) });
const problem = (name: string) => ({ $ref: `#/components/responses/${name}` });
const param = (name: string, where: 'path' | 'query', schema: Schema, description?: string) => ({
  name,
  in: where,
  required: where === 'path',
  schema,
  ...(description ? { description } : {}),
});

/**
 * What a client may send, generated from the zod schema the route validates with (src/api/schemas/),
 * so the document and the validation cannot drift. A `type: [t, "null"]` becomes `anyOf` (strict
 * validators want one type per schema).
 */
function fromZod(schema: z.core.$ZodType): Schema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return oneTypeEach(json);
}
function oneTypeEach(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([name, s]) => [name, oneTypeEach(s)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = oneTypeEach(value as Schema);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) {
      out[key] = (value as Schema[]).map(oneTypeEach);
    } else {
      out[key] = value;
    }
  }
  if (!Array.isArray(out.type)) return out;
  const { type, description, default: fallback, ...rest } = out as Schema & { type: string[] };
  return {
    anyOf: type.map((t) => (t === 'null' ? { type: 'null' } : { type: t, ...rest })),
    ...(description === undefined ? {} : { description }),
    ...(fallback === undefined ? {} : { default: fallback }),
  };
}
/** The response schemas, by their names in the registry, with `$ref`s between them. */
function responseSchemas(): Record<string, Schema> {
  const { schemas: generated } = z.toJSONSchema(components, { uri: (id) => `#/components/schemas/${id}`, io: 'output', unrepresentable: 'any' }) as {
    schemas: Record<string, Schema>;
  };
  return Object.fromEntries(Object.entries(generated).map(([name, { $schema: _, $id: __, ...json }]) => [name, oneTypeEach(json)]));
}
/** The query parameters of a zod object schema; a property's description becomes the parameter's. */
const queryParams = (schema: z.core.$ZodType) =>
  Object.entries((fromZod(schema).properties ?? {}) as Record<string, Schema>).map(([name, property]) => {
    const { description, ...rest } = property;
    return param(name, 'query', rest, description as string | undefined);
  });

/** What every authenticated operation may answer besides its own statuses. */
const authErrors = { '401': problem('Unauthorized'), '403': problem('Forbidden'), '429': problem('RateLimited'), '500': problem('Internal') };

const taskId = param('id', 'path', str, 'the task id (a UUID; anything else is 404)');
const namespaceParam = param('ns', 'path', str, 'namespace name: 1-63 lowercase letters, digits, - or _');
const documentId = param('id', 'path', str, 'the document id');
const contactId = param('id', 'path', str, 'the contact id (a UUID; anything else is 404)');

/** The namespace config as PUT takes it and GET shows it (with the defaults filled in), from its zod schema. */
const namespaceConfig: Schema = {
  ...fromZod(NamespaceConfigSchema),
  description: 'A namespace config; every key is optional on PUT and filled with its default when stored.',
};

/**
 * Every named schema: the responses generated from the zod schemas the API answers with (each
 * resource's module in src/api/schemas/, registered by name), the request bodies from the schemas
 * their routes validate with.
 */
const schemas: Record<string, Schema> = {
  ...responseSchemas(),
  NamespaceConfig: namespaceConfig,
  RetentionRunInput: fromZod(RunBody),
  EscalationResolution: fromZod(EscalationResolutionSchema),
  ApprovalDecision: fromZod(ApprovalDecisionSchema),
  DocumentInput: fromZod(DocumentBody.partial({ title: true })),
  DraftRequest: fromZod(DraftRequest),
  ApiKeyInput: fromZod(CreateKey),
  ClaimInput: fromZod(ClaimBody),
  FeedbackInput: fromZod(FeedbackBody),
  DraftFromReplyInput: fromZod(DraftFromReply),
  PublishDraftInput: fromZod(PublishDraft),
  TemplateInput: fromZod(TemplateBody),
  TemplateSyncInput: fromZod(SyncBody),
};

const errorResponse = (description: string) => response(description, ref('Error'));

const responses = {
  BadRequest: errorResponse('the request is not valid; the message (and `problems`, where given) says why'),
  Unauthorized: errorResponse('no API key, or not a valid one'),
  Forbidden: errorResponse("the key's role may not do this"),
  NotFound: errorResponse('no such thing, or not in the namespace the key is confined to'),
  Conflict: errorResponse('nothing waits for this decision (already decided, expired or finished)'),
  PayloadTooLarge: errorResponse('the body is over 1 MiB'),
  UnsupportedMediaType: errorResponse('a body type this route does not take'),
  RateLimited: {
    ...errorResponse('too many requests for this key'),
    headers: { 'Retry-After': { description: 'seconds to wait', schema: int } },
  },
  Internal: errorResponse('something failed on our side; details are logged, not sent'),
  BadGateway: errorResponse('an upstream (platform, embedding model) failed'),
  Unavailable: errorResponse('a dependency is not available'),
};

const paths = {
  '/healthz': {
    get: {
      operationId: 'healthz',
      tags: ['operations'],
      summary: 'The process is up',
      security: [],
      responses: { '200': response('up', ref('Health')) },
    },
  },
  '/readyz': {
    get: {
      operationId: 'readyz',
      tags: ['operations'],
      summary: 'The database and Temporal answer within 2 s',
      security: [],
      responses: { '200': response('ready', ref('Ready')), '503': response('a check failed', ref('Ready')) },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics (text exposition format 0.0.4), with the Temporal SDK metrics appended',
      security: [],
      responses: { '200': { description: 'Prometheus text', content: { 'text/plain': { schema: str } } } },
    },
  },
  '/api/v1/openapi.json': {
    get: {
      operationId: 'openapi',
      tags: ['operations'],
      summary: 'This document',
      security: [],
      responses: { '200': response('OpenAPI 3.1', obj) },
    },
  },
  '/api/v1/agent-tasks': {
    get: {
      operationId: 'listAgentTasks',
      tags: ['agent tasks'],
      summary: 'Tasks, newest first; the cursor stays stable while tasks are added',
      parameters: queryParams(ListQuery),
      responses: { '200': response('a page of tasks', ref('AgentTaskList')), '400': problem('BadRequest'), ...authErrors },
    },
  },
  '/api/v1/agent-tasks/stats': {
    get: {
      operationId: 'agentTaskStats',
      tags: ['agent tasks'],
      summary: 'Counts by status and channel, p50/p95 of each step and of the whole task, over a window',
      description:
        'The window selects tasks by created_at. Step durations are the succeeded tool calls of those tasks ' +
        '(finished_at − started_at); task durations their created_at → finished_at. Keys confined to a namespace see only it.',
      parameters: queryParams(StatsQuery),
      responses: {
        '200': response('the statistics', ref('Stats')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        ...authErrors,
      },
    },
  },
  '/api/v1/agent-tasks/{id}': {
    get: {
      operationId: 'getAgentTask',
      tags: ['agent tasks'],
      summary: 'One task: its tool calls, deliveries and live progress (or the stored record when the workflow cannot answer)',
      parameters: [taskId],
      responses: { '200': response('the task', ref('AgentTaskDetail')), '404': problem('NotFound'), ...authErrors },
    },
  },
  '/api/v1/agent-tasks/{id}/attachments/{index}': {
    get: {
      operationId: 'getAttachment',
      tags: ['agent tasks'],
      summary: 'A file the customer sent, fetched from the platform on demand (WhatsApp)',
      parameters: [taskId, param('index', 'path', { type: 'integer', minimum: 0 })],
      responses: {
        '200': {
          description: 'the bytes, with the file type',
          content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
        },
        '404': problem('NotFound'),
        '501': errorResponse('files of this channel are not served yet'),
        '502': problem('BadGateway'),
        '503': problem('Unavailable'),
        ...authErrors,
      },
    },
  },
  '/api/v1/agent-tasks/{id}/escalation': {
    post: {
      operationId: 'resolveEscalation',
      tags: ['humans'],
      summary: 'A person answers an escalated task: reply, hand back to the assistant, or close',
      parameters: [taskId],
      requestBody: { required: true, content: json(ref('EscalationResolution')) },
      responses: {
        '200': response('carried out', ref('DecisionOutcome')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '409': problem('Conflict'),
        '413': problem('PayloadTooLarge'),
        ...authErrors,
      },
    },
  },
  '/api/v1/agent-tasks/{id}/approval': {
    post: {
      operationId: 'decideApproval',
      tags: ['humans'],
      summary: 'A person approves, edits or rejects a draft',
      parameters: [taskId],
      requestBody: { required: true, content: json(ref('ApprovalDecision')) },
      responses: {
        '200': response('carried out', ref('DecisionOutcome')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '409': problem('Conflict'),
        '413': problem('PayloadTooLarge'),
        ...authErrors,
      },
    },
  },
  '/api/v1/escalations': {
    get: {
      operationId: 'listEscalations',
      tags: ['humans'],
      summary: "The human agents' inbox, oldest first, with each conversation's latest messages",
      parameters: queryParams(InboxQuery),
      responses: { '200': response('the inbox', ref('EscalationList')), '400': problem('BadRequest'), ...authErrors },
    },
  },
  '/api/v1/namespaces/{ns}': {
    get: {
      operationId: 'getNamespace',
      tags: ['namespaces'],
      summary: 'A namespace and its config',
      parameters: [namespaceParam],
      responses: { '200': response('the namespace', ref('Namespace')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
    put: {
      operationId: 'putNamespace',
      tags: ['namespaces'],
      summary: 'Replaces the whole config, validated in full; creates the namespace on first PUT',
      parameters: [namespaceParam],
      requestBody: { required: true, content: json(ref('NamespaceConfig')) },
      responses: {
        '200': response('updated', ref('Namespace')),
        '201': response('created', ref('Namespace')),
        '400': problem('BadRequest'),
        '413': problem('PayloadTooLarge'),
        '415': problem('UnsupportedMediaType'),
        ...authErrors,
      },
    },
  },
  '/api/v1/namespaces/{ns}/documents': {
    get: {
      operationId: 'listDocuments',
      tags: ['knowledge'],
      summary: "The namespace's documents, newest first",
      parameters: [namespaceParam],
      responses: { '200': response('the documents', ref('DocumentList')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
    post: {
      operationId: 'addDocument',
      tags: ['knowledge'],
      summary: 'Adds knowledge: JSON, or a raw markdown/plain body (title from ?title= or the first heading)',
      parameters: [namespaceParam, param('title', 'query', str, 'raw bodies only'), param('source', 'query', str, 'raw bodies only')],
      requestBody: {
        required: true,
        content: { ...json(ref('DocumentInput')), 'text/markdown': { schema: str }, 'text/plain': { schema: str } },
      },
      responses: {
        '201': {
          ...response('added and chunked', ref('DocumentCreated')),
          headers: { Location: { description: 'the new document', schema: str } },
        },
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '413': problem('PayloadTooLarge'),
        '415': problem('UnsupportedMediaType'),
        '502': problem('BadGateway'),
        ...authErrors,
      },
    },
  },
  '/api/v1/namespaces/{ns}/documents/{id}': {
    get: {
      operationId: 'getDocument',
      tags: ['knowledge'],
      summary: 'One document with its chunks',
      parameters: [namespaceParam, documentId],
      responses: { '200': response('the document', ref('Document')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
    delete: {
      operationId: 'deleteDocument',
      tags: ['knowledge'],
      summary: 'Removes a document and its chunks',
      parameters: [namespaceParam, documentId],
      responses: { '204': { description: 'removed' }, '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
  },
  '/api/v1/namespaces/{ns}/contacts': {
    get: {
      operationId: 'findContacts',
      tags: ['privacy'],
      summary: "The namespace's contacts (at most 100), to find a person by their address on a channel",
      parameters: [namespaceParam, ...queryParams(FindQuery)],
      responses: { '200': response('the contacts', ref('ContactList')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
  },
  '/api/v1/namespaces/{ns}/contacts/{id}': {
    get: {
      operationId: 'getContact',
      tags: ['privacy'],
      summary: 'One contact',
      parameters: [namespaceParam, contactId],
      responses: { '200': response('the contact', ref('Contact')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
    delete: {
      operationId: 'eraseContact',
      tags: ['privacy'],
      summary:
        'Erases the contact on request: their messages, conversations, tasks, tool calls, deliveries, escalations and decisions; running tasks end; their workflows are deleted from Temporal; an audit row records who and when (README, "Privacy")',
      parameters: [namespaceParam, contactId],
      responses: { '200': response('what was erased', ref('Erasure')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
  },
  '/api/v1/namespaces/{ns}/templates': {
    get: {
      operationId: 'listTemplates',
      tags: ['humans'],
      summary: "The WhatsApp message templates of the namespace's accounts, and its re-engagement template",
      parameters: [namespaceParam],
      responses: { '200': response('the templates', ref('TemplateList')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
    put: {
      operationId: 'putTemplate',
      tags: ['humans'],
      summary: 'Creates or replaces a template of a WhatsApp account (by name and language)',
      parameters: [namespaceParam],
      requestBody: { required: true, content: json(ref('TemplateInput')) },
      responses: {
        '200': response('replaced', ref('Template')),
        '201': response('created', ref('Template')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        ...authErrors,
      },
    },
  },
  '/api/v1/namespaces/{ns}/templates/sync': {
    post: {
      operationId: 'syncTemplates',
      tags: ['humans'],
      summary: "Copies a WhatsApp Business Account's templates from the Graph API (GET /{waba-id}/message_templates)",
      parameters: [namespaceParam],
      requestBody: { required: false, content: json(ref('TemplateSyncInput')) },
      responses: {
        '200': response('what the sync changed', ref('TemplateSync')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '502': problem('BadGateway'),
        '503': problem('Unavailable'),
        ...authErrors,
      },
    },
  },
  '/api/v1/namespaces/{ns}/templates/{id}': {
    delete: {
      operationId: 'deleteTemplate',
      tags: ['humans'],
      summary: 'Removes a template',
      parameters: [namespaceParam, param('id', 'path', str, 'the template id')],
      responses: { '204': { description: 'removed' }, '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
  },
  '/api/v1/analytics': {
    get: {
      operationId: 'getAnalytics',
      tags: ['analytics'],
      summary: 'What the assistant is worth over a window: outcomes, hand-off reasons, attribution, response times, flags, and trust matrix suggestions',
      parameters: queryParams(AnalyticsQuery),
      responses: { '200': response('the figures', ref('Analytics')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
  },
  '/api/v1/namespaces/{ns}/knowledge-gaps': {
    get: {
      operationId: 'knowledgeGaps',
      tags: ['analytics'],
      summary: 'Questions the knowledge base could not answer and flagged answers, grouped by topic, with what a person replied',
      parameters: [namespaceParam, ...queryParams(GapsQuery)],
      responses: { '200': response('the gaps', ref('KnowledgeGaps')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
  },
  '/api/v1/namespaces/{ns}/knowledge-gaps/drafts': {
    post: {
      operationId: 'draftArticle',
      tags: ['analytics'],
      summary: "A knowledge-base article drafted from a person's reply to a gap (not searchable until published)",
      parameters: [namespaceParam],
      requestBody: { required: true, content: json(ref('DraftFromReplyInput')) },
      responses: {
        '201': response('drafted', ref('ArticleDraft')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '409': problem('Conflict'),
        ...authErrors,
      },
    },
  },
  '/api/v1/namespaces/{ns}/knowledge-gaps/drafts/{id}/publish': {
    post: {
      operationId: 'publishArticle',
      tags: ['analytics'],
      summary: 'The draft (as edited) becomes a document of the knowledge base, searchable at once',
      parameters: [namespaceParam, param('id', 'path', str, 'the draft id')],
      requestBody: { required: false, content: json(ref('PublishDraftInput')) },
      responses: {
        '201': response('published', ref('ArticleDraft')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '409': problem('Conflict'),
        ...authErrors,
      },
    },
  },
  '/api/v1/agent-tasks/{id}/feedback': {
    post: {
      operationId: 'flagReply',
      tags: ['analytics'],
      summary: "An agent flags the assistant's reply of a task: incorrect, outdated, inappropriate or incomplete, with a note",
      parameters: [taskId],
      requestBody: { required: true, content: json(ref('FeedbackInput')) },
      responses: {
        '201': response('flagged', ref('Feedback')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '409': problem('Conflict'),
        ...authErrors,
      },
    },
  },
  '/api/v1/replies': {
    get: {
      operationId: 'listReplies',
      tags: ['analytics'],
      summary: "The assistant's replies that went out in a namespace, newest first, with agents' flags: what agents review and flag (every role)",
      description:
        "Tasks whose reply the assistant wrote (attribution assistant or assistant_edited) and sent, by when the customer's message came in. " +
        'A key confined to a namespace lists its own; a namespace filter naming another is a 404. Keyset pages: the cursor stays stable while replies are added.',
      parameters: queryParams(RepliesQuery),
      responses: { '200': response('a page of replies', ref('ReplyList')), '400': problem('BadRequest'), '404': problem('NotFound'), ...authErrors },
    },
  },
  '/api/v1/escalations/{id}/claim': {
    post: {
      operationId: 'claimEscalation',
      tags: ['humans'],
      summary: 'An agent takes a hand-off: others see it claimed; it does not time out while the claim holds (renew it while active)',
      parameters: [param('id', 'path', str, 'the escalation id (an inbox item)')],
      requestBody: { required: true, content: json(ref('ClaimInput')) },
      responses: {
        '200': response('claimed, or renewed', ref('Claim')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '409': problem('Conflict'),
        ...authErrors,
      },
    },
  },
  '/api/v1/rag/draft': {
    post: {
      operationId: 'draftReply',
      tags: ['knowledge'],
      summary: 'The reply the assistant would draft, its passages and the gate decision; nothing is stored or sent',
      requestBody: { required: true, content: json(ref('DraftRequest')) },
      responses: {
        '200': response('the draft', ref('Draft')),
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '413': problem('PayloadTooLarge'),
        ...authErrors,
      },
    },
  },
  '/api/v1/api-keys': {
    post: {
      operationId: 'createApiKey',
      tags: ['api keys'],
      summary: 'A new key for a namespace and role; the key is shown once and stored hashed',
      requestBody: { required: true, content: json(ref('ApiKeyInput')) },
      responses: {
        '201': {
          ...response('created', ref('ApiKeyCreated')),
          headers: { Location: { description: 'the new key', schema: str } },
        },
        '400': problem('BadRequest'),
        '404': problem('NotFound'),
        '413': problem('PayloadTooLarge'),
        ...authErrors,
      },
    },
    get: {
      operationId: 'listApiKeys',
      tags: ['api keys'],
      summary: 'The keys (never the keys themselves)',
      responses: { '200': response('the keys', ref('ApiKeyList')), ...authErrors },
    },
  },
  '/api/v1/retention/run': {
    post: {
      operationId: 'runRetention',
      tags: ['retention'],
      summary: 'Starts the retention cleanup now (admins), unless one is running: then that one',
      requestBody: { required: false, content: json(ref('RetentionRunInput')) },
      responses: {
        '202': response('started', ref('RetentionRunStarted')),
        '200': response('one was running already', ref('RetentionRunStarted')),
        '400': problem('BadRequest'),
        '503': problem('Unavailable'),
        ...authErrors,
      },
    },
  },
  '/api/v1/retention/runs/{id}': {
    get: {
      operationId: 'getRetentionRun',
      tags: ['retention'],
      summary: 'A cleanup run (scheduled or started by hand) and its progress',
      parameters: [param('id', 'path', str, 'the workflow id')],
      responses: { '200': response('the run', ref('RetentionRun')), '404': problem('NotFound'), '503': problem('Unavailable'), ...authErrors },
    },
  },
  '/api/v1/api-keys/{id}': {
    delete: {
      operationId: 'revokeApiKey',
      tags: ['api keys'],
      summary: 'Revokes a key',
      parameters: [param('id', 'path', str)],
      responses: { '204': { description: 'revoked' }, '404': problem('NotFound'), ...authErrors },
    },
  },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'agent-tasks',
    version: '1',
    description:
      'Customer messages on WhatsApp, Telegram and Slack answered on Temporal. Send `Authorization: Bearer <key>` ' +
      '(ADMIN_API_KEY, or a key from POST /api/v1/api-keys). Errors are `{ "error": { "code", "message" } }`. ' +
      "Webhooks (/webhooks/*) are authenticated by each platform's signature and not described here; the live " +
      'feed is the WebSocket /ws/agent-tasks.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths,
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key' } },
    schemas,
    responses,
  },
};
