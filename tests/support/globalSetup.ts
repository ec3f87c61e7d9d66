import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { GlobalConfig } from 'jest';
import { startServicesProcess } from '../../src/runtime/services';
import { bundleTestWorkflows } from './workflowCoverage';

// Once per integration run: a real Temporal dev server (in memory) and a real Postgres (TEST_DATABASE_URL, an
// admin URL, when given; else an embedded one in a temp dir), and one workflow bundle every test worker reuses.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

declare global {
  var __OODA_SERVICES__: { stop(): Promise<void> } | undefined;
}

export default async function globalSetup(globalConfig: GlobalConfig): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ooda-test-'));
  // As root, the embedded Postgres runs as the `postgres` user, which must be able to enter this dir.
  chmodSync(dir, 0o755);
  const adminUrl = process.env.TEST_DATABASE_URL;
  const services = await startServicesProcess({
    temporal: { namespace: 'default', port: await freePort() },
    postgres: adminUrl ? undefined : { dataDir: path.join(dir, 'pg'), port: await freePort(), database: 'postgres' },
  });
  globalThis.__OODA_SERVICES__ = services;
  const bundle = await bundleTestWorkflows(
    {
      workflowsPath: require.resolve('../../src/workflows'),
      logger: {
        log: () => undefined,
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: console.warn,
        error: console.error,
      },
    },
    globalConfig.collectCoverage,
  );
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle);
  process.env.OODA_TEST_TEMPORAL_ADDRESS = services.temporalAddress;
  process.env.OODA_TEST_ADMIN_DATABASE_URL = adminUrl ?? services.databaseUrl;
  process.env.OODA_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.OODA_TEST_DIR = dir;
}
