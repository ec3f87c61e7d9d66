import { access } from 'node:fs/promises';
import type { Pool } from 'pg';
import { armCrashPoints } from '../chaos/crashPoints';
import { ConfigError, type AppConfig } from '../config';
import { postgresLedger } from '../ledger';
import { MarketCache } from '../marketdata/cache';
import { connectWorker, temporalEndpoint } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/searchAttributes';
import { createBotWorkers, runBotWorkers } from '../worker';
import { buildAlphaVantageClient } from './alphaVantageClient';
import type { Part } from './shutdown';
import { boundHeapGrowth, fixYoungGeneration } from './workflowHeap';

// The worker's composition root (npm run worker, and the worker half of npm start): the activities' dependencies
// (the ledger, the market-data cache and Alpha Vantage, the clock by default) and the workers that run them.

export async function runWorker(
  config: AppConfig,
  temporalAddress: string,
  pool: Pool,
  log: (msg: string) => void,
  onFatal: (reason: string) => void,
): Promise<Part> {
  armCrashPoints(config.chaos.crashPoints);
  // Before the SDK starts the workflow thread: its isolate reads the young generation's flags when it is created.
  boundHeapGrowth(config.worker.heapGrowingPercent);
  fixYoungGeneration(config.worker.semiSpaceMb);
  const workflowBundle = await prebuiltBundle(config.worker.workflowBundlePath);
  const connection = await connectWorker(temporalEndpoint(config.temporal, temporalAddress));
  const added = await ensureSearchAttributes(connection.operatorService, config.temporal.namespace);
  if (added.length)
    log(`worker: added search attributes ${added.join(', ')} to namespace "${config.temporal.namespace}"`);
  log(`worker: workflow code ${workflowBundle ? `from ${workflowBundle.codePath}` : 'bundled at start'}`);
  const workers = await createBotWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: {
      ledger: postgresLedger(pool),
      marketCache: new MarketCache(pool),
      alphaVantage: buildAlphaVantageClient(config),
      marketDataTtl: config.alphaVantage.ttl,
    },
    workflowBundle,
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

/** The prebuilt bundle WORKFLOW_BUNDLE_PATH names, refused by name when it cannot be read. */
async function prebuiltBundle(codePath: string | undefined): Promise<{ codePath: string } | undefined> {
  if (!codePath) return undefined;
  try {
    await access(codePath);
  } catch (err) {
    throw new ConfigError(
      `invalid configuration:\n  WORKFLOW_BUNDLE_PATH: cannot read ${codePath} (${(err as Error).message}); ` +
        'build it with `node dist/workflowBundleMain.js`, or unset it to bundle at start',
    );
  }
  return { codePath };
}
