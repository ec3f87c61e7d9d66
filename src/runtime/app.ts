import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Pool } from 'pg';
import { PaperBroker } from '../broker/paperBroker';
import { armCrashPoints } from '../chaos/crashPoints';
import type { AppConfig } from '../config';
import { migrateUp } from '../db/migrate';
import { createPool } from '../db/pool';
import { startApiServer, type ApiServer } from '../api/server';
import { MarketCache } from '../marketdata/cache';
import { createBotWorkers, runBotWorkers } from '../worker';
import { buildAlphaVantage } from './marketData';

// The parts of OODA Bot, each startable alone (npm run worker / npm run api) or together (npm start).

export interface Part {
  stop(): Promise<void>;
}

export async function openDatabase(databaseUrl: string, log: (msg: string) => void): Promise<Pool> {
  const applied = await migrateUp(databaseUrl);
  if (applied.length) log(`database: applied migrations ${applied.join(', ')}`);
  return createPool(databaseUrl);
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
  const workers = await createBotWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: {
      pool,
      broker: new PaperBroker(pool),
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
): Promise<Part & { api: ApiServer; client: Client }> {
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const api = await startApiServer(
    {
      client,
      broker: new PaperBroker(pool),
      taskQueue: config.temporal.taskQueue,
      defaultMarketDataMode: config.marketDataMode,
    },
    config.api.host,
    config.api.port,
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
