/**
 * PAYLOAD_ENCRYPTION_KEY end to end: a customer's words and an agent's reply cross the real dev
 * server encrypted (history, memo, summary, the server's SQLite file), the product still reads
 * them, and the codec server shows them in clear to the Web UI and the CLI with the right key only.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { messages, namespaces } from '../../src/db/schema';
import { progressQuery } from '../../src/workflows/agent-task';
import { ENCRYPTED_ENCODING } from '../../src/temporal/codec';
import { CODEC_COOKIE } from '../../src/api/routes/codec';
import { json } from '../helpers/http';
import { OLD_PAYLOAD_KEY } from '../../testkit/payload-key';
import { ADMIN_KEY, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

const KEY = `e2e-${randomUUID().slice(0, 8)}:${randomBytes(32).toString('base64')}`;
const WEB_UI = 'http://localhost:8233';

interface JsonPayload {
  metadata: Record<string, string>;
  data?: string;
}

/** Every string in a JSON value, and the text of every one that is base64 (how histories hold payload bytes). */
function readableText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      out.push(v);
      if (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0) out.push(Buffer.from(v, 'base64').toString('utf8'));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out.join('\n');
}

describe('encrypted workflow payloads', () => {
  const stack = useTestSystem('pglite', { env: { PAYLOAD_ENCRYPTION_KEY: KEY } });
  const { taskOf } = taskLookups(stack);
  const planted = `zebra-${randomUUID().slice(0, 8)}`;
  const plantedReply = `okapi-${randomUUID().slice(0, 8)}`;
  const customer = `Quentin ${randomUUID().slice(0, 6)}`;
  let workflowId = '';
  let operatorKey = '';
  let otherOperatorKey = '';
  let agentKey = '';

  // Asynchronous: the CLI calls back into this process's codec server.
  const temporal = async (...args: string[]) =>
    (await promisify(execFile)(inject('temporalCli'), [...args, '--address', inject('temporalAddress'), '--output', 'json'], { encoding: 'utf8' })).stdout;
  const codec = (route: string, init: { headers?: Record<string, string>; body?: unknown; method?: string } = {}) =>
    fetch(`${stack.system.url}/codec/${route}`, {
      method: init.method ?? 'POST',
      headers: { origin: WEB_UI, 'content-type': 'application/json', 'x-namespace': 'default', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const createKey = async (namespace: string, role: string) => {
    const res = await fetch(`${stack.system.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ namespace, role }),
    });
    expect(res.status).toBe(201);
    return (await json(res)).key as string;
  };
  /** The encrypted input of the workflow's start, as the Web UI sends it to the codec server. */
  const startInput = async (): Promise<JsonPayload[]> => {
    const history = await stack.system.client.workflow.getHandle(workflowId).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    return input.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
      data: Buffer.from(p.data!).toString('base64'),
    }));
  };
  const encodingOf = (p: JsonPayload) => Buffer.from(p.metadata.encoding!, 'base64').toString();

  beforeAll(async () => {
    const other = `codec-other-${randomUUID().slice(0, 8)}`;
    await stack.database.db.insert(namespaces).values({ name: other });
    [operatorKey, otherOperatorKey, agentKey] = await Promise.all([
      createKey('default', 'operator'),
      createKey(other, 'operator'),
      createKey('default', 'agent'),
    ]);
    // A request for a person: the workflow waits, an agent replies through the API.
    const id = wamid();
    const res = await postWebhook(
      stack.system.url!,
      textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, name: customer, text: `I want to talk to a human about order ${planted}` }),
    );
    expect(res.status).toBe(200);
    const task = await waitFor(() => taskOf(id), 10_000, 'the task');
    workflowId = task.workflowId;
    const handle = stack.system.client.workflow.getHandle(workflowId);
    await waitFor(async () => (await handle.query(progressQuery)).status === 'escalated' || undefined, 20_000, 'the escalation');
    const reply = await fetch(`${stack.system.url}/api/v1/agent-tasks/${task.id}/escalation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'reply', text: `Hello, your order ${plantedReply} is on its way`, agent: 'sam' }),
    });
    expect(reply.status).toBe(200);
    await handle.result();
  });

  it('when a key is set, then the product still reads its own workflows: progress, memo and summary decode', async () => {
    const handle = stack.system.client.workflow.getHandle(workflowId);
    expect((await handle.query(progressQuery)).status).toBe('delivered');
    const description = await handle.describe();
    expect(description.memo).toMatchObject({ contact: customer, channel: 'whatsapp' });
    expect(await description.staticSummary()).toContain(planted);
    // The planted words are really in the run: in the product's own database, in clear.
    const [stored] = await stack.database.db
      .select({ text: messages.text })
      .from(messages)
      .where(eq(messages.text, `I want to talk to a human about order ${planted}`));
    expect(stored).toBeDefined();
  });

  it("when the history is read without the codec, then neither the customer's words, the name nor the reply appear in it", async () => {
    const shown = readableText(JSON.parse(await temporal('workflow', 'show', '--workflow-id', workflowId)));
    const describedJson = await temporal('workflow', 'describe', '--workflow-id', workflowId);
    const described = readableText(JSON.parse(describedJson));
    for (const secret of [planted, plantedReply, customer]) {
      expect(shown).not.toContain(secret);
      expect(described).not.toContain(secret);
    }
    expect(shown).toContain(Buffer.from(ENCRYPTED_ENCODING).toString('base64'));
    // Search attributes stay readable, for the Web UI's filters: they hold no customer text.
    expect(describedJson).toContain('AgentTaskStatus');
  });

  it("when the dev server's database file is read, then the planted words are not in it", () => {
    const dbFile = path.join(inject('tmpDir'), 'temporal.db');
    const bytes = [dbFile, `${dbFile}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes).toContain(workflowId); // the run is in this file
    for (const secret of [planted, plantedReply, customer]) expect(bytes).not.toContain(secret);
  });

  it('when the CLI reads the history through the codec server with an admin key, then the words are there in clear', async () => {
    const endpoint = ['--codec-endpoint', `${stack.system.url}/codec`];
    const shown = readableText(JSON.parse(await temporal('workflow', 'show', '--workflow-id', workflowId, ...endpoint, '--codec-auth', `Bearer ${ADMIN_KEY}`)));
    expect(shown).toContain(planted);
    expect(shown).toContain(plantedReply);
  });

  it('when the Web UI preflights the codec server, then its origin, credentials and the Authorization header are allowed; another origin is not', async () => {
    const preflight = await fetch(`${stack.system.url}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: WEB_UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(WEB_UI);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const stranger = await fetch(`${stack.system.url}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('when the Web UI decodes without credentials, or with an agent key, then 401 and 403 and nothing decoded', async () => {
    const payloads = await startInput();
    const anonymous = await codec('decode', { body: { payloads } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(WEB_UI); // the UI can read the error
    expect(JSON.stringify(await json(anonymous))).not.toContain(planted);
    const agent = await codec('decode', { headers: { authorization: `Bearer ${agentKey}` }, body: { payloads } });
    expect(agent.status).toBe(403);
    // A Web UI passing its own (OIDC) token that is not one of our keys: no cookie, so still 401.
    expect((await codec('decode', { headers: { authorization: 'Bearer eyJhbGciOi.not-ours' }, body: { payloads } })).status).toBe(401);
  });

  it("when an admin or the task's namespace operator decodes, then the payload comes back in clear; another namespace's operator gets it still encrypted", async () => {
    const payloads = await startInput();
    for (const key of [ADMIN_KEY, operatorKey]) {
      const res = await codec('decode', { headers: { authorization: `Bearer ${key}` }, body: { payloads } });
      expect(res.status).toBe(200);
      const [decoded] = (await json(res)).payloads as JsonPayload[];
      expect(encodingOf(decoded!)).toBe('json/plain');
      expect(JSON.parse(Buffer.from(decoded!.data!, 'base64').toString())).toMatchObject({ channel: 'whatsapp', namespace: 'default' });
    }
    const other = await codec('decode', { headers: { authorization: `Bearer ${otherOperatorKey}` }, body: { payloads } });
    expect(other.status).toBe(200);
    const [kept] = (await json(other)).payloads as JsonPayload[];
    expect(kept).toEqual(payloads[0]);
  });

  it('when the console opens a codec session, then the Web UI decodes with the cookie alone; a forged or cleared cookie does not', async () => {
    const payloads = await startInput();
    const session = await codec('session', { headers: { authorization: `Bearer ${operatorKey}` } });
    expect(session.status).toBe(204);
    const setCookie = session.headers.get('set-cookie')!;
    expect(setCookie).toMatch(new RegExp(`^${CODEC_COOKIE}=`));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Path=\/codec/);
    expect(setCookie).not.toContain(operatorKey);
    const cookie = setCookie.split(';')[0]!;
    const withCookie = await codec('decode', { headers: { cookie }, body: { payloads } });
    expect(withCookie.status).toBe(200);
    expect(encodingOf((await json(withCookie)).payloads[0])).toBe('json/plain');

    const forged = cookie.replace(/\.[^.]+$/, '.AAAA');
    expect((await codec('decode', { headers: { cookie: forged }, body: { payloads } })).status).toBe(401);
    const cleared = await codec('session', { method: 'DELETE' });
    expect(cleared.headers.get('set-cookie')).toMatch(new RegExp(`${CODEC_COOKIE}=;`));
  });

  it("when a revoked key's session cookie is sent, then it no longer decodes", async () => {
    const key = await createKey('default', 'operator');
    const session = await codec('session', { headers: { authorization: `Bearer ${key}` } });
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const listed = await json(await fetch(`${stack.system.url}/api/v1/api-keys`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));
    const id = (listed.data as { id: string; prefix: string }[]).find((k) => key.startsWith(k.prefix))!.id;
    await fetch(`${stack.system.url}/api/v1/api-keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect((await codec('decode', { headers: { cookie }, body: { payloads: await startInput() } })).status).toBe(401);
  });

  it("when the Web UI encodes a signal's input, then it decodes back; a bad body is a 400, an unknown key a 422", async () => {
    const clear = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"note":"hi"}').toString('base64') };
    const auth = { authorization: `Bearer ${ADMIN_KEY}` };
    const encoded = await json(await codec('encode', { headers: auth, body: { payloads: [clear] } }));
    expect(encodingOf(encoded.payloads[0])).toBe(ENCRYPTED_ENCODING);
    const decoded = await json(await codec('decode', { headers: auth, body: encoded }));
    expect(decoded.payloads[0]).toEqual(clear);

    const bad = await codec('decode', { headers: auth, body: { nope: true } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/payloads/);
    const foreign = {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING).toString('base64'),
        'encryption-key-id': Buffer.from(OLD_PAYLOAD_KEY.split(':')[0]!).toString('base64'),
      },
      data: randomBytes(40).toString('base64'),
    };
    const unknown = await codec('decode', { headers: auth, body: { payloads: [foreign] } });
    expect(unknown.status).toBe(422);
    expect((await json(unknown)).error.message).toMatch(/key "old-test"/);
  });
});
