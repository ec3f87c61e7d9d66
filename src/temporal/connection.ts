import { Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { TemporalAccess } from './profile';
import { tlsProblem } from './tlsDiagnosis';

// Every connection to Temporal in this program (worker, API, launcher, scripts) opens here, so that an address,
// TLS and an API key given once (src/config.ts, src/temporal/profile.ts) reach all of them alike.

/** A server to connect to: an address, and what a remote one needs (TLS, an API key, gRPC headers). */
export type TemporalEndpoint = Omit<TemporalAccess, 'address' | 'namespace'> & { address: string };

/** The configured access at `address` (the embedded dev server's when the config names none). */
export function temporalEndpoint(access: Omit<TemporalAccess, 'namespace'>, address?: string): TemporalEndpoint {
  const at = address ?? access.address;
  if (!at) throw new Error('no Temporal address: the embedded dev server has not started');
  return { address: at, apiKey: access.apiKey, tls: access.tls, metadata: access.metadata };
}

/** A client connection (API, scripts). */
export async function connectClient(endpoint: TemporalEndpoint, connectTimeoutMs?: number): Promise<Connection> {
  try {
    return await Connection.connect({ ...endpoint, connectTimeout: connectTimeoutMs });
  } catch (err) {
    throw await connectFailure(endpoint, err as Error);
  }
}

/** A worker connection. The worker package loads the SDK's native core: required here so the API never loads it. */
export async function connectWorker(endpoint: TemporalEndpoint): Promise<NativeConnection> {
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect(endpoint);
  } catch (err) {
    throw await connectFailure(endpoint, err as Error);
  }
}

/** The SDK's error, with where it tried to go and, over TLS, why the handshake failed. */
async function connectFailure(endpoint: TemporalEndpoint, err: Error): Promise<Error> {
  const tls = endpoint.tls === true ? {} : endpoint.tls || undefined;
  const problem = tls && (await tlsProblem(endpoint.address, tls));
  const how = tls ? 'over TLS' : 'in plaintext';
  return new Error(`cannot connect to Temporal at ${endpoint.address} ${how}: ${problem ?? err.message}`, {
    cause: err,
  });
}
