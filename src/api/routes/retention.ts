/**
 * The retention cleanup by hand (docs/retention.md), admins only:
 *   POST /api/v1/retention/run        { namespaces?, batchSize? } → 202 { workflowId, started: true },
 *                                     or 200 { workflowId, started: false } when a run is going already
 *   GET  /api/v1/retention/runs/:id   → { workflowId, status, progress }
 */
import { Router } from 'express';
import type { RetentionClient } from '../retention-client';
import { allowRoles } from '../auth';
import { notFound, unavailable } from '../errors';
import { RunBody } from '../schemas/retention';
import { parseOr400 } from '../validate';

export function retentionRoutes(retention: RetentionClient | undefined, defaultBatchSize: number): Router {
  const router = Router();
  router.use(allowRoles('admin'));
  const client = () => {
    if (!retention) throw unavailable('this process has no Temporal client for the retention cleanup');
    return retention;
  };

  router.post('/run', async (req, res) => {
    // The body is optional: none, null or {} runs every namespace with the default batch size.
    const { namespaces, batchSize } = req.body == null ? {} : parseOr400(RunBody, req.body, 'invalid_body');
    const run = await client().runNow({ ...(namespaces ? { namespaces } : {}), batchSize: batchSize ?? defaultBatchSize });
    res.status(run.started ? 202 : 200).json(run);
  });

  router.get('/runs/:id', async (req, res) => {
    const run = await client().run(String(req.params.id));
    if (!run) throw notFound(`no retention run ${String(req.params.id)}`);
    res.json(run);
  });

  return router;
}
