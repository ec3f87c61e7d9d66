import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

// The SDK's logger at WARN, minus one expected warning: the market-data worker serves activities only, so the
// SDK's "No workflows registered" notice about it says nothing an operator must act on.
const EXPECTED = /^No workflows registered/;

export function sdkLogger(level: LogLevel = 'WARN'): DefaultLogger {
  const print = new DefaultLogger(level);
  return new DefaultLogger(level, (entry: LogEntry) => {
    if (EXPECTED.test(entry.message)) return;
    print.log(entry.level, entry.message, entry.meta);
  });
}
