/**
 * Retention policy, pure (the workflow imports it): the steps a cleanup runs per namespace, in
 * order, and the cutoff of each from the namespace's `retention` config. Hand-offs go before
 * tasks (a task waits for its hand-offs), tasks before messages (a message waits for its task).
 */
import { parseDuration } from '../duration';

/** Rows per batch (one transaction each): big enough to be quick, small enough not to hold locks long. */
export const DEFAULT_RETENTION_BATCH_SIZE = 500;
export const MAX_RETENTION_BATCH_SIZE = 10_000;

export const RETENTION_STEPS = ['escalations', 'tasks', 'messages', 'inbound_events', 'audit'] as const;
export type RetentionStep = (typeof RETENTION_STEPS)[number];

/** The tables a run deletes from, each counted on its own. */
export const RETENTION_TABLES = [
  'agent_tasks',
  'agent_tool_calls',
  'outbound_deliveries',
  'escalations',
  'human_decisions',
  'messages',
  'inbound_events',
  'audit_events',
] as const;

/** The config's keys, in milliseconds; null: kept forever. */
export interface RetentionPeriods {
  tasks: number | null;
  messages: number | null;
  escalations: number | null;
  audit: number | null;
}

/** The config key each step's age is read from (raw inbound events hold messages, so they go with them). */
export const STEP_PERIOD: Record<RetentionStep, keyof RetentionPeriods> = {
  escalations: 'escalations',
  tasks: 'tasks',
  messages: 'messages',
  inbound_events: 'messages',
  audit: 'audit',
};

/** "90d" → ms; "forever" or null → null (the config schema has checked the text). */
export function periodMs(value: string | null): number | null {
  if (value === null || value === 'forever') return null;
  return parseDuration(value) ?? null;
}

export type Cutoffs = Record<RetentionStep, string | null>;

/** Each step's cutoff (ISO): rows older than it are due; null: the step deletes nothing. */
export function cutoffsAt(nowMs: number, periods: RetentionPeriods): Cutoffs {
  const at = (ms: number | null) => (ms === null ? null : new Date(nowMs - ms).toISOString());
  return Object.fromEntries(RETENTION_STEPS.map((step) => [step, at(periods[STEP_PERIOD[step]])])) as Cutoffs;
}
