/**
 * WebSocket /ws/agent-tasks: the live feed (src/api/live-feed.ts) for browsers and integrators.
 *
 * - Authenticated like the API: `Authorization: Bearer <key>`, or `?token=<key>` (browsers cannot
 *   set headers on a WebSocket). No or a wrong key: the upgrade is refused with HTTP 401.
 * - Filters as query parameters, each repeatable or a comma list: `namespace`, `taskId`, `status`.
 *   A key confined to a namespace sees only that namespace; naming another one is refused with
 *   HTTP 404, as the API answers for another tenant's things. `agent` keys get their namespace's
 *   feed like an operator (the agent console keeps its inbox current from it). A bad filter is
 *   refused with 400.
 *   Refusals carry the API's JSON error body.
 * - The server pings every WS_HEARTBEAT and terminates a client that has not answered the
 *   previous ping by the next one.
 * - Sends never wait: a client whose unsent data exceeds 1 MiB is terminated, so one slow client
 *   never holds up the others or grows the server's memory.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { DatabaseHandle } from '../db';
import { TASK_STATUSES } from '../db/schema';
import type { Logger } from '../logger';
import { authenticateToken, confinedTo, type Principal } from './auth';
import { badRequest, errorBody, HttpError, unauthorized, unavailable } from './errors';
import { createLiveFeed, type FeedFilter, type LiveFeed } from './live-feed';
import { requireVisible } from './routes/namespaces';

export const LIVE_FEED_PATH = '/ws/agent-tasks';
export const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface LiveFeedSocketOptions {
  feed: LiveFeed;
  authenticate(token: string): Promise<Principal | undefined>;
  heartbeatMs: number;
  log: Logger;
  /** Unsent bytes a client may accumulate before it is dropped; 1 MiB. */
  maxBufferedBytes?: number;
}

export interface LiveFeedSocket {
  readonly clientCount: number;
  /** Says goodbye (1001) to every client, stops the heartbeat and the feed. */
  close(): Promise<void>;
}

/** The whole live feed on an HTTP server: the database listener and the socket, as `startSystem` wires it. */
export function attachLiveFeed(server: Server, deps: { database: DatabaseHandle; adminApiKey: string; heartbeatMs: number; log: Logger }): LiveFeedSocket {
  const feed = createLiveFeed({ database: deps.database, log: deps.log });
  return attachLiveFeedSocket(server, {
    feed,
    authenticate: (token) => authenticateToken(deps.database.db, deps.adminApiKey, token),
    heartbeatMs: deps.heartbeatMs,
    log: deps.log,
  });
}

/** Answers the upgrade request with a plain HTTP error and closes the connection. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

const list = (params: URLSearchParams, name: string) =>
  params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** The subscriber's filter from the query, confined to what the principal may see; HttpErrors otherwise. */
export function feedFilter(params: URLSearchParams, principal: Principal): FeedFilter {
  const namespaces = list(params, 'namespace');
  const taskIds = list(params, 'taskId');
  const statuses = list(params, 'status');
  const badStatus = statuses.find((s) => !(TASK_STATUSES as readonly string[]).includes(s));
  if (badStatus) throw badRequest(`status: "${badStatus}" is not one of ${TASK_STATUSES.join(', ')}`, 'invalid_query');
  const badId = taskIds.find((id) => !z.uuid().safeParse(id).success);
  if (badId) throw badRequest(`taskId: "${badId}" is not a task id`, 'invalid_query');
  for (const ns of namespaces) requireVisible(principal, ns);
  const confined = confinedTo(principal);
  const set = (values: string[]) => (values.length > 0 ? new Set(values) : undefined);
  return {
    namespaces: confined !== undefined ? new Set([confined]) : set(namespaces),
    taskIds: set(taskIds),
    statuses: set(statuses),
  };
}

function bearerToken(req: IncomingMessage, params: URLSearchParams): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  return params.get('token') ?? undefined;
}

export function attachLiveFeedSocket(server: Server, options: LiveFeedSocketOptions): LiveFeedSocket {
  const { feed, log } = options;
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  // Clients send nothing but pongs and close frames: small frames only.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, clientTracking: false });
  const clients = new Map<WebSocket, { alive: boolean }>();

  function send(ws: WebSocket, json: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(json);
    if (ws.bufferedAmount > maxBuffered) {
      log.warn({ bufferedBytes: ws.bufferedAmount }, 'live feed: dropped a client that does not keep up');
      ws.terminate();
    }
  }

  function connected(ws: WebSocket, filter: FeedFilter): void {
    const state = { alive: true };
    clients.set(ws, state);
    const unsubscribe = feed.subscribe(filter, (json) => send(ws, json));
    ws.on('pong', () => {
      state.alive = true;
    });
    ws.on('error', (err) => {
      log.debug({ err }, 'live feed: client error');
      ws.terminate();
    });
    ws.on('close', () => {
      unsubscribe();
      clients.delete(ws);
    });
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, params: URLSearchParams): Promise<void> {
    const token = bearerToken(req, params);
    if (!token) throw unauthorized('send Authorization: Bearer <api key> or ?token=<api key>');
    const principal = await options.authenticate(token);
    if (!principal) throw unauthorized('invalid API key');
    const filter = feedFilter(params, principal);
    try {
      await feed.start(); // listening before the client is told it is connected: it misses nothing
    } catch (err) {
      log.error({ err }, 'live feed: cannot listen to the database');
      throw unavailable('the live feed cannot reach the database');
    }
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => connected(ws, filter));
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== LIVE_FEED_PATH) {
      // Another upgrade handler may own this path; alone, we answer for the server.
      if (server.listenerCount('upgrade') === 1) refuse(socket, 404, 'not_found', `no WebSocket at ${url.pathname}`);
      return;
    }
    // A client that goes away while we authenticate must not crash the process.
    socket.on('error', () => socket.destroy());
    upgrade(req, socket, head, url.searchParams).catch((err: unknown) => {
      if (err instanceof HttpError) return refuse(socket, err.status, err.code, err.message);
      log.error({ err }, 'live feed: upgrade failed');
      refuse(socket, 500, 'internal', 'internal error; the connection was not opened');
    });
  };
  server.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const [ws, state] of clients) {
      if (!state.alive) {
        log.info('live feed: dropped a client that missed a pong');
        ws.terminate();
        continue;
      }
      state.alive = false;
      ws.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    get clientCount() {
      return clients.size;
    },
    async close() {
      server.off('upgrade', onUpgrade);
      clearInterval(heartbeat);
      const gone = [...clients.keys()].map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once('close', () => resolve());
            ws.close(1001, 'server shutting down');
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 1000).unref();
          }),
      );
      await Promise.all(gone);
      await feed.close();
    },
  };
}
