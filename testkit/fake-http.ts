/**
 * A local fake of a platform's HTTP API over real HTTP: it records every request and
 * answers through a responder; failures can be queued ahead of the responder
 * (`failNext`, `hangNext`). fake-graph, fake-telegram and fake-slack are built on it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  headers: http.IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are asserted field by field
  body: Record<string, any>;
  at: number;
  /** The status it was answered with; undefined while unanswered (or never, when hung). */
  status?: number;
}

export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Plan = ({ kind: 'fail' } & FakeResponse) | { kind: 'hang' };

/** Which request a queued plan applies to: a path pattern, or any test of the request. */
export type RequestMatcher = RegExp | ((req: RecordedRequest) => boolean);
const matches = (matcher: RequestMatcher | undefined, req: RecordedRequest) => !matcher || (matcher instanceof RegExp ? matcher.test(req.path) : matcher(req));

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Queue a response for the next request (or the next one matching `pathPattern`). */
  failNext(status: number, body: unknown, headers?: Record<string, string>, pathPattern?: RequestMatcher): void;
  /** The next request (matching `pathPattern`) is read and never answered: the client times out. */
  hangNext(pathPattern?: RequestMatcher): void;
  /**
   * From now on, each request matching `pathPattern` fails with probability `rate` (0..1), answered
   * with one of `answers` picked at random; queued plans still come first. `rate` 0 turns it off.
   */
  injectFaults(rate: number, answers: FakeResponse[], pathPattern?: RequestMatcher, random?: () => number): void;
  /** Waits until `count` requests match `pathPattern`; returns those requests. */
  waitFor(pathPattern: RegExp, count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  matching(pathPattern: RegExp): RecordedRequest[];
  close(): Promise<void>;
}

/** Parses JSON and form-encoded bodies; anything else is kept as `{ unparsable }`. */
function parseBody(text: string, contentType: string | undefined): Record<string, unknown> {
  if (!text) return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unparsable: text };
  }
}

export async function startFakeServer(respond: (req: RecordedRequest) => FakeResponse): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const plans: Array<{ plan: Plan; pathPattern?: RequestMatcher }> = [];
  const hanging = new Set<http.ServerResponse>();
  let faults: { rate: number; answers: FakeResponse[]; pathPattern?: RequestMatcher; random: () => number } | undefined;
  const fault = (req: RecordedRequest): FakeResponse | undefined => {
    if (!faults || !matches(faults.pathPattern, req) || faults.random() >= faults.rate) return undefined;
    return faults.answers[Math.floor(faults.random() * faults.answers.length)];
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']),
        at: Date.now(),
      };
      requests.push(recorded);
      const index = plans.findIndex((p) => matches(p.pathPattern, recorded));
      const plan = index >= 0 ? plans.splice(index, 1)[0]!.plan : undefined;
      if (plan?.kind === 'hang') {
        hanging.add(res);
        return;
      }
      const answer = plan?.kind === 'fail' ? plan : (fault(recorded) ?? respond(recorded));
      recorded.status = answer.status;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const matching = (pattern: RegExp) => requests.filter((r) => pattern.test(r.path));

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    matching,
    failNext(status, body, headers, pathPattern) {
      plans.push({ plan: { kind: 'fail', status, body, headers }, pathPattern });
    },
    hangNext(pathPattern) {
      plans.push({ plan: { kind: 'hang' }, pathPattern });
    },
    injectFaults(rate, answers, pathPattern, random = Math.random) {
      if (rate > 0 && answers.length === 0) throw new Error('injectFaults needs at least one answer to fail with');
      faults = rate > 0 ? { rate, answers, pathPattern, random } : undefined;
    },
    async waitFor(pattern, count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (matching(pattern).length < count) {
        if (Date.now() > deadline) {
          throw new Error(`fake server got ${matching(pattern).length} requests matching ${pattern}, expected ${count}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return matching(pattern);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
