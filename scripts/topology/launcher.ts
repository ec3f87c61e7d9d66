import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type FakeAlphaVantage,
  type FakeAlphaVantageOptions,
  startFakeAlphaVantage,
} from '../../tests/support/fakeAlphaVantage';
import { startGuardian } from './guardian';
import { type AllocatorChoice, chooseNodeAllocator, type NodeAllocator } from './allocator';
import { buildDist, childEnv } from './nodeProcess';
import { addWorker, killApi, killWorker, startApi, startWorker, stopWorker } from './nodeRoles';
import { type Exit, startTimeOf } from './ownedProcess';
import { Parts, type PartsConfig, type ProcessInfo } from './parts';
import { freePorts } from './ports';
import { postgresUrl } from './postgresProcess';
import { type ProcessSample, sampleAll } from './sampler';
import {
  crashPostgres,
  initOwnedPostgres,
  killTemporal,
  signalPostgres,
  startPostgres,
  startTemporal,
} from './serviceControls';
import { installExitHooks, teardown, type TeardownReport } from './teardown';
import { reachableRunDir } from '../../src/db/postgresBinaries';
import { requireServerBinaries } from './serverBinaries';
import {
  DEFAULT_HISTORY_SHARDS,
  INTERNAL_PORT_COUNT,
  internalPorts,
  SERVER_DYNAMIC_CONFIG,
  sqlTarget,
} from './serverConfig';
import { DEFAULT_DYNAMIC_CONFIG, type DynamicConfig, waitForTemporal } from './temporalProcess';
import { remoteTemporal } from './remoteTemporal';
import type { TemporalEndpoint } from '../../src/temporal/connection';

// ONE launcher of the production topology, as separate OS processes: Temporal (the CLI's dev server, or the real
// server on the same Postgres), a Postgres, the API and N workers (compiled entry points), with the Alpha Vantage
// stand-in inside this process. A soak test, a benchmark and a chaos campaign share it: every pid is known and
// sampled, every log is a file under the run directory, the chaos controls kill and restart each part, and stop()
// leaves no process and no port behind.

export type { ProcessInfo } from './parts';
export type { ProcessSample } from './sampler';
export type { Exit } from './ownedProcess';
export type { TeardownReport } from './teardown';
export type { PriceWander } from '../../tests/support/fakeAlphaVantage';

export interface TopologyOptions {
  /** Default: a fresh directory under os.tmpdir() (the `postgres` user must be able to enter every parent). */
  runDir?: string;
  /**
   * Default: our own dev server. `server`: our own real Temporal server on the topology's Postgres (built once by
   * `npm run temporal-server:build`). An address: the caller's server, never killed. `remote`: the caller's
   * server as these variables name it (TEMPORAL_* and their profile: TLS, API key, namespace), never killed; the
   * run gets a task queue of its own there (remoteTemporal.ts).
   */
  temporal?:
    | { address: string }
    | { remote: { env: NodeJS.ProcessEnv } }
    | { devServer: { dynamicConfig?: DynamicConfig; ui?: boolean } }
    | { server: { dynamicConfig?: DynamicConfig; historyShards?: number } };
  /** Default 'embedded': our own Postgres. A URL: the caller's database, never touched. */
  database?: { url: string } | 'embedded';
  /** Extra `-c` settings for our own Postgres, e.g. { max_connections: '300' } for many workers. */
  postgresSettings?: Record<string, string>;
  /** Default 2. */
  workers?: number;
  /** On top of what the launcher sets, for the API and the workers (TTLs, task queue, shutdown grace...). */
  env?: Record<string, string>;
  /** The node processes' malloc (allocator.ts). Default: jemalloc when installed, else the system's. */
  nodeAllocator?: NodeAllocator;
  fakeAlphaVantage?: FakeAlphaVantageOptions;
  /** Default true: compile dist/ first. False when the caller already did. */
  build?: boolean;
  /** Default true: SIGINT, SIGTERM and uncaught exceptions stop the topology and exit. */
  handleSignals?: boolean;
  /** Every launcher.log line, as it is written. */
  log?: (line: string) => void;
}

export interface Topology {
  runDir: string;
  temporalAddress: string;
  /** How a client reaches that Temporal (TLS, API key for a remote one), and the namespace the bots run in. */
  temporalEndpoint: TemporalEndpoint;
  namespace: string;
  temporalUiUrl?: string;
  databaseUrl: string;
  apiUrl: string;
  /** The stand-in for Alpha Vantage: `.requests`, `respondWith`, `queue`. */
  alphaVantage: FakeAlphaVantage;
  /** How long launchTopology took, build included. */
  startupMs: number;
  /** The node processes' malloc, and why (allocator.ts). */
  nodeAllocator: AllocatorChoice;
  processes(): ProcessInfo[];
  /** `collectHeap`: the node processes report their heap after a full collection (the live heap). */
  sampleProcesses(collectHeap?: boolean): Promise<ProcessSample[]>;
  killWorker(i: number, signal?: NodeJS.Signals): Promise<Exit>;
  /** Restarts slot i with a new pid; resolves with it once the worker polls its task queue. */
  startWorker(i: number): Promise<number>;
  /** Starts one more worker; resolves with its slot. */
  addWorker(): Promise<number>;
  /** SIGTERM, waits for the exit (SIGKILL past the shutdown grace); resolves with the exit code. */
  stopWorker(i: number): Promise<number | null>;
  killApi(signal?: NodeJS.Signals): Promise<Exit>;
  startApi(): Promise<number>;
  killTemporal(): Promise<Exit>;
  startTemporal(): Promise<number>;
  crashPostgres(): Promise<Exit>;
  startPostgres(): Promise<number>;
  /** SIGSTOP / SIGCONT to the postmaster and all its children; resolve with the pids signalled. */
  pausePostgres(): Promise<number[]>;
  resumePostgres(): Promise<number[]>;
  removeSignalHandlers(): void;
  /** Idempotent. */
  stop(): Promise<TeardownReport>;
}

function prepareRunDir(given: string | undefined): string {
  const runDir = given ? path.resolve(given) : mkdtempSync(path.join(os.tmpdir(), 'ooda-topology-'));
  mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  // As root, Postgres runs as the `postgres` user, which must be able to enter the run dir.
  chmodSync(runDir, 0o755);
  return runDir;
}

function buildOnce(parts: Parts): Promise<void> {
  return parts.timed(
    'build',
    () => buildDist((line) => parts.log(line)),
    () => 'dist/ ready',
  );
}

export async function launchTopology(options: TopologyOptions = {}): Promise<Topology> {
  const started = Date.now();
  const runDir = prepareRunDir(options.runDir);
  const temporalOption = options.temporal ?? { devServer: {} };
  const ownTemporal = 'devServer' in temporalOption ? temporalOption.devServer : undefined;
  const ownServer = 'server' in temporalOption ? temporalOption.server : undefined;
  const remote = 'remote' in temporalOption ? remoteTemporal(temporalOption.remote.env) : undefined;
  // Before anything starts: a missing build is a message, not a half-started topology.
  if (ownServer) requireServerBinaries();
  const allocator = chooseNodeAllocator(options.nodeAllocator, { ...process.env, ...options.env });
  const database = options.database ?? 'embedded';
  // One draw, so the server's internal ports are distinct from the others.
  const [temporalPort, uiPort, httpPort, metricsPort, pgPort, apiPort, ...serverPorts] = await freePorts(
    6 + (ownServer ? INTERNAL_PORT_COUNT : 0),
  );
  const alphaVantage = await startFakeAlphaVantage(options.fakeAlphaVantage);

  const temporalAddress = remote
    ? remote.endpoint.address
    : 'address' in temporalOption
      ? temporalOption.address
      : `127.0.0.1:${temporalPort}`;
  const temporalEndpoint: TemporalEndpoint = remote?.endpoint ?? { address: temporalAddress };
  const namespace = remote?.namespace ?? 'default';
  const databaseUrl = database === 'embedded' ? postgresUrl(pgPort) : database.url;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const withUi = ownTemporal !== undefined && ownTemporal.ui !== false;
  const appEnv = childEnv({
    ...remote?.variables,
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: databaseUrl,
    ALPHAVANTAGE_API_KEY: 'local',
    ALPHAVANTAGE_BASE_URL: alphaVantage.url,
    ...options.env,
  });
  const graceSeconds = Number(appEnv.WORKER_SHUTDOWN_GRACE_SECONDS ?? 20);
  // As root Postgres runs as the postgres user: its directories move out of a run dir that user cannot enter.
  const pgHome = database === 'embedded' ? reachableRunDir(runDir) : runDir;
  if (pgHome !== runDir) options.log?.(`postgres: ${runDir} is closed to the postgres user; its data is in ${pgHome}`);
  const config: PartsConfig = {
    runDir,
    apiUrl,
    apiPort,
    // The allocator for both, as the image preloads it for every process (Dockerfile).
    appEnv: { ...appEnv, ...allocator.env },
    // The worker's own grace for running activities, plus time to close its connections.
    workerGraceMs: (Number.isFinite(graceSeconds) ? graceSeconds : 20) * 1000 + 10_000,
    log: options.log,
    guardian: startGuardian(),
    postgres:
      database === 'embedded'
        ? {
            dataDir: path.join(pgHome, 'postgres'),
            socketDir: path.join(pgHome, 'pg-socket'),
            port: pgPort,
            logFile: path.join(runDir, 'logs', 'postgres.log'),
            settings: options.postgresSettings,
          }
        : undefined,
    temporal: ownServer
      ? {
          kind: 'server',
          dir: path.join(runDir, 'temporal-server'),
          ports: { grpc: temporalPort, http: httpPort, metrics: metricsPort, internal: internalPorts(serverPorts) },
          sql: sqlTarget(databaseUrl),
          historyShards: ownServer.historyShards ?? DEFAULT_HISTORY_SHARDS,
          dynamicConfig: ownServer.dynamicConfig ?? SERVER_DYNAMIC_CONFIG,
          logFile: path.join(runDir, 'logs', 'temporal.log'),
        }
      : ownTemporal && {
          kind: 'dev',
          port: temporalPort,
          uiPort: withUi ? uiPort : undefined,
          httpPort,
          metricsPort,
          dbFile: path.join(runDir, 'temporal', 'dev.db'),
          dynamicConfig: ownTemporal.dynamicConfig ?? DEFAULT_DYNAMIC_CONFIG,
          logFile: path.join(runDir, 'logs', 'temporal.log'),
          cwd: runDir,
        },
  };
  const parts = new Parts(config);
  parts.pids.set(config.guardian.pid, startTimeOf(config.guardian.pid));
  const ownPorts = [
    Number(new URL(alphaVantage.url).port),
    apiPort,
    ...(config.postgres ? [pgPort] : []),
    ...(config.temporal ? [temporalPort, httpPort, metricsPort, ...serverPorts] : []),
    ...(withUi ? [uiPort] : []),
  ];
  for (const port of ownPorts) parts.ports.add(port);
  parts.log(`launching in ${runDir} (temporal ${temporalAddress}, postgres ${databaseUrl}, api ${apiUrl})`);
  parts.log(`node processes' malloc: ${allocator.description}`);

  let stopping: Promise<TeardownReport> | undefined;
  // A Postgres moved out of the run dir (see pgHome) is removed with the run: nothing is left in the temp dir.
  const dropMovedPostgres = () => {
    if (pgHome !== runDir) rmSync(pgHome, { recursive: true, force: true });
  };
  // Also at exit: a caller may end the process as soon as the processes are down, before stop() settles.
  if (pgHome !== runDir) process.once('exit', dropMovedPostgres);
  // The teardown ends by awaiting the exit of the guardian, an unref'd child: with nothing else pending, Node would
  // exit right there with code 0, before any caller's next line (a failed soak once exited 0 that way). A timer
  // holds the event loop open until the teardown settles.
  const stop = (): Promise<TeardownReport> => {
    if (stopping) return stopping;
    const keepAlive = setInterval(() => undefined, 1000);
    stopping = teardown(parts, alphaVantage).finally(() => {
      clearInterval(keepAlive);
      unhook();
      dropMovedPostgres();
    });
    return stopping;
  };
  const unhook: () => void = options.handleSignals === false ? () => undefined : installExitHooks(parts, stop);
  try {
    // Every start settles before a failure tears down, so nothing is left half-started.
    const settle = async (starts: Promise<unknown>[]) => {
      for (const s of await Promise.allSettled(starts)) if (s.status === 'rejected') throw s.reason;
    };
    const postgres = config.postgres ? initOwnedPostgres(parts).then(() => startPostgres(parts)) : Promise.resolve();
    // The real server persists to that Postgres: it starts once Postgres accepts connections.
    const temporal = !config.temporal
      ? waitForTemporal(temporalEndpoint, namespace)
      : config.temporal.kind === 'server'
        ? postgres.then(() => startTemporal(parts))
        : startTemporal(parts);
    await settle([options.build === false ? Promise.resolve() : buildOnce(parts), postgres, temporal]);
    // All at once: migrations wait for each other (src/db/migrate.ts).
    await settle([startApi(parts), ...Array.from({ length: options.workers ?? 2 }, (_, i) => startWorker(parts, i))]);
  } catch (err) {
    parts.log(`launch failed: ${(err as Error).message.split('\n')[0]}`);
    await stop();
    throw err;
  }
  const startupMs = Date.now() - started;
  // Go's heap figures come from a server the launcher runs; a remote one is not ours to sample.
  const sampleSources = { temporalMetricsUrl: config.temporal ? `http://127.0.0.1:${metricsPort}/metrics` : undefined };
  const pids = parts.processes().map((p) => `${p.name}=${p.pid}`);
  parts.log(`topology up in ${startupMs} ms: ${pids.join(' ')}`);

  return {
    runDir,
    temporalAddress,
    temporalEndpoint,
    namespace,
    temporalUiUrl: withUi ? `http://127.0.0.1:${uiPort}` : undefined,
    databaseUrl,
    apiUrl,
    alphaVantage,
    startupMs,
    nodeAllocator: allocator,
    processes: () => parts.processes(),
    sampleProcesses: (collectHeap = false) => sampleAll(parts.all(), collectHeap, sampleSources),
    killWorker: (i, sig) => killWorker(parts, i, sig),
    startWorker: (i) => startWorker(parts, i),
    addWorker: () => addWorker(parts),
    stopWorker: (i) => stopWorker(parts, i),
    killApi: (sig) => killApi(parts, sig),
    startApi: () => startApi(parts),
    killTemporal: () => killTemporal(parts),
    startTemporal: () => startTemporal(parts),
    crashPostgres: () => crashPostgres(parts),
    startPostgres: () => startPostgres(parts),
    pausePostgres: () => signalPostgres(parts, 'SIGSTOP'),
    resumePostgres: () => signalPostgres(parts, 'SIGCONT'),
    removeSignalHandlers: () => unhook(),
    stop,
  };
}
