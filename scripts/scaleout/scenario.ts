import { runIdsOf } from '../observe/histories';
import { readTaskStarters, type TaskStarters } from '../observe/taskStarters';
import type { SoakObservations } from '../soak/analysis';
import { fleet, fleetEnv } from '../soak/fleet';
import { api, mapLimit, readFleetRecord, settle } from '../soak/run';
import { launchTopology, type Topology } from '../topology/launcher';
import { sleep } from '../topology/ownedProcess';
import { topologyClient } from '../topology/temporalClient';

// The scale-out scenario (issue #13): three workers on one task queue serve a fleet of live bots; mid-run two of
// them are SIGKILLed at once and the third carries the fleet alone. What happened is read afterwards from the
// workflow histories and the ledger, as the soak reads it (scripts/soak); scripts/scaleout/analysis.ts judges it.

export interface ScaleOutOptions {
  bots: number;
  intervalSeconds: number;
  /** Before the kill: long enough for every worker to take work. */
  warmupSeconds: number;
  /** After the kill, with the survivor alone. */
  aloneSeconds: number;
  /** Default: a fresh directory under the OS temp dir. */
  runDir?: string;
  log?: (line: string) => void;
}

export const WORKERS = 3;
const KILLED_SLOTS = [0, 1];
const SURVIVOR_SLOT = 2;

export interface ScaleOutRun {
  options: ScaleOutOptions;
  runDir: string;
  /** Just before the two SIGKILLs were sent. */
  killedAtMs: number;
  /** Worker pids by role before the kill (`worker-<slot>`): task starts in history name them. */
  workerPids: Record<string, number>;
  survivor: string;
  killed: string[];
  /** Cycles, skips, runs and the ledger audit; no process samples (memory is the soak's business). */
  observations: SoakObservations;
  /** Who started each workflow and activity task, in every bot run and cycle child. */
  starters: TaskStarters[];
}

export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutRun> {
  const topology = await launchTopology({
    runDir: options.runDir,
    workers: WORKERS,
    env: fleetEnv(options.intervalSeconds),
    fakeAlphaVantage: { priceWander: { periodSeconds: 240, amplitude: 0.06 } },
    temporal: { devServer: { ui: false } },
    log: options.log,
  });
  try {
    return await scaleOutOn(topology, options);
  } finally {
    await topology.stop();
  }
}

async function scaleOutOn(topology: Topology, options: ScaleOutOptions): Promise<ScaleOutRun> {
  const log = options.log ?? (() => undefined);
  const bots = fleet(options.bots, options.intervalSeconds, 'scale');
  for (const bot of bots) await api(topology.apiUrl, 'POST', '/api/bots', bot);
  const startedAtMs = Date.now();
  log(`created ${bots.length} bots every ${options.intervalSeconds}s on ${WORKERS} workers`);
  const workerPids = Object.fromEntries(
    topology
      .processes()
      .filter((p) => p.name.startsWith('worker-'))
      .map((p) => [p.name, p.pid]),
  );
  await sleep(options.warmupSeconds * 1000);

  const killedAtMs = Date.now();
  // Both signals leave in the same tick; each kill resolves when its process has exited.
  await Promise.all(KILLED_SLOTS.map((slot) => topology.killWorker(slot, 'SIGKILL')));
  log(`SIGKILLed worker-${KILLED_SLOTS.join(' and worker-')}; worker-${SURVIVOR_SLOT} carries on alone`);
  await sleep(options.aloneSeconds * 1000);

  const stoppedAtMs = Date.now();
  for (const bot of bots) await api(topology.apiUrl, 'POST', `/api/bots/${bot.id}/stop`);
  await settle(topology, bots);
  log('bots stopped; reading the workflow histories and the ledger');
  const botIds = bots.map((b) => b.id);
  const record = await readFleetRecord(topology, botIds);
  const starters = await readStarters(topology, record, startedAtMs);
  return {
    options,
    runDir: topology.runDir,
    killedAtMs,
    workerPids,
    survivor: `worker-${SURVIVOR_SLOT}`,
    killed: KILLED_SLOTS.map((slot) => `worker-${slot}`),
    observations: {
      startedAtMs,
      stoppedAtMs,
      intervalSeconds: options.intervalSeconds,
      samples: [],
      ...record,
      equity: [],
      alphaVantageRequests: [],
    },
    starters,
  };
}

async function readStarters(
  topology: Pick<Topology, 'temporalEndpoint' | 'namespace'>,
  record: Pick<SoakObservations, 'bots'>,
  fromMs: number,
): Promise<TaskStarters[]> {
  const { client, close } = await topologyClient(topology);
  try {
    const runs = (
      await mapLimit(record.bots, 4, async (b) =>
        (await runIdsOf(client, `bot-${b.botId}`)).map((r) => ({ workflowId: `bot-${b.botId}`, runId: r.runId })),
      )
    ).flat();
    const children = record.bots.flatMap((b) => b.cycles.map((c) => ({ workflowId: c.workflowId, runId: undefined })));
    return await mapLimit([...runs, ...children], 8, (h) => readTaskStarters(client, h.workflowId, fromMs, h.runId));
  } finally {
    await close();
  }
}
