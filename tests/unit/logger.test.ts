import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';

function capture() {
  const lines: string[] = [];
  const log = createLogger(
    'trace',
    new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { log, lines };
}

describe('logs hold no customer text', () => {
  it('when a database error quoting a row is logged, then its detail and parameters are redacted and its code kept', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      detail: 'Key (namespace, channel, external_id)=(default, whatsapp, 447700900123) already exists.',
      parameters: ['447700900123', 'my card was charged twice'],
    });
    log.error({ err }, 'request failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('447700900123');
    expect(lines[0]).not.toContain('charged twice');
    expect(JSON.parse(lines[0]!).err).toMatchObject({ code: '23505', detail: '[redacted]' });
  });

  it('when an object with a draft, a question, a name or a text is logged at any level, then those fields are redacted', () => {
    const { log, lines } = capture();
    const secret = 'my card ending 4242';
    log.trace({ text: secret }, 'a');
    log.debug({ task: { draft: secret, question: secret } }, 'b');
    log.info({ summary: { firstWords: secret, displayName: secret } }, 'c');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain(secret);
  });
});
