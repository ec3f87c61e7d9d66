import path from 'node:path';
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

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ServicesRequest;
  const [temporal, postgres] = await Promise.all([
    request.temporal ? startDevServer({ ...request.temporal, log }) : null,
    request.postgres
      ? startEmbeddedPostgres({ ...request.postgres, dataDir: path.resolve(request.postgres.dataDir) })
      : null,
  ]);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  const ready: ServicesReady = {
    temporalAddress: temporal?.address,
    temporalUiUrl: temporal?.uiUrl,
    databaseUrl: postgres?.url,
  };
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
}

main().catch((err: unknown) => {
  log(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
