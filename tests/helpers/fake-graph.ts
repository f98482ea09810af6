/**
 * A local fake of the WhatsApp Graph API over real HTTP. It records every request and
 * answers like Meta does; failures can be queued (`failNext`, `hangNext`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are asserted field by field
  body: Record<string, any>;
  at: number;
}

type Plan = { kind: 'fail'; status: number; body: unknown; headers?: Record<string, string> } | { kind: 'hang' };

export interface FakeGraph {
  url: string;
  requests: RecordedRequest[];
  /** Requests that sent a message (POST …/messages), in order. */
  sent(): RecordedRequest[];
  failNext(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** The next request is read and never answered (the client times out). */
  hangNext(): void;
  waitForSent(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startFakeGraph(): Promise<FakeGraph> {
  const requests: RecordedRequest[] = [];
  const plans: Plan[] = [];
  const hanging = new Set<http.ServerResponse>();
  let counter = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let body: Record<string, any> = {};
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        body = { unparsable: text };
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() });
      const plan = plans.shift();
      if (plan?.kind === 'hang') {
        hanging.add(res);
        return;
      }
      if (plan?.kind === 'fail') {
        res.writeHead(plan.status, { 'content-type': 'application/json', ...plan.headers });
        res.end(JSON.stringify(plan.body));
        return;
      }
      counter += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: body.to, wa_id: body.to }],
          messages: [{ id: `wamid.fake.${counter}` }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sent = () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));

  return {
    url: `http://127.0.0.1:${port}/v21.0`,
    requests,
    sent,
    failNext(status, body = { error: { message: 'fake failure', type: 'OAuthException', code: 1 } }, headers) {
      plans.push({ kind: 'fail', status, body, headers });
    },
    hangNext() {
      plans.push({ kind: 'hang' });
    },
    async waitForSent(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (sent().length < count) {
        if (Date.now() > deadline) throw new Error(`fake Graph API got ${sent().length} sends, expected ${count}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return sent();
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
