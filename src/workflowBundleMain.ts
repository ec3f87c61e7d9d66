import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { checkCommandLine } from './runtime/commandLine';
import { buildIdOf, bundleWorkflows } from './worker';

// Builds the workflow bundle ahead of time (the container image does, at build time) and writes it where
// WORKFLOW_BUNDLE_PATH says; a worker started with the same setting loads it instead of bundling at start.

async function main(): Promise<void> {
  checkCommandLine(
    process.argv.slice(2),
    'node dist/workflowBundleMain.js',
    'Writes the workflow bundle to WORKFLOW_BUNDLE_PATH, for workers started with the same setting.',
    'WORKFLOW_BUNDLE_PATH=dist/workflow-bundle.js node dist/workflowBundleMain.js',
  );
  const target = loadConfig().worker.workflowBundlePath;
  if (!target) throw new ConfigError('invalid configuration:\n  WORKFLOW_BUNDLE_PATH: say where to write the bundle');
  const code = await bundleWorkflows();
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, code);
  console.log(`workflow bundle: ${target} (${code.length} bytes, build id ${buildIdOf(code)})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
