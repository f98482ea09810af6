/** Pieces of the load generators (bench/load.ts, bench/cluster.ts): lanes of jobs, and waiting for a reply at the fake Graph API. */
import type { FakeGraph, RecordedRequest } from './fake-graph';

/** Runs `total` jobs, `concurrency` at a time. */
export async function lanes(total: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const i = next;
      next += 1;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}

/** Resolves when the fake Graph API receives a send to `to` (patched into its request log). */
export function replyWatcher(graph: FakeGraph) {
  const waiters = new Map<string, (req: RecordedRequest) => void>();
  const log = graph.requests;
  log.push = (...items: RecordedRequest[]) => {
    const n = Array.prototype.push.apply(log, items);
    for (const req of items) {
      const to = (req.body as { to?: string } | undefined)?.to;
      if (req.method === 'POST' && to && req.body.status !== 'read') {
        const waiter = waiters.get(to);
        if (waiter) {
          waiters.delete(to);
          waiter(req);
        }
      }
    }
    return n;
  };
  return (to: string, timeoutMs = 60_000) =>
    new Promise<RecordedRequest>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(to);
        reject(new Error(`no reply reached ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.set(to, (req) => {
        clearTimeout(timer);
        resolve(req);
      });
    });
}
