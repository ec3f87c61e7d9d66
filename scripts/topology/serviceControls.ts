import type { Exit } from './ownedProcess';
import { describeExit, ownedSpec, type Parts } from './parts';
import { ensureDatabase, initPostgres, signalFamily, spawnPostmaster, waitForPostmaster } from './postgresProcess';
import { requireServerBinaries, SERVER_VERSION } from './serverBinaries';
import type { ServerSpec } from './serverConfig';
import { prepareServer, spawnServer, waitForServer } from './serverProcess';
import { type DevServerSpec, spawnDevServer, temporalCliPath, waitForDevServer } from './temporalProcess';

// Starting, crashing, pausing and restarting the services the launcher owns: Postgres and Temporal (the dev
// server, or the real server on Postgres). A restart reuses the same data directory, SQLite file or databases,
// and ports, so clients reconnect to the same addresses and find their data. Services the caller gave are never
// touched.

/** initdb, once per run dir. */
export async function initOwnedPostgres(parts: Parts): Promise<void> {
  const spec = ownedSpec(parts.config.postgres, 'Postgres');
  return parts.timed(
    'initdb',
    () => Promise.resolve(initPostgres(spec)),
    () => `cluster in ${spec.dataDir}`,
  );
}

export async function startPostgres(parts: Parts): Promise<number> {
  const spec = ownedSpec(parts.config.postgres, 'Postgres');
  parts.assertStopped(parts.postgres, 'postgres');
  return parts.timed(
    'startPostgres',
    async () => {
      const postmaster = (parts.postgres = parts.adopt(() => spawnPostmaster(spec)));
      await waitForPostmaster(postmaster, spec.port);
      await ensureDatabase(spec.port);
      parts.notePostgresFamily();
      parts.notePorts(postmaster);
      return postmaster.pid;
    },
    (pid) => `postmaster pid ${pid} accepts connections`,
  );
}

function runningPostgres(parts: Parts) {
  ownedSpec(parts.config.postgres, 'Postgres');
  if (!parts.postgres || parts.postgres.exit) throw new Error('postgres is not running');
  return parts.postgres;
}

/** SIGQUIT to the postmaster: an immediate shutdown, as in a crash; the next start runs crash recovery. */
export async function crashPostgres(parts: Parts): Promise<Exit> {
  const postmaster = runningPostgres(parts);
  const family = parts.notePostgresFamily();
  return parts.timed(
    'crashPostgres',
    async () => {
      const exit = await parts.kill(postmaster, 'postgres', 'SIGQUIT', 15_000);
      await parts.reapPostgresFamily(postmaster.pid, family);
      return exit;
    },
    describeExit,
  );
}

/** SIGSTOP (pause) or SIGCONT (resume) to the postmaster and all its children; resolves with the pids. */
export async function signalPostgres(parts: Parts, sig: 'SIGSTOP' | 'SIGCONT'): Promise<number[]> {
  const postmaster = runningPostgres(parts);
  parts.notePostgresFamily();
  const action = sig === 'SIGSTOP' ? 'pausePostgres' : 'resumePostgres';
  return parts.timed(
    action,
    () => Promise.resolve(signalFamily(postmaster.pid, sig)),
    (pids) => `${sig} to ${pids.length} pids (${pids.join(', ')})`,
  );
}

/** Same ports and the same data (SQLite file, or databases) as before, so bots and their histories survive a kill. */
export async function startTemporal(parts: Parts): Promise<number> {
  const spec = ownedSpec(parts.config.temporal, 'Temporal');
  parts.assertStopped(parts.temporal, 'temporal');
  return spec.kind === 'server' ? startServer(parts, spec) : startDevServer(parts, spec);
}

async function startDevServer(parts: Parts, spec: DevServerSpec): Promise<number> {
  const cliPath = await temporalCliPath();
  return parts.timed(
    'startTemporal',
    async () => {
      // The dev server picks its internal services' ports itself, free when it looks and bound a moment later:
      // one was taken in between once (CI's bench: "bind: address already in use", then a panic). Another start
      // picks others; a taken gRPC port of ours fails every attempt and is reported as it is.
      for (let attempt = 1; ; attempt++) {
        const server = (parts.temporal = parts.adopt(() => spawnDevServer(spec, cliPath)));
        try {
          await waitForDevServer(server, spec.port);
        } catch (err) {
          if (attempt >= 3 || !/address already in use/.test((err as Error).message)) throw err;
          parts.log(`startTemporal: attempt ${attempt} lost a port race (address already in use): starting again`);
          continue;
        }
        parts.notePorts(server);
        return server.pid;
      }
    },
    (pid) => `dev server pid ${pid} answers`,
  );
}

async function startServer(parts: Parts, spec: ServerSpec): Promise<number> {
  const binaries = requireServerBinaries();
  // Once per topology: the setup's six temporal-sql-tool runs took 12-15 s, time a chaos restart would add to
  // every outage it measures, and nothing they make is lost when the server dies.
  if (!parts.temporalPrepared) {
    await parts.timed(
      'temporalSchema',
      () => prepareServer(spec, binaries),
      () => `config in ${spec.dir}, databases and schemas ready`,
    );
    parts.temporalPrepared = true;
  }
  return parts.timed(
    'startTemporal',
    async () => {
      const server = (parts.temporal = parts.adopt(() => spawnServer(spec, binaries)));
      await waitForServer(server, `127.0.0.1:${spec.ports.grpc}`);
      parts.notePorts(server);
      return server.pid;
    },
    (pid) => `Temporal server ${SERVER_VERSION} pid ${pid} answers (Postgres, ${spec.historyShards} history shards)`,
  );
}

export async function killTemporal(parts: Parts): Promise<Exit> {
  ownedSpec(parts.config.temporal, 'Temporal');
  const server = parts.temporal;
  return parts.timed('killTemporal', () => parts.kill(server, 'temporal', 'SIGKILL', 0), describeExit);
}
