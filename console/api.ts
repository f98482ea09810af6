/** The console's view of the HTTP API and the live feed. The key lives in sessionStorage only. */

// The API's shapes come from the server's own types (type-only: nothing of the server is bundled).
import type { Analytics, Claim, FeedEvent, Feedback, InboxEntry, Reply, TaskDetail, TemplateList } from '../src/api/wire';

export type { Analytics, Claim, FeedEvent, Feedback, InboxEntry, Reply, TaskDetail, TemplateList, ToolCall } from '../src/api/wire';
export interface ConsoleConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KEY = 'agent-console.key';
export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set key(value: string | null) {
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
  },
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${session.key ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(res.status, payload.error?.code ?? 'http_error', payload.error?.message ?? `HTTP ${res.status}`);
  return payload as T;
}

export const inbox = () => api<{ data: InboxEntry[] }>('GET', '/escalations?status=open&limit=200').then((r) => r.data);
export const taskDetail = (id: string) => api<TaskDetail>('GET', `/agent-tasks/${encodeURIComponent(id)}`);
export const decide = (entry: InboxEntry, choice: string, agent: string, text?: string, template?: { name: string; language: string }) =>
  api<{ outcome: { status: string; sent: boolean } }>(
    'POST',
    `/agent-tasks/${encodeURIComponent(entry.taskId)}/${entry.kind}`,
    entry.kind === 'escalation' ? { action: choice, text, agent, ...(template ? { template } : {}) } : { decision: choice, text, agent },
  );
/** Takes the hand-off (409 when someone's claim holds); `renew` keeps the agent's own claim. */
export const claim = (entry: InboxEntry, agent: string, renew = false) =>
  api<{ claim: Claim }>('POST', `/escalations/${encodeURIComponent(entry.id)}/claim`, { agent, renew }).then((r) => r.claim);
export const analytics = (namespace: string, window: string) =>
  api<Analytics>('GET', `/analytics?${namespace ? `namespace=${encodeURIComponent(namespace)}&` : ''}window=${encodeURIComponent(window)}`);
/** A page of the AI replies that went out (GET /api/v1/replies); `flagged` '' for both. */
export const replies = (q: { namespace: string; window: string; flagged: '' | 'true' | 'false'; cursor?: string }) => {
  const params = new URLSearchParams({ window: q.window, limit: '50' });
  if (q.namespace) params.set('namespace', q.namespace);
  if (q.flagged) params.set('flagged', q.flagged);
  if (q.cursor) params.set('cursor', q.cursor);
  return api<{ namespace: string; data: Reply[]; nextCursor: string | null }>('GET', `/replies?${params.toString()}`);
};
/** Flags an AI reply (409 `not_an_ai_reply` when the reply was not the assistant's). */
export const flagReply = (taskId: string, body: { category: string; note?: string; agent: string }) =>
  api<Feedback>('POST', `/agent-tasks/${encodeURIComponent(taskId)}/feedback`, body);
export const templates = (namespace: string) => api<TemplateList>('GET', `/namespaces/${encodeURIComponent(namespace)}/templates`);
export const consoleConfig = () => fetch('/console/config.json').then((r) => r.json() as Promise<ConsoleConfig>);

/**
 * Keeps a WebSocket to the live feed open: reconnects with backoff (1 s doubling to 15 s).
 * `onState` reports "live" / "reconnecting"; a key whose role may not use the feed (agent) never
 * opens one, and the caller falls back to polling.
 */
export function liveFeed(onEvent: (e: FeedEvent) => void, onState: (state: 'live' | 'reconnecting', opened: boolean) => void): () => void {
  let socket: WebSocket | undefined;
  let delay = 1000;
  let timer: number | undefined;
  let stopped = false;
  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws/agent-tasks?token=${encodeURIComponent(session.key ?? '')}`);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      delay = 1000;
      onState('live', true);
    };
    ws.onmessage = (m) => {
      try {
        onEvent(JSON.parse(String(m.data)) as FeedEvent);
      } catch {
        /* not ours */
      }
    };
    ws.onclose = () => {
      if (stopped) return;
      onState('reconnecting', opened);
      timer = window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15_000);
    };
  };
  connect();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    socket?.close();
  };
}

/**
 * The codec server's session for the Temporal Web UI (an HttpOnly cookie naming this key): with
 * PAYLOAD_ENCRYPTION_KEY set, the Web UI then shows admins and operators payloads in clear.
 * Best effort: an agent key (403) or a server without a key (404) just has no session.
 */
export const openCodecSession = () =>
  fetch('/codec/session', { method: 'POST', headers: { authorization: `Bearer ${session.key ?? ''}` } }).then(
    () => undefined,
    () => undefined,
  );
export const closeCodecSession = () =>
  fetch('/codec/session', { method: 'DELETE' }).then(
    () => undefined,
    () => undefined,
  );
