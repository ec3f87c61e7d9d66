import { ConfigError, loadConfig } from './config';
import { openDatabase, runApi, runWorker, type Part } from './runtime/app';
import { ensureDefaultBot } from './runtime/defaultBot';
import { startServices } from './runtime/services';
import { checkCommandLine } from './runtime/commandLine';
import { createLogger, sayer } from './runtime/logging';
import { onShutdown } from './runtime/shutdown';

// `npm start`: Temporal (embedded or given), Postgres (embedded or given), the worker, the API and the default
// bot, in one process tree. Ctrl-C stops everything, in reverse order.

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
