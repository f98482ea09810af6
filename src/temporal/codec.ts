/**
 * Workflow payloads encrypted with AES-256-GCM before they reach Temporal (the model: the
 * Temporal TypeScript samples' `encryption` sample). Every payload a client, worker or replay
 * hands to the server (workflow inputs, activity inputs and results, query results, updates,
 * the memo, the Web UI summary, failure messages) is replaced by one whose data is
 *
 *   nonce (12 bytes) · ciphertext · tag (16 bytes)
 *
 * of the original payload's protobuf bytes, with metadata in clear:
 *   encoding = binary/encrypted
 *   encryption-key-id = <key id>          which key encrypted it (rotation)
 *   agent-namespace = <tenant>            the tenant whose task it belongs to, when known
 *
 * The key id and tenant are authenticated (GCM additional data): changing either makes the
 * payload undecryptable. The tenant lets the codec server decode a namespace-scoped operator
 * key's own tasks only. A payload under a key id the process does not hold fails with a
 * PayloadKeyError naming the id, never silently.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter, Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCODING = 'encoding';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_TENANT = 'agent-namespace';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The keys a process holds: `current` encrypts, every key (current included) decrypts. */
export interface EncryptionKeys {
  current: EncryptionKey;
  all: ReadonlyMap<string, EncryptionKey>;
}

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

/** An id for a key nobody named: `k` and the first 12 hex digits of its SHA-256 (not the key). */
export function keyFingerprint(key: Buffer): string {
  return `k${createHash('sha256').update('agent-tasks payload key').update(key).digest('hex').slice(0, 12)}`;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * One key as configured: `base64` or `id:base64`, base64 of exactly 32 bytes. Throws with a
 * message that says what is wrong and never repeats the key.
 */
export function parseEncryptionKey(text: string, where: string): EncryptionKey {
  const value = text.trim();
  const colon = value.indexOf(':');
  const id = colon > 0 ? value.slice(0, colon) : undefined;
  const material = colon > 0 ? value.slice(colon + 1) : value;
  if (id !== undefined && !KEY_ID.test(id)) {
    throw new Error(`${where}: the key id before ':' may only hold letters, digits, '.', '_' and '-' (at most 64)`);
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(material)) {
    throw new Error(`${where}: not base64 (generate a key with: openssl rand -base64 32)`);
  }
  const key = Buffer.from(material.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(`${where}: the key is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES} (openssl rand -base64 32)`);
  }
  return { id: id ?? keyFingerprint(key), key };
}

/**
 * The keys from PAYLOAD_ENCRYPTION_KEY (current) and PAYLOAD_ENCRYPTION_KEYS (older ones, comma
 * separated, each `base64` or `id:base64`); undefined when no key is set (payloads stay clear).
 */
export function parseEncryptionKeys(current: string | undefined, older: string | undefined): EncryptionKeys | undefined {
  if (!current) {
    if (older) throw new Error('PAYLOAD_ENCRYPTION_KEYS: older keys need the current key in PAYLOAD_ENCRYPTION_KEY');
    return undefined;
  }
  const first = parseEncryptionKey(current, 'PAYLOAD_ENCRYPTION_KEY');
  const all = new Map<string, EncryptionKey>([[first.id, first]]);
  const rest = (older ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  rest.forEach((entry, i) => {
    const key = parseEncryptionKey(entry, `PAYLOAD_ENCRYPTION_KEYS[${i}]`);
    const known = all.get(key.id);
    if (known && !known.key.equals(key.key)) {
      throw new Error(`PAYLOAD_ENCRYPTION_KEYS[${i}]: key id "${key.id}" is used by two different keys`);
    }
    all.set(key.id, key);
  });
  return { current: first, all };
}

/** The tenant of a workflow id of the contract (`agent-task:<namespace>:…`), if it is one. */
export function tenantOf(context: SerializationContext | undefined): string | undefined {
  const workflowId = context?.workflowId;
  if (!workflowId?.startsWith('agent-task:')) return undefined;
  const tenant = workflowId.split(':')[1];
  return tenant || undefined;
}

const additionalData = (keyId: string, tenant: string | undefined) => utf8.encode(`${keyId}\u0000${tenant ?? ''}`);

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING];
  return encoding !== undefined && encoding !== null && fromUtf8.decode(encoding) === ENCRYPTED_ENCODING;
}

/** The tenant an encrypted payload says it belongs to (authenticated when it is decrypted). */
export function payloadTenant(payload: Payload): string | undefined {
  const tenant = payload.metadata?.[METADATA_TENANT];
  return tenant ? fromUtf8.decode(tenant) : undefined;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: EncryptionKeys) {}

  get currentKeyId(): string {
    return this.keys.current.id;
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const tenant = tenantOf(context);
    return payloads.map((payload) => this.encryptOne(payload, tenant));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decryptOne(payload));
  }

  encryptOne(payload: Payload, tenant: string | undefined): Payload {
    const { id, key } = this.keys.current;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(additionalData(id, tenant));
    const body = Buffer.concat([cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING]: utf8.encode(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID]: utf8.encode(id),
        ...(tenant ? { [METADATA_TENANT]: utf8.encode(tenant) } : {}),
      },
      data: Buffer.concat([nonce, body, cipher.getAuthTag()]),
    };
  }

  /** A clear payload is returned as it is (histories from before the key was set). */
  decryptOne(payload: Payload): Payload {
    if (!isEncrypted(payload)) return payload;
    const idBytes = payload.metadata?.[METADATA_KEY_ID];
    if (!idBytes) throw new PayloadKeyError('an encrypted payload carries no encryption key id');
    const keyId = fromUtf8.decode(idBytes);
    const key = this.keys.all.get(keyId);
    if (!key) {
      throw new PayloadKeyError(`a payload is encrypted with key "${keyId}", which this process does not hold (add it to PAYLOAD_ENCRYPTION_KEYS)`);
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new PayloadKeyError(`an encrypted payload (key "${keyId}") is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, NONCE_BYTES));
    decipher.setAAD(additionalData(keyId, payloadTenant(payload)));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let clear: Buffer;
    try {
      clear = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadKeyError(`a payload encrypted with key "${keyId}" failed authentication (altered, or another key with that id)`);
    }
    return temporal.api.common.v1.Payload.decode(clear);
  }
}

/**
 * The data converter every client, worker and replay uses: the SDK's default without keys; with
 * keys, payloads through the codec and failures' messages and stack traces encoded too (they
 * can quote a customer's words).
 */
export function dataConverterFor(keys: EncryptionKeys | undefined): DataConverter | undefined {
  if (!keys) return undefined;
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

const FAILURE_CONVERTER_PATH = ['failure-converter.ts', 'failure-converter.js'].map((file) => path.resolve(__dirname, file)).find((file) => existsSync(file))!;
