/**
 * RetentionCleanupWorkflow: deletes what each namespace's `retention` says is due, a batch at a
 * time (docs/retention.md). Started daily by a Temporal Schedule (overlap SKIP) or by hand.
 *
 *   retention_plan → for each namespace: for each step (escalations, tasks, messages,
 *   inbound_events, audit): retention_purge_batch until a batch deletes fewer than the batch size
 *   → retention_record_run (the namespace's audit row, counts only)
 *
 * Orchestration only. Where the run is and what it deleted live here, in workflow state: a worker
 * killed mid-run is replaced by another that replays the history and goes on from the same batch.
 * Batches are numbered; a batch whose transaction committed before its worker died answers its
 * recorded counts when retried, so the counts stay exact. Long runs continue as new (the state
 * goes with them), so the history stays small. Query `progress` shows where the run is.
 */
import { continueAsNew, defineQuery, proxyActivities, setHandler, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeletedRows } from '../retention/purge';
import {
  cutoffsAt,
  DEFAULT_RETENTION_BATCH_SIZE,
  MAX_RETENTION_BATCH_SIZE,
  RETENTION_STEPS,
  RETENTION_TABLES,
  type Cutoffs,
  type RetentionStep,
} from '../retention/policy';

/** Batches per execution before it continues as new (3 events each; far below the history limits). */
const BATCHES_PER_EXECUTION = 1_000;

export interface RetentionInput {
  /** Rows per batch, one transaction each (default 500). */
  batchSize?: number;
  /** Only these namespaces (default: all). */
  namespaces?: string[];
  /** A pause between batches, to spare a busy database (default none). */
  pauseMs?: number;
  /** Set by continue-as-new: the run so far. */
  resume?: RetentionState;
}

export interface NamespaceProgress {
  namespace: string;
  /** Per step: rows older than this are due; null: kept forever. */
  cutoffs: Cutoffs;
  /** Rows deleted so far, by table. */
  deleted: DeletedRows;
  /** Its steps are done and its audit row is written. */
  done: boolean;
}

export interface RetentionProgress {
  status: 'planning' | 'running' | 'completed';
  startedAt: string;
  finishedAt: string | null;
  batchSize: number;
  /** Batches run so far. */
  batches: number;
  /** Rows deleted so far, all tables. */
  totalDeleted: number;
  /** What the next batch works on; null before the plan and once done. */
  current: { namespace: string; step: RetentionStep } | null;
  namespaces: NamespaceProgress[];
}

export interface RetentionState {
  /** Numbers this run's batches in the ledger; the same across continue-as-new. */
  runKey: string;
  /** The next batch's place: namespace index, step index. */
  position: { namespace: number; step: number };
  progress: RetentionProgress;
}

/** Query `progress`, as on AgentTaskWorkflow: where the run is and what it deleted so far. */
export const retentionProgressQuery = defineQuery<RetentionProgress>('progress');

/**
 * A batch takes well under a second; the heartbeat timeout is what notices a worker that died with
 * one (or a batch handed to a worker as it shut down) within seconds rather than the full timeout.
 */
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

export async function RetentionCleanupWorkflow(input: RetentionInput = {}): Promise<RetentionProgress> {
  const batchSize = Math.min(Math.max(1, Math.floor(input.batchSize ?? DEFAULT_RETENTION_BATCH_SIZE)), MAX_RETENTION_BATCH_SIZE);
  const state: RetentionState = input.resume ?? {
    runKey: uuid4(),
    position: { namespace: 0, step: 0 },
    progress: {
      status: 'planning',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      batchSize,
      batches: 0,
      totalDeleted: 0,
      current: null,
      namespaces: [],
    },
  };
  const { progress, position } = state;
  setHandler(retentionProgressQuery, () => progress);

  if (!input.resume) {
    const policies = await acts.retention_plan({ namespaces: input.namespaces });
    // One "now" for the whole run, fixed when it starts: what is due does not move while it runs.
    const now = new Date(progress.startedAt).getTime();
    progress.namespaces = policies.map((p) => ({ namespace: p.namespace, cutoffs: cutoffsAt(now, p.periods), deleted: zeroes(), done: false }));
    progress.status = 'running';
  }

  let batchesHere = 0;
  for (; position.namespace < progress.namespaces.length; position.namespace++, position.step = 0) {
    const ns = progress.namespaces[position.namespace]!;
    for (; position.step < RETENTION_STEPS.length; position.step++) {
      const step = RETENTION_STEPS[position.step]!;
      const cutoff = ns.cutoffs[step];
      if (cutoff === null) continue;
      progress.current = { namespace: ns.namespace, step };
      for (;;) {
        if (batchesHere >= BATCHES_PER_EXECUTION || workflowInfo().continueAsNewSuggested) {
          await continueAsNew<typeof RetentionCleanupWorkflow>({ ...input, resume: state });
        }
        const seq = progress.batches + 1;
        const result = await acts.retention_purge_batch({
          runKey: state.runKey,
          seq,
          namespace: ns.namespace,
          step,
          cutoff,
          escalationsCutoff: ns.cutoffs.escalations,
          limit: batchSize,
        });
        progress.batches = seq;
        batchesHere += 1;
        for (const [table, n] of Object.entries(result.rows)) {
          ns.deleted[table] = (ns.deleted[table] ?? 0) + n;
          progress.totalDeleted += n;
        }
        if (result.deleted < batchSize) break;
        if (input.pauseMs) await sleep(input.pauseMs);
      }
    }
    await acts.retention_record_run({
      auditId: uuid4(),
      runKey: state.runKey,
      workflowId: workflowInfo().workflowId,
      namespace: ns.namespace,
      startedAt: progress.startedAt,
      cutoffs: ns.cutoffs,
      deleted: ns.deleted,
    });
    ns.done = true;
  }

  progress.status = 'completed';
  progress.current = null;
  progress.finishedAt = new Date().toISOString();
  return progress;
}

const zeroes = (): DeletedRows => Object.fromEntries(RETENTION_TABLES.map((t) => [t, 0]));
