import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type BundleOptions,
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import type { WorkerTuning } from './config';
import { marketDataQueue } from './workflows/activityOptions';

/** Market-data activities one worker runs at once (below the pool's 10 connections). */
const MARKET_DATA_CONCURRENCY = 4;

/**
 * Names the exact workflow code a worker runs, as the SDK's default does (`@temporalio/worker@<version>+<sha256
 * of the bundle>`, ~90 characters), in a fifth of the length: the build id is written into most events of every
 * history (each workflow task and activity start), so a cycle child's history is 0.6-1.3 KB smaller.
 */
export function buildIdOf(bundleCode: string): string {
  return `ooda@${createHash('sha256').update(bundleCode).digest('hex').slice(0, 16)}`;
}

/** The bundler reports each build at INFO; one line per worker start is enough, and the SDK logs the worker's. */
const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(`workflow bundle: ${message}`),
  error: (message: string) => console.error(`workflow bundle: ${message}`),
};

/**
 * Modules the workflow sandbox evaluates once per worker instead of once per workflow: src/workflowLibraries.ts,
 * which imports zod and trading-signals. The SDK gives each workflow its own module cache (reuseV8Context), so
 * without this every cycle child ran the module code of zod (95 modules) and trading-signals (176) again: CPU on
 * every cycle (0.21 -> 0.12 CPU-seconds a cycle with it), and module functions hot enough for V8's optimizing
 * compiler. About five minutes after each worker started, one such compile grew a 397 MB zone (heaptrack), and the
 * longest compiles were zod's module functions (schemas.cjs 8.9 s, --trace-opt): docs/soak/README.md. What a
 * preloaded library may keep is in src/workflowLibraries.ts.
 */
export const SHARED_WORKFLOW_MODULES = [require.resolve('./workflowLibraries')];

/** How the workflow code is bundled, for the workers and for the tests that bundle it themselves. */
export function workflowBundleOptions(
  workflowsPath = require.resolve('./workflows'),
  logger: BundleOptions['logger'] = quietBundler,
): BundleOptions {
  return {
    workflowsPath,
    logger,
    preloadModules: SHARED_WORKFLOW_MODULES,
  };
}

/** The workflow code every worker runs: src/workflows and what it imports, as one script (the SDK's bundler). */
export async function bundleWorkflows(): Promise<string> {
  return (await bundleWorkflowCode(workflowBundleOptions())).code;
}

export interface BotWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /**
   * A prebuilt workflow bundle (the container image builds one, tests one per run); otherwise the worker bundles
   * src/workflows at start, spending the bundler's CPU and memory on every start.
   */
  workflowBundle?: { codePath: string };
  /** Running activities get this long to finish on shutdown (the SDK's default, 0, cancels them at once). */
  shutdownGraceMs: number;
  /** Alpha Vantage requests per second, shared by every worker on the market-data queue. */
  marketDataRequestsPerSecond: number;
  /** Cache size and concurrency (src/config.ts); empty: the SDK's defaults. */
  tuning?: WorkerTuning;
  /** Last say over the main worker's options: tests add the sinks of their instrumented bundle's coverage. */
  adjustMainWorker?: (options: MainWorkerOptions) => WorkerOptions;
}

type MainWorkerOptions = WorkerOptions & Required<Pick<WorkerOptions, 'workflowBundle'>>;

export interface BotWorkers {
  /** Workflows and every phase activity, on the bot task queue. */
  main: Worker;
  /** Alpha Vantage requests only, on `<taskQueue>-market-data`, under a task-queue-wide rate limit. */
  marketData: Worker;
}

export async function createBotWorkers(opts: BotWorkerOptions): Promise<BotWorkers> {
  const activities = createActivities(opts.deps);
  // The build id names the code, so a prebuilt bundle is read here too: the same code gets the same id.
  const bundle = opts.workflowBundle ? await readFile(opts.workflowBundle.codePath, 'utf8') : await bundleWorkflows();
  const mainOptions: MainWorkerOptions = {
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.workflowBundle ?? { code: bundle },
    buildId: buildIdOf(bundle),
    activities,
    shutdownGraceTime: opts.shutdownGraceMs,
    ...opts.tuning,
  };
  const main = await Worker.create(opts.adjustMainWorker ? opts.adjustMainWorker(mainOptions) : mainOptions);
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
