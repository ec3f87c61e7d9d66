import type { FakeAlphaVantage } from '../../tests/support/fakeAlphaVantage';
import { stillRunning } from './ownedProcess';
import type { Parts } from './parts';
import { acceptsConnections } from './ports';
import { clearSamplerHistory } from './sampler';

// The end of a run: everything stopped in order, then proven gone. Also the hooks that make a Ctrl-C, a
// SIGTERM or a crash of the launching process end the same way.

export interface TeardownReport {
  stopMs: number;
  /** Every pid the launcher started or saw under the postmaster, and those still running (should be none). */
  pids: number[];
  alivePids: number[];
  /** Every port the topology listened on, and those still accepting connections (should be none). */
  ports: number[];
  openPorts: number[];
}

export async function teardown(parts: Parts, alphaVantage: FakeAlphaVantage): Promise<TeardownReport> {
  const started = Date.now();
  parts.log('stopping');
  try {
    await parts.stopAll();
  } finally {
    await alphaVantage.close().catch(() => undefined);
    await parts.config.guardian.release();
    clearSamplerHistory();
  }
  const alivePids = await stillRunning(parts.pids, 5000);
  const ports = [...parts.ports];
  const open = await Promise.all(ports.map((port) => acceptsConnections(port)));
  const report: TeardownReport = {
    stopMs: Date.now() - started,
    pids: [...parts.pids.keys()],
    alivePids,
    ports,
    openPorts: ports.filter((_, i) => open[i]),
  };
  parts.log(
    `stopped in ${report.stopMs} ms; ${report.pids.length} pids, still running: [${alivePids.join(', ')}]; ` +
      `${ports.length} ports, still open: [${report.openPorts.join(', ')}]`,
  );
  return report;
}

/** Ctrl-C, SIGTERM or an uncaught exception stop the topology, then exit; returns the remover. */
export function installExitHooks(parts: Parts, stop: () => Promise<unknown>): () => void {
  let stoppingSince = 0;
  const exitAfterStop = (reason: string, code: number) => {
    // A terminal may relay one Ctrl-C twice; only a later one means "now": SIGKILL everything and leave.
    if (stoppingSince && Date.now() - stoppingSince > 2000) {
      parts.log(`${reason} again: killing the topology now`);
      parts.killAllNow();
      process.exit(code);
    }
    if (stoppingSince) return;
    stoppingSince = Date.now();
    parts.log(`${reason}: stopping the topology`);
    void stop().finally(() => process.exit(code));
  };
  const onSigint = () => exitAfterStop('SIGINT', 130);
  const onSigterm = () => exitAfterStop('SIGTERM', 143);
  const onCrash = (err: Error) => exitAfterStop(`uncaught exception: ${err.stack ?? err.message}`, 1);
  // When the process exits without stop() (process.exit elsewhere): 'exit' handlers are synchronous, so SIGKILL.
  const onExit = () => parts.killAllNow();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('uncaughtException', onCrash);
  process.on('exit', onExit);
  return () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('uncaughtException', onCrash);
    process.off('exit', onExit);
  };
}
