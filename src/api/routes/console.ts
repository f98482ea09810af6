/**
 * The agent console (console/, built into dist/console/) at `/`, and the little it needs to know
 * that is not behind a key: where the Temporal Web UI is. The page itself asks for an API key.
 */
import express, { Router } from 'express';
import { ensureConsoleBuilt } from '../../../scripts/build-console';

export function consoleRoutes(options: { temporalUiUrl: string; temporalNamespace: string }): Router {
  const router = Router();
  router.get('/console/config.json', (_req, res) => {
    res.json({ temporalUiUrl: options.temporalUiUrl.replace(/\/+$/, ''), temporalNamespace: options.temporalNamespace });
  });
  let built: Promise<express.RequestHandler> | undefined;
  const assets = () =>
    (built ??= ensureConsoleBuilt().then((dir) =>
      express.static(dir, {
        index: 'index.html',
        setHeaders: (res, path) => res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
      }),
    ));
  router.get(['/', '/index.html', '/app.js', '/app.css'], (req, res, next) => {
    assets().then((serve) => serve(req, res, next), (err: unknown) => {
      built = undefined; // try again on the next request
      next(err);
    });
  });
  return router;
}
