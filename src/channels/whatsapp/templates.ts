/**
 * WhatsApp message templates: the only messages that reach a customer once the 24-hour window has
 * closed. A template's body has placeholders ({{1}}, {{2}}… or named ones like {{first_name}}); a send
 * gives one value per placeholder. Pure: parsing a body, checking and filling the values, reading the
 * Graph API's template list. The database side is src/channels/reengagement.ts.
 */
import { isObject, str } from '../types';

/** A placeholder value may not hold new lines, tabs or more than 4 spaces in a row (Graph error 132018), nor exceed 1024 characters. */
export const MAX_PARAMETER = 1024;

export interface TemplateBody {
  name: string;
  language: string;
  body: string;
}

/** The placeholders of a body, each once, in the order they first appear: ["1", "2"] or ["first_name"]. */
export function placeholders(body: string): string[] {
  const seen: string[] = [];
  for (const m of body.matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/** Whether the body's placeholders are named ({{first_name}}) rather than numbered ({{1}}). */
export const namedPlaceholders = (body: string) => placeholders(body).some((p) => !/^\d+$/.test(p));

/** A value as WhatsApp takes it: one line, no runs of spaces (its length is checked, never cut). */
export function parameterValue(text: string): string {
  return text
    .replace(/[\t\r\n]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** What is wrong with the values for a template, in words; [] when they fit. */
export function parameterProblems(template: TemplateBody, values: string[]): string[] {
  const wanted = placeholders(template.body).length;
  const problems: string[] = [];
  if (values.length !== wanted) {
    problems.push(`template ${template.name} (${template.language}) takes ${wanted} parameter(s), got ${values.length}`);
  }
  values.forEach((v, i) => {
    if (v.trim() === '') problems.push(`parameter ${i + 1} of template ${template.name} is empty`);
    else if (v.length > MAX_PARAMETER) problems.push(`parameter ${i + 1} of template ${template.name} is longer than ${MAX_PARAMETER} characters`);
  });
  return problems;
}

/** The body with its placeholders filled: what the customer reads, kept as the delivery's text. */
export function renderTemplate(body: string, values: string[]): string {
  const names = placeholders(body);
  return body.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi, (whole, name: string) => {
    const i = names.indexOf(name);
    return i >= 0 && values[i] !== undefined ? values[i]! : whole;
  });
}

/** The `template` object of a Graph API send. */
export function graphTemplate(template: TemplateBody, values: string[]): Record<string, unknown> {
  const names = placeholders(template.body);
  const named = namedPlaceholders(template.body);
  return {
    name: template.name,
    language: { code: template.language },
    ...(values.length > 0
      ? {
          components: [
            {
              type: 'body',
              parameters: values.map((text, i) => ({ type: 'text', text, ...(named ? { parameter_name: names[i] } : {}) })),
            },
          ],
        }
      : {}),
  };
}

export interface GraphTemplate {
  externalId?: string;
  name: string;
  language: string;
  status: string;
  category: string;
  body: string;
}

/** One page of GET /{waba-id}/message_templates: the templates with a body, and the next page's URL. */
export function readTemplatePage(payload: unknown): { templates: GraphTemplate[]; next?: string; skipped: string[] } {
  const page = isObject(payload) ? payload : {};
  const templates: GraphTemplate[] = [];
  const skipped: string[] = [];
  for (const item of Array.isArray(page.data) ? page.data : []) {
    if (!isObject(item)) continue;
    const name = str(item.name);
    const language = str(item.language);
    const components = Array.isArray(item.components) ? item.components.filter(isObject) : [];
    const body = components.find((c) => String(c.type).toUpperCase() === 'BODY');
    if (!name || !language || !body || !str(body.text)) {
      skipped.push(name ?? '(unnamed)');
      continue;
    }
    templates.push({
      externalId: str(item.id),
      name,
      language,
      status: (str(item.status) ?? 'PENDING').toUpperCase(),
      category: (str(item.category) ?? 'UTILITY').toUpperCase(),
      body: str(body.text)!,
    });
  }
  const paging = isObject(page.paging) ? page.paging : {};
  return { templates, next: str(paging.next), skipped };
}
