/**
 * The codec server: the Temporal Web UI (and `temporal … --codec-endpoint`) send payloads here
 * to be shown in clear. Only with PAYLOAD_ENCRYPTION_KEY set; only to admin and operator keys.
 *
 *   POST /codec/decode   { payloads: [{ metadata: { k: base64 }, data: base64 }] } → same shape
 *   POST /codec/encode   likewise (the Web UI encodes what a person types: a signal's input)
 *   POST /codec/session  with a Bearer key: sets a signed, HttpOnly cookie naming the key, so the
 *                        Web UI (which cannot send our keys) decodes with "include credentials"
 *   DELETE /codec/session  signs out
 *
 * Credentials: `Authorization: Bearer <api key>` (the CLI's `--codec-auth`), else the session
 * cookie (a Web UI that passes its own OIDC token falls back to the cookie). An admin key decodes
 * everything; an operator key only the payloads of its namespace's tasks (the codec tags each
 * payload with its task's namespace): the rest come back as they were, still encrypted. Agent
 * keys: 403. CORS answers the Web UI's origins only (CODEC_CORS_ORIGINS, default TEMPORAL_UI_URL's).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { Payload } from '@temporalio/common';
import type { Database } from '../../db';
import { EncryptionCodec, isEncrypted, payloadTenant, PayloadKeyError, type EncryptionKeys } from '../../temporal/codec';
import { authenticateToken, principalId, principalOfKeyId, type Principal } from '../auth';
import { HttpError, badRequest, unauthorized } from '../errors';

export const CODEC_COOKIE = 'atk_codec';
/** How long a Web UI session lasts before the console or a new POST /codec/session renews it. */
export const CODEC_SESSION_SECONDS = 12 * 60 * 60;
const CODEC_BODY_LIMIT = 4 * 1024 * 1024;

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export interface CodecRouteOptions {
  db: Database;
  adminApiKey: string;
  keys: EncryptionKeys | undefined;
  corsOrigins: readonly string[];
}

export function codecRoutes({ db, adminApiKey, keys, corsOrigins }: CodecRouteOptions): Router {
  const router = Router();
  const codec = keys ? new EncryptionCodec(keys) : undefined;
  const sessions = sessionSigner(adminApiKey);

  router.use('/codec', cors(corsOrigins));

  const authenticate: RequestHandler = (req, _res, next) => {
    codecPrincipal(req, db, adminApiKey, sessions).then((principal) => {
      if (!principal) {
        return next(unauthorized('send Authorization: Bearer <api key>, or sign in to the console (it sets the codec session)'));
      }
      if (principal.role === 'agent') return next(new HttpError(403, 'forbidden', 'decoding payloads needs an admin or operator key'));
      req.principal = principal;
      next();
    }, next);
  };
  const needsCodec: RequestHandler = (_req, _res, next) => {
    if (!codec) return next(new HttpError(404, 'codec_off', 'payloads are not encrypted here (PAYLOAD_ENCRYPTION_KEY is not set)'));
    next();
  };
  const json = express.json({ limit: CODEC_BODY_LIMIT });

  router.post('/codec/decode', needsCodec, authenticate, json, (req, res, next) => {
    const principal = req.principal!;
    const mayRead = (p: Payload) => principal.role === 'admin' || payloadTenant(p) === principal.namespace;
    try {
      const payloads = parsePayloads(req.body).map((p) => (isEncrypted(p) && !mayRead(p) ? p : codec!.decryptOne(p)));
      res.set('cache-control', 'no-store').json({ payloads: payloads.map(toJson) });
    } catch (err) {
      next(err instanceof PayloadKeyError ? new HttpError(422, 'undecryptable', err.message) : err);
    }
  });

  router.post('/codec/encode', needsCodec, authenticate, json, (req, res) => {
    const payloads = parsePayloads(req.body).map((p) => codec!.encryptOne(p, req.principal!.namespace));
    res.set('cache-control', 'no-store').json({ payloads: payloads.map(toJson) });
  });

  router.post('/codec/session', needsCodec, authenticate, (req, res) => {
    const secure = req.secure;
    res
      .cookie(CODEC_COOKIE, sessions.sign(principalId(req.principal!), Date.now() + CODEC_SESSION_SECONDS * 1000), {
        httpOnly: true,
        path: '/codec',
        maxAge: CODEC_SESSION_SECONDS * 1000,
        // Same site (localhost:8233 → :3000) over http; a Web UI on another site needs https.
        sameSite: secure ? 'none' : 'lax',
        secure,
      })
      .status(204)
      .end();
  });

  router.delete('/codec/session', (_req, res) => {
    res.clearCookie(CODEC_COOKIE, { path: '/codec' }).status(204).end();
  });
  return router;
}

/** The Bearer key if it is one of ours, else the session cookie's key (still valid, not revoked). */
async function codecPrincipal(req: Request, db: Database, adminApiKey: string, sessions: SessionSigner): Promise<Principal | undefined> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
  if (bearer) {
    const principal = await authenticateToken(db, adminApiKey, bearer);
    if (principal) return principal;
  }
  const cookie = cookieValue(req.get('cookie'), CODEC_COOKIE);
  const keyId = cookie ? sessions.verify(cookie, Date.now()) : undefined;
  return keyId ? principalOfKeyId(db, keyId) : undefined;
}

function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && allowed.has(origin)) {
      res.set({
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'POST, DELETE, OPTIONS',
        'access-control-allow-headers': 'Content-Type, X-Namespace, Authorization',
        'access-control-max-age': '600',
      });
    }
    res.vary('Origin');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };
}

function parsePayloads(body: unknown): Payload[] {
  const list = (body as { payloads?: unknown } | undefined)?.payloads;
  if (!Array.isArray(list)) throw badRequest('send { "payloads": [ { "metadata": { … }, "data": "<base64>" } ] }');
  return list.map((raw: JsonPayload, i) => {
    if (!raw || typeof raw !== 'object') throw badRequest(`payloads[${i}] is not an object`);
    const metadata: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(raw.metadata ?? {})) {
      if (typeof v !== 'string') throw badRequest(`payloads[${i}].metadata.${k} is not base64 text`);
      metadata[k] = Buffer.from(v, 'base64');
    }
    if (raw.data !== undefined && raw.data !== null && typeof raw.data !== 'string') throw badRequest(`payloads[${i}].data is not base64 text`);
    return { metadata, data: raw.data ? Buffer.from(raw.data, 'base64') : undefined };
  });
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: payload.data ? Buffer.from(payload.data).toString('base64') : undefined,
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

interface SessionSigner {
  sign(keyId: string, expiresAt: number): string;
  /** The key id of a well-signed, unexpired session, else undefined. */
  verify(value: string, now: number): string | undefined;
}

/**
 * `<key id>.<expiry s>.<HMAC>`: names the key, never carries it; signed with a secret derived from
 * the admin key, so every API process of a deployment accepts it and rotating ADMIN_API_KEY ends
 * every session. Revoking the key ends its sessions (checked on every call).
 */
function sessionSigner(adminApiKey: string): SessionSigner {
  const secret = createHash('sha256').update('agent-tasks codec session\u0000').update(adminApiKey).digest();
  const mac = (body: string) => createHmac('sha256', secret).update(body).digest('base64url');
  return {
    sign: (keyId, expiresAt) => {
      const body = `${keyId}.${Math.floor(expiresAt / 1000)}`;
      return `${body}.${mac(body)}`;
    },
    verify: (value, now) => {
      const [keyId, expiry, signature] = value.split('.');
      if (!keyId || !expiry || !signature) return undefined;
      const expected = Buffer.from(mac(`${keyId}.${expiry}`));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      return Number(expiry) * 1000 > now ? keyId : undefined;
    },
  };
}
