import { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { botsContext } from '../api/bots';
import { startApiServer, type ApiServer } from '../api/server';
import type { AppConfig } from '../config';
import { postgresLedger } from '../ledger';
import { connectClient, temporalEndpoint } from '../temporal/connection';
import type { Part } from './shutdown';

// The API's composition root (npm run api, and the API half of npm start): a Temporal client and the ledger,
// read-only. Nothing of the worker: no activities, no market data.

export async function runApi(
  config: AppConfig,
  temporalAddress: string,
  pool: Pool,
  logger?: Logger,
): Promise<Part & { api: ApiServer; client: Client }> {
  const connection = await connectClient(temporalEndpoint(config.temporal, temporalAddress));
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
