/**
 * Connection settings come from the standard Temporal environment configuration
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE
 * and the TOML config file), so the same build runs against the dev server, a
 * self-hosted cluster or Temporal Cloud.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export interface TemporalSettings {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  address: string;
}

export function temporalSettings(env: Record<string, string | undefined> = process.env): TemporalSettings {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const loaded = loadClientConnectConfig({ overrideEnvVars });
  const address = loaded.connectionOptions.address ?? 'localhost:7233';
  return {
    connectionOptions: { ...loaded.connectionOptions, address },
    namespace: loaded.namespace ?? 'default',
    address,
  };
}
