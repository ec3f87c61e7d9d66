import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { toolEnvironment } from '../../src/config';
import { findTemporalCli } from '../../src/temporal/cli';
import { searchAttributeArgs } from '../../src/temporal/searchAttributes';
import { DEV_SERVER_DYNAMIC_CONFIG, type DynamicConfig, dynamicConfigArgs } from '../../src/temporal/devServer';
import { type OwnedProcess, spawnOwned, waitUntilReady } from './ownedProcess';

// The Temporal dev server (`temporal server start-dev`), spawned directly rather than through the SDK's
// TestWorkflowEnvironment, so that its pid is ours to SIGKILL and to sample, and a restart reuses the same
// SQLite file and ports.

export type { DynamicConfig };

/**
 * The same dynamic config `npm start` gives its dev server (src/temporal/devServer.ts). Both keys exist in
 * server 1.29 (the CLI v1.5.1 build); the dev server accepts unknown keys silently, so a misspelt key is ignored
 * rather than rejected.
 */
export const DEFAULT_DYNAMIC_CONFIG: DynamicConfig = DEV_SERVER_DYNAMIC_CONFIG;

export interface DevServerSpec {
  port: number;
  /** Undefined: --headless. */
  uiPort?: number;
  httpPort: number;
  metricsPort: number;
  dbFile: string;
  dynamicConfig: DynamicConfig;
  logFile: string;
  cwd: string;
}

export async function temporalCliPath(): Promise<string> {
  const cli = await findTemporalCli({
    configuredPath: process.env.TEMPORAL_CLI_PATH,
    tools: toolEnvironment(),
    build: false,
  });
  if (!cli.path) throw new Error('no temporal CLI: build it into .temporal/bin (see src/temporal/cli.ts)');
  return cli.path;
}

function devServerArgs(spec: DevServerSpec): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(spec.port)];
  args.push(...(spec.uiPort === undefined ? ['--headless'] : ['--ui-port', String(spec.uiPort)]));
  // Fixed rather than random, so that teardown can check they are closed too.
  args.push('--http-port', String(spec.httpPort), '--metrics-port', String(spec.metricsPort));
  args.push('--db-filename', spec.dbFile, '--namespace', 'default', '--log-level', 'warn');
  // File-backed SQLite is slow with its default journal; WAL without fsync keeps cycles fast.
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  args.push(...dynamicConfigArgs(spec.dynamicConfig), ...searchAttributeArgs());
  return args;
}

/** Ready once a client can connect and see the `default` namespace. */
export async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  } finally {
    await connection.close();
  }
}

export function spawnDevServer(spec: DevServerSpec, cliPath: string): OwnedProcess {
  mkdirSync(path.dirname(spec.dbFile), { recursive: true });
  return spawnOwned({
    name: 'temporal',
    command: cliPath,
    args: devServerArgs(spec),
    logFile: spec.logFile,
    cwd: spec.cwd,
  });
}

export async function waitForDevServer(server: OwnedProcess, port: number, timeoutMs = 60_000): Promise<void> {
  await waitUntilReady(server, 'its gRPC port', () => temporalAnswers(`127.0.0.1:${port}`), timeoutMs);
}

/** A server the caller runs: only waited for, never started or stopped. */
export async function waitForTemporal(address: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await temporalAnswers(address).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Temporal at ${address} does not answer`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
