import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_SERVER_DYNAMIC_CONFIG, type DynamicConfig } from '../../src/temporal/devServer';

// The configuration of the real Temporal server on Postgres, written by the launcher into the run directory: the
// static config (the layout of upstream's config/development-postgres12.yaml, every port ours) and a dynamic
// config file. Both are written as JSON, which is YAML too, so no YAML writer is needed.

/**
 * What this project gives the real server: the dev server's measured settings (each key exists in server 1.29,
 * and `temporal-server validate-dynamic-config` checks them at every start) plus the two the CLI's dev server
 * sets on its own, so that a dev-server-versus-server comparison differs in the engine, not in the limits.
 */
export const SERVER_DYNAMIC_CONFIG: DynamicConfig = {
  ...DEV_SERVER_DYNAMIC_CONFIG,
  // Default 10 a second per namespace: the dev server raises it to 100, and the soak's and the chaos campaign's
  // closing reads list every workflow.
  'frontend.namespaceRPS.visibility': 100,
  // Default 128,000 mutable states; the dev server caps it at 8096 (with the 2-minute TTL above, rarely reached).
  'history.hostLevelCacheMaxSize': 8096,
};

/**
 * Default 4 history shards (upstream's development config): a shard is the unit of the history service's queues,
 * and the dev server's single one is where its per-task slowdown under continuous load came from
 * (docs/performance.md). The count is fixed when the database is first written: a run dir keeps it.
 */
export const DEFAULT_HISTORY_SHARDS = 4;

export const TEMPORAL_DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;

/** The Postgres the server persists to: the topology's own, or the one the caller gave. */
export interface SqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function sqlTarget(databaseUrl: string): SqlTarget {
  const url = new URL(databaseUrl);
  if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error(`not a Postgres URL: ${databaseUrl}`);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
  };
}

export const SERVER_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
type Service = (typeof SERVER_SERVICES)[number];

export interface ServerPorts {
  /** The frontend's gRPC port: the address clients use. */
  grpc: number;
  http: number;
  metrics: number;
  /** gRPC and membership (ringpop) ports of every service but the frontend's gRPC. */
  internal: Record<Service, { grpc?: number; membership: number }>;
}

/** How many ports a server needs beyond the frontend's gRPC, HTTP and metrics ones. */
export const INTERNAL_PORT_COUNT = SERVER_SERVICES.length * 2 - 1;

/** Hands out `ports` (INTERNAL_PORT_COUNT of them, below 32768: ports.ts, freePorts) to the services. */
export function internalPorts(ports: number[]): ServerPorts['internal'] {
  if (ports.length !== INTERNAL_PORT_COUNT)
    throw new Error(`${INTERNAL_PORT_COUNT} ports needed, ${ports.length} given`);
  const next = [...ports];
  const take = () => next.shift()!;
  return {
    frontend: { membership: take() },
    history: { grpc: take(), membership: take() },
    matching: { grpc: take(), membership: take() },
    worker: { grpc: take(), membership: take() },
  };
}

export interface ServerSpec {
  /** Root of the server's files: config/development.yaml, dynamicconfig.yaml. */
  dir: string;
  ports: ServerPorts;
  sql: SqlTarget;
  historyShards: number;
  dynamicConfig: DynamicConfig;
  logFile: string;
}

export const serverConfigDir = (spec: ServerSpec) => path.join(spec.dir, 'config');
export const dynamicConfigFile = (spec: ServerSpec) => path.join(spec.dir, 'dynamicconfig.yaml');

function datastore(spec: ServerSpec, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${spec.sql.host}:${spec.sql.port}`,
      connectProtocol: 'tcp',
      user: spec.sql.user,
      password: spec.sql.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

function serverConfig(spec: ServerSpec) {
  const { ports } = spec;
  const frontend = `127.0.0.1:${ports.grpc}`;
  const service = (name: Service) => ({
    rpc: {
      grpcPort: name === 'frontend' ? ports.grpc : ports.internal[name].grpc,
      membershipPort: ports.internal[name].membership,
      bindOnLocalHost: true,
      ...(name === 'frontend' ? { httpPort: ports.http } : {}),
    },
  });
  return {
    // The same level as the dev server's (--log-level warn); its log is a file under the run dir.
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: spec.historyShards,
      datastores: {
        // Upstream's sizes: 20 connections for the executions, 2 for visibility (one row per workflow start and
        // close), raised to 5 for the fleets' rate of cycle workflows.
        'postgres-default': datastore(spec, TEMPORAL_DATABASES.default, 20),
        'postgres-visibility': datastore(spec, TEMPORAL_DATABASES.visibility, 5),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: {
        prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${ports.metrics}` },
      },
    },
    services: Object.fromEntries(SERVER_SERVICES.map((name) => [name, service(name)])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    publicClient: { hostPort: frontend },
    // The file is read at start and polled every 10 s (the server's minimum is 5 s).
    dynamicConfigClient: { filepath: dynamicConfigFile(spec), pollInterval: '10s' },
  };
}

/** The file client's format: each key a list of values with (here no) constraints. */
function dynamicConfigDocument(config: DynamicConfig) {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, [{ value, constraints: {} }]]));
}

/** Writes both files (again at every start: a restart sees the same content). */
export function writeServerConfig(spec: ServerSpec): void {
  mkdirSync(serverConfigDir(spec), { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  writeFileSync(path.join(serverConfigDir(spec), 'development.yaml'), json(serverConfig(spec)));
  writeFileSync(dynamicConfigFile(spec), json(dynamicConfigDocument(spec.dynamicConfig)));
}
