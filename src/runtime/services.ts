import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AppConfig } from '../config';
import type { ServicesReady, ServicesRequest } from './servicesProcess';

export interface Services {
  temporalAddress: string;
  temporalUiUrl?: string;
  databaseUrl: string;
  embedded: { temporal: boolean; postgres: boolean };
  stop(): Promise<void>;
}

/** Starts the embedded services in a detached child process (see servicesProcess.ts); resolves when ready. */
export async function startServicesProcess(
  request: ServicesRequest,
): Promise<ServicesReady & { stop(): Promise<void> }> {
  const script = path.join(__dirname, `servicesProcess${path.extname(__filename)}`);
  // Under ts-node-like runners (tests, tsx) the child needs the same TypeScript loader.
  const args = script.endsWith('.ts') ? [require.resolve('tsx/cli'), script] : [script];
  const child = spawn(process.execPath, [...args, JSON.stringify(request)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ready = await new Promise<ServicesReady>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as ServicesReady);
    });
    void exited.then((code) => reject(new Error(`embedded services exited with code ${code} before they were ready`)));
  });
  return {
    ...ready,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Temporal and Postgres: the ones given in the config, or embedded ones persisted under DATA_DIR. */
export async function startServices(config: AppConfig): Promise<Services> {
  const request: ServicesRequest = {
    temporal: config.temporal.address
      ? undefined
      : {
          namespace: config.temporal.namespace,
          port: config.temporal.port,
          uiPort: config.temporal.uiPort,
          dbFilename: path.join(config.dataDir, 'temporal', 'dev.db'),
          cliPath: config.temporal.cliPath,
        },
    postgres: config.database.url ? undefined : { dataDir: config.dataDir, port: config.database.embeddedPort },
  };
  const embedded = { temporal: !!request.temporal, postgres: !!request.postgres };
  if (!embedded.temporal && !embedded.postgres) {
    return {
      temporalAddress: config.temporal.address!,
      databaseUrl: config.database.url!,
      embedded,
      stop: () => Promise.resolve(),
    };
  }
  const started = await startServicesProcess(request);
  return {
    temporalAddress: started.temporalAddress ?? config.temporal.address!,
    temporalUiUrl: started.temporalUiUrl,
    databaseUrl: started.databaseUrl ?? config.database.url!,
    embedded,
    stop: () => started.stop(),
  };
}
