import { DefaultLogger, type LogEntry } from '@temporalio/worker';

// The SDK's logger at WARN, minus one expected warning: the market-data worker serves activities only, so the
// SDK's "No workflows registered" notice about it says nothing an operator must act on.
const EXPECTED = /^No workflows registered/;

export function sdkLogger(): DefaultLogger {
  const print = new DefaultLogger('WARN');
  return new DefaultLogger('WARN', (entry: LogEntry) => {
    if (EXPECTED.test(entry.message)) return;
    print.log(entry.level, entry.message, entry.meta);
  });
}
