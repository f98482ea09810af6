/** Process entry shared by `npm run worker`, `npm run api` and `npm start`. */
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { startSystem, type RunningSystem } from './system';

export interface MainOptions {
  worker: boolean;
  api: boolean;
  /** Called once the system runs (npm start prints its URLs here). */
  onStarted?: (system: RunningSystem, config: Config, log: Logger) => void;
  /** Called after the system stopped (npm start stops its dev server here). */
  onStopped?: () => Promise<void>;
  /** Runs before the system starts (npm start starts the dev server here). */
  before?: (config: Config, log: Logger) => Promise<void>;
}

export function runMain(options: MainOptions): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  const separate = options.worker !== options.api;
  if (separate && !config.databaseUrl) {
    log.error(
      'the worker and the API as separate processes need a shared PostgreSQL: set DATABASE_URL. ' +
        '`npm start` runs both in one process on the embedded PGlite.',
    );
    process.exit(1);
  }

  const run = async () => {
    await options.before?.(config, log);
    const system = await startSystem({ config, log, worker: options.worker, api: options.api });
    if (system.adminApiKeyGenerated && options.api) {
      log.warn('ADMIN_API_KEY is unset; generated one for this run (printed once below)');
      console.log(`\n  admin API key (this run only): ${system.adminApiKey}\n`);
    }
    options.onStarted?.(system, config, log);
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      void system
        .stop()
        .then(() => options.onStopped?.())
        .then(() => process.exit(0))
        .catch((err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  };
  run().catch(async (err: unknown) => {
    log.error({ err }, 'failed to start');
    await options.onStopped?.().catch(() => undefined);
    process.exit(1);
  });
}
