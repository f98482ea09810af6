/**
 * The agent console (console/, built into dist/console/ by `npm run build` or `npm start`) at `/`,
 * and the little it needs to know that is not behind a key: where the Temporal Web UI is. The
 * page itself asks for an API key. Nothing is built here: a server without a build says so.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { HttpError } from '../errors';

/** Where the build puts the console (scripts/build-console.ts writes index.html last). */
export const CONSOLE_DIST = path.resolve(__dirname, '..', '..', '..', 'dist', 'console');

export function consoleRoutes(options: { temporalUiUrl: string; temporalNamespace: string; dir?: string }): Router {
  const dir = options.dir ?? CONSOLE_DIST;
  const router = Router();
  router.get('/console/config.json', (_req, res) => {
    res.json({ temporalUiUrl: options.temporalUiUrl.replace(/\/+$/, ''), temporalNamespace: options.temporalNamespace });
  });
  const serve = express.static(dir, {
    index: 'index.html',
    setHeaders: (res, file) => res.setHeader('cache-control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
  router.get(['/', '/index.html', '/app.js', '/app.css'], (req, res, next) => {
    // Checked per request: a build made while the server runs is served without a restart.
    if (!existsSync(path.join(dir, 'index.html'))) {
      next(new HttpError(503, 'console_not_built', `the agent console is not built in ${dir}: run \`npm run build\` (npm start builds it)`));
      return;
    }
    serve(req, res, next);
  });
  return router;
}
