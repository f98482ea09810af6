/**
 * A local fake of the WhatsApp Graph API over real HTTP. It records every request and
 * answers like Meta does; failures can be queued (`failNext`, `hangNext`).
 */
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-http';
import { postWebhook, status, webhookWith } from './whatsapp';

export type { RecordedRequest } from './fake-http';

const MESSAGES = /\/messages$/;
/** A send, not a read receipt: queued failures apply to these. */
const isSend = (req: RecordedRequest) => req.method === 'POST' && MESSAGES.test(req.path) && req.body.status !== 'read';

export interface FakeGraph {
  /** The base URL, with the API version: `http://127.0.0.1:<port>/v21.0`. */
  url: string;
  server: FakeServer;
  requests: RecordedRequest[];
  /** Requests that sent a message (POST …/messages with a `to`), in order. */
  sent(): RecordedRequest[];
  /** Read receipts (POST …/messages with `status: "read"`), in order. */
  readReceipts(): RecordedRequest[];
  failNext(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** The next request is read and never answered (the client times out). */
  hangNext(): void;
  /**
   * Like Meta: after each message it accepts, a signed `delivered` status webhook to the app at
   * `appUrl` (retried until the app answers 200, as Meta retries). Off until called; undefined turns it off.
   */
  sendReceiptsTo(appUrl: string | undefined): void;
  /** Receipts posted and answered 200 so far. */
  receiptsAccepted(): number;
  /**
   * What GET /{waba-id}/message_templates lists (Graph's shape: name, language, status, category,
   * components), two per page with `paging.next` like Meta's cursor paging.
   */
  setTemplates(templates: Array<Record<string, unknown>>): void;
  waitForSent(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startFakeGraph(): Promise<FakeGraph> {
  let counter = 0;
  let receiptsTo: string | undefined;
  let templates: Array<Record<string, unknown>> = [];
  let accepted = 0;
  /** Posts the receipt until the app takes it (up to a minute), in the background. */
  const sendReceipt = (phoneNumberId: string, id: string, deliveryId: unknown) => {
    const to = receiptsTo!;
    const body = webhookWith(phoneNumberId, { statuses: [status(id, 'delivered', deliveryId ? { biz_opaque_callback_data: deliveryId } : {})] });
    void (async () => {
      for (let attempt = 0, deadline = Date.now() + 60_000; Date.now() < deadline; attempt += 1) {
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 2000)));
        const res = await postWebhook(to, body).catch(() => undefined);
        if (res?.ok) return void (accepted += 1);
      }
    })();
  };
  const server = await startFakeServer((req) => {
    if (req.method === 'GET' && req.path.startsWith('/media-download/')) {
      if (req.headers.authorization !== 'Bearer test-access-token' && !req.headers.authorization?.startsWith('Bearer ')) {
        return { status: 401, body: { error: { message: 'no token', code: 190 } } };
      }
      return { status: 200, body: `fake-bytes-of-${req.path.split('/').pop()}`, headers: { 'content-type': 'image/jpeg' } };
    }
    const listing = /^\/v21\.0\/(\d+)\/message_templates(?:\?(.*))?$/.exec(req.path);
    if (req.method === 'GET' && listing) {
      if (!req.headers.authorization?.startsWith('Bearer ')) return { status: 401, body: { error: { message: 'no token', code: 190 } } };
      const after = Number(new URLSearchParams(listing[2] ?? '').get('after') ?? 0);
      const page = templates.slice(after, after + 2);
      const more = after + 2 < templates.length;
      return {
        status: 200,
        body: { data: page, paging: { cursors: {}, ...(more ? { next: `${base}/v21.0/${listing[1]}/message_templates?after=${after + 2}` } : {}) } },
      };
    }
    if (req.method === 'GET') {
      // GET /{media-id}: the media's short-lived download URL.
      const mediaId = req.path.split('?')[0]!.split('/').pop()!;
      return {
        status: 200,
        body: {
          messaging_product: 'whatsapp',
          url: `${base}/media-download/${mediaId}`,
          mime_type: 'image/jpeg',
          sha256: 'fake',
          file_size: 1234,
          id: mediaId,
        },
      };
    }
    if (req.body.status === 'read') return { status: 200, body: { success: true } };
    counter += 1;
    if (receiptsTo) sendReceipt(req.path.split('/').at(-2)!, `wamid.fake.${counter}`, req.body.biz_opaque_callback_data);
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: req.body.to, wa_id: req.body.to }],
        messages: [{ id: `wamid.fake.${counter}` }],
      },
    };
  });
  const base = server.url;
  const sent = () => server.requests.filter(isSend);

  return {
    url: `${base}/v21.0`,
    server,
    requests: server.requests,
    sent,
    readReceipts: () => server.requests.filter((r) => r.method === 'POST' && MESSAGES.test(r.path) && r.body.status === 'read'),
    failNext(status, body = { error: { message: 'fake failure', type: 'OAuthException', code: 1 } }, headers) {
      server.failNext(status, body, headers, isSend);
    },
    hangNext() {
      server.hangNext(isSend);
    },
    sendReceiptsTo(appUrl) {
      receiptsTo = appUrl;
    },
    receiptsAccepted: () => accepted,
    setTemplates(list) {
      templates = list;
    },
    async waitForSent(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (sent().length < count) {
        if (Date.now() > deadline) throw new Error(`fake Graph API got ${sent().length} sends, expected ${count}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return sent();
    },
    close: () => server.close(),
  };
}
