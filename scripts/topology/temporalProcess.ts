import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { toolEnvironment } from '../../src/config';
import { findTemporalCli } from '../../src/temporal/cli';
import type { TemporalEndpoint } from '../../src/temporal/connection';
import {
  DEV_SERVER_DYNAMIC_CONFIG,
  devServerArgs,
  type DynamicConfig,
  temporalAnswers,
} from '../../src/temporal/devServer';
import { type OwnedProcess, spawnOwned, waitUntilReady } from './ownedProcess';

// The Temporal dev server (`temporal server start-dev`), spawned directly rather than through the SDK's
// TestWorkflowEnvironment, so that its pid is ours to SIGKILL and to sample, and a restart reuses the same
// SQLite file and ports.

export type { DynamicConfig };
export { temporalAnswers };

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

export function spawnDevServer(spec: DevServerSpec, cliPath: string): OwnedProcess {
  mkdirSync(path.dirname(spec.dbFile), { recursive: true });
  return spawnOwned({
    name: 'temporal',
    command: cliPath,
    // Fixed ports rather than random, so that teardown can check they are closed too.
    args: devServerArgs({
      namespace: 'default',
      port: spec.port,
      uiPort: spec.uiPort,
      httpPort: spec.httpPort,
      metricsPort: spec.metricsPort,
      dbFilename: spec.dbFile,
      dynamicConfig: spec.dynamicConfig,
    }),
    logFile: spec.logFile,
    cwd: spec.cwd,
  });
}

export async function waitForDevServer(server: OwnedProcess, port: number, timeoutMs = 60_000): Promise<void> {
  await waitUntilReady(server, 'its gRPC port', () => temporalAnswers(`127.0.0.1:${port}`), timeoutMs);
}

/**
 * A server the caller runs (an address, or a remote one with its TLS and API key): only waited for, never started
 * or stopped. The error names why the last attempt failed (a refused certificate, an unknown namespace).
 */
export async function waitForTemporal(
  endpoint: TemporalEndpoint,
  namespace = 'default',
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failure = 'no answer';
  while (!(await temporalAnswers(endpoint, namespace).catch((err: Error) => ((failure = err.message), false)))) {
    if (Date.now() > deadline) {
      throw new Error(`Temporal at ${endpoint.address} (namespace ${namespace}) does not answer: ${failure}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
