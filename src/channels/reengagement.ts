/**
 * What a message becomes on its way out: free text while the customer-service window is open (and on
 * channels without one), otherwise the namespace's re-engagement template with its parameters filled,
 * or nothing at all, refused with the reason. Never free text into a closed window: that would show as
 * sent and never arrive (WhatsApp's 131047).
 *
 * The deliver activity sends by this plan; the API makes the same plan before it hands a person's reply
 * to the workflow, so a template that does not exist or whose parameters do not fit is a 400 and
 * nothing is sent.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { TaskContext } from '../activities/task-context';
import type { Database } from '../db';
import { messageTemplates } from '../db/schema';
import type { NamespaceConfig } from '../namespaces/config';
import { conversationWindow, DEFAULT_WINDOW_MS, type ConversationWindow } from './window';
import { parameterProblems, parameterValue, placeholders, renderTemplate } from './whatsapp/templates';

/** A template a person picked for this reply (POST …/escalation `template`); else the namespace's. */
export interface TemplateChoice {
  name: string;
  language?: string;
  /** One value per placeholder; omitted: the namespace's parameter sources, or the reply for a one-placeholder template. */
  parameters?: string[];
}

export interface PlannedTemplate {
  name: string;
  language: string;
  body: string;
  parameters: string[];
}

export type SendPlan =
  | { mode: 'text'; window: ConversationWindow }
  | { mode: 'template'; window: ConversationWindow; template: PlannedTemplate; text: string }
  | { mode: 'refused'; window: ConversationWindow; template?: string; problems: string[] };

export interface PlanInput {
  channel: string;
  namespace: string;
  config: NamespaceConfig;
  /** The channel account the message goes out from (its templates). */
  accountId: string;
  lastCustomerMessageAt: Date | null;
  contactName: string | null;
  /** What the person (or the assistant) wrote. */
  text: string;
  choice?: TemplateChoice;
  now?: Date;
  windowMs?: number;
}

/** The value of one parameter source: the reply, the contact's name, or the fixed text itself. */
function fill(source: string, text: string, contactName: string | null): string {
  if (source === '{{reply}}') return parameterValue(text);
  if (source === '{{contact.name}}') return parameterValue(contactName || 'there');
  return parameterValue(source);
}

export async function planSend(db: Database, input: PlanInput): Promise<SendPlan> {
  const window = conversationWindow(input.channel, input.lastCustomerMessageAt, input.now ?? new Date(), input.windowMs ?? DEFAULT_WINDOW_MS);
  // A template a person chose is sent (and checked) even while the window is open.
  if (window.open && !input.choice) return { mode: 'text', window };
  const configured = input.config.whatsapp.reengagementTemplate;
  const spec = input.choice ?? configured;
  const closedAt = window.closesAt ? `closed at ${window.closesAt.toISOString()}` : 'is closed (the customer never wrote)';
  if (!window.applies) {
    return { mode: 'refused', window, template: input.choice?.name, problems: [`${input.channel} has no customer-service window and no templates: send text`] };
  }
  if (!spec) {
    return {
      mode: 'refused',
      window,
      problems: [
        `the customer-service window ${closedAt}: free text would not reach the customer, and namespace ${input.namespace} has no whatsapp.reengagementTemplate; set one, or choose a template`,
      ],
    };
  }
  const language = spec.language ?? (configured?.name === spec.name ? configured.language : undefined);
  const rows = await db
    .select()
    .from(messageTemplates)
    .where(
      and(
        eq(messageTemplates.channelAccountId, input.accountId),
        eq(messageTemplates.name, spec.name),
        ...(language ? [eq(messageTemplates.language, language)] : []),
      ),
    )
    .orderBy(asc(messageTemplates.language));
  const named = `template ${spec.name}${language ? ` (${language})` : ''}`;
  const row = rows.find((r) => r.status === 'APPROVED') ?? rows[0];
  if (!row) return { mode: 'refused', window, template: spec.name, problems: [`${named} does not exist for this WhatsApp account`] };
  if (row.status !== 'APPROVED') {
    return { mode: 'refused', window, template: spec.name, problems: [`${named} is ${row.status}: only APPROVED templates can be sent`] };
  }
  const wanted = placeholders(row.body).length;
  const sources =
    input.choice?.parameters ??
    (configured && configured.name === spec.name ? configured.parameters : wanted === 1 ? ['{{reply}}'] : wanted === 0 ? [] : undefined);
  if (!sources) {
    return { mode: 'refused', window, template: spec.name, problems: [`${named} takes ${wanted} parameters: give them as template.parameters`] };
  }
  const values = input.choice?.parameters ? sources.map(parameterValue) : sources.map((s) => fill(s, input.text, input.contactName));
  const template = { name: row.name, language: row.language, body: row.body };
  const problems = parameterProblems(template, values);
  if (problems.length > 0) return { mode: 'refused', window, template: spec.name, problems };
  return { mode: 'template', window, template: { ...template, parameters: values }, text: renderTemplate(row.body, values) };
}

/** The plan for a task's next message (the deliver activity's, and the API's check before a decision). */
export function planForTask(db: Database, ctx: TaskContext, text: string, choice: TemplateChoice | undefined, windowMs: number): Promise<SendPlan> {
  return planSend(db, {
    channel: ctx.task.channel,
    namespace: ctx.task.namespace,
    config: ctx.config,
    accountId: ctx.account.id,
    lastCustomerMessageAt: ctx.conversation.lastMessageAt,
    contactName: ctx.contact.displayName,
    text,
    choice,
    windowMs,
  });
}
