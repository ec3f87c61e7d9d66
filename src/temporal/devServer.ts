import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalCli } from './cli';

// An embedded Temporal dev server (the real server, from the `temporal` CLI, with its web UI) for machines
// that have none. With a dbFilename it persists, so a restart keeps the bots and their histories.

export interface DevServerOptions {
  namespace: string;
  port: number;
  uiPort?: number;
  /** SQLite file; omit for an in-memory server (tests). */
  dbFilename?: string;
  cliPath?: string;
  log?: (msg: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = await findTemporalCli({ configuredPath: opts.cliPath, log: opts.log });
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
      extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'],
    },
  });
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
