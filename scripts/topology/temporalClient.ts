import { Client } from '@temporalio/client';
import { connectClient } from '../../src/temporal/connection';
import type { Topology } from './launcher';

// A client of the topology's Temporal in its namespace, for the scripts that read what the bots did: over TLS and
// with the API key when the topology runs against a remote server.

export interface TopologyClient {
  client: Client;
  close(): Promise<void>;
}

export async function topologyClient(t: Pick<Topology, 'temporalEndpoint' | 'namespace'>): Promise<TopologyClient> {
  const connection = await connectClient(t.temporalEndpoint);
  return { client: new Client({ connection, namespace: t.namespace }), close: () => connection.close() };
}
