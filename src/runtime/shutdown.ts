import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { sayer, sdkLogger } from './logging';

/** A started piece of the program (services, pool, worker, API): stopped in reverse order of start. */
export interface Part {
  stop(): Promise<void>;
}

/**
 * Stops the started parts in reverse order on SIGINT/SIGTERM, or when a part fails for good (a dead worker
 * must not leave an API up over bots that no longer cycle): API, worker (running activities get their grace
 * time), connections, pool, then the embedded services. Returns the function that starts that shutdown.
 */
export function onShutdown(
  parts: Part[],
  logger: Logger,
  /** host:port where the SDK serves its Prometheus metrics (workers: WORKER_METRICS_ADDRESS); unset: none. */
  metricsAddress?: string,
): (reason: string, exitCode: number) => void {
  // The SDK installs its own signal handlers that shut workers down; ours owns the order instead.
  const log = sayer(logger);
  Runtime.install({
    shutdownSignals: [],
    logger: sdkLogger(logger),
    ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } } : {}),
  });
  if (metricsAddress) log(`Temporal SDK metrics: http://${metricsAddress}/metrics`);
  let stoppingSince = 0;
  const stop = (reason: string, exitCode: number) => {
    if (stoppingSince) {
      // npm and tsx relay the terminal's Ctrl-C, so one keypress can arrive twice: only a later one forces.
      if (Date.now() - stoppingSince < 2000) return;
      log(`${reason} again: exiting now`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    log(`${reason}: stopping...`);
    void (async () => {
      for (const part of [...parts].reverse()) {
        await part.stop().catch((err: Error) => log(`while stopping: ${err.message}`));
      }
      log('stopped');
      process.exit(exitCode);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  return stop;
}
