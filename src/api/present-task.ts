/**
 * A task as the API and the live feed show it. The database keeps what each step found in typed
 * columns, each written by one step; the API keeps showing them as the one `result` object it
 * always had: `{ citations, model, usage, fallback?, gate: { route, intent, confidence, reasons },
 * unresolved, joinedEscalation? }`, null before generate ran.
 */
import type { HandoffReason } from '../gate/decide';
import type { agentTasks, Route } from '../db/schema';

type TaskRow = typeof agentTasks.$inferSelect;

/** `task.result` as the API shows it. */
export interface TaskResult {
  citations?: NonNullable<TaskRow['citations']>;
  model?: string;
  usage?: { promptTokens: number; completionTokens: number };
  fallback?: string;
  gate?: { route: Route; intent?: string; confidence: number | null; reasons: string[]; cause?: HandoffReason };
  unresolved?: boolean;
  joinedEscalation?: string;
}

export function presentTask(
  row: TaskRow,
): Omit<
  TaskRow,
  | 'citations'
  | 'model'
  | 'promptTokens'
  | 'completionTokens'
  | 'draftFallback'
  | 'gateRoute'
  | 'gateIntent'
  | 'gateConfidence'
  | 'gateReasons'
  | 'gateCause'
  | 'unresolved'
  | 'joinedEscalationId'
> & { result: TaskResult | null } {
  const {
    citations,
    model,
    promptTokens,
    completionTokens,
    draftFallback,
    gateRoute,
    gateIntent,
    gateConfidence,
    gateReasons,
    gateCause,
    unresolved,
    joinedEscalationId,
    ...task
  } = row;
  const result: TaskResult = {
    ...(citations ? { citations } : {}),
    ...(model !== null ? { model } : {}),
    ...(promptTokens !== null || completionTokens !== null ? { usage: { promptTokens: promptTokens ?? 0, completionTokens: completionTokens ?? 0 } } : {}),
    ...(draftFallback !== null ? { fallback: draftFallback } : {}),
    ...(gateRoute !== null
      ? {
          gate: {
            route: gateRoute,
            intent: gateIntent ?? undefined,
            confidence: gateConfidence,
            reasons: gateReasons ?? [],
            ...(gateCause ? { cause: gateCause } : {}),
          },
        }
      : {}),
    ...(unresolved !== null ? { unresolved } : {}),
    ...(joinedEscalationId !== null ? { joinedEscalation: joinedEscalationId } : {}),
  };
  return { ...task, result: Object.keys(result).length > 0 ? result : null };
}

export type PresentedTask = ReturnType<typeof presentTask>;
