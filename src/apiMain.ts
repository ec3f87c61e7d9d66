import { assertApiBinding, ConfigError, loadConfig } from './config';
import { runApi } from './runtime/apiPart';
import { checkCommandLine } from './runtime/commandLine';
import { openDatabase } from './runtime/database';
import { createLogger, sayer } from './runtime/logging';
import { answerStatsRequests } from './runtime/processStats';
import { onShutdown, type Part } from './runtime/shutdown';

// `npm run api`: the control API alone, against a given Temporal (TEMPORAL_ADDRESS) and Postgres (DATABASE_URL).

async function main(): Promise<void> {
  checkCommandLine(
    process.argv.slice(2),
    'npm run api',
    'Runs the control API and the dashboard against a given Temporal and Postgres.',
    'TEMPORAL_ADDRESS=127.0.0.1:7233 DATABASE_URL=postgres://ooda@127.0.0.1:5432/ooda API_TOKEN=$(openssl rand -hex 24) npm run api',
  );
  const config = loadConfig();
  const logger = createLogger('ooda-bot api', config.log);
  const log = sayer(logger);
  if (!config.temporal.address || !config.database.url) {
    throw new ConfigError(
      'invalid configuration:\n  npm run api needs TEMPORAL_ADDRESS and DATABASE_URL (npm start embeds both)',
    );
  }
  // Before anything connects: an API open to the network without a token is refused at once, naming API_TOKEN.
  assertApiBinding(config);
  const parts: Part[] = [];
  onShutdown(parts, logger);
  answerStatsRequests(); // heap figures for a launcher over IPC; its death stops this process as SIGTERM does
  const pool = await openDatabase(config.database.url, log);
  parts.push({ stop: () => pool.end() });
  const api = await runApi(config, config.temporal.address, pool, logger);
  parts.push(api);
  log(`listening on ${api.api.url}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
