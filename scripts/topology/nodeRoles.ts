import path from 'node:path';
import { spawnNodeRole, waitForApi, waitForWorker } from './nodeProcess';
import { type Exit, type OwnedProcess, type RoleName } from './ownedProcess';
import { describeExit, type Parts } from './parts';

// The API and the workers: start (and restart in the same slot, with a new pid), kill, stop.

// Processes starting together on one database wait for each other's migrations (src/db/migrate.ts takes a
// blocking lock), so a role can start at any moment.
async function startNodeRole(
  parts: Parts,
  spawn: () => OwnedProcess,
  ready: (p: OwnedProcess) => Promise<void>,
): Promise<number> {
  const p = parts.adopt(spawn);
  await ready(p);
  return p.pid;
}

export async function startApi(parts: Parts): Promise<number> {
  parts.assertStopped(parts.api, 'api');
  const { appEnv, apiPort, apiUrl, runDir } = parts.config;
  // No rate limit: the soak, the bench and the chaos campaign drive hundreds of bots through this API.
  const env = { ...appEnv, API_HOST: '127.0.0.1', API_PORT: String(apiPort), API_RATE_LIMIT_PER_MINUTE: '0' };
  const logFile = path.join(runDir, 'logs', 'api.log');
  return parts.timed(
    'startApi',
    () =>
      startNodeRole(
        parts,
        () => (parts.api = spawnNodeRole({ name: 'api', entry: 'apiMain.js', env, logFile })),
        (api) => waitForApi(api, apiUrl),
      ),
    (pid) => `pid ${pid} answers /healthz`,
  );
}

export async function killApi(parts: Parts, sig: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
  const api = parts.api;
  return parts.timed(`killApi(${sig})`, () => parts.kill(api, 'api', sig, 15_000), describeExit);
}

/** (Re)starts worker slot `i` with a new pid; resolves with it once the worker polls its task queue. */
export async function startWorker(parts: Parts, i: number): Promise<number> {
  if (!Number.isInteger(i) || i < 0 || i > parts.workers.length) throw new Error(`no worker slot ${i}`);
  parts.assertStopped(parts.workers[i], `worker-${i}`);
  const name: RoleName = `worker-${i}`;
  const logFile = path.join(parts.config.runDir, 'logs', `${name}.log`);
  const env = parts.config.appEnv;
  return parts.timed(
    `startWorker(${i})`,
    () =>
      startNodeRole(
        parts,
        () => (parts.workers[i] = spawnNodeRole({ name, entry: 'workerMain.js', env, logFile })),
        (worker) => waitForWorker(worker),
      ),
    (pid) => `pid ${pid} polls its task queue`,
  );
}

/** One more worker, in a new slot; resolves with the slot. */
export async function addWorker(parts: Parts): Promise<number> {
  const i = parts.workers.length;
  parts.workers.push(undefined); // reserve the slot, so concurrent calls get distinct ones
  await startWorker(parts, i);
  return i;
}

export async function killWorker(parts: Parts, i: number, sig: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
  const worker = parts.workers[i];
  const grace = parts.config.workerGraceMs;
  return parts.timed(`killWorker(${i}, ${sig})`, () => parts.kill(worker, `worker-${i}`, sig, grace), describeExit);
}

/** SIGTERM: running activities get the worker's shutdown grace, SIGKILL only past it; resolves with the code. */
export async function stopWorker(parts: Parts, i: number): Promise<number | null> {
  const worker = parts.workers[i];
  const grace = parts.config.workerGraceMs;
  const exit = await parts.timed(
    `stopWorker(${i})`,
    () => parts.kill(worker, `worker-${i}`, 'SIGTERM', grace),
    describeExit,
  );
  return exit.code;
}
