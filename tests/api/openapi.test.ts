/**
 * OpenAPI conformance: every documented operation is called over real HTTP against the real
 * system, and every response is checked against the document: the status must be documented
 * for that path and method, and the body must validate (ajv, JSON Schema 2020-12) against the
 * schema documented for that status. Request bodies of successful calls are checked too.
 * The last test asserts that every documented path and method was exercised.
 */
import { randomUUID } from 'node:crypto';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/openapi';
import { channelAccounts } from '../../src/db/schema';
import { ADMIN_KEY, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { message, postWebhook, textMessageWebhook, wamid, webhookWith } from '../../testkit/whatsapp';

type Json = Record<string, unknown>;
const BASE = 'https://agent-tasks.test/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const pointer = (...segments: string[]) => `${BASE}#/${segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;

/** Checks real exchanges against the document, and remembers which operations were exercised. */
function conformance(document: Json) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // The document's own top-level keys are not schema keywords; the schemas inside are checked strictly.
  ajv.addVocabulary(['openapi', 'info', 'servers', 'security', 'paths', 'components']);
  ajv.addSchema({ ...document, $id: BASE });
  const paths = document.paths as Record<string, Record<string, Json>>;
  const components = document.components as { responses: Record<string, Json> };
  const templates = Object.keys(paths).map((template) => ({
    template,
    regex: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literal: !template.includes('{'),
  }));
  const validators = new Map<string, ValidateFunction>();
  const validator = (ref: string) => {
    let v = validators.get(ref);
    if (!v) {
      v = ajv.getSchema(ref);
      if (!v) throw new Error(`the document has no schema at ${ref}`);
      validators.set(ref, v);
    }
    return v;
  };
  const exercised = new Map<string, Set<number>>();

  /** The documented template of a concrete path; literal paths win (/agent-tasks/stats). */
  const templateOf = (path: string) => (templates.find((t) => t.literal && t.regex.test(path)) ?? templates.find((t) => t.regex.test(path)))?.template;

  function check(method: string, path: string, status: number, contentType: string, body: unknown, requestBody?: { type: string; value: unknown }) {
    const template = templateOf(path);
    expect(template, `${method} ${path} is not a documented path`).toBeDefined();
    const operation = paths[template!]![method.toLowerCase()] as Json | undefined;
    expect(operation, `${method} ${template} is not documented`).toBeDefined();
    const responses = operation!.responses as Record<string, Json>;
    expect(Object.keys(responses), `${method} ${template} answered ${status}, which is not documented`).toContain(String(status));
    let response = responses[String(status)]!;
    let location = ['paths', template!, method.toLowerCase(), 'responses', String(status)];
    if (typeof response.$ref === 'string') {
      const name = response.$ref.split('/').pop()!;
      response = components.responses[name]!;
      location = ['components', 'responses', name];
    }
    const content = response.content as Record<string, unknown> | undefined;
    if (!content) {
      expect(body, `${method} ${template} ${status} documents no body`).toBe('');
    } else {
      const media = contentType.split(';')[0]!.trim();
      const documented = Object.keys(content);
      const match = documented.find((m) => m === media) ?? documented.find((m) => m === '*/*');
      expect(match, `${method} ${template} ${status} answered ${media}; documented: ${documented.join(', ')}`).toBeDefined();
      if (match === 'application/json') {
        const validate = validator(pointer(...location, 'content', match, 'schema'));
        const ok = validate(body);
        expect(ok, `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`).toBe(true);
      }
    }
    if (requestBody && status < 300) {
      const requestContent = (operation!.requestBody as Json | undefined)?.content as Record<string, unknown> | undefined;
      expect(requestContent, `${method} ${template} documents no request body`).toBeDefined();
      expect(Object.keys(requestContent!)).toContain(requestBody.type);
      if (requestBody.type === 'application/json') {
        const validate = validator(pointer('paths', template!, method.toLowerCase(), 'requestBody', 'content', requestBody.type, 'schema'));
        expect(validate(requestBody.value), `request body of ${method} ${template}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
    const key = `${method.toUpperCase()} ${template}`;
    exercised.set(key, (exercised.get(key) ?? new Set()).add(status));
  }

  const documented = () => Object.entries(paths).flatMap(([template, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${template}`));

  return { check, exercised, documented };
}

describe('OpenAPI document', () => {
  const stack = useTestSystem('postgres');
  const { taskOf, finished, waitForStatus } = taskLookups(stack);
  const doc = openApiDocument as unknown as Json;
  const oas = conformance(doc);
  const ns = `oas-${randomUUID().slice(0, 8)}`;
  const phoneNumberId = `8${Math.floor(Math.random() * 1e13)}`;

  interface Answer {
    status: number;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    body: any;
    headers: Headers;
  }

  /** One call over HTTP, checked against the document. */
  async function call(
    method: string,
    path: string,
    options: { json?: unknown; raw?: { type: string; text: string }; key?: string | null } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw) {
      headers['content-type'] = options.raw.type;
      body = options.raw.text;
    }
    const res = await fetch(`${stack.system.url}${path}`, { method, headers, body });
    const contentType = res.headers.get('content-type') ?? '';
    const text = await res.text();
    const parsed: unknown = contentType.startsWith('application/json') ? JSON.parse(text) : text;
    const requestBody =
      options.json !== undefined
        ? { type: 'application/json', value: options.json }
        : options.raw
          ? { type: options.raw.type, value: options.raw.text }
          : undefined;
    oas.check(method, path.split('?')[0]!, res.status, contentType, parsed, requestBody);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  const say = async (text: string, from = `4478${Math.floor(Math.random() * 1e8)}`) => {
    const id = wamid();
    expect((await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id, from, text }))).status).toBe(200);
    return id;
  };

  beforeAll(async () => {
    // A namespace of our own, through the API; its WhatsApp number like the env-configured one.
    const created = await call('PUT', `/api/v1/namespaces/${ns}`, {
      json: { trustMatrix: { question: 'approve', order_status: 'approve' }, escalation: { timeout: '60s' }, approval: { timeout: '60s' } },
    });
    expect(created.status).toBe(201);
    await stack.database.db.insert(channelAccounts).values({ namespace: ns, channel: 'whatsapp', externalId: phoneNumberId, settings: { source: 'env' } });
  });

  it('when the document is fetched without a key, then it is OpenAPI 3.1 with bearer security', async () => {
    const { status, body } = await call('GET', '/api/v1/openapi.json', { key: null });
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect(body.openapi).toBe('3.1.0');
    expect(body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('when the operations endpoints are called, then they answer as documented', async () => {
    expect((await call('GET', '/healthz', { key: null })).status).toBe(200);
    expect((await call('GET', '/readyz', { key: null })).status).toBe(200);
    const metrics = await call('GET', '/metrics', { key: null });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('when knowledge is managed, then documents and drafts answer as documented', async () => {
    const base = `/api/v1/namespaces/${ns}/documents`;
    const added = await call('POST', base, {
      json: { title: 'Delivery', content: '# Delivery times\n\nStandard delivery takes 2 to 3 working days. Express delivery arrives the next working day.' },
    });
    expect(added.status).toBe(201);
    const raw = await call('POST', `${base}?source=faq.md`, { raw: { type: 'text/markdown', text: '# Returns\n\nReturns are free within 30 days.' } });
    expect(raw.status).toBe(201);
    expect((await call('POST', base, { json: { content: '' } })).status).toBe(400);
    expect((await call('POST', base, { raw: { type: 'application/xml', text: '<doc/>' } })).status).toBe(415);
    expect((await call('POST', '/api/v1/namespaces/nobody-here/documents', { json: { title: 'x', content: 'y' } })).status).toBe(404);

    const list = await call('GET', base);
    expect(list.body.data).toHaveLength(2);
    const one = await call('GET', `${base}/${added.body.id}`);
    expect(one.body.chunks.length).toBeGreaterThan(0);
    expect((await call('GET', `${base}/${randomUUID()}`)).status).toBe(404);
    expect((await call('DELETE', `${base}/${raw.body.id}`)).status).toBe(204);
    expect((await call('DELETE', `${base}/${raw.body.id}`)).status).toBe(404);
    expect((await call('GET', '/api/v1/namespaces/Not_A_Name!/documents')).status).toBe(400);

    const draft = await call('POST', '/api/v1/rag/draft', { json: { namespace: ns, text: 'How long does standard delivery take?' } });
    expect(draft.status).toBe(200);
    expect(draft.body.passages.length).toBeGreaterThan(0);
    expect((await call('POST', '/api/v1/rag/draft', { json: { namespace: ns } })).status).toBe(400);
    expect((await call('POST', '/api/v1/rag/draft', { json: { namespace: 'nobody-here', text: 'hi' } })).status).toBe(404);
  });

  it('when namespaces are read and written, then they answer as documented', async () => {
    expect((await call('GET', `/api/v1/namespaces/${ns}`)).body.config.trustMatrix).toEqual({ question: 'approve', order_status: 'approve' });
    expect((await call('GET', '/api/v1/namespaces/nobody-here')).status).toBe(404);
    expect((await call('GET', '/api/v1/namespaces/Bad%20Name')).status).toBe(400);
    const other = `oas-other-${randomUUID().slice(0, 8)}`;
    expect((await call('PUT', `/api/v1/namespaces/${other}`, { json: {} })).status).toBe(201);
    expect((await call('PUT', `/api/v1/namespaces/${other}`, { json: { systemPrompt: 'You answer for ACME.' } })).status).toBe(200);
    const invalid = await call('PUT', `/api/v1/namespaces/${other}`, { json: { intents: 'all', escalation: { minConfidence: 2 }, nope: 1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.problems.length).toBeGreaterThanOrEqual(3);
    expect((await call('PUT', `/api/v1/namespaces/${other}`, { raw: { type: 'text/plain', text: 'hi' } })).status).toBe(415);
  });

  it('when tasks ran, then the list, the detail, stats and attachments answer as documented', async () => {
    const id = await say('hello');
    expect((await finished(id)).status).toBe('delivered');
    const image = wamid();
    const from = `4478${Math.floor(Math.random() * 1e8)}`;
    const res = await postWebhook(
      stack.system.url!,
      webhookWith(phoneNumberId, { messages: [message('image', { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'x' }, { id: image, from })] }, from),
    );
    expect(res.status).toBe(200);
    await finished(image);
    const imageTask = (await taskOf(image))!;

    const list = await call('GET', `/api/v1/agent-tasks?namespace=${ns}&limit=1`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    expect((await call('GET', `/api/v1/agent-tasks?namespace=${ns}&cursor=${list.body.nextCursor}`)).status).toBe(200);
    expect((await call('GET', '/api/v1/agent-tasks?status=finished')).status).toBe(400);
    expect((await call('GET', '/api/v1/agent-tasks', { key: null })).status).toBe(401);
    expect((await call('GET', '/api/v1/agent-tasks', { key: 'not-a-key' })).status).toBe(401);

    const task = (await taskOf(id))!;
    const detail = await call('GET', `/api/v1/agent-tasks/${task.id}`);
    expect(detail.body).toMatchObject({ progressSource: 'workflow', task: { id: task.id, status: 'delivered' } });
    expect((await call('GET', `/api/v1/agent-tasks/${randomUUID()}`)).status).toBe(404);

    const stats = await call('GET', `/api/v1/agent-tasks/stats?namespace=${ns}&window=1h`);
    expect(stats.body.total).toBeGreaterThanOrEqual(2);
    expect((await call('GET', '/api/v1/agent-tasks/stats?window=soon')).status).toBe(400);

    const file = await call('GET', `/api/v1/agent-tasks/${imageTask.id}/attachments/0`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('image/jpeg');
    expect((await call('GET', `/api/v1/agent-tasks/${imageTask.id}/attachments/3`)).status).toBe(404);
  });

  it('when people decide, then escalations, approvals and the inbox answer as documented', async () => {
    const asked = await say('I want to speak to a real person please');
    const escalated = await waitForStatus(asked, 'escalated');
    const inbox = await call('GET', `/api/v1/escalations?status=open&namespace=${ns}`);
    expect(inbox.body.data.map((e: { taskId: string }) => e.taskId)).toContain(escalated.id);
    expect((await call('GET', '/api/v1/escalations?status=later')).status).toBe(400);

    const entry = inbox.body.data.find((e: { taskId: string }) => e.taskId === escalated.id);
    const claim = `/api/v1/escalations/${entry.id}/claim`;
    expect((await call('POST', claim, { json: {} })).status).toBe(400);
    expect((await call('POST', claim, { json: { agent: 'sam' } })).body.claim).toMatchObject({ escalationId: entry.id, claimedBy: 'sam' });
    expect((await call('POST', claim, { json: { agent: 'kim' } })).status).toBe(409);
    expect((await call('POST', claim, { json: { agent: 'sam', renew: true } })).status).toBe(200);
    expect((await call('POST', `/api/v1/escalations/${randomUUID()}/claim`, { json: { agent: 'sam' } })).status).toBe(404);

    const path = `/api/v1/agent-tasks/${escalated.id}/escalation`;
    expect((await call('POST', path, { json: { action: 'reply', agent: 'sam' } })).status).toBe(400);
    const replied = await call('POST', path, { json: { action: 'reply', text: 'Hi, this is Sam.', agent: 'sam' } });
    expect(replied.status).toBe(200);
    expect(replied.body.outcome).toMatchObject({ status: 'delivered', action: 'reply', sent: true });
    expect((await call('POST', path, { json: { action: 'close', agent: 'kim' } })).status).toBe(409);
    expect((await call('POST', `/api/v1/agent-tasks/${randomUUID()}/escalation`, { json: { action: 'close', agent: 'kim' } })).status).toBe(404);

    const question = await say('How long does standard delivery take?');
    const waiting = await waitForStatus(question, 'awaiting_approval');
    const approval = `/api/v1/agent-tasks/${waiting.id}/approval`;
    expect((await call('POST', approval, { json: { decision: 'edit', agent: 'lee' } })).status).toBe(400);
    const approved = await call('POST', approval, { json: { decision: 'approve', agent: 'lee' } });
    expect(approved.status).toBe(200);
    expect(approved.body.outcome).toMatchObject({ status: 'delivered', action: 'approve' });
    expect((await call('POST', approval, { json: { decision: 'approve', agent: 'lee' } })).status).toBe(409);
    expect((await call('GET', `/api/v1/escalations?status=resolved&namespace=${ns}`)).body.data.length).toBe(2);

    // The approved draft was the assistant's: it can be flagged; the person's reply cannot.
    await waitFor(async () =>
      (await call('POST', `/api/v1/agent-tasks/${waiting.id}/feedback`, { json: { category: 'outdated', agent: 'lee' } })).status === 201 ? true : undefined,
    );
    expect((await call('POST', `/api/v1/agent-tasks/${escalated.id}/feedback`, { json: { category: 'outdated', agent: 'lee' } })).status).toBe(409);
    expect((await call('POST', `/api/v1/agent-tasks/${escalated.id}/feedback`, { json: { category: 'meh', agent: 'lee' } })).status).toBe(400);
    expect((await call('POST', `/api/v1/agent-tasks/${randomUUID()}/feedback`, { json: { category: 'outdated', agent: 'lee' } })).status).toBe(404);
    const flagged = await call('GET', `/api/v1/replies?namespace=${ns}&window=1h&flagged=true&limit=10`);
    expect(flagged.body.data.map((r: { taskId: string; flags: unknown[] }) => [r.taskId, r.flags.length])).toEqual([[waiting.id, 1]]);
    expect((await call('GET', '/api/v1/replies?flagged=maybe')).status).toBe(400);
    expect((await call('GET', '/api/v1/replies?namespace=nobody-here')).status).toBe(404);
    const analytics = await call('GET', `/api/v1/analytics?namespace=${ns}&window=1h`);
    expect(analytics.body).toMatchObject({ namespace: ns, flags: { total: 1 } });
    expect((await call('GET', '/api/v1/analytics?window=never')).status).toBe(400);
    expect((await call('GET', '/api/v1/analytics?namespace=nobody-here')).status).toBe(404);
    const gaps = await call('GET', `/api/v1/namespaces/${ns}/knowledge-gaps?window=1h`);
    expect(gaps.body).toMatchObject({ namespace: ns, groupedBy: 'words' });
    expect((await call('GET', `/api/v1/namespaces/${ns}/knowledge-gaps?window=later`)).status).toBe(400);
    expect((await call('POST', `/api/v1/namespaces/${ns}/knowledge-gaps/drafts`, { json: { taskId: randomUUID(), agent: 'lee' } })).status).toBe(404);
    expect((await call('POST', `/api/v1/namespaces/${ns}/knowledge-gaps/drafts`, { json: { taskId: escalated.id, agent: 'lee' } })).status).toBe(409);
    expect((await call('POST', `/api/v1/namespaces/${ns}/knowledge-gaps/drafts`, { json: { agent: 'lee' } })).status).toBe(400);
    expect((await call('POST', `/api/v1/namespaces/${ns}/knowledge-gaps/drafts/${randomUUID()}/publish`, { json: {} })).status).toBe(404);
  });

  it('when templates are written, listed, synced and removed, then they answer as documented', async () => {
    const base = `/api/v1/namespaces/${ns}/templates`;
    const put = { name: 'follow_up', language: 'en', body: 'Hello again: {{1}}' };
    expect((await call('PUT', base, { json: put })).status).toBe(201);
    const replaced = await call('PUT', base, { json: { ...put, account: phoneNumberId, category: 'UTILITY' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'follow_up', parameterCount: 1, source: 'api', account: phoneNumberId });
    expect((await call('PUT', base, { json: { name: 'Bad Name', language: 'english', body: '' } })).status).toBe(400);
    expect((await call('PUT', base, { json: { ...put, account: '999' } })).status).toBe(400);
    expect((await call('GET', '/api/v1/namespaces/nobody-here/templates')).status).toBe(404);

    stack.graph.setTemplates([
      { id: '11', name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Your order {{1}}' }] },
      { id: '12', name: 'promo', language: 'en_US', status: 'REJECTED', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale!' }] },
      { id: '13', name: 'image_only', language: 'en_US', status: 'APPROVED', category: 'MARKETING', components: [{ type: 'HEADER', format: 'IMAGE' }] },
    ]);
    expect((await call('POST', `${base}/sync`, { json: {} })).status).toBe(400);
    const synced = await call('POST', `${base}/sync`, { json: { businessAccountId: '102290129340398' } });
    expect(synced.body).toMatchObject({ added: 2, updated: 0, removed: 0, skipped: ['image_only'] });
    const list = await call('GET', base);
    expect(list.body.data.map((t: { name: string }) => t.name)).toEqual(['follow_up', 'order_update', 'promo']);
    expect(list.body.reengagement).toBeNull();
    const id = list.body.data[0].id;
    expect((await call('DELETE', `${base}/${id}`)).status).toBe(204);
    expect((await call('DELETE', `${base}/${id}`)).status).toBe(404);
  });

  it('when API keys are managed, then they answer as documented, and a role that may not is 403', async () => {
    const created = await call('POST', '/api/v1/api-keys', { json: { namespace: ns, role: 'agent', name: 'inbox' } });
    expect(created.status).toBe(201);
    expect((await call('POST', '/api/v1/api-keys', { json: { role: 'boss' } })).status).toBe(400);
    const list = await call('GET', '/api/v1/api-keys');
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);

    expect((await call('GET', '/api/v1/agent-tasks/stats', { key: created.body.key })).status).toBe(403);
    expect((await call('GET', '/api/v1/api-keys', { key: created.body.key })).status).toBe(403);

    expect((await call('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/v1/api-keys/${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', '/api/v1/api-keys', { key: created.body.key })).status).toBe(401);
  });

  it('when a contact is found and erased, then it answers as documented, and a second erasure is a 404', async () => {
    const id = wamid();
    await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id, from: '4479990001', text: 'hello' }));
    await finished(id);
    const found = await call('GET', `/api/v1/namespaces/${ns}/contacts?channel=whatsapp&externalId=4479990001`);
    expect(found.body.data).toHaveLength(1);
    expect((await call('GET', `/api/v1/namespaces/${ns}/contacts?channel=fax`)).status).toBe(400);
    const contact = found.body.data[0].id as string;
    expect((await call('GET', `/api/v1/namespaces/${ns}/contacts/${contact}`)).status).toBe(200);
    expect((await call('DELETE', `/api/v1/namespaces/${ns}/contacts/${contact}`)).body.erased).toMatchObject({ contactId: contact, tasks: 1 });
    expect((await call('DELETE', `/api/v1/namespaces/${ns}/contacts/${contact}`)).status).toBe(404);
    expect((await call('GET', `/api/v1/namespaces/${ns}/contacts/${contact}`)).status).toBe(404);
  });

  it('when a retention run is started and read, then it answers as documented', async () => {
    expect((await call('POST', '/api/v1/retention/run', { json: { batchSize: 0, extra: 1 } })).status).toBe(400);
    const started = await call('POST', '/api/v1/retention/run', { json: { namespaces: [ns], batchSize: 100 } });
    expect(started.status).toBe(202);
    const path = `/api/v1/retention/runs/${encodeURIComponent(started.body.workflowId)}`;
    const run = await waitFor(
      async () => {
        const answer = await call('GET', path);
        return answer.body.status === 'COMPLETED' ? answer.body : undefined;
      },
      20_000,
      'the retention run',
    );
    expect(run.progress).toMatchObject({ status: 'completed', namespaces: [{ namespace: ns, done: true }] });
    expect((await call('GET', '/api/v1/retention/runs/no-such-run')).status).toBe(404);
  });

  it('when a response does not match, then the check fails: an undocumented status, a wrong body, an undocumented route', () => {
    const task = { id: randomUUID(), status: 'delivered' }; // most fields missing
    expect(() => oas.check('GET', '/api/v1/agent-tasks', 200, 'application/json', { data: [task], nextCursor: null })).toThrow(/must have required property/);
    expect(() => oas.check('GET', '/api/v1/agent-tasks', 418, 'application/json', {})).toThrow(/not documented/);
    expect(() => oas.check('GET', '/api/v1/agent-tasks', 400, 'application/json', { error: { code: 'x' } })).toThrow(/message/);
    expect(() => oas.check('GET', '/api/v1/nothing', 200, 'application/json', {})).toThrow(/not a documented path/);
    expect(() => oas.check('PATCH', '/api/v1/agent-tasks', 200, 'application/json', {})).toThrow(/not documented/);
    expect(() => oas.check('GET', '/metrics', 200, 'application/json', {})).toThrow(/documented: text\/plain/);
  });

  it('when the suite is done, then every documented path and method was exercised', () => {
    const missing = oas.documented().filter((op) => !oas.exercised.has(op));
    expect(missing).toEqual([]);
    expect(oas.documented().length).toBeGreaterThanOrEqual(21);
  });
});
