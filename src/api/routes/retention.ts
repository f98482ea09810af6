/**
 * The retention cleanup by hand (docs/retention.md), admins only:
 *   POST /api/v1/retention/run        { namespaces?, batchSize? } → 202 { workflowId, started: true },
 *                                     or 200 { workflowId, started: false } when a run is going already
 *   GET  /api/v1/retention/runs/:id   → { workflowId, status, progress }
 */
import { Router } from 'express';
import { MAX_RETENTION_BATCH_SIZE } from '../../retention/policy';
import { NAMESPACE_NAME } from '../../namespaces/config';
import type { RetentionClient } from '../retention-client';
import { allowRoles } from '../auth';
import { notFound, unavailable } from '../errors';
import { invalid, type Problem } from '../validate';

export function retentionRoutes(retention: RetentionClient | undefined, defaultBatchSize: number): Router {
  const router = Router();
  router.use(allowRoles('admin'));
  const client = () => {
    if (!retention) throw unavailable('this process has no Temporal client for the retention cleanup');
    return retention;
  };

  router.post('/run', async (req, res) => {
    const { namespaces, batchSize } = runInput(req.body);
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

/** The optional body: which namespaces, how many rows per batch; every problem at once. */
function runInput(body: unknown): { namespaces?: string[]; batchSize?: number } {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('invalid_body', [{ path: '(body)', message: 'must be a JSON object' }]);
  const { namespaces, batchSize, ...rest } = body as Record<string, unknown>;
  const problems: Problem[] = Object.keys(rest).map((key) => ({ path: key, message: 'not a known field' }));
  if (
    namespaces !== undefined &&
    (!Array.isArray(namespaces) || namespaces.length === 0 || !namespaces.every((n) => typeof n === 'string' && NAMESPACE_NAME.test(n)))
  ) {
    problems.push({ path: 'namespaces', message: 'a non-empty list of namespace names' });
  }
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || (batchSize as number) < 1 || (batchSize as number) > MAX_RETENTION_BATCH_SIZE)) {
    problems.push({ path: 'batchSize', message: `a whole number from 1 to ${MAX_RETENTION_BATCH_SIZE}` });
  }
  if (problems.length > 0) throw invalid('invalid_body', problems);
  return { namespaces: namespaces as string[] | undefined, batchSize: batchSize as number | undefined };
}
