import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GlobalConfig } from 'jest';
import { freePort } from '../../scripts/topology/ports';
import { startServicesProcess } from '../../src/runtime/services';
import { workflowBundleOptions } from '../../src/worker';
import { bundleTestWorkflows } from './workflowCoverage';
import { startTestTemporalServer } from './testTemporalServer';

// Once per integration run: a real Temporal dev server (in memory; with OODA_TEST_TEMPORAL=server the real
// Temporal server on the run's Postgres) and a real Postgres (TEST_DATABASE_URL, an admin URL, when given; else an
// embedded one in a temp dir), and one workflow bundle every test worker reuses.

// Below the kernel's ephemeral range: see freePorts.
export { freePort };

/** A failed start stops what did start, then fails. */
const stopAnd =
  (services: { stop(): Promise<void> }) =>
  async (err: unknown): Promise<never> => {
    await services.stop();
    throw err;
  };

declare global {
  var __OODA_SERVICES__: { stop(): Promise<void> } | undefined;
}

export default async function globalSetup(globalConfig: GlobalConfig): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ooda-test-'));
  // As root, the embedded Postgres runs as the `postgres` user, which must be able to enter this dir.
  chmodSync(dir, 0o755);
  const adminUrl = process.env.TEST_DATABASE_URL;
  const temporalChoice = process.env.OODA_TEST_TEMPORAL ?? 'dev';
  if (temporalChoice !== 'dev' && temporalChoice !== 'server') {
    throw new Error(`OODA_TEST_TEMPORAL must be dev or server, got ${JSON.stringify(temporalChoice)}`);
  }
  const onServer = temporalChoice === 'server';
  const services = await startServicesProcess({
    temporal: onServer ? undefined : { namespace: 'default', port: await freePort() },
    postgres: adminUrl ? undefined : { dataDir: path.join(dir, 'pg'), port: await freePort(), database: 'postgres' },
  });
  const databaseUrl = adminUrl ?? services.databaseUrl!;
  const server = onServer ? await startTestTemporalServer(dir, databaseUrl).catch(stopAnd(services)) : undefined;
  globalThis.__OODA_SERVICES__ = {
    async stop() {
      await server?.stop();
      await services.stop();
    },
  };
  const bundle = await bundleTestWorkflows(
    workflowBundleOptions(require.resolve('../../src/workflows'), {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: console.warn,
      error: console.error,
    }),
    globalConfig.collectCoverage,
  );
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle);
  process.env.OODA_TEST_TEMPORAL_ADDRESS = server?.address ?? services.temporalAddress;
  process.env.OODA_TEST_ADMIN_DATABASE_URL = databaseUrl;
  process.env.OODA_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.OODA_TEST_DIR = dir;
}
