/**
 * A namespace's configuration: the tenant's system prompt, model, intents, escalation rules,
 * trust matrix, channel scopes and retention (contract: PUT /api/v1/namespaces/:ns). Validated in full:
 * unknown keys, wrong types and references to intents that are not declared are all
 * reported at once, each with its path. Omitted keys take the defaults below.
 */
import { z } from 'zod';
import { CHANNELS } from '../channels/types';
import { parseDuration } from '../duration';
import { ESCALATION_SIGNALS, type EscalationSignal } from '../gate/escalation';
import { ADAPTER_KINDS, type AdapterKind } from '../llm/types';
import { isTimeZone, parseInterval, WEEKDAYS } from './business-hours';

export const DEFAULT_SYSTEM_PROMPT =
  'You are a helpful customer support assistant. Answer briefly and only from the provided knowledge; ' + 'say so plainly when you do not know.';

export const DEFAULT_INTENTS = ['greeting', 'question', 'order_status', 'billing', 'complaint', 'human_request', 'other'];

/** The operator's own escalation words; none by default: the built-in signals (src/gate/escalation.ts) read requests for a person in context. */
export const DEFAULT_ESCALATION_KEYWORDS: string[] = [];

/** Sent when nobody answered an escalation in time. */
export const DEFAULT_FALLBACK_MESSAGE = "Sorry, we couldn't get back to you in time. Please write to us again and a colleague will pick it up.";

/** The one short notice a customer gets when their conversation goes to a person. */
export const DEFAULT_HANDOFF_MESSAGE = "Thanks, I've passed this on to a colleague, who will reply here.";

/** Sent once when nobody has taken a hand-off after `sla.waitAfter`; {position} is the place in the queue. */
export const DEFAULT_WAIT_MESSAGE = 'Thanks for waiting. You are number {position} in the queue; a colleague will be with you as soon as possible.';

/** Added to the hand-off notice outside business hours; {opensAt} is when a person is back. */
export const DEFAULT_CLOSED_NOTICE = 'Our team is away right now; a colleague will reply from {opensAt}.';

/** A template parameter: the reply's text, the contact's name, or fixed text. */
export const TEMPLATE_SOURCES = ['{{reply}}', '{{contact.name}}'] as const;

const label = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'use lowercase letters, digits and _ (at most 40), starting with a letter');

const durationText = z.string().refine((v) => {
  const ms = parseDuration(v);
  return ms !== undefined && ms >= 100;
}, 'a duration of at least 100ms, like 30s, 15m, 24h');

const nonBlank = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

/**
 * How long a kind of record is kept (src/retention): a duration with a unit, at least an hour (a bare
 * number would be milliseconds, never what an operator means here), or "forever"/null to keep it.
 */
const keptFor = z.union([
  z.literal('forever'),
  z.null(),
  z.string().refine((v) => /[a-z]\s*$/.test(v.trim()) && (parseDuration(v) ?? 0) >= 3_600_000, 'a duration of at least 1h, like 30d, 90d, 12h, or "forever"'),
]);

/** What the cleanup keeps by default: a quarter for conversations, half a year for hand-offs, a year for the audit trail. */
export const DEFAULT_RETENTION = { tasks: '90d', messages: '90d', escalations: '180d', audit: '365d' } as const;

/** `retention`: on its own too, so that the cleanup can read it from a config that fails elsewhere. */
export const RetentionConfigSchema = z
  .strictObject({
    tasks: keptFor.default(DEFAULT_RETENTION.tasks).describe(`finished tasks with their tool calls and deliveries (default ${DEFAULT_RETENTION.tasks})`),
    messages: keptFor
      .default(DEFAULT_RETENTION.messages)
      .describe(`messages no kept task refers to, and raw inbound events (default ${DEFAULT_RETENTION.messages})`),
    escalations: keptFor
      .default(DEFAULT_RETENTION.escalations)
      .describe(`resolved and expired hand-offs with their decisions (default ${DEFAULT_RETENTION.escalations})`),
    audit: keptFor.default(DEFAULT_RETENTION.audit).describe(`audit events (default ${DEFAULT_RETENTION.audit})`),
  })
  .default({ ...DEFAULT_RETENTION })
  .describe('how long finished records are kept before the scheduled cleanup deletes them (docs/retention.md); "forever" or null keeps them');
export type RetentionConfig = z.infer<typeof RetentionConfigSchema>;

/**
 * Business hours (src/namespaces/business-hours.ts): when people answer. Outside them the hand-off
 * notice says when a person will reply, and the SLA's intervals and the escalation timeout count
 * business time only.
 */
const BusinessHoursSchema = z
  .strictObject({
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone, like Europe/Berlin or America/New_York'),
    weekly: z
      .partialRecord(
        z.enum(WEEKDAYS),
        z
          .array(
            z.string().superRefine((v, ctx) => {
              const parsed = parseInterval(v);
              if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
            }),
          )
          .max(10),
      )
      .refine((w) => Object.values(w).some((list) => list && list.length > 0), 'at least one day with opening hours')
      .describe('opening intervals per weekday (sun, mon, …), "HH:MM-HH:MM" in the time zone; a day not listed is closed'),
    holidays: z.array(z.iso.date()).max(400).default([]).describe('closed all day: local dates YYYY-MM-DD'),
    closedNotice: nonBlank(1000)
      .default(DEFAULT_CLOSED_NOTICE)
      .describe('added to the hand-off notice outside business hours; {opensAt} is when a person is back'),
  })
  .describe('when people answer: outside these hours the hand-off notice says when, and SLA timers count business time only');
export type BusinessHoursConfig = z.infer<typeof BusinessHoursSchema>;

/** The SLA ladder of a hand-off nobody has claimed (src/activities/handoff.ts plans it, the workflow runs it). */
const SlaSchema = z
  .strictObject({
    waitAfter: durationText.optional().describe('unclaimed this long: the customer gets the wait message, once'),
    waitMessage: nonBlank(1000).default(DEFAULT_WAIT_MESSAGE).describe('the wait message; {position} is the place in the queue'),
    backupAfter: durationText.optional().describe('unclaimed this long: the backup is notified'),
    offerEvery: durationText.optional().describe('unclaimed: offered to the next agent of `agents` this often'),
    resumeBot: z.boolean().default(false).describe('at the timeout, after the fallback, the assistant resumes with a short summary'),
  })
  .describe('what happens while nobody has claimed a hand-off; intervals count business time when businessHours are set');

/** Asked by default; a namespace writes its own, in its customers' language. */
export const DEFAULT_CSAT_QUESTION = 'How did we do? Please rate this conversation from 1 (very poor) to 5 (excellent).';
export const DEFAULT_CSAT_LABELS = ['Very poor', 'Poor', 'OK', 'Good', 'Excellent'];

/** `csat`: one rating question on the channel once a resolved conversation has gone quiet (src/activities/rating.ts). */
const CsatSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('false keeps the settings and asks nobody'),
    question: nonBlank(1000).default(DEFAULT_CSAT_QUESTION).describe('the one question; buttons 1-5 come with it where the channel has them'),
    labels: z
      .array(nonBlank(72))
      .length(5)
      .default(DEFAULT_CSAT_LABELS)
      .describe('what 1 to 5 mean, lowest first (shown beside the numbers where the channel has room)'),
    after: durationText.default('10m').describe('how long a resolved conversation stays quiet before the question'),
    every: durationText.default('24h').describe('at most one question per conversation this often'),
    expiresAfter: durationText.default('24h').describe('an answer later than this is kept as a message, not counted'),
    button: nonBlank(20).default('Rate').describe('the label of the button that opens the choices on WhatsApp'),
    thanks: nonBlank(200).default('Thanks for your feedback!').describe('shown to whoever taps a button, where the channel can (Telegram)'),
    translations: z
      .record(
        z.string().regex(/^[a-z]{2,3}$/, 'an ISO 639-1 language code, like de or es'),
        z.strictObject({
          question: nonBlank(1000),
          labels: z.array(nonBlank(72)).length(5).optional(),
          button: nonBlank(20).optional(),
          thanks: nonBlank(200).optional(),
        }),
      )
      .default({})
      .describe(
        'the question in other languages, by ISO 639-1 code: asked when the customer writes in that language (built in for es, pt, fr, de, it, nl, id while `question` is the default)',
      ),
  })
  .describe('customer satisfaction: asked after a resolved conversation, counted in analytics');
export type CsatConfig = z.infer<typeof CsatSchema>;

/** `whatsapp`: what is sent once the customer-service window has closed. */
const WhatsAppConfigSchema = z
  .strictObject({
    reengagementTemplate: z
      .strictObject({
        name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'a template name: lowercase letters, digits and _'),
        language: z.string().regex(/^[a-z]{2,3}(_[A-Za-z0-9]{2,8})?$/, 'a template language code, like en or en_US'),
        parameters: z
          .array(z.string().max(1024))
          .max(20)
          .default(['{{reply}}'])
          .describe(`one per placeholder: ${TEMPLATE_SOURCES.join(' or ')}, or fixed text`),
      })
      .optional()
      .describe('the approved template a reply is sent as once the 24-hour window has closed (never free text)'),
  })
  .default({});

export const NamespaceConfigSchema = z
  .strictObject({
    systemPrompt: nonBlank(20_000).default(DEFAULT_SYSTEM_PROMPT),
    agentRunner: z
      .strictObject({
        /** Unset: `openai` when the deployment has OPENAI_API_KEY, `offline` otherwise (see adapterFor). */
        activeAdapter: z.enum(ADAPTER_KINDS).optional().describe('unset: openai when the deployment has OPENAI_API_KEY, offline otherwise'),
        model: nonBlank(200).optional(),
      })
      .default({}),
    knowledge: z
      .strictObject({
        /** Synonym sets of this namespace's words ("top-up", "recharge", "credit"): each phrase also matches the others. */
        synonyms: z
          .array(z.array(nonBlank(100)).min(2).max(20))
          .max(500)
          .default([])
          .describe('synonym sets: each phrase of a set also matches the others'),
        /** The built-in general support synonyms ("money back" → refund); false leaves only the namespace's own. */
        builtInSynonyms: z.boolean().default(true).describe('whether the built-in general support synonyms apply'),
        /** With a model (OPENAI_API_KEY): the message is rewritten, and translated, into a search query before retrieval. */
        rewriteQuery: z.boolean().default(false).describe('with a model: rewrite and translate the message into a search query before retrieval'),
        /** The language the knowledge base is written in, by name: what a rewritten query is translated into. */
        language: nonBlank(40).default('English').describe('the language the knowledge base is written in, by name'),
      })
      .default({ synonyms: [], builtInSynonyms: true, rewriteQuery: false, language: 'English' }),
    intents: z
      .array(label)
      .min(1)
      .max(50)
      .refine((list) => new Set(list).size === list.length, 'intents must be unique')
      .default(DEFAULT_INTENTS),
    escalation: z
      .strictObject({
        keywords: z.array(nonBlank(100)).max(200).default(DEFAULT_ESCALATION_KEYWORDS),
        intents: z.array(label).max(50).default(['human_request']),
        minConfidence: z.number().min(0).max(1).default(0.35),
        /** The built-in signals that escalate (src/gate/escalation.ts); all by default, [] for none. */
        detect: z
          .array(z.enum(ESCALATION_SIGNALS as [EscalationSignal, ...EscalationSignal[]]))
          .refine((list) => new Set(list).size === list.length, 'signals must be unique')
          .default([...ESCALATION_SIGNALS])
          .describe('the built-in escalation signals that are on'),
        /** How long an escalation waits for a human; unset → ESCALATION_TIMEOUT. */
        timeout: durationText.optional().describe('a duration like 30s, 15m, 24h; unset: ESCALATION_TIMEOUT'),
        /** Who is told: a Slack user id (U…) gets a DM; anything else is shown in the live feed. */
        assignee: nonBlank(200).optional(),
        /** Sent to the customer once when the conversation goes to a person. */
        handoffMessage: nonBlank(1000).default(DEFAULT_HANDOFF_MESSAGE),
        /** The agents an unclaimed hand-off is offered to in turn (after the assignee), every `sla.offerEvery`. */
        agents: z.array(nonBlank(200)).max(100).default([]).describe('offered an unclaimed hand-off in turn, after the assignee'),
        /** The assignee's backup: told (Slack DM, or the live feed) after `sla.backupAfter`. */
        backup: nonBlank(200).optional().describe("the assignee's backup: a Slack user id gets a DM, anything else the live feed"),
        sla: SlaSchema.optional(),
      })
      .default({
        keywords: DEFAULT_ESCALATION_KEYWORDS,
        intents: ['human_request'],
        minConfidence: 0.35,
        detect: [...ESCALATION_SIGNALS],
        handoffMessage: DEFAULT_HANDOFF_MESSAGE,
        agents: [],
      }),
    businessHours: BusinessHoursSchema.optional(),
    whatsapp: WhatsAppConfigSchema,
    csat: CsatSchema.optional(),
    approval: z
      .strictObject({
        /** How long a draft waits for approval before it escalates; unset → the escalation timeout. */
        timeout: durationText.optional(),
        /** Sent to the customer when a draft is rejected; unset → nothing is sent. */
        rejectNotice: nonBlank(1000).optional(),
        /** The draft to approve when the knowledge base had nothing; unset → a built-in one in the customer's language. */
        holdingReply: nonBlank(1000).optional(),
      })
      .default({}),
    trustMatrix: z.record(label, z.enum(['auto', 'approve', 'escalate'])).default({}),
    /** Example messages per intent, in any language: offline, a message alike one of them has its intent. */
    intentExamples: z
      .record(label, z.array(nonBlank(500)).min(1).max(50))
      .default({})
      .describe('example messages per declared intent, any language'),
    channelScopes: z.partialRecord(z.enum(CHANNELS), z.array(nonBlank(100)).min(1).max(50)).default({}),
    /**
     * How long finished records are kept before the scheduled cleanup deletes them (docs/retention.md):
     * tasks with their tool calls and deliveries, messages and raw inbound events, resolved hand-offs, the audit trail.
     */
    retention: RetentionConfigSchema,
    /** Sent when nobody answers an escalation in time. */
    fallbackMessage: nonBlank(4000).default(DEFAULT_FALLBACK_MESSAGE),
  })
  .superRefine((config, ctx) => {
    for (const problem of undeclaredIntents(config)) ctx.addIssue({ code: 'custom', ...problem });
  });

/** References to intents that `intents` does not declare (checked on raw input too, see validate). */
function undeclaredIntents(raw: unknown): Array<{ path: Array<string | number>; message: string }> {
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const config = obj(raw) ?? {};
  const declared = new Set(Array.isArray(config.intents) ? config.intents : DEFAULT_INTENTS);
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const escalationIntents = obj(config.escalation)?.intents;
  if (Array.isArray(escalationIntents)) {
    escalationIntents.forEach((intent, i) => {
      if (typeof intent === 'string' && !declared.has(intent)) {
        problems.push({ path: ['escalation', 'intents', i], message: `"${intent}" is not one of intents` });
      }
    });
  }
  for (const key of ['trustMatrix', 'intentExamples'] as const) {
    for (const intent of Object.keys(obj(config[key]) ?? {})) {
      if (!declared.has(intent)) problems.push({ path: [key, intent], message: `"${intent}" is not one of intents` });
    }
  }
  return problems;
}

export type NamespaceConfig = z.infer<typeof NamespaceConfigSchema>;

/**
 * The adapter a namespace drafts with: the one it names, otherwise the model when this
 * deployment has a key for it (OPENAI_API_KEY), otherwise the offline adapter.
 */
export function adapterFor(config: NamespaceConfig, available: { openai?: unknown }): AdapterKind {
  return config.agentRunner.activeAdapter ?? (available.openai ? 'openai' : 'offline');
}
export type NamespaceConfigInput = z.input<typeof NamespaceConfigSchema>;

export function parseNamespaceConfig(raw: unknown): z.ZodSafeParseResult<NamespaceConfig> {
  return NamespaceConfigSchema.safeParse(raw ?? {});
}

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Every problem, each with a readable path like `escalation.minConfidence` or `trustMatrix.refund`. */
export function configProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)',
    message: issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

export type Validated = { ok: true; config: NamespaceConfig } | { ok: false; problems: ConfigProblem[] };

/** The whole config checked at once: structure, values and cross-references, every problem listed. */
export function validateNamespaceConfig(raw: unknown): Validated {
  const parsed = NamespaceConfigSchema.safeParse(raw ?? {});
  const problems = parsed.success ? [] : configProblems(parsed.error);
  // Zod skips the cross-reference refinement once the structure fails, and drops keys such as
  // `__proto__` before it runs: run it on the raw input too.
  for (const extra of undeclaredIntents(raw)) {
    const path = extra.path.map(String).join('.');
    if (!problems.some((p) => p.path === path)) problems.push({ path, message: extra.message });
  }
  if (parsed.success && problems.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, problems };
}

/** Namespace names: what workflow ids and URLs carry. */
export const NAMESPACE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
