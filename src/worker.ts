import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import type { WorkerTuning } from './config';
import { marketDataQueue } from './workflows/activityOptions';

/** Market-data activities one worker runs at once (below the pool's 10 connections). */
const MARKET_DATA_CONCURRENCY = 4;

export interface BotWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt workflow bundle (tests build one per run); otherwise the worker bundles src/workflows at start. */
  workflowBundle?: { codePath: string };
  /** Running activities get this long to finish on shutdown (the SDK's default, 0, cancels them at once). */
  shutdownGraceMs: number;
  /** Alpha Vantage requests per second, shared by every worker on the market-data queue. */
  marketDataRequestsPerSecond: number;
  /** Cache size and concurrency (src/config.ts); empty: the SDK's defaults. */
  tuning?: WorkerTuning;
}

export interface BotWorkers {
  /** Workflows and every phase activity, on the bot task queue. */
  main: Worker;
  /** Alpha Vantage requests only, on `<taskQueue>-market-data`, under a task-queue-wide rate limit. */
  marketData: Worker;
}

export async function createBotWorkers(opts: BotWorkerOptions): Promise<BotWorkers> {
  const activities = createActivities(opts.deps);
  const main = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
    activities,
    shutdownGraceTime: opts.shutdownGraceMs,
    ...opts.tuning,
  });
  const marketData = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: marketDataQueue(opts.taskQueue),
    activities: { fetchMarketData: activities.fetchMarketData },
    maxTaskQueueActivitiesPerSecond: opts.marketDataRequestsPerSecond,
    // Each fetch holds a pooled Postgres connection for its (symbol, kind) lock (MarketCache.underFetchLock):
    // a few at a time leave the pool to the trading activities, and at most a request a second goes out anyway.
    maxConcurrentActivityTaskExecutions: MARKET_DATA_CONCURRENCY,
    shutdownGraceTime: opts.shutdownGraceMs,
  });
  return { main, marketData };
}

/** Runs both workers until shutdown; rejects if either fails. */
export function runBotWorkers(workers: BotWorkers): { done: Promise<void>; shutdown(): void } {
  const done = Promise.all([workers.main.run(), workers.marketData.run()]).then(() => undefined);
  return {
    done,
    shutdown() {
      workers.main.shutdown();
      workers.marketData.shutdown();
    },
  };
}
