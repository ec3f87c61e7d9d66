import path from 'node:path';
import { toolEnvironment } from '../config';
import { startEmbeddedPostgres } from '../db/embeddedPostgres';
import { startDevServer } from '../temporal/devServer';

// A child process that owns the embedded Temporal dev server and Postgres. It runs in its own process group,
// so a terminal's Ctrl-C reaches only the app, which then stops the worker first and this process last.
// It also stops its services when its parent dies (stdin closes), so nothing is left behind.

export interface ServicesRequest {
  temporal?: { namespace: string; port: number; uiPort?: number; dbFilename?: string; cliPath?: string };
  postgres?: { dataDir: string; port: number; database?: string };
}

export interface ServicesReady {
  temporalAddress?: string;
  temporalUiUrl?: string;
  databaseUrl?: string;
}

const log = (msg: string) => process.stderr.write(`[ooda-bot services] ${msg}\n`);

let stopping = false;

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ServicesRequest;
  // Stopping works from the first instant, also while the first start still builds the temporal CLI (minutes):
  // a signal, or the app going away (stdin closes, or writing to it fails with EPIPE), aborts the build and
  // stops whatever has started.
  const abort = new AbortController();
  const starting: Promise<unknown>[] = [];
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    abort.abort();
    // A service still starting is stopped once it is up (Postgres cannot be cut mid-start), not left behind.
    await Promise.allSettled(starting);
    await Promise.allSettled(started.map((s) => s.stop()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  process.stdout.on('error', () => void stop());
  const track = <T extends { stop(): Promise<void> }>(start: Promise<T>): Promise<T> => {
    const up = start.then((s) => (started.push(s), s));
    starting.push(up);
    return up;
  };
  const [temporal, postgres] = await Promise.all([
    request.temporal
      ? track(startDevServer({ ...request.temporal, tools: toolEnvironment(), log, signal: abort.signal }))
      : null,
    request.postgres
      ? track(startEmbeddedPostgres({ ...request.postgres, dataDir: path.resolve(request.postgres.dataDir) }))
      : null,
  ]);
  if (stopping) return;
  const ready: ServicesReady = {
    temporalAddress: temporal?.address,
    temporalUiUrl: temporal?.uiUrl,
    databaseUrl: postgres?.url,
  };
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
}

main().catch((err: unknown) => {
  // A start cut short by a stop is not a failure: stop() exits once everything is down.
  if (stopping) return;
  log(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
