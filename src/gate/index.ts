/** The confidence gate: prompt-injection detection, the offline intent classifier, and the routing decision. */
export { decide, gateConfidence, DEFAULT_GATE_CONFIG, DEFAULT_MIN_CONFIDENCE, ROUTE_FOR } from './decide';
export type { GateAction, GateConfig, GateDecision, GateInput, GateRoute } from './decide';
export { detectInjection, INJECTION_THRESHOLD } from './injection';
export type { InjectionResult } from './injection';
export { classifyIntent, isQuestion } from './intent';
export type { IntentResult } from './intent';
