/**
 * DELETE /api/v1/namespaces/:ns/contacts/:id end to end, on both databases: a customer with a
 * delivered answer and a task waiting for a person is erased; afterwards their words appear in
 * no text or jsonb column of any table and in no log line, their running task has ended, their
 * workflows are gone from Temporal, another customer's data is untouched, and an audit row says
 * who erased whom, without the data.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db';
import { auditEvents, namespaces } from '../../src/db/schema';
import { createLogger } from '../../src/logger';
import { progressQuery } from '../../src/workflows/agent-task';
import { json } from '../helpers/http';
import { ADMIN_KEY, DB_KINDS, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

/** Where a planted string appears: every text, varchar and jsonb column of every table. */
async function whereFound(database: DatabaseHandle, needle: string): Promise<string[]> {
  const columns = await database.db.execute<{ table_name: string; column_name: string }>(sql`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`);
  const rows = Array.isArray(columns) ? columns : (columns as unknown as { rows: { table_name: string; column_name: string }[] }).rows;
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of rows) {
    const hit = await database.db.execute(sql`select 1 from ${sql.identifier(table)} where strpos(${sql.identifier(column)}::text, ${needle}) > 0 limit 1`);
    const hits = Array.isArray(hit) ? hit : (hit as unknown as { rows: unknown[] }).rows;
    if (hits.length > 0) found.push(`${table}.${column}`);
  }
  return found;
}

describe.each(DB_KINDS)('erasing a contact on request, on %s', (kind) => {
  const lines: string[] = [];
  const log = createLogger(
    'trace',
    new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const stack = useTestSystem(kind, { log });
  const { taskOf } = taskLookups(stack);
  const planted = `giraffe-${randomUUID().slice(0, 8)}`;
  const kept = `walrus-${randomUUID().slice(0, 8)}`;
  const phone = `4477${Date.now() % 1e8}`;
  const otherPhone = `4478${Date.now() % 1e8}`;
  let escalatedWorkflowId = '';
  let deliveredWorkflowId = '';
  let contactId = '';
  let otherNamespace = '';

  const call = (key: string, method: string, path: string, body?: unknown) =>
    fetch(`${stack.system.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const createKey = async (namespace: string, role: string) => (await json(await call(ADMIN_KEY, 'POST', '/api-keys', { namespace, role }))).key as string;
  const send = async (from: string, name: string, text: string) => {
    const id = wamid();
    const res = await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, from, name, text }));
    expect(res.status).toBe(200);
    return waitFor(() => taskOf(id), 10_000, 'the task');
  };

  beforeAll(async () => {
    otherNamespace = `erase-other-${randomUUID().slice(0, 8)}`;
    await stack.database.db.insert(namespaces).values({ name: otherNamespace });
    // A greeting is answered at once; the name is theirs too.
    const delivered = await send(phone, `Ada ${planted}`, 'hello');
    deliveredWorkflowId = delivered.workflowId;
    await stack.system.client.workflow.getHandle(deliveredWorkflowId).result();
    const escalated = await send(phone, `Ada ${planted}`, `I want to talk to a human about ${planted}`);
    escalatedWorkflowId = escalated.workflowId;
    const handle = stack.system.client.workflow.getHandle(escalatedWorkflowId);
    await waitFor(async () => (await handle.query(progressQuery)).status === 'escalated' || undefined, 20_000, 'the escalation');
    const other = await send(otherPhone, `Bo ${kept}`, 'hello');
    await stack.system.client.workflow.getHandle(other.workflowId).result();

    const found = await json(await call(ADMIN_KEY, 'GET', `/namespaces/default/contacts?channel=whatsapp&externalId=${phone}`));
    expect(found.data).toHaveLength(1);
    contactId = found.data[0].id;
    // The planted words are really stored before the erasure.
    expect(await whereFound(stack.database, planted)).not.toEqual([]);
  });

  it("when an agent key or another namespace's operator asks, then 403 and 404, and nothing is erased", async () => {
    expect((await call(await createKey('default', 'agent'), 'DELETE', `/namespaces/default/contacts/${contactId}`)).status).toBe(403);
    const outsider = await createKey(otherNamespace, 'operator');
    expect((await call(outsider, 'DELETE', `/namespaces/default/contacts/${contactId}`)).status).toBe(404);
    expect((await call(outsider, 'DELETE', `/namespaces/${otherNamespace}/contacts/${contactId}`)).status).toBe(404);
    expect((await call(ADMIN_KEY, 'GET', `/namespaces/default/contacts/${contactId}`)).status).toBe(200);
  });

  it("when the contact is erased, then their words are in no column of any table, the other customer's stay, and the task that waited has ended", async () => {
    const operator = await createKey('default', 'operator');
    const res = await call(operator, 'DELETE', `/namespaces/default/contacts/${contactId}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.erased).toMatchObject({ contactId, tasks: 2, tasksEnded: 1, workflowsDeleted: 2, conversations: 1, escalations: 1 });
    expect(body.erased.messages).toBeGreaterThanOrEqual(4); // two in, the answer and the hand-off notice out
    expect(body.erased.toolCalls).toBeGreaterThanOrEqual(8);

    expect(await whereFound(stack.database, planted)).toEqual([]);
    expect(await whereFound(stack.database, phone)).toEqual([]);
    expect(await whereFound(stack.database, kept)).not.toEqual([]);

    // The task that waited for a person has ended (its execution is then deleted by the server in the
    // background, which takes the dev server some 20-40 s: counted above as workflowsDeleted).
    const ended = await stack.system.client.workflow
      .getHandle(escalatedWorkflowId)
      .describe()
      .then(
        (d) => d.status.name,
        (err: unknown) => (err instanceof WorkflowNotFoundError ? 'DELETED' : String(err)),
      );
    expect(['TERMINATED', 'DELETED']).toContain(ended);
  });

  it('when the erasure is done, then an audit row records who erased which contact, and none of the erased data', async () => {
    const [audit] = await stack.database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.subject} = ${contactId}`);
    expect(audit).toMatchObject({ namespace: 'default', action: 'contact.erased', subject: contactId });
    expect(audit!.actor).toMatch(/^[0-9a-f-]{36}$/); // the operator key's id
    expect(JSON.stringify(audit)).not.toContain(planted);
    expect(JSON.stringify(audit)).not.toContain(phone);
  });

  it('when the contact is asked for again, or erased a second time, then 404', async () => {
    expect((await call(ADMIN_KEY, 'GET', `/namespaces/default/contacts/${contactId}`)).status).toBe(404);
    const again = await call(ADMIN_KEY, 'DELETE', `/namespaces/default/contacts/${contactId}`);
    expect(again.status).toBe(404);
    expect((await json(again)).error.code).toBe('not_found');
    expect((await call(ADMIN_KEY, 'DELETE', '/namespaces/default/contacts/not-a-uuid')).status).toBe(404);
    expect((await call(ADMIN_KEY, 'DELETE', `/namespaces/default/contacts/${randomUUID()}`)).status).toBe(404);
  });

  it('when the same person writes again after the erasure, then they are a new contact and are answered', async () => {
    const task = await send(phone, 'Ada', 'hello again');
    const result = await stack.system.client.workflow.getHandle(task.workflowId).result();
    expect(result).toMatchObject({ status: 'delivered' });
    const found = await json(await call(ADMIN_KEY, 'GET', `/namespaces/default/contacts?channel=whatsapp&externalId=${phone}`));
    expect(found.data).toHaveLength(1);
    expect(found.data[0].id).not.toBe(contactId);
  });

  it("when the run is over, then no log line at any level held the customer's words", () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes(planted))).toEqual([]);
  });
});
