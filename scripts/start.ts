/**
 * `npm start`: one command on a fresh machine. Ensures the Temporal CLI, starts the dev
 * server (file-backed under .data/, Web UI on 8233) unless TEMPORAL_ADDRESS points at a
 * server already, builds the agent console when its build is missing or stale, then runs
 * migrations, the worker and the HTTP server in this process.
 */
import path from 'node:path';
import { runMain } from '../src/main';
import { ensureConsoleBuilt } from './build-console';
import { ensureTemporalCli, isPortOpen, startDevServer, type DevServer } from './lib/temporal-dev-server';

const TEMPORAL_PORT = 7233;
const UI_PORT = 8233;
let devServer: DevServer | undefined;

runMain({
  worker: true,
  api: true,
  async before(config, log) {
    // The console is built here, never by the server at request time (a no-op when it is current).
    await ensureConsoleBuilt();
    if (process.env.TEMPORAL_ADDRESS) {
      log.info({ address: process.env.TEMPORAL_ADDRESS }, 'using the Temporal server at TEMPORAL_ADDRESS');
      return;
    }
    if (await isPortOpen(TEMPORAL_PORT)) {
      log.info('a Temporal server already listens on localhost:7233; using it');
      return;
    }
    const cli = ensureTemporalCli();
    const dataDir = path.resolve(config.dataDir);
    log.info({ cli }, 'starting the Temporal dev server');
    devServer = await startDevServer({
      cli,
      port: TEMPORAL_PORT,
      uiPort: UI_PORT,
      // With PAYLOAD_ENCRYPTION_KEY the Web UI asks the API's codec server to show payloads in clear.
      ...(config.payloadEncryption ? { uiCodecEndpoint: `${config.publicUrl ?? `http://localhost:${config.port}`}/codec` } : {}),
      dbFile: path.join(dataDir, 'temporal.db'),
      logFile: path.join(dataDir, 'temporal.log'),
    });
  },
  onStarted(system, config) {
    const lines = [
      '',
      'agent-tasks is running',
      `  API and webhooks   ${system.url}   (health: ${system.url}/healthz, metrics: ${system.url}/metrics)`,
      `  API reference      ${system.url}/api/v1/openapi.json`,
      `  Live feed          ${system.url!.replace(/^http/, 'ws')}/ws/agent-tasks   (Authorization: Bearer <key>, or ?token=)`,
      `  Temporal           ${system.temporal.address}   namespace ${system.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
      `  Temporal Web UI    ${devServer?.uiUrl ?? config.temporal.uiUrl}`,
      ...(config.payloadEncryption
        ? [
            `  Codec server       ${system.url}/codec   (payloads encrypted with key "${config.payloadEncryption.current.id}"; sign in to the console to decode them in the Web UI)`,
          ]
        : []),
      `  Database           ${system.database.kind === 'pglite' ? `embedded PGlite in ${path.join(config.dataDir, 'pglite')}` : 'PostgreSQL (DATABASE_URL)'}`,
      `  WhatsApp webhook   ${system.url}/webhooks/whatsapp${config.whatsapp.appSecret ? '' : '   (set WHATSAPP_* to enable)'}`,
      '',
      'Ctrl-C stops everything.',
      '',
    ];
    console.log(lines.join('\n'));
  },
  async onStopped() {
    await devServer?.stop();
  },
});
