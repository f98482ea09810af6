import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { EncryptionCodec, keyFingerprint, METADATA_KEY_ID, METADATA_TENANT, parseEncryptionKeys, PayloadKeyError } from '../../src/temporal/codec';
import { OLD_PAYLOAD_KEY, REPLAY_PAYLOAD_KEY } from '../../testkit/payload-key';

const keys = parseEncryptionKeys(REPLAY_PAYLOAD_KEY, undefined)!;
const text = (s: string) => new TextEncoder().encode(s);
const workflow = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });

describe('payload encryption keys', () => {
  it('when a key is given with an id, then that id is used; without one, a fingerprint that is not the key', () => {
    expect(keys.current.id).toBe('replay-test');
    const bare = REPLAY_PAYLOAD_KEY.split(':')[1]!;
    const unnamed = parseEncryptionKeys(bare, undefined)!;
    expect(unnamed.current.id).toBe(keyFingerprint(Buffer.from(bare, 'base64')));
    expect(unnamed.current.id).toMatch(/^k[0-9a-f]{12}$/);
    expect(bare).not.toContain(unnamed.current.id.slice(1));
  });

  it('when older keys are listed, then all of them decrypt and only the current one encrypts', () => {
    const rotated = parseEncryptionKeys(OLD_PAYLOAD_KEY, REPLAY_PAYLOAD_KEY)!;
    expect(rotated.current.id).toBe('old-test');
    expect([...rotated.all.keys()].sort()).toEqual(['old-test', 'replay-test']);
  });

  it.each([
    ['not base64', 'this is not a key!', /not base64/],
    ['16 bytes', Buffer.alloc(16, 1).toString('base64'), /16 bytes; AES-256 needs exactly 32/],
    ['a bad id', 'bad id:' + Buffer.alloc(32, 1).toString('base64'), /key id/],
  ])('when PAYLOAD_ENCRYPTION_KEY is %s, then the start stops with a clear message that does not repeat it', (_, value, message) => {
    let error: unknown;
    try {
      loadConfig({ PAYLOAD_ENCRYPTION_KEY: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/PAYLOAD_ENCRYPTION_KEY/);
    expect((error as Error).message).not.toContain(value.split(':').pop());
  });

  it('when two different keys share an id, or older keys come without a current one, then the configuration is refused', () => {
    const other = `replay-test:${Buffer.alloc(32, 7).toString('base64')}`;
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEY: REPLAY_PAYLOAD_KEY, PAYLOAD_ENCRYPTION_KEYS: other })).toThrow(/used by two different keys/);
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: REPLAY_PAYLOAD_KEY })).toThrow(/need the current key/);
    expect(loadConfig({}).payloadEncryption).toBeUndefined();
  });
});

describe('the AES-256-GCM payload codec', () => {
  const codec = new EncryptionCodec(keys);
  const clear = defaultPayloadConverter.toPayload({ text: 'my card ending 4242 was charged twice' });

  it('when a payload is encoded, then its bytes carry no clear text, and decoding gives the payload back', async () => {
    const [encoded] = await codec.encode([clear], workflow('agent-task:acme:whatsapp:wamid.1'));
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('4242');
    expect(new TextDecoder().decode(encoded!.metadata![METADATA_KEY_ID])).toBe('replay-test');
    expect(new TextDecoder().decode(encoded!.metadata![METADATA_TENANT])).toBe('acme');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ text: 'my card ending 4242 was charged twice' });
  });

  it('when the same payload is encoded twice, then the ciphertexts differ (a fresh nonce each time)', async () => {
    const [a, b] = await codec.encode([clear, clear]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(a!.metadata![METADATA_TENANT]).toBeUndefined();
  });

  it('when a payload is under a key this process does not hold, then decoding fails naming that key id', async () => {
    const [encoded] = await new EncryptionCodec(parseEncryptionKeys(OLD_PAYLOAD_KEY, undefined)!).encode([clear]);
    await expect(codec.decode([encoded!])).rejects.toThrow(PayloadKeyError);
    await expect(codec.decode([encoded!])).rejects.toThrow(/key "old-test", which this process does not hold/);
  });

  it('when the tenant tag, the key id or the ciphertext is altered, then decoding fails instead of returning anything', async () => {
    const [encoded] = await codec.encode([clear], workflow('agent-task:acme:whatsapp:wamid.2'));
    const retagged = { ...encoded!, metadata: { ...encoded!.metadata, [METADATA_TENANT]: text('globex') } };
    await expect(codec.decode([retagged])).rejects.toThrow(/failed authentication/);
    const flipped = Buffer.from(encoded!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data: flipped }])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...encoded!, data: flipped.subarray(0, 10) }])).rejects.toThrow(/truncated/);
    const noId = { ...encoded!, metadata: { encoding: encoded!.metadata!.encoding! } };
    await expect(codec.decode([noId])).rejects.toThrow(/no encryption key id/);
  });

  it('when a payload was written before the key was set, then it is read as it is', async () => {
    const [decoded] = await codec.decode([clear]);
    expect(decoded).toBe(clear);
  });
});
