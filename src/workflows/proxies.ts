/**
 * The workflow's activity proxies: which steps run as activities, which as local activities, and
 * with what timeouts and retries. Shared by the pipeline (./agent-task) and the human gate
 * (./human-gate).
 */
import { proxyActivities, proxyLocalActivities, type RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';

const retry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 8,
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

export const steps = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry });
/** A model call may take its 60 s; a worker that dies during one is noticed by the missed heartbeats, within 10 s. */
export const model = proxyActivities<Activities>({ startToCloseTimeout: '2m', heartbeatTimeout: '10s', retry });
export const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s', retry });
/**
 * The three steps that read and write our own database (and post a read receipt): local
 * activities since LOCAL_STEPS (./agent-task), run in the workflow task that schedules them, no round trip
 * through the server each (bench/results/tuning.json has what that bought). Same retries and
 * the same tool call rows; in the Web UI they show as markers, not as activity events. A longer
 * timeout than `local`: an embeddings call may be part of rag_search.
 */
export const fast = proxyLocalActivities<Activities>({ startToCloseTimeout: '30s', retry });
