/**
 * The retention cleanup's activities (RetentionCleanupWorkflow): read each namespace's policy,
 * delete one batch, record the run. Each is safe to retry: a batch number answers the same counts
 * however often it runs (src/retention/purge.ts), and the audit row has the workflow's id for it.
 */
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { auditEvents, namespaces, retentionBatches } from '../db/schema';
import { RetentionConfigSchema, type RetentionConfig } from '../namespaces/config';
import { periodMs, type Cutoffs, type RetentionPeriods } from '../retention/policy';
import { heartbeating } from './tool-calls';
import { purgeBatch, type BatchRequest, type BatchResult, type DeletedRows } from '../retention/purge';

export interface NamespacePolicy {
  namespace: string;
  periods: RetentionPeriods;
}

export interface RunRecord {
  /** The audit row's id, made by the workflow: a retried insert finds it. */
  auditId: string;
  runKey: string;
  workflowId: string;
  namespace: string;
  startedAt: string;
  cutoffs: Cutoffs;
  deleted: DeletedRows;
}

/** Ledger rows of runs that never recorded themselves (terminated, failed) are dropped after this. */
const STALE_LEDGER = sql`interval '30 days'`;

export function createRetentionActivities({ db }: { db: Database }) {
  return {
    /** Every namespace (or the ones named) with its retention, defaults filled in. */
    async retention_plan(input: { namespaces?: string[] }): Promise<NamespacePolicy[]> {
      return heartbeating(() => planOf(db, input));
    },

    /** Heartbeats while it runs: a batch handed to a worker that then died is retried within the heartbeat timeout. */
    async retention_purge_batch(request: BatchRequest): Promise<BatchResult> {
      return heartbeating(() => purgeBatch(db, request), 1000);
    },

    /** The run's audit row for one namespace (counts only), and its ledger rows dropped, in one transaction. */
    async retention_record_run(record: RunRecord): Promise<void> {
      await heartbeating(() => recordRun(db, record));
    },
  };
}

async function planOf(db: Database, input: { namespaces?: string[] }): Promise<NamespacePolicy[]> {
  await db.delete(retentionBatches).where(lt(retentionBatches.createdAt, sql`now() - ${STALE_LEDGER}`));
  const rows = await db
    .select({ name: namespaces.name, config: namespaces.config })
    .from(namespaces)
    .where(input.namespaces ? inArray(namespaces.name, input.namespaces) : undefined)
    .orderBy(asc(namespaces.name));
  return rows.map((row) => ({ namespace: row.name, periods: periodsOf(row.config) }));
}

async function recordRun(db: Database, record: RunRecord): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(auditEvents)
      .values({
        id: record.auditId,
        namespace: record.namespace,
        actor: 'system',
        action: 'retention.purged',
        subject: record.workflowId,
        detail: { startedAt: record.startedAt, cutoffs: record.cutoffs, deleted: record.deleted },
      })
      .onConflictDoNothing({ target: auditEvents.id });
    await tx.delete(retentionBatches).where(and(eq(retentionBatches.runKey, record.runKey), eq(retentionBatches.namespace, record.namespace)));
  });
}

/**
 * The namespace's retention; a stored retention that does not parse (written before a stricter
 * schema) keeps everything rather than guess: deleting is the one thing not to get wrong.
 */
function periodsOf(config: Record<string, unknown>): RetentionPeriods {
  const parsed = RetentionConfigSchema.safeParse(config.retention);
  if (!parsed.success) return { tasks: null, messages: null, escalations: null, audit: null };
  const r: RetentionConfig = parsed.data;
  return { tasks: periodMs(r.tasks), messages: periodMs(r.messages), escalations: periodMs(r.escalations), audit: periodMs(r.audit) };
}
