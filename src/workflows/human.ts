/**
 * What a person can tell a waiting AgentTaskWorkflow: the zod schemas of the two decisions, and
 * the checks made with them. Pure and deterministic: the workflow's update validators and signal
 * handlers use these, so does the API before it calls the workflow (a bad body is a 400 with the
 * same words everywhere), and the OpenAPI document is generated from the schemas.
 *
 *   signal/update resolveEscalation  { action: "reply" | "handback" | "close", text?, agent }
 *   signal/update decideApproval     { decision: "approve" | "edit" | "reject", text?, agent }
 *
 * `text` is required for `reply` and `edit` (what the customer gets), optional for `reject`
 * and `close` (kept as the reason), and ignored otherwise.
 */
// zod/mini: the workflow bundle carries these checks, and the full zod would add another ~230 KB to it.
import { z } from 'zod/mini';
import type { TaskStatus } from '../db/schema';

export const ESCALATION_ACTIONS = ['reply', 'handback', 'close'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];
export const APPROVAL_DECISIONS = ['approve', 'edit', 'reject'] as const;
export type ApprovalChoice = (typeof APPROVAL_DECISIONS)[number];

/** What a person's decision led to; the answer of the update. */
export interface HumanOutcome {
  taskId: string;
  /** The task's status once the decision was carried out. */
  status: TaskStatus;
  action: EscalationAction | ApprovalChoice;
  agent: string;
  /** Whether something went to the customer because of it. */
  sent: boolean;
  error?: string;
}

export const MAX_HUMAN_TEXT = 4000;
export const MAX_AGENT = 200;

/** Blank: whitespace and invisible format characters only (zero-width spaces and joiners, BOM, bidi marks). */
const blank = (text: string) => text.replace(/[\s\p{Cf}]/gu, '') === '';

const WHO = 'required, who decides (a name, an email, a Slack user id)';
const agent = z.string({ error: WHO }).check(
  z.refine((v) => v.trim() !== '', WHO),
  z.maxLength(MAX_AGENT, `at most ${MAX_AGENT} characters`),
  z.describe('who decides: a name, an email, a Slack user id'),
);
const text = (description: string) =>
  z.optional(z.string({ error: 'must be a string' }).check(z.maxLength(MAX_HUMAN_TEXT, `at most ${MAX_HUMAN_TEXT} characters`), z.describe(description)));

/**
 * The rule across fields: `choice` needs a text that is not blank. Checked whenever the body is an
 * object, even when other fields are wrong, so every problem is listed at once.
 */
function needsText<S extends z.ZodMiniType<object>>(schema: S, key: string, choice: string, why: string): S {
  const missing = (v: Record<string, unknown>) => v[key] === choice && (typeof v.text !== 'string' || blank(v.text));
  return schema.check(
    z.refine((v) => !missing(v as Record<string, unknown>), {
      path: ['text'],
      message: `required for ${choice} (${why})`,
      params: { across: true },
      when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
    }),
  );
}

/** A template for a reply once WhatsApp's window has closed; without it, the namespace's re-engagement template. */
export const TemplateChoiceSchema = z.strictObject({
  name: z
    .string()
    .check(z.regex(/^[a-z0-9_]{1,512}$/, 'a template name: lowercase letters, digits and _'), z.describe('the template, as listed by GET /api/v1/templates')),
  language: z.optional(z.string().check(z.maxLength(20), z.describe('its language code, e.g. en_US; omitted: the approved one'))),
  parameters: z.optional(
    z
      .array(z.string().check(z.maxLength(1024, 'at most 1024 characters')))
      .check(z.maxLength(20), z.describe("one value per placeholder, in order; omitted: the namespace's sources, or the text for one placeholder")),
  ),
});

/** The body of resolveEscalation, signal and update alike (and of POST /agent-tasks/:id/escalation). */
export const EscalationResolutionSchema = needsText(
  z.strictObject(
    {
      action: z.enum(ESCALATION_ACTIONS, { error: `one of ${ESCALATION_ACTIONS.join(', ')}` }),
      text: text('what the customer gets: required for reply; for close, kept as the reason'),
      agent,
      template: z.optional(TemplateChoiceSchema),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object { action, text?, agent, template? }' : undefined) },
  ),
  'action',
  'reply',
  'what the customer gets',
);

/** The body of decideApproval, signal and update alike (and of POST /agent-tasks/:id/approval). */
export const ApprovalDecisionSchema = needsText(
  z.strictObject(
    {
      decision: z.enum(APPROVAL_DECISIONS, { error: `one of ${APPROVAL_DECISIONS.join(', ')}` }),
      text: text('the text the customer gets: required for edit; for reject, kept as the reason'),
      agent,
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object { decision, text?, agent }' : undefined) },
  ),
  'decision',
  'edit',
  'the text the customer gets',
);

export type EscalationResolution = z.output<typeof EscalationResolutionSchema>;
export type ApprovalDecision = z.output<typeof ApprovalDecisionSchema>;

/**
 * Every problem with a body, as "path: message", in the order of its fields (the choice, fields
 * nobody knows, agent, text), then the rules across fields; [] when it is valid.
 */
function problems(schema: z.ZodMiniType, input: unknown): string[] {
  const parsed = schema.safeParse(input);
  if (parsed.success) return [];
  const rank = (path: string, across: boolean) => (across ? 4 : path === 'agent' ? 2 : path === 'text' ? 3 : 0);
  return parsed.error.issues
    .flatMap((issue) => {
      const across = issue.code === 'custom' && (issue.params as { across?: boolean } | undefined)?.across === true;
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ line: `${key}: not a known field`, rank: 1 }));
      const path = issue.path.map(String).join('.') || 'body';
      return [{ line: `${path}: ${issue.message}`, rank: rank(path, across) }];
    })
    .sort((a, b) => a.rank - b.rank)
    .map((p) => p.line);
}

export const escalationProblems = (input: unknown): string[] => problems(EscalationResolutionSchema, input);
export const approvalProblems = (input: unknown): string[] => problems(ApprovalDecisionSchema, input);
