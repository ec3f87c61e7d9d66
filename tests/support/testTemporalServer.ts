import path from 'node:path';
import { startGuardian } from '../../scripts/topology/guardian';
import { startTimeOf, terminate } from '../../scripts/topology/ownedProcess';
import { freePorts } from '../../scripts/topology/ports';
import { requireServerBinaries } from '../../scripts/topology/serverBinaries';
import {
  DEFAULT_HISTORY_SHARDS,
  INTERNAL_PORT_COUNT,
  internalPorts,
  SERVER_DYNAMIC_CONFIG,
  sqlTarget,
} from '../../scripts/topology/serverConfig';
import { prepareServer, spawnServer, waitForServer } from '../../scripts/topology/serverProcess';

// The integration tests' Temporal when OODA_TEST_TEMPORAL=server: the real server (built by
// `npm run temporal-server:build`) on the run's Postgres, set up as the launcher sets up its own. A guardian stops
// it if jest dies without its global teardown.

export async function startTestTemporalServer(
  dir: string,
  adminDatabaseUrl: string,
): Promise<{ address: string; stop(): Promise<void> }> {
  const binaries = requireServerBinaries();
  const [grpc, http, metrics, ...internal] = await freePorts(3 + INTERNAL_PORT_COUNT);
  const spec = {
    dir: path.join(dir, 'temporal-server'),
    ports: { grpc, http, metrics, internal: internalPorts(internal) },
    sql: sqlTarget(adminDatabaseUrl),
    historyShards: DEFAULT_HISTORY_SHARDS,
    dynamicConfig: SERVER_DYNAMIC_CONFIG,
    logFile: path.join(dir, 'temporal-server.log'),
  };
  await prepareServer(spec, binaries);
  const server = spawnServer(spec, binaries);
  const guardian = startGuardian();
  guardian.watch(server.pid, startTimeOf(server.pid), 'SIGTERM');
  const address = `127.0.0.1:${grpc}`;
  const stop = async () => {
    await terminate(server, 'SIGTERM', 15_000);
    await guardian.release();
  };
  try {
    await waitForServer(server, address);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, stop };
}
