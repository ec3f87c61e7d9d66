import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogSettings } from '../config';

// One logger per process (pino): JSON lines, one object per event, times in UTC, so that a log shipper or `jq`
// reads them; in a terminal (or with LOG_FORMAT=pretty) the same events rendered for people by pino-pretty.
// The Temporal SDK's own logs (worker state, activity and workflow logs) go through the same logger, and each
// line about a bot's workflow carries botId (and cycle) taken from its workflow id.

/** `output`: where JSON lines go (stdout unless a test reads them); pretty output always goes to stdout. */
export function createLogger(name: string, settings: LogSettings, output?: pino.DestinationStream): Logger {
  const options = {
    name,
    level: settings.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { pid: process.pid },
    // A token or key must never reach a log line, whatever a caller passes in.
    redact: { paths: ['req.headers.authorization', 'apiKey', '*.apiKey', 'token', '*.token'], censor: '[redacted]' },
  };
  const prettyOutput = settings.format === 'pretty' || (settings.format === 'auto' && process.stdout.isTTY);
  return prettyOutput
    ? pino(options, pretty({ colorize: true, translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l"Z"', sync: true }))
    : pino(options, output ?? pino.destination({ dest: 1, sync: true })); // sync: nothing lost at exit
}

/** A `(msg) => void` for code that only says what it does: info lines from this logger. */
export function sayer(logger: Logger): (msg: string) => void {
  return (msg) => logger.info(msg);
}

const SDK_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};
const SDK_THRESHOLD: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

// Notices about what this app does not use on purpose (the market-data worker serves activities only; no Nexus)
// say nothing an operator must act on.
const EXPECTED = /^(No workflows registered|No Nexus services registered)/;
const CYCLE_ID = /^bot-(.+)-cycle-(\d+)$/;
const BOT_ID = /^bot-(.+)$/;

/** The SDK's logger, writing through `logger`: its level follows LOG_LEVEL. */
export function sdkLogger(logger: Logger): DefaultLogger {
  const sdk = logger.child({ component: 'temporal-sdk' });
  return new DefaultLogger(SDK_THRESHOLD[logger.level] ?? 'WARN', (entry: LogEntry) => {
    if (EXPECTED.test(entry.message)) return;
    const meta: Record<string, unknown> = { ...entry.meta };
    const workflowId = typeof meta.workflowId === 'string' ? meta.workflowId : undefined;
    const cycle = workflowId ? CYCLE_ID.exec(workflowId) : null;
    if (cycle) Object.assign(meta, { botId: cycle[1], cycle: Number(cycle[2]) });
    else if (workflowId && BOT_ID.test(workflowId)) meta.botId = BOT_ID.exec(workflowId)![1];
    sdk[SDK_LEVEL[entry.level]](meta, entry.message);
  });
}
