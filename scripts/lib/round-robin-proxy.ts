/**
 * The load balancer in front of the API replicas of `npm run cluster`: requests go to the replicas
 * in turn, WebSocket upgrades (the live feed) too. A replica that refuses the connection (it is down
 * or restarting) is skipped for this request and the next one takes it: nothing reached the refused
 * one, so trying another cannot do a thing twice. Any other failure after the request was sent is a
 * 502, as a load balancer answers; the client (a platform redelivering a webhook) tries again.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export interface RoundRobinProxy {
  url: string;
  port: number;
  /** Requests passed to each upstream, in the order given. */
  counts(): number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(upstreams: Upstream[], port = 0, host = '127.0.0.1'): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error('the proxy needs at least one upstream');
  let next = 0;
  const counts = upstreams.map(() => 0);
  const order = () => {
    const first = next;
    next = (next + 1) % upstreams.length;
    return upstreams.map((_, i) => (first + i) % upstreams.length);
  };
  const refused = (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET';

  const server = http.createServer((req, res) => {
    // The body is read once and replayed to whichever replica takes the request.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tries = order();
      const attempt = (k: number) => {
        const index = tries[k]!;
        const upstream = upstreams[index]!;
        let connected = false;
        const forward = http.request(
          {
            host: upstream.host,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
          },
          (answer) => {
            counts[index]! += 1;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        // A kept-alive socket is connected already; a new one says so when it is.
        forward.on('socket', (socket) => {
          if (socket.connecting) socket.once('connect', () => (connected = true));
          else connected = true;
        });
        forward.on('error', (err: NodeJS.ErrnoException) => {
          if (!connected && refused(err) && k + 1 < tries.length) return attempt(k + 1);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'bad_gateway', message: `no API replica answered: ${err.message}` } }));
        });
        forward.end(body);
      };
      attempt(0);
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const tries = order();
    const attempt = (k: number) => {
      const index = tries[k]!;
      const upstream = upstreams[index]!;
      const target = net.connect(upstream.port, upstream.host);
      let connected = false;
      target.once('connect', () => {
        connected = true;
        counts[index]! += 1;
        const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        target.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) target.write(head);
        target.pipe(socket);
        socket.pipe(target);
      });
      target.on('error', (err: NodeJS.ErrnoException) => {
        if (!connected && refused(err) && k + 1 < tries.length) return attempt(k + 1);
        socket.destroy();
      });
      socket.on('error', () => target.destroy());
      socket.on('close', () => target.destroy());
      target.on('close', () => socket.destroy());
    };
    attempt(0);
  });

  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    counts: () => [...counts],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
