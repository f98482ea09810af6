/**
 * Bad input: a corpus of malformed and hostile requests (tests/fixtures/bad-input/*.json) sent over
 * real HTTP to the real system. Every one is refused with a 4xx and the JSON error shape, the
 * server keeps answering /healthz, and nothing is stored.
 *
 * A corpus entry: { name, method, path, headers?, body?, sign?, expectStatus, why? }.
 * - body: a string is sent as the exact bytes; anything else is sent as JSON.
 * - sign: "whatsapp" (X-Hub-Signature-256), "telegram" (the secret token header) or "slack"
 *   (v0 signature; X-Slack-Request-Timestamp from headers if given, else now) over the exact bytes.
 * - headers: a null value leaves the header out (e.g. no Authorization); an array sends it twice.
 *   API requests carry the admin key unless `authorization` is given.
 * - placeholders in path, headers and body strings: {{phoneNumberId}} (the system's WhatsApp
 *   account), {{taskId}} (a real task, made before counting), {{wamid}} (a fresh message id),
 *   {{now}} (the time in seconds), {{huge}} (1 MiB + 64 bytes of "x"), {{repeat:N:s}} (s repeated N times).
 * - expectStatus: a status, or [min, max].
 */
import { request } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { signSlackBody } from '../../src/channels/slack';
import { signBody } from '../../src/channels/whatsapp';
import { taskLookups } from '../helpers/tasks';
import { ADMIN_KEY, SLACK_SIGNING_SECRET, TELEGRAM_WEBHOOK_SECRET, useTestSystem, waitFor } from '../helpers/system';
import { APP_SECRET, postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

/** The codes of a request that failed validation: their 400s carry `problems`. */
const VALIDATION_CODES = ['invalid_query', 'invalid_request', 'invalid_config', 'invalid_document', 'invalid_decision', 'invalid_body'];

interface Entry {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string | string[] | null>;
  body?: unknown;
  sign?: 'whatsapp' | 'telegram' | 'slack' | null;
  expectStatus: number | [number, number];
  /** Why this must be refused (kept in the fixture for the reader). */
  why?: string;
  /** Which fixture file it came from; set on load. */
  file?: string;
}

const CORPUS_DIR = path.join(__dirname, '..', 'fixtures', 'bad-input');
const corpus: Entry[] = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((file) => (JSON.parse(readFileSync(path.join(CORPUS_DIR, file), 'utf8')) as Entry[]).map((e) => ({ ...e, file })));

/** Tables whose row counts must not change; the brief's seven and what hangs off them. */
const TABLES = [
  'agent_tasks',
  'messages',
  'inbound_events',
  'documents',
  'document_chunks',
  'namespaces',
  'api_keys',
  'escalations',
  'human_decisions',
  'contacts',
  'conversations',
  'channel_accounts',
  'outbound_deliveries',
  'agent_tool_calls',
] as const;

const HUGE = 'x'.repeat(1024 * 1024 + 64);

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** node:http rather than fetch: the path goes out exactly as written (no dot-segment removal) and headers may repeat. */
function send(baseUrl: string, method: string, rawPath: string, headers: Record<string, string | string[]>, body: Buffer | undefined): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path: rawPath, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input: every malformed or hostile request is refused, the server stays up, nothing is stored', () => {
  const stack = useTestSystem('postgres');
  const url = () => stack.system.url!;
  const { finished, taskOf } = taskLookups(stack);
  const vars: Record<string, string> = {};
  let before: Record<string, number> = {};
  const seen: Array<{ route: string; status: number }> = [];

  const countRows = async () => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const rows = await stack.database.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
      counts[table] = Number((rows as unknown as Array<{ n: number }>)[0]?.n ?? (rows as unknown as { rows: Array<{ n: number }> }).rows[0]?.n);
    }
    return counts;
  };

  const fill = (s: string): string =>
    s
      .replace(/\{\{repeat:(\d+):([^}]*)\}\}/g, (_m, n: string, part: string) => part.repeat(Number(n)))
      .replace(/\{\{huge\}\}/g, HUGE)
      .replace(/\{\{wamid\}\}/g, () => wamid())
      .replace(/\{\{now\}\}/g, () => String(Math.floor(Date.now() / 1000)))
      .replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m);
  const fillDeep = (value: unknown): unknown => {
    if (typeof value === 'string') return fill(value);
    if (Array.isArray(value)) return value.map(fillDeep);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k), fillDeep(v)]));
    return value;
  };

  beforeAll(async () => {
    // A real task to aim escalation and approval bodies at, finished before anything is counted.
    const id = wamid();
    const res = await postWebhook(url(), textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, text: 'hi' }));
    expect(res.status).toBe(200);
    await finished(id);
    vars.taskId = (await taskOf(id))!.id;
    vars.phoneNumberId = stack.system.phoneNumberId;
    before = await countRows();
  });

  it(`the corpus holds at least 100 entries (${corpus.length})`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    expect(new Set(corpus.map((e) => `${e.file}: ${e.name}`)).size).toBe(corpus.length);
  });

  it.each(corpus.map((e) => [`${e.file}: ${e.name}`, e] as const))('when %s, then it is refused', async (_label, entry) => {
    const route = entry.file!.replace(/\.json$/, '');
    const raw =
      entry.body === undefined ? undefined : Buffer.from(typeof entry.body === 'string' ? fill(entry.body) : JSON.stringify(fillDeep(entry.body)), 'utf8');
    const headers: Record<string, string | string[]> = {};
    const given = Object.fromEntries(Object.entries(entry.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    if (entry.path.startsWith('/api/') && !('authorization' in given)) headers.authorization = `Bearer ${ADMIN_KEY}`;
    if (raw && !('content-type' in given)) headers['content-type'] = 'application/json';
    for (const [k, v] of Object.entries(given)) if (v !== null) headers[k] = Array.isArray(v) ? v.map(fill) : fill(v);

    const bytes = raw ?? Buffer.alloc(0);
    if (entry.sign === 'whatsapp') headers['x-hub-signature-256'] = signBody(bytes, APP_SECRET);
    if (entry.sign === 'telegram') headers['x-telegram-bot-api-secret-token'] = TELEGRAM_WEBHOOK_SECRET;
    if (entry.sign === 'slack') {
      const ts = typeof headers['x-slack-request-timestamp'] === 'string' ? Number(headers['x-slack-request-timestamp']) : Math.floor(Date.now() / 1000);
      headers['x-slack-request-timestamp'] = String(ts);
      headers['x-slack-signature'] = signSlackBody(bytes, SLACK_SIGNING_SECRET, ts);
    }

    const answer = await send(url(), entry.method, fill(entry.path), headers, raw);
    seen.push({ route, status: answer.status });
    const [min, max] = Array.isArray(entry.expectStatus) ? entry.expectStatus : [entry.expectStatus, entry.expectStatus];
    expect(answer.status, `${entry.name}: ${answer.text.slice(0, 300)}`).toBeGreaterThanOrEqual(min);
    expect(answer.status, `${entry.name}: ${answer.text.slice(0, 300)}`).toBeLessThanOrEqual(max);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.contentType).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown; problems?: unknown } };
    expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    // The one 400 shape: whatever the route, a request that fails validation lists its problems.
    if (answer.status === 400 && VALIDATION_CODES.includes(String(body.error?.code))) {
      expect(body.error?.problems, `${entry.name}: ${answer.text.slice(0, 300)}`).toEqual(
        expect.arrayContaining([{ path: expect.any(String), message: expect.any(String) }]),
      );
      expect(body.error?.message).toMatch(/^\d+ problem\(s\): /);
    }

    const health = await send(url(), 'GET', '/healthz', {}, undefined);
    expect(health.status).toBe(200);
  });

  it('when the whole corpus has been sent, then the server is up and not one row was stored', async () => {
    expect((await send(url(), 'GET', '/healthz', {}, undefined)).status).toBe(200);
    expect((await send(url(), 'GET', '/readyz', {}, undefined)).status).toBe(200);
    expect(await countRows()).toEqual(before);

    const byRoute = new Map<string, Map<number, number>>();
    for (const { route, status } of seen) {
      const statuses = byRoute.get(route) ?? new Map<number, number>();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      byRoute.set(route, statuses);
    }
    const summary = [...byRoute]
      .map(([route, statuses]) => {
        const total = [...statuses.values()].reduce((a, b) => a + b, 0);
        return `${route} ${total} (${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')})`;
      })
      .join('; ');
    console.log(`bad input: ${seen.length} requests; ${summary}`);
    expect(seen.length).toBe(corpus.length);
  });

  it('when signed messages carry hostile-looking text to a real account, then they are valid customer messages: each stored once, as sent', async () => {
    // Not part of the corpus: a correctly signed, well-formed message is the customer's, whatever it says.
    const texts = {
      sql: "'; drop table agent_tasks; --",
      rtl: 'refund \u202Egnp.exe',
      zwj: 'family \u{1F468}\u200D\u{1F469}\u200D\u{1F467} question',
      nul: 'hello\u0000world',
      lone: 'broken \uD800 surrogate',
    };
    const counts = await countRows();
    const ids: Record<string, string> = {};
    for (const [kind, text] of Object.entries(texts)) {
      ids[kind] = wamid();
      const res = await postWebhook(url(), textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id: ids[kind], text }));
      expect(res.status, `${kind}: ${await res.clone().text()}`).toBe(200);
    }
    const stored = await stack.database.db.execute<{ external_id: string; text: string }>(
      sql`select external_id, text from messages where external_id in (${sql.join(
        Object.values(ids).map((i) => sql`${i}`),
        sql`, `,
      )})`,
    );
    const byId = new Map((stored as unknown as Array<{ external_id: string; text: string }>).map((r) => [r.external_id, r.text]));
    expect(byId.get(ids.sql!)).toBe(texts.sql);
    expect(byId.get(ids.rtl!)).toBe(texts.rtl);
    expect(byId.get(ids.zwj!)).toBe(texts.zwj);
    expect(byId.get(ids.nul!)).toBe('hello\uFFFDworld');
    expect(byId.get(ids.lone!)).toBe('broken \uFFFD surrogate');
    const after = await countRows();
    expect(after.agent_tasks! - counts.agent_tasks!).toBe(5);
    // Some are escalated (an injection-looking text waits for a person): let each settle, then end the waiting ones.
    for (const id of Object.values(ids)) {
      const task = await waitFor(
        async () => {
          const t = await taskOf(id);
          return t && !['queued', 'running'].includes(t.status) ? t : undefined;
        },
        30_000,
        `task of ${id} to settle`,
      );
      await stack.system.client.workflow
        .getHandle(task.workflowId)
        .terminate('bad-input test done')
        .catch(() => undefined);
    }
  });
});
