/** WhatsApp message templates of a namespace's accounts (src/api/routes/templates.ts). */
import { z } from 'zod';
import { TEMPLATE_STATUSES } from '../../db/schema';
import { MAX_PARAMETER } from '../../channels/whatsapp/templates';
import { count, id, named, timestamp } from './common';

const templateName = z.string().regex(/^[a-z0-9_]{1,512}$/, 'a template name: lowercase letters, digits and _, as WhatsApp names them');
const languageCode = z.string().regex(/^[a-z]{2,3}(_[A-Za-z0-9]{2,8})?$/, 'a language code as WhatsApp writes it, like en or en_US');
const account = z.string().min(1).max(100).describe("the WhatsApp phone number id (the account's external id); omitted: the namespace's only one");

/** PUT /api/v1/namespaces/:ns/templates */
export const TemplateBody = z.strictObject({
  account: account.optional(),
  name: templateName,
  language: languageCode,
  body: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(1024, 'at most 1024 characters, as WhatsApp allows')
    .describe('the body as approved, with its placeholders {{1}}, {{2}}… (or named ones)'),
  category: z.enum(['UTILITY', 'MARKETING', 'AUTHENTICATION']).default('UTILITY'),
  status: z.enum(TEMPLATE_STATUSES).default('APPROVED').describe('only APPROVED templates are sent'),
});

/** POST /api/v1/namespaces/:ns/templates/sync */
export const SyncBody = z.strictObject({
  account: account.optional(),
  businessAccountId: z
    .string()
    .regex(/^\d{1,30}$/, 'a WhatsApp Business Account id: digits')
    .optional()
    .describe("where the templates are listed; omitted: the account's settings.businessAccountId, or WHATSAPP_BUSINESS_ACCOUNT_ID for the env account"),
});

export const Template = named(
  'Template',
  z.object({
    id: id(),
    namespace: z.string(),
    channelAccountId: id(),
    account: z.string().describe('the WhatsApp phone number id'),
    name: z.string(),
    language: z.string(),
    category: z.string(),
    status: z.enum(TEMPLATE_STATUSES),
    body: z.string(),
    parameterCount: count().describe(`how many values a send gives, each at most ${MAX_PARAMETER} characters, one line`),
    source: z.enum(['api', 'graph']).describe('api: written through this API; graph: copied by a sync'),
    externalId: z.string().nullable(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  }),
);

export const TemplateList = named(
  'TemplateList',
  z.object({
    data: z.array(Template),
    reengagement: z
      .object({ name: z.string(), language: z.string(), parameters: z.array(z.string()) })
      .nullable()
      .describe("the namespace's whatsapp.reengagementTemplate: what a reply becomes once the window has closed"),
  }),
);

export const SyncResult = named(
  'TemplateSync',
  z.object({
    account: z.string(),
    businessAccountId: z.string(),
    added: count(),
    updated: count(),
    removed: count().describe('synced earlier, no longer listed by the Graph API'),
    skipped: z.array(z.string()).describe('listed without a text body (media-only or malformed): not usable here'),
    data: z.array(Template),
  }),
);
