import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import {
  type ClientConfigProfile,
  type ClientConfigTLS,
  type ConfigDataSource,
  loadClientConfigProfile,
  toClientOptions,
} from '@temporalio/envconfig';

// Where Temporal is and how to reach it, the way every Temporal SDK and the `temporal` CLI read it: the standard
// TEMPORAL_* variables over a TOML profile (@temporalio/envconfig). src/config.ts hands in the variables; this
// adds what envconfig leaves silent: a missing file, a certificate without its key, a file that is no PEM.

/** How to reach a Temporal server, beyond its address (which is undefined: the embedded dev server). */
export interface TemporalAccess {
  address?: string;
  namespace?: string;
  apiKey?: string;
  /** undefined or false: plaintext; true: TLS with the system's CAs; an object: TLS as given. */
  tls?: TLSConfig | boolean;
  /** Extra gRPC headers (TEMPORAL_GRPC_META_*, or grpc_meta in the profile). */
  metadata?: Record<string, string>;
}

/**
 * The profile that the variables select. `vars` holds the TEMPORAL_* variables that are set (not empty), and HOME,
 * XDG_CONFIG_HOME or APPDATA for the default file's location. A file is read only when TEMPORAL_CONFIG_FILE or
 * TEMPORAL_PROFILE is set, so that a `temporal` CLI profile in the home directory never redirects `npm start`.
 */
export function loadTemporalAccess(vars: Record<string, string>): TemporalAccess {
  const file = vars.TEMPORAL_CONFIG_FILE;
  const configSource = file === undefined ? undefined : { data: readText(file, 'TEMPORAL_CONFIG_FILE') };
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({
      configSource,
      disableFile: file === undefined && vars.TEMPORAL_PROFILE === undefined,
      configFileStrict: true,
      overrideEnvVars: vars,
    });
  } catch (err) {
    const source = file ?? 'the default file (~/.config/temporalio/temporal.toml)';
    throw new Error(`Temporal profile in ${source}: ${(err as Error).message}`);
  }
  const tls = profile.tls && readTls(profile.tls);
  const { namespace, connectionOptions } = toClientOptions({ ...profile, tls });
  const access: TemporalAccess = {
    address: connectionOptions.address,
    namespace,
    apiKey: connectionOptions.apiKey,
    tls: connectionOptions.tls ?? undefined,
    metadata: profile.grpcMeta,
  };
  if (!access.address && (access.tls || access.apiKey))
    throw new Error(
      'TLS or an API key is set but no address: set TEMPORAL_ADDRESS (or address in the profile); ' +
        'the embedded dev server speaks plaintext only',
    );
  return access;
}

/** Reads every file the TLS settings name, so that a wrong path fails now, by its name, not at the first connect. */
function readTls(tls: ClientConfigTLS): ClientConfigTLS {
  if (tls.disabled) return tls;
  if (tls.clientCert && !tls.clientKey)
    throw new Error('a TLS client certificate needs its key: set TEMPORAL_TLS_CLIENT_KEY_PATH (client_key_path)');
  if (tls.clientKey && !tls.clientCert)
    throw new Error('a TLS client key needs its certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH (client_cert_path)');
  return {
    ...tls,
    clientCert: pem(tls.clientCert, 'TEMPORAL_TLS_CLIENT_CERT_PATH (client_cert_path)'),
    clientKey: pem(tls.clientKey, 'TEMPORAL_TLS_CLIENT_KEY_PATH (client_key_path)'),
    serverCACert: pem(tls.serverCACert, 'TEMPORAL_TLS_SERVER_CA_CERT_PATH (server_ca_cert_path)'),
  };
}

function pem(source: ConfigDataSource | undefined, what: string): ConfigDataSource | undefined {
  if (!source) return undefined;
  const data = 'path' in source ? readText(source.path, what) : Buffer.from(source.data).toString('utf8');
  // Core would reject it later with a bare "invalid certificate"; say which setting holds the wrong thing.
  if (!data.includes('-----BEGIN ')) throw new Error(`${what}: not PEM (no -----BEGIN line)`);
  return { data };
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
