/** The fake servers' fault injection (used by `npm run chaos`): the rate, the matcher, the answers, and off again. */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../testkit/fake-http';

describe('fake server fault injection', () => {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  const post = (path: string) =>
    fetch(`${server!.url}${path}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) => r.status);

  it('when faults are injected at a rate, then that share of matching requests fails with one of the answers, the rest are served, and each records its status', async () => {
    server = await startFakeServer(() => ({ status: 200, body: { ok: true } }));
    // A fixed sequence: < 0.5 fails; then the second draw picks the answer.
    const draws = [0.1, 0.0, 0.9, 0.3, 0.99, 0.7];
    server.injectFaults(
      0.5,
      [
        { status: 500, body: {} },
        { status: 503, body: {} },
      ],
      /\/send$/,
      () => draws.shift()!,
    );
    const statuses = [await post('/send'), await post('/send'), await post('/other'), await post('/send')];
    expect(statuses).toEqual([500, 200, 200, 503]);
    expect(server.requests.map((r) => r.status)).toEqual([500, 200, 200, 503]);
  });

  it('when the rate is set to 0, then injection stops; a rate without answers is refused', async () => {
    server = await startFakeServer(() => ({ status: 200, body: {} }));
    server.injectFaults(1, [{ status: 500, body: {} }]);
    expect(await post('/a')).toBe(500);
    server.injectFaults(0, []);
    expect(await post('/a')).toBe(200);
    expect(() => server!.injectFaults(0.2, [])).toThrow(/at least one answer/);
  });
});
