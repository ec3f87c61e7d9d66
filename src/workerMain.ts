import { ConfigError, loadConfig } from './config';
import { checkCommandLine } from './runtime/commandLine';
import { openDatabase } from './runtime/database';
import { createLogger, sayer } from './runtime/logging';
import { answerStatsRequests } from './runtime/processStats';
import { onShutdown, type Part } from './runtime/shutdown';
import { runWorker } from './runtime/workerPart';

// `npm run worker`: the worker alone, against a given Temporal (TEMPORAL_ADDRESS) and Postgres (DATABASE_URL).

async function main(): Promise<void> {
  checkCommandLine(
    process.argv.slice(2),
    'npm run worker',
    'Runs one worker (bot and cycle workflows, their activities, market data) against a given Temporal and Postgres.',
    'TEMPORAL_ADDRESS=127.0.0.1:7233 DATABASE_URL=postgres://ooda@127.0.0.1:5432/ooda npm run worker',
  );
  const config = loadConfig();
  const logger = createLogger('ooda-bot worker', config.log);
  const log = sayer(logger);
  if (!config.temporal.address || !config.database.url) {
    throw new ConfigError(
      'invalid configuration:\n  npm run worker needs TEMPORAL_ADDRESS and DATABASE_URL (npm start embeds both)',
    );
  }
  const parts: Part[] = [];
  const shutdown = onShutdown(parts, logger, config.worker.metricsAddress);
  answerStatsRequests(); // heap figures for a launcher over IPC; its death stops this process as SIGTERM does
  const pool = await openDatabase(config.database.url, log);
  parts.push({ stop: () => pool.end() });
  parts.push(await runWorker(config, config.temporal.address, pool, log, (reason) => shutdown(reason, 1)));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
