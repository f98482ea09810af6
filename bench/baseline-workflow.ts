/**
 * The baseline for bench/load.ts: a bare workflow running the same number of activities as the
 * pipeline's delivered path (inject_profile, rag_search, generate, confidence_check, deliver),
 * each a no-op, through proxyActivities with the same startToCloseTimeout as the real ones
 * (30s for the steps, 2m for generate). No local activities, no search attributes, no queries.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface BaselineActivities {
  inject_profile(): Promise<void>;
  rag_search(): Promise<void>;
  generate(): Promise<void>;
  confidence_check(): Promise<void>;
  deliver(): Promise<void>;
}

const steps = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30s' });
const model = proxyActivities<BaselineActivities>({ startToCloseTimeout: '2m' });

export async function BaselineWorkflow(): Promise<number> {
  await steps.inject_profile();
  await steps.rag_search();
  await model.generate();
  await steps.confidence_check();
  await steps.deliver();
  return 5;
}
