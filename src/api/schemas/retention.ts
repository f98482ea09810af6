/** The retention cleanup by hand: a run asked for, and what a run shows. */
import { z } from 'zod';
import { NAMESPACE_NAME } from '../../namespaces/config';
import { MAX_RETENTION_BATCH_SIZE, RETENTION_STEPS, RETENTION_TABLES } from '../../retention/policy';
import { count, keyed, named, timestamp } from './common';

/** POST /api/v1/retention/run: an optional body. */
export const RunBody = z.strictObject(
  {
    namespaces: z
      .array(z.string().regex(NAMESPACE_NAME, 'must be a namespace name: 1-63 lowercase letters, digits, - or _'), {
        error: 'a non-empty list of namespace names',
      })
      .min(1, 'a non-empty list of namespace names')
      .optional()
      .describe('only these namespaces (default: all)'),
    batchSize: z
      .number({ error: `a whole number from 1 to ${MAX_RETENTION_BATCH_SIZE}` })
      .int(`a whole number from 1 to ${MAX_RETENTION_BATCH_SIZE}`)
      .min(1, `a whole number from 1 to ${MAX_RETENTION_BATCH_SIZE}`)
      .max(MAX_RETENTION_BATCH_SIZE, `a whole number from 1 to ${MAX_RETENTION_BATCH_SIZE}`)
      .optional()
      .describe('rows per transaction (default RETENTION_BATCH_SIZE, 500)'),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined) },
);

export const RetentionRunStarted = named(
  'RetentionRunStarted',
  z.object({ workflowId: z.string(), started: z.boolean().describe('false: a run was going already; this is its id') }),
);

export const RetentionProgress = named(
  'RetentionProgress',
  z.object({
    status: z.enum(['planning', 'running', 'completed']),
    startedAt: timestamp(),
    finishedAt: timestamp().nullable(),
    batchSize: count(),
    batches: count(),
    totalDeleted: count(),
    current: z.object({ namespace: z.string(), step: z.enum(RETENTION_STEPS) }).nullable(),
    namespaces: z.array(
      z.object({
        namespace: z.string(),
        cutoffs: keyed(RETENTION_STEPS, timestamp().nullable()),
        deleted: keyed(RETENTION_TABLES, count()),
        done: z.boolean(),
      }),
    ),
  }),
);

export const RetentionRun = named(
  'RetentionRun',
  z.object({
    workflowId: z.string(),
    status: z.string().describe("Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, …"),
    progress: RetentionProgress.nullable().describe('the progress query (the result once completed); null when no worker answered'),
  }),
);
