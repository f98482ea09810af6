import { Router } from 'express';
import type { DatabaseHandle } from '../../db';
import type { AgentTaskClient } from '../temporal-client';

/** /healthz: the process is up. /readyz: Temporal and the database answer. */
export function healthRoutes(database: DatabaseHandle, tasks: AgentTaskClient): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (probe: () => Promise<void>) => {
      try {
        await withTimeout(probe(), 2000);
        return 'ok';
      } catch (err) {
        return `unavailable: ${err instanceof Error ? err.message : String(err)}`;
      }
    };
    const [db, temporal] = await Promise.all([check(() => database.ping()), check(() => tasks.ping())]);
    const ready = db === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { database: db, temporal } });
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
