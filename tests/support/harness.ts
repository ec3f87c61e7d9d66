import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createLogger, sdkLogger } from '../../src/runtime/logging';
import { Client as PgClient, type Pool } from 'pg';
import type { ActivityDeps } from '../../src/activities';
import { migrateUp } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { type Ledger, postgresLedger } from '../../src/ledger';
import { MarketCache } from '../../src/marketdata/cache';
import type { TemporalEndpoint } from '../../src/temporal/connection';
import { createBotWorkers, runBotWorkers } from '../../src/worker';
import { CallsInFlight } from './callsInFlight';
import { WorkflowCoverageCollector } from './workflowCoverage';
// Every module of the workflow bundle, loaded here too: with --coverage, the workflows' hits are counted on jest's
// map of each (tests/support/coverageEnvironment.ts), the same map every test file reports.
import '../../src/workflows';

// Per test file: its own database (migrated), its own task queue, a real worker and a real client.

let runtimeInstalled = false;

export interface TestDatabase {
  url: string;
  pool: Pool;
  ledger: Ledger;
  /** Activity dependencies on this database, quicktest-ready; add `alphaVantage` for live tests. */
  deps: ActivityDeps;
  drop(): Promise<void>;
}

/** The Temporal dev server and the workflow bundle globalSetup built, for tests that start a worker their own way. */
export function testServices(): { temporalAddress: string; workflowBundlePath: string } {
  return { temporalAddress: env('OODA_TEST_TEMPORAL_ADDRESS'), workflowBundlePath: env('OODA_TEST_WORKFLOW_BUNDLE') };
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through jest (globalSetup)`);
  return value;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = env('OODA_TEST_ADMIN_DATABASE_URL');
  const name = `ooda_test_${randomBytes(5).toString('hex')}`;
  const adminClient = new PgClient({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${name}`);
  await adminClient.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  await migrateUp(url.toString());
  const pool = createPool(url.toString(), 5);
  const ledger = postgresLedger(pool);
  return {
    url: url.toString(),
    pool,
    ledger,
    deps: {
      ledger,
      marketCache: new MarketCache(pool),
      marketDataTtl: { priceSeconds: 60, candlesSeconds: 3600, sentimentSeconds: 3600 },
    },
    async drop() {
      await pool.end();
      const c = new PgClient({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestTemporal {
  client: Client;
  taskQueue: string;
  /** The client's gRPC calls in flight now (tests/support/callsInFlight.ts). */
  callsInFlight(): string[];
  /**
   * Activities running in this worker now, on both task queues. An activity outlives its workflow's close until it
   * returns (nothing cancels one that does not heartbeat): a test that ends a workflow waits for this to reach 0
   * before the next test counts requests at a stand-in.
   */
  activitiesInFlight(): number;
  close(): Promise<void>;
}

export async function startTestWorker(
  deps: ActivityDeps,
  taskQueue = `test-${randomBytes(4).toString('hex')}`,
  /** The shared dev server unless given (tests/integration/remoteTemporal.test.ts: over mTLS). */
  endpoint: TemporalEndpoint = { address: env('OODA_TEST_TEMPORAL_ADDRESS') },
): Promise<TestTemporal> {
  if (!runtimeInstalled) {
    // Tests provoke failing activities on purpose and assert them; at WARN each attempt prints a stack trace.
    Runtime.install({
      logger: sdkLogger(createLogger('test', { level: 'error', format: 'json' })),
      shutdownSignals: [],
    });
    runtimeInstalled = true;
  }
  const nativeConnection = await NativeConnection.connect(endpoint);
  const coverage = new WorkflowCoverageCollector();
  const workers = await createBotWorkers({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    deps,
    workflowBundle: { codePath: env('OODA_TEST_WORKFLOW_BUNDLE') },
    shutdownGraceMs: 5_000,
    marketDataRequestsPerSecond: 50,
    adjustMainWorker: (options) => coverage.augmentWorkerOptionsWithBundle(options),
  });
  const running = runBotWorkers(workers);
  const inFlight = new CallsInFlight();
  const connection = await Connection.connect({ ...endpoint, interceptors: inFlight.interceptors });
  const client = new Client({ connection, namespace: 'default' });
  return {
    client,
    taskQueue,
    callsInFlight: () => inFlight.methods(),
    activitiesInFlight: () =>
      workers.main.getStatus().numInFlightActivities + workers.marketData.getStatus().numInFlightActivities,
    async close() {
      running.shutdown();
      await running.done;
      coverage.keep();
      await nativeConnection.close();
      try {
        await inFlight.settled(10_000);
      } finally {
        await connection.close();
      }
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs` with the last seen value. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A fresh database and a worker on it for the whole test file (beforeAll/afterAll registered here); read `db`
 * and `temporal` inside tests and hooks, not at module load.
 */
export function useTestWorker(): { readonly db: TestDatabase; readonly temporal: TestTemporal } {
  const parts: { db?: TestDatabase; temporal?: TestTemporal } = {};
  beforeAll(async () => {
    parts.db = await createTestDatabase();
    parts.temporal = await startTestWorker(parts.db.deps);
  });
  afterAll(async () => {
    await parts.temporal?.close();
    await parts.db?.drop();
  });
  return {
    get db() {
      return parts.db!;
    },
    get temporal() {
      return parts.temporal!;
    },
  };
}
