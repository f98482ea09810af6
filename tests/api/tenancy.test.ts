/**
 * Tenant isolation and roles over real HTTP: every /api/v1 route, called by an admin, an
 * operator of A, an agent of A and an operator of B, on namespace A and on namespace B.
 *
 * The rule, in order: a role that may not use the route gets 403 (whatever the namespace, so
 * nothing leaks); a key confined to one namespace gets 404 for another namespace's task,
 * document or namespace (a `namespace` filter naming it included), and lists without the other
 * namespace's rows; otherwise the route answers as usual. Tasks are seeded in the database (their workflows do not exist, so a
 * decision is a 409 and the detail serves the stored record).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentTasks, channelAccounts, contacts, conversations, escalations, messages, namespaces, outboundDeliveries, taskOutcomes } from '../../src/db/schema';
import { addDocument } from '../../src/knowledge/store';
import { json } from '../helpers/http';
import { ADMIN_KEY, useTestSystem } from '../helpers/system';

type Ns = 'A' | 'B';
type Role = 'admin' | 'operator of A' | 'agent of A' | 'operator of B';
const ROLES: Role[] = ['admin', 'operator of A', 'agent of A', 'operator of B'];
/** The namespace a role is confined to; undefined: every namespace. */
const HOME: Record<Role, Ns | undefined> = { admin: undefined, 'operator of A': 'A', 'agent of A': 'A', 'operator of B': 'B' };
const MANAGERS: Role[] = ['admin', 'operator of A', 'operator of B'];

interface Seeded {
  name: string;
  taskId: string;
  /** A task the assistant answered (its outcome says so, its answer was sent). */
  replyTaskId: string;
  documentId: string;
}

interface Request {
  method: string;
  path: string;
  body?: unknown;
}

interface RouteCase {
  route: string;
  /** Roles that may use the route; the others get 403. */
  roles: Role[];
  /** The status for an allowed role in a namespace it may see. */
  ok: number;
  /** What a confined key gets for the other namespace: a status, or "hidden" (200 without its rows). */
  other: number | 'hidden';
  request(ns: Seeded): Promise<Request> | Request;
  /** For lists: whether the namespace's row is in the body. */
  shows?(body: unknown, ns: Seeded): boolean;
}

describe('tenancy: role × route × namespace', () => {
  const stack = useTestSystem('postgres', { worker: false });
  const suffix = randomUUID().slice(0, 8);
  const seeded = {} as Record<Ns, Seeded>;
  const keys = {} as Record<Role, string>;

  const call = (role: Role, { method, path, body }: Request) =>
    fetch(`${stack.system.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${keys[role]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const asAdmin = async (request: Request) => {
    const res = await call('admin', request);
    expect(res.status, `${request.method} ${request.path}`).toBeLessThan(300);
    return json(res);
  };

  /** A namespace with one escalated task (a WhatsApp message with an image) and one document. */
  async function seed(ns: Ns): Promise<Seeded> {
    const db = stack.database.db;
    const name = `tenant-${ns.toLowerCase()}-${suffix}`;
    await db.insert(namespaces).values({ name, config: {} });
    const [account] = await db
      .insert(channelAccounts)
      .values({ namespace: name, channel: 'whatsapp', externalId: `5${Math.floor(Math.random() * 1e13)}`, settings: { source: 'env' } })
      .returning();
    const [contact] = await db
      .insert(contacts)
      .values({ namespace: name, channel: 'whatsapp', externalId: `4477${Date.now() % 1e7}` })
      .returning();
    const [conversation] = await db
      .insert(conversations)
      .values({ namespace: name, channelAccountId: account!.id, externalId: contact!.externalId, contactId: contact!.id })
      .returning();
    const externalId = `wamid.tenancy.${ns}.${suffix}`;
    const [message] = await db
      .insert(messages)
      .values({
        conversationId: conversation!.id,
        channelAccountId: account!.id,
        direction: 'inbound',
        externalId,
        contactId: contact!.id,
        kind: 'image',
        text: 'where is my order?',
        attachments: [{ type: 'image', mediaId: `media-${ns}-${suffix}`, mimeType: 'image/jpeg' }],
      })
      .returning();
    /** The task of a message of this conversation, as the workflow left it. */
    const taskOf = async (messageId: string, messageExternalId: string, status: 'escalated' | 'delivered', route: 'await_human' | 'deliver') =>
      (
        await db
          .insert(agentTasks)
          .values({
            namespace: name,
            channel: 'whatsapp',
            channelAccountId: account!.id,
            conversationId: conversation!.id,
            messageId,
            workflowId: `agent-task:${name}:whatsapp:${messageExternalId}`,
            status,
            route,
          })
          .returning()
      )[0]!;
    const task = await taskOf(message!.id, externalId, 'escalated', 'await_human');
    await db.insert(escalations).values({
      taskId: task.id,
      kind: 'escalation',
      namespace: name,
      conversationId: conversation!.id,
      reason: 'the customer asked for a person',
      deadlineAt: new Date(Date.now() + 3_600_000),
    });
    const [question] = await db
      .insert(messages)
      .values({
        conversationId: conversation!.id,
        channelAccountId: account!.id,
        direction: 'inbound',
        externalId: `${externalId}.2`,
        contactId: contact!.id,
        text: 'hello',
      })
      .returning();
    const answered = await taskOf(question!.id, `${externalId}.2`, 'delivered', 'deliver');
    await db.insert(outboundDeliveries).values({
      taskId: answered.id,
      part: 0,
      channel: 'whatsapp',
      channelAccountId: account!.id,
      recipient: contact!.externalId,
      text: 'Hello! How can I help?',
      status: 'sent',
      attempt: 1,
      sentAt: new Date(),
    });
    await db.insert(taskOutcomes).values({
      taskId: answered.id,
      namespace: name,
      channel: 'whatsapp',
      conversationId: conversation!.id,
      intent: 'greeting',
      resolvedBy: 'assistant',
      handedOver: false,
      attribution: 'assistant',
      createdAt: answered.createdAt,
      finishedAt: new Date(),
    });
    const document = await addDocument(db, { namespace: name, title: 'Orders', contentType: 'text/markdown', content: '# Orders\n\nOrders ship in 2 days.' });
    return { name, taskId: task.id, replyTaskId: answered.id, documentId: document.id };
  }

  beforeAll(async () => {
    seeded.A = await seed('A');
    seeded.B = await seed('B');
    keys.admin = ADMIN_KEY;
    for (const [role, ns, keyRole] of [
      ['operator of A', 'A', 'operator'],
      ['agent of A', 'A', 'agent'],
      ['operator of B', 'B', 'operator'],
    ] as const) {
      keys[role] = (await asAdmin({ method: 'POST', path: '/api-keys', body: { namespace: seeded[ns].name, role: keyRole } })).key;
    }
  });

  const listed = (body: unknown) => (body as { data: Array<Record<string, unknown>> }).data;
  const escalation = { action: 'close', text: 'handled elsewhere', agent: 'tenancy-test' };

  const ROUTES: RouteCase[] = [
    {
      route: 'GET /agent-tasks',
      roles: MANAGERS,
      ok: 200,
      other: 'hidden',
      request: () => ({ method: 'GET', path: '/agent-tasks?limit=200' }),
      shows: (body, ns) => listed(body).some((t) => t.id === ns.taskId),
    },
    {
      route: 'GET /agent-tasks?namespace=',
      roles: MANAGERS,
      ok: 200,
      other: 404,
      request: (ns) => ({ method: 'GET', path: `/agent-tasks?namespace=${ns.name}` }),
      shows: (body, ns) => listed(body).some((t) => t.id === ns.taskId),
    },
    {
      route: 'GET /agent-tasks/stats?namespace=',
      roles: MANAGERS,
      ok: 200,
      other: 404,
      request: (ns) => ({ method: 'GET', path: `/agent-tasks/stats?window=1h&namespace=${ns.name}` }),
    },
    { route: 'GET /agent-tasks/:id', roles: ROLES, ok: 200, other: 404, request: (ns) => ({ method: 'GET', path: `/agent-tasks/${ns.taskId}` }) },
    {
      route: 'GET /agent-tasks/:id/attachments/0',
      roles: MANAGERS,
      ok: 200,
      other: 404,
      request: (ns) => ({ method: 'GET', path: `/agent-tasks/${ns.taskId}/attachments/0` }),
    },
    {
      route: 'POST /agent-tasks/:id/escalation',
      roles: ROLES,
      ok: 409, // allowed, but the seeded task's workflow does not wait for anyone
      other: 404,
      request: (ns) => ({ method: 'POST', path: `/agent-tasks/${ns.taskId}/escalation`, body: escalation }),
    },
    {
      route: 'POST /agent-tasks/:id/approval',
      roles: ROLES,
      ok: 409,
      other: 404,
      request: (ns) => ({ method: 'POST', path: `/agent-tasks/${ns.taskId}/approval`, body: { decision: 'approve', agent: 'tenancy-test' } }),
    },
    {
      route: 'POST /agent-tasks/:id/approval (invalid body)',
      roles: ROLES,
      ok: 400,
      other: 404,
      request: (ns) => ({ method: 'POST', path: `/agent-tasks/${ns.taskId}/approval`, body: { decision: 'maybe' } }),
    },
    {
      route: 'GET /escalations',
      roles: ROLES,
      ok: 200,
      other: 'hidden',
      request: () => ({ method: 'GET', path: '/escalations?limit=200' }),
      shows: (body, ns) => listed(body).some((e) => e.taskId === ns.taskId),
    },
    {
      route: 'GET /escalations?namespace=',
      roles: ROLES,
      ok: 200,
      other: 404,
      request: (ns) => ({ method: 'GET', path: `/escalations?namespace=${ns.name}` }),
      shows: (body, ns) => listed(body).some((e) => e.taskId === ns.taskId),
    },
    {
      route: 'GET /replies?namespace=',
      roles: ROLES,
      ok: 200,
      other: 404,
      request: (ns) => ({ method: 'GET', path: `/replies?namespace=${ns.name}&window=1h` }),
      shows: (body, ns) => listed(body).some((r) => r.taskId === ns.replyTaskId),
    },
    {
      route: 'POST /agent-tasks/:id/feedback',
      roles: ROLES,
      ok: 201,
      other: 404,
      request: (ns) => ({ method: 'POST', path: `/agent-tasks/${ns.replyTaskId}/feedback`, body: { category: 'incomplete', agent: 'tenancy-test' } }),
    },
    { route: 'GET /namespaces/:ns', roles: MANAGERS, ok: 200, other: 404, request: (ns) => ({ method: 'GET', path: `/namespaces/${ns.name}` }) },
    { route: 'PUT /namespaces/:ns', roles: MANAGERS, ok: 200, other: 404, request: (ns) => ({ method: 'PUT', path: `/namespaces/${ns.name}`, body: {} }) },
    {
      route: 'PUT /namespaces/:ns (invalid config)',
      roles: MANAGERS,
      ok: 400,
      other: 404,
      request: (ns) => ({ method: 'PUT', path: `/namespaces/${ns.name}`, body: { trustMatrix: { refund: 'sometimes' } } }),
    },
    {
      route: 'POST /namespaces/:ns/documents',
      roles: MANAGERS,
      ok: 201,
      other: 404,
      request: (ns) => ({ method: 'POST', path: `/namespaces/${ns.name}/documents`, body: { title: 'Returns', content: 'Returns within 30 days.' } }),
    },
    {
      route: 'GET /namespaces/:ns/documents',
      roles: MANAGERS,
      ok: 200,
      other: 404,
      request: (ns) => ({ method: 'GET', path: `/namespaces/${ns.name}/documents` }),
    },
    {
      route: 'GET /namespaces/:ns/documents/:id',
      roles: MANAGERS,
      ok: 200,
      other: 404,
      request: (ns) => ({ method: 'GET', path: `/namespaces/${ns.name}/documents/${ns.documentId}` }),
    },
    {
      route: 'DELETE /namespaces/:ns/documents/:id',
      roles: MANAGERS,
      ok: 204,
      other: 404,
      request: async (ns) => {
        const doc = await addDocument(stack.database.db, { namespace: ns.name, title: 'Old', contentType: 'text/plain', content: 'To be deleted.' });
        return { method: 'DELETE', path: `/namespaces/${ns.name}/documents/${doc.id}` };
      },
    },
    {
      route: 'POST /rag/draft',
      roles: MANAGERS,
      ok: 200,
      other: 404,
      request: (ns) => ({ method: 'POST', path: '/rag/draft', body: { namespace: ns.name, text: 'when do orders ship?' } }),
    },
    {
      route: 'POST /api-keys',
      roles: MANAGERS,
      ok: 201,
      other: 403, // as the issue says for keys: an operator may not make keys for another namespace
      request: (ns) => ({ method: 'POST', path: '/api-keys', body: { namespace: ns.name, role: 'agent' } }),
    },
    {
      route: 'GET /api-keys',
      roles: MANAGERS,
      ok: 200,
      other: 'hidden',
      request: () => ({ method: 'GET', path: '/api-keys' }),
      shows: (body, ns) => listed(body).some((k) => k.namespace === ns.name),
    },
    {
      route: 'DELETE /api-keys/:id',
      roles: MANAGERS,
      ok: 204,
      other: 404,
      request: async (ns) => {
        const key = await asAdmin({ method: 'POST', path: '/api-keys', body: { namespace: ns.name, role: 'agent' } });
        return { method: 'DELETE', path: `/api-keys/${key.id}` };
      },
    },
  ];

  const cases = ROUTES.flatMap((route) =>
    ROLES.flatMap((role) =>
      (['A', 'B'] as const).map((ns) => {
        const home = HOME[role];
        const where = home === undefined ? `namespace ${ns}` : home === ns ? `its own namespace ${ns}` : `the other namespace ${ns}`;
        const expected: number | 'hidden' = !route.roles.includes(role) ? 403 : home === undefined || home === ns ? route.ok : route.other;
        const outcome = expected === 'hidden' ? '200 without its rows' : String(expected);
        return { name: `when the ${role} calls ${route.route} in ${where}, then ${outcome}`, route, role, ns, expected };
      }),
    ),
  );

  for (const { name, route, role, ns, expected } of cases) {
    it(name, async () => {
      const res = await call(role, await route.request(seeded[ns]));
      const status = expected === 'hidden' ? 200 : expected;
      const body = res.headers.get('content-type')?.includes('json') ? await json(res) : await res.text();
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (status === 403) expect(body.error.code).toBe('forbidden');
      if (status === 404) expect(body.error.code).toBe('not_found');
      if (route.shows && status === 200) expect(route.shows(body, seeded[ns])).toBe(expected !== 'hidden');
    });
  }

  it('when an operator PUTs a namespace that does not exist, then 404 and it is not created; an admin creates it (201)', async () => {
    const fresh = `tenant-new-${suffix}`;
    for (const role of ['operator of A', 'operator of B'] as const) {
      expect((await call(role, { method: 'PUT', path: `/namespaces/${fresh}`, body: {} })).status).toBe(404);
    }
    expect((await call('agent of A', { method: 'PUT', path: `/namespaces/${fresh}`, body: {} })).status).toBe(403);
    expect((await call('admin', { method: 'GET', path: `/namespaces/${fresh}` })).status).toBe(404);
    expect((await call('admin', { method: 'PUT', path: `/namespaces/${fresh}`, body: {} })).status).toBe(201);
  });

  it('when a confined key asks for a namespace that does not exist, then the same 404 as for another tenant', async () => {
    const missing = await json(await call('operator of A', { method: 'GET', path: '/namespaces/tenant-missing' }));
    const other = await json(await call('operator of A', { method: 'GET', path: `/namespaces/${seeded.B.name}` }));
    expect(missing.error.message.replace('tenant-missing', 'X')).toBe(other.error.message.replace(seeded.B.name, 'X'));
  });
});
