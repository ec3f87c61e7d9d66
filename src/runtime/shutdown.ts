import { Runtime } from '@temporalio/worker';
import { sdkLogger } from './logger';

/**
 * Stops the started parts in reverse order on SIGINT/SIGTERM: API, worker (running activities get their grace
 * time), connections, pool, then the embedded services. A second signal exits at once.
 */
export function onShutdown(parts: { stop(): Promise<void> }[], log: (msg: string) => void): void {
  // The SDK installs its own signal handlers that shut workers down; ours owns the order instead.
  Runtime.install({ shutdownSignals: [], logger: sdkLogger() });
  let stoppingSince = 0;
  const stop = (signal: string) => {
    if (stoppingSince) {
      // npm and tsx relay the terminal's Ctrl-C, so one keypress can arrive twice: only a later one forces.
      if (Date.now() - stoppingSince < 2000) return;
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    log(`${signal}: stopping...`);
    void (async () => {
      for (const part of [...parts].reverse()) {
        await part.stop().catch((err: Error) => log(`while stopping: ${err.message}`));
      }
      log('stopped');
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
