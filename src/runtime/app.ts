import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { ensureSearchAttributes } from '../temporal/searchAttributes';
import type { Pool } from 'pg';
import { armCrashPoints } from '../chaos/crashPoints';
import type { AppConfig } from '../config';
import { migrateUp } from '../db/migrate';
import { createPool } from '../db/pool';
import { postgresLedger } from '../ledger';
import { botsContext } from '../api/bots';
import { startApiServer, type ApiServer } from '../api/server';
import { MarketCache } from '../marketdata/cache';
import { createBotWorkers, runBotWorkers } from '../worker';
import { buildAlphaVantage } from './marketData';

// The parts of OODA Bot, each startable alone (npm run worker / npm run api) or together (npm start).

export interface Part {
  stop(): Promise<void>;
}

/** How long a starting process waits for a Postgres that is not up yet (restarting, still recovering). */
const DATABASE_WAIT_MS = 60_000;
/** Errors of a Postgres that is down or starting up: worth waiting out. Anything else (a bad password) is not. */
const NOT_UP_YET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', '57P03', '57P01']);

/**
 * Migrates (once, under the migration lock) and opens the pool. A Postgres that is down or starting up is
 * waited for, up to a minute, so that a worker restarted during a database restart comes up with it instead of
 * exiting; a wrong URL or password fails at once.
 */
export async function openDatabase(databaseUrl: string, log: (msg: string) => void): Promise<Pool> {
  const deadline = Date.now() + DATABASE_WAIT_MS;
  for (let wait = 250; ; wait = Math.min(wait * 2, 4_000)) {
    try {
      const applied = await migrateUp(databaseUrl);
      if (applied.length) log(`database: applied migrations ${applied.join(', ')}`);
      return createPool(databaseUrl);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!NOT_UP_YET.has(code) || Date.now() + wait > deadline) throw err;
      log(`database: not up yet (${code}); trying again in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

export async function runWorker(
  config: AppConfig,
  temporalAddress: string,
  pool: Pool,
  log: (msg: string) => void,
  onFatal: (reason: string) => void,
): Promise<Part> {
  armCrashPoints(config.chaos.crashPoints);
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const added = await ensureSearchAttributes(connection.operatorService, config.temporal.namespace);
  if (added.length)
    log(`worker: added search attributes ${added.join(', ')} to namespace "${config.temporal.namespace}"`);
  const workers = await createBotWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: {
      ledger: postgresLedger(pool),
      marketCache: new MarketCache(pool),
      alphaVantage: buildAlphaVantage(config),
      marketDataTtl: config.alphaVantage.ttl,
    },
    shutdownGraceMs: config.worker.shutdownGraceMs,
    marketDataRequestsPerSecond: config.alphaVantage.requestsPerSecond,
    tuning: config.worker.tuning,
  });
  const running = runBotWorkers(workers);
  running.done.catch((err: Error) => onFatal(`worker failed: ${err.message}`));
  log(`worker: polling task queue "${config.temporal.taskQueue}" in namespace "${config.temporal.namespace}"`);
  return {
    async stop() {
      running.shutdown();
      await running.done.catch(() => undefined);
      await connection.close();
    },
  };
}

export async function runApi(
  config: AppConfig,
  temporalAddress: string,
  pool: Pool,
  logger?: Logger,
): Promise<Part & { api: ApiServer; client: Client }> {
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const api = await startApiServer(
    botsContext({
      client,
      ledger: postgresLedger(pool),
      taskQueue: config.temporal.taskQueue,
      defaultMarketDataMode: config.marketDataMode,
      temporalUi: { url: config.temporal.uiUrl, namespace: config.temporal.namespace },
    }),
    config.api.host,
    config.api.port,
    {
      token: config.api.token,
      protectReads: config.api.protectReads,
      rateLimitPerMinute: config.api.rateLimitPerMinute,
    },
    logger,
  );
  return {
    api,
    client,
    async stop() {
      await api.stop();
      await connection.close();
    },
  };
}
