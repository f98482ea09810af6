/**
 * GET /api/v1/agent-tasks/:id/attachments/:index — the file a customer sent, for the
 * human who needs to see it. Files stay on the platform until this is asked for: the
 * WhatsApp media id is resolved to its short-lived URL through the Graph API only now,
 * and the bytes are streamed through (the URL needs the access token, which stays here).
 * Admins and operators only; another namespace's task is a 404.
 */
import { Readable } from 'node:stream';
import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import type { Channels } from '../../channels';
import { ChannelSendError } from '../../channels/types';
import type { WhatsAppSender } from '../../channels/whatsapp';
import type { Database } from '../../db';
import { agentTasks, channelAccounts, messages } from '../../db/schema';
import { allowRoles } from '../auth';
import { HttpError, notFound } from '../errors';
import { taskScope } from './agent-tasks';
import { AttachmentParams } from '../schemas/agent-tasks';

export function attachmentRoutes(db: Database, channels: Channels, whatsapp: WhatsAppSender, timeoutMs: number): Router {
  const router = Router();

  router.get('/:id/attachments/:index', allowRoles('admin', 'operator'), async (req, res) => {
    const params = AttachmentParams.safeParse(req.params);
    if (!params.success) throw notFound('no such attachment');
    const [row] = await db
      .select({ channel: agentTasks.channel, attachments: messages.attachments, account: channelAccounts })
      .from(agentTasks)
      .innerJoin(messages, eq(messages.id, agentTasks.messageId))
      .innerJoin(channelAccounts, eq(channelAccounts.id, agentTasks.channelAccountId))
      .where(and(eq(agentTasks.id, params.data.id), taskScope(req.principal)));
    const attachment = row?.attachments[params.data.index];
    if (!row || !attachment) throw notFound(`task ${params.data.id} has no attachment ${params.data.index}`);
    if (row.channel !== 'whatsapp') {
      throw new HttpError(501, 'not_implemented', `downloading ${row.channel} files is not served yet; media id ${attachment.mediaId}`);
    }
    const token = channels.secrets(row.account).token;
    if (!token) throw new HttpError(503, 'unavailable', 'the WhatsApp account has no access token');
    try {
      const media = await whatsapp.mediaUrl(token, attachment.mediaId);
      const download = await fetch(media.url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
      if (!download.ok || !download.body) throw new HttpError(502, 'upstream_failed', `WhatsApp media download answered ${download.status}`);
      res.status(200).type(media.mimeType ?? attachment.mimeType ?? 'application/octet-stream');
      if (attachment.filename) res.attachment(attachment.filename);
      Readable.fromWeb(download.body as import('node:stream/web').ReadableStream).pipe(res);
    } catch (err) {
      if (err instanceof ChannelSendError) {
        throw new HttpError(err.details.status === 404 ? 404 : 502, 'upstream_failed', `WhatsApp media lookup failed: ${err.message}`);
      }
      throw err;
    }
  });

  return router;
}
