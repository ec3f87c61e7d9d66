import { ConfigError, loadConfig } from './config';
import { runApi } from './runtime/apiPart';
import { checkCommandLine } from './runtime/commandLine';
import { openDatabase } from './runtime/database';
import { ensureDefaultBot } from './runtime/defaultBot';
import { createLogger, sayer } from './runtime/logging';
import { startServices } from './runtime/services';
import { onShutdown, type Part } from './runtime/shutdown';
import { runWorker } from './runtime/workerPart';

// `npm start`: Temporal (embedded or given), Postgres (embedded or given), the worker, the API and the default
// bot, in one process tree. Ctrl-C stops everything, in reverse order. The worker and the API are built by their
// own composition roots (runtime/workerPart.ts, runtime/apiPart.ts), the same ones npm run worker and npm run api
// use; they share one pool here.

async function main(): Promise<void> {
  checkCommandLine(
    process.argv.slice(2),
    'npm start',
    'Runs Temporal (embedded dev server unless TEMPORAL_ADDRESS), Postgres (embedded unless DATABASE_URL), the worker, the API and the default bot, until Ctrl-C.',
    'API_PORT=3001 LOG_LEVEL=debug npm start',
  );
  const config = loadConfig();
  const logger = createLogger('ooda-bot', config.log);
  const log = sayer(logger);
  log(`starting (market data: ${config.marketDataMode}, data dir: ${config.dataDir})`);
  const parts: Part[] = [];
  const shutdown = onShutdown(parts, logger, config.worker.metricsAddress);

  const services = await startServices(config);
  parts.push(services);
  log(`temporal: ${services.temporalAddress}${services.embedded.temporal ? ' (embedded dev server)' : ''}`);
  log(`postgres: ${services.embedded.postgres ? 'embedded, under ' + config.dataDir : 'DATABASE_URL'}`);

  const pool = await openDatabase(services.databaseUrl, log);
  parts.push({ stop: () => pool.end() });
  parts.push(await runWorker(config, services.temporalAddress, pool, log, (reason) => shutdown(reason, 1)));
  const api = await runApi(config, services.temporalAddress, pool, logger);
  parts.push(api);

  const bot = await ensureDefaultBot(api.client, config.temporal.taskQueue, config.marketDataMode);
  log(
    `default bot "${bot.id}" (${bot.symbol}, ${bot.marketDataMode}) is running, a cycle every ${bot.intervalSeconds}s`,
  );
  if (bot.marketDataMode !== config.marketDataMode) {
    log(
      `note: bot "${bot.id}" was created in ${bot.marketDataMode} mode and keeps it; for ${config.marketDataMode} data ` +
        `create another bot (POST /api/bots with "marketDataMode": "${config.marketDataMode}") or use a fresh DATA_DIR`,
    );
  }
  log(`API:         ${api.api.url}  (try: curl ${api.api.url}/api/bots/${bot.id})`);
  if (services.temporalUiUrl)
    log(`Temporal UI: ${services.temporalUiUrl}/namespaces/${config.temporal.namespace}/workflows`);
  log('press Ctrl-C to stop');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('[ooda-bot] failed to start:', err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
