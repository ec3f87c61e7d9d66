import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ToolEnvironment } from '../config';
import { findTemporalCli } from './cli';
import { searchAttributeArgs } from './searchAttributes';

// An embedded Temporal dev server (the real server, from the `temporal` CLI, with its web UI) for machines
// that have none. With a dbFilename it persists, so a restart keeps the bots and their histories.

/**
 * Dynamic config for the dev server, measured (docs/performance.md): it has one history shard, whose queue
 * processors poll 20 times a second by default, so under load every task waited up to 50 ms for the next read
 * (back-to-back cycles: p50 558 ms -> 109 ms with the transfer queue lifted). Both settings only change how often
 * the server reads its own queues: nothing is kept in memory that a killed server would lose.
 */
export type DynamicConfig = Record<string, string | number | boolean | Record<string, unknown>>;

export const DEV_SERVER_DYNAMIC_CONFIG: DynamicConfig = {
  'history.transferProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollRPS': 1000,
  // A new timer fires no sooner than this after it is written (default 1s): a 400 ms wait for the next slot took
  // a second. The shift guards against clock skew between history hosts; the dev server has one.
  'history.timerProcessorMaxTimeShift': '100ms',
  // The mutable state of every workflow touched stays cached for an hour by default, and expired entries are
  // only dropped when the cache is full (128,000 entries): with a cycle child per cycle, the server's memory
  // grew through a whole soak (36 MB per 10 minutes at 4 cycles a second). Two minutes covers a cycle's life
  // and its bot's interval, and a background sweep drops what expired; a miss only reads the database.
  'history.cacheTTL': '2m',
  'history.cacheBackgroundEvict': { Enabled: true, LoopInterval: '30s', MaxEntryPerCall: 1024 },
  'history.eventsCacheTTL': '2m',
};

/** `--dynamic-config-value key=value` pairs for `temporal server start-dev`. */
export function dynamicConfigArgs(config: DynamicConfig): string[] {
  return Object.entries(config).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}

export interface DevServerOptions {
  namespace: string;
  port: number;
  uiPort?: number;
  /** SQLite file; omit for an in-memory server (tests). */
  dbFilename?: string;
  cliPath?: string;
  /** Where the CLI is looked for, and what a build of it runs with (src/config.ts: toolEnvironment). */
  tools: ToolEnvironment;
  log?: (msg: string) => void;
  /** Stops a first start that is still building the CLI. */
  signal?: AbortSignal;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = await findTemporalCli({
    configuredPath: opts.cliPath,
    tools: opts.tools,
    log: opts.log,
    signal: opts.signal,
  });
  opts.log?.(
    cli.path
      ? `starting Temporal dev server from ${cli.path} (${cli.source})`
      : 'downloading the Temporal dev server (SDK)',
  );
  if (opts.dbFilename) mkdirSync(path.dirname(opts.dbFilename), { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli.path ? { type: 'existing-path', path: cli.path } : { type: 'cached-download' },
      ip: '127.0.0.1',
      port: opts.port,
      namespace: opts.namespace,
      ui: opts.uiPort !== undefined,
      uiPort: opts.uiPort,
      dbFilename: opts.dbFilename,
      log: { format: 'pretty', level: 'warn' },
      // File-backed SQLite is slow with its default journal; WAL without fsync keeps cycles fast.
      extraArgs: [
        '--sqlite-pragma',
        'journal_mode=WAL',
        '--sqlite-pragma',
        'synchronous=OFF',
        ...dynamicConfigArgs(DEV_SERVER_DYNAMIC_CONFIG),
        ...searchAttributeArgs(),
      ],
    },
  });
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
