/**
 * /api/v1/namespaces/:ns/templates: the WhatsApp message templates of a namespace's accounts, what a
 * reply becomes once the customer-service window has closed (src/channels/reengagement.ts).
 *
 *   GET    /                  every role: the templates, and the namespace's re-engagement template
 *   PUT    /                  { account?, name, language, body, category?, status? } creates or replaces one
 *   DELETE /:id               removes one (204)
 *   POST   /sync              { account?, businessAccountId? } copies the Graph API's list (GET /{waba-id}/message_templates)
 *
 * Writes are for admins and operators. Another namespace is a 404; an account that is not the
 * namespace's WhatsApp account is a 400 naming it; the Graph API failing is a 502 and changes nothing.
 */
import { Router } from 'express';
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Channels } from '../../channels';
import { ChannelSendError } from '../../channels/types';
import type { WhatsAppSender } from '../../channels/whatsapp';
import { placeholders } from '../../channels/whatsapp/templates';
import type { Database } from '../../db';
import { channelAccounts, messageTemplates, namespaces, type TemplateStatus } from '../../db/schema';
import { parseNamespaceConfig } from '../../namespaces/config';
import { allowRoles } from '../auth';
import { badRequest, HttpError, notFound } from '../errors';
import { SyncBody, TemplateBody } from '../schemas/templates';
import { invalid, parseOr400 } from '../validate';
import { namespaceParam } from './namespaces';
import { API_KEY_ROLES } from '../../db/schema';

export interface TemplateRouteDeps {
  channels: Channels;
  whatsapp: WhatsAppSender;
  /** WHATSAPP_BUSINESS_ACCOUNT_ID: the env account's WABA. */
  envBusinessAccountId?: string;
}

export function templateRoutes(db: Database, deps: TemplateRouteDeps): Router {
  const router = Router({ mergeParams: true });
  const managers = allowRoles('admin', 'operator');

  /** The namespace's WhatsApp account named by `account` (its phone number id), or its only one. */
  async function accountOf(namespace: string, account: string | undefined) {
    const rows = await db
      .select()
      .from(channelAccounts)
      .where(and(eq(channelAccounts.namespace, namespace), eq(channelAccounts.channel, 'whatsapp')))
      .orderBy(asc(channelAccounts.externalId));
    if (account) {
      const row = rows.find((r) => r.externalId === account);
      if (!row) throw invalid('invalid_request', [{ path: 'account', message: `${account} is not a WhatsApp account of namespace ${namespace}` }]);
      return row;
    }
    if (rows.length === 1) return rows[0]!;
    throw invalid('invalid_request', [
      {
        path: 'account',
        message:
          rows.length === 0
            ? `namespace ${namespace} has no WhatsApp account`
            : `namespace ${namespace} has ${rows.length} WhatsApp accounts (${rows.map((r) => r.externalId).join(', ')}): name one`,
      },
    ]);
  }

  async function list(namespace: string, ids?: string[]) {
    const rows = await db
      .select({ template: messageTemplates, account: channelAccounts.externalId })
      .from(messageTemplates)
      .innerJoin(channelAccounts, eq(channelAccounts.id, messageTemplates.channelAccountId))
      .where(and(eq(messageTemplates.namespace, namespace), ids ? inArray(messageTemplates.id, ids) : undefined))
      .orderBy(asc(channelAccounts.externalId), asc(messageTemplates.name), asc(messageTemplates.language));
    return rows.map((r) => ({ ...r.template, account: r.account }));
  }

  router.get('/', allowRoles(...API_KEY_ROLES), async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const [row] = await db.select({ config: namespaces.config }).from(namespaces).where(eq(namespaces.name, namespace));
    const parsed = parseNamespaceConfig(row?.config);
    const reengagement = parsed.success ? parsed.data.whatsapp.reengagementTemplate : undefined;
    res.json({ data: await list(namespace), reengagement: reengagement ?? null });
  });

  router.put('/', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const body = parseOr400(TemplateBody, req.body, 'invalid_request');
    const account = await accountOf(namespace, body.account);
    const values = {
      namespace,
      channelAccountId: account.id,
      name: body.name,
      language: body.language,
      category: body.category,
      status: body.status,
      body: body.body,
      parameterCount: placeholders(body.body).length,
      source: 'api' as const,
    };
    const [saved] = await db
      .insert(messageTemplates)
      .values(values)
      .onConflictDoUpdate({
        target: [messageTemplates.channelAccountId, messageTemplates.name, messageTemplates.language],
        set: { ...values, externalId: null, updatedAt: sql`now()` },
      })
      .returning({ id: messageTemplates.id, created: sql<boolean>`xmax = 0` });
    const [template] = await list(namespace, [saved!.id]);
    res.status(saved!.created ? 201 : 200).json(template);
  });

  router.delete('/:id', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const id = String(req.params.id);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const [gone] = uuid
      ? await db
          .delete(messageTemplates)
          .where(and(eq(messageTemplates.id, id), eq(messageTemplates.namespace, namespace)))
          .returning({ id: messageTemplates.id })
      : [];
    if (!gone) throw notFound(`no template ${id} in namespace ${namespace}`);
    res.status(204).end();
  });

  router.post('/sync', managers, async (req, res) => {
    const namespace = await namespaceParam(db, req);
    const body = parseOr400(SyncBody, req.body ?? {}, 'invalid_request');
    const account = await accountOf(namespace, body.account);
    const configured = typeof account.settings.businessAccountId === 'string' ? account.settings.businessAccountId : undefined;
    const waba = body.businessAccountId ?? configured ?? (account.settings.source === 'env' ? deps.envBusinessAccountId : undefined);
    if (!waba) {
      throw badRequest(
        `no WhatsApp Business Account id for ${account.externalId}: give businessAccountId, or set WHATSAPP_BUSINESS_ACCOUNT_ID for the env account`,
        'invalid_request',
      );
    }
    const token = deps.channels.secrets(account).token;
    if (!token) throw new HttpError(503, 'unavailable', `the WhatsApp account ${account.externalId} has no access token`);
    let listed: Awaited<ReturnType<WhatsAppSender['listTemplates']>>;
    try {
      listed = await deps.whatsapp.listTemplates(token, waba);
    } catch (err) {
      if (err instanceof ChannelSendError) throw new HttpError(502, 'bad_gateway', `the Graph API did not list the templates: ${err.message}`);
      throw err;
    }
    const result = await db.transaction(async (tx) => {
      const before = await tx
        .select({ name: messageTemplates.name, language: messageTemplates.language })
        .from(messageTemplates)
        .where(eq(messageTemplates.channelAccountId, account.id));
      const known = new Set(before.map((t) => `${t.name}\u0000${t.language}`));
      let added = 0;
      const ids: string[] = [];
      for (const t of listed.templates) {
        if (!known.has(`${t.name}\u0000${t.language}`)) added += 1;
        const values = {
          namespace,
          channelAccountId: account.id,
          name: t.name,
          language: t.language,
          category: t.category,
          status: (['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'].includes(t.status) ? t.status : 'PENDING') as TemplateStatus,
          body: t.body,
          parameterCount: placeholders(t.body).length,
          source: 'graph' as const,
          externalId: t.externalId ?? null,
        };
        const [row] = await tx
          .insert(messageTemplates)
          .values(values)
          .onConflictDoUpdate({
            target: [messageTemplates.channelAccountId, messageTemplates.name, messageTemplates.language],
            set: { ...values, updatedAt: sql`now()` },
          })
          .returning({ id: messageTemplates.id });
        ids.push(row!.id);
      }
      // Synced earlier and no longer listed: gone from the account (deleted on Meta's side). Ones written through the API stay.
      const removed = await tx
        .delete(messageTemplates)
        .where(
          and(
            eq(messageTemplates.channelAccountId, account.id),
            eq(messageTemplates.source, 'graph'),
            ids.length > 0 ? notInArray(messageTemplates.id, ids) : undefined,
          ),
        )
        .returning({ id: messageTemplates.id });
      return { added, updated: ids.length - added, removed: removed.length, ids };
    });
    res.json({
      account: account.externalId,
      businessAccountId: waba,
      added: result.added,
      updated: result.updated,
      removed: result.removed,
      skipped: listed.skipped,
      data: await list(namespace, result.ids),
    });
  });

  return router;
}
