/** The console's route serves what the build made and builds nothing itself. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/errors';
import { consoleRoutes } from '../../src/api/routes/console';
import { createLogger } from '../../src/logger';
import { buildConsole } from '../../scripts/build-console';

describe('the console route', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'console-route-'));
  let server: ReturnType<express.Express['listen']>;
  let url = '';

  beforeAll(async () => {
    const app = express();
    app.use(consoleRoutes({ temporalUiUrl: 'http://localhost:8233/', temporalNamespace: 'default', dir }));
    app.use(errorHandler(createLogger('silent')));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the console is not built, then the page is a 503 that says how to build it, and the request builds nothing', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('console_not_built');
    expect(body.error.message).toContain('npm run build');
    expect((await fetch(`${url}/app.js`)).status).toBe(503);
    // The Web UI's address is there either way.
    expect(await (await fetch(`${url}/console/config.json`)).json()).toEqual({ temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' });
  });

  it('when the build has run, then the same server serves the page and its hashed assets without a restart', async () => {
    await buildConsole(dir);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const script = /app\.js\?v=[0-9a-f]{10}/.exec(html)?.[0];
    expect(script).toBeDefined();
    const js = await fetch(`${url}/${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
  });
});
