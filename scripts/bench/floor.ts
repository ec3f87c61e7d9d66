import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { CycleHistoryStats } from '../observe/histories';
import { createBots, cyclesCompleted, sleepUntil, stopBots } from './api';
import type { FloorActivities } from './floorWorkflows';
import {
  percentiles,
  readChildren,
  readDispatchGaps,
  readSettledBots,
  sleep,
  summariseGaps,
  type Percentiles,
} from './observe';
import { connectWorker } from '../../src/temporal/connection';
import type { Topology } from '../topology/launcher';

// The floor against the real cycle: no-op parents and children run by a worker inside this process, real
// quicktest bots created through the API and run by the topology's workers, at the same cadence and count, at
// the same time on the same server, their slots interleaved (floor parent i, then real bot i half a slot
// later): with few bots each child mostly runs alone, and any noise over the run hits both sides alike. Each
// side's first cycle is a warm-up and left out. Durations are the child's own history:
// WorkflowExecutionStarted -> WorkflowExecutionCompleted.

export interface FloorSpec {
  bots: number;
  /** Measured cycles per bot; one more runs first as a warm-up. */
  cycles: number;
  intervalSeconds: number;
}

export interface FloorWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

export async function startFloorWorker(
  temporal: Pick<Topology, 'temporalEndpoint' | 'namespace'>,
  taskQueue: string,
): Promise<FloorWorker> {
  const connection = await connectWorker(temporal.temporalEndpoint);
  const noop = () => Promise.resolve(null);
  const activities: FloorActivities = {
    perceiveMarket: noop,
    decide: noop,
    checkRisk: noop,
    executeOrder: noop,
    recordCycle: noop,
  };
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('./floorWorkflows'),
      activities,
    });
  } catch (err) {
    await connection.close();
    throw err;
  }
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

/** Starts the floor's parents, parent i at i/bots of an interval after `offsetMs`; resolves when all finished. */
async function runFloorParents(
  client: Client,
  taskQueue: string,
  spec: FloorSpec,
  ids: string[],
  offsetMs = 0,
): Promise<void> {
  const t0 = Date.now() + offsetMs;
  const handles = await Promise.all(
    ids.map(async (botId, i) => {
      await sleepUntil(t0 + (i * spec.intervalSeconds * 1000) / spec.bots);
      return client.workflow.start('floorBotWorkflow', {
        workflowId: `bot-${botId}`,
        taskQueue,
        args: [{ botId, cycles: spec.cycles + 1, intervalSeconds: spec.intervalSeconds }],
        workflowExecutionTimeout: '1h',
      });
    }),
  );
  await Promise.all(handles.map((h) => h.result()));
}

/**
 * Quicktest bots through the API, until each has completed cycles + 1 cycles (then it is stopped) or the
 * deadline passes (then all are stopped, and the shortfall shows in the figures). Resolves with the bots that
 * fell short.
 */
async function runRealBots(apiUrl: string, spec: FloorSpec, ids: string[], offsetMs: number): Promise<string[]> {
  await sleep(offsetMs);
  const bots = ids.map((id) => ({
    id,
    symbol: 'BTC/USD',
    marketDataMode: 'quicktest' as const,
    intervalSeconds: spec.intervalSeconds,
  }));
  await createBots(apiUrl, bots, { spreadMs: spec.intervalSeconds * 1000 });
  // Twice the time the cycles need (a bot whose slots come late skips some), and a minute.
  const deadline = Date.now() + (spec.cycles + 1) * spec.intervalSeconds * 2000 + 60_000;
  const done = new Set<string>();
  while (done.size < ids.length && Date.now() < deadline) {
    await sleep(Math.min(1000, spec.intervalSeconds * 500));
    for (const id of ids) {
      if (!done.has(id) && (await cyclesCompleted(apiUrl, id)) >= spec.cycles + 1) {
        await stopBots(apiUrl, [id]);
        done.add(id);
      }
    }
  }
  const short = ids.filter((id) => !done.has(id));
  await stopBots(apiUrl, short);
  return short;
}

export interface SideResult {
  bots: number;
  cycles: number;
  durationMs: Percentiles;
  /** Schedule lag: the child's start as the parent recorded it, minus its slot's due time. */
  lagMs: Percentiles;
  children: CycleHistoryStats[];
}

/** Each bot's completed cycles but its first, read from histories. */
async function readSide(client: Client, ids: string[], spec: FloorSpec): Promise<SideResult> {
  const { bots } = await readSettledBots(client, ids);
  const cycles = bots.flatMap((b) =>
    b.cycles
      .filter((c) => c.outcome === 'completed')
      .slice(1)
      .slice(0, spec.cycles),
  );
  const children = await readChildren(
    client,
    cycles.map((c) => c.workflowId),
  );
  const durations = children.filter((c) => c.closedAtMs !== null).map((c) => c.closedAtMs! - c.startedAtMs);
  return {
    bots: ids.length,
    cycles: durations.length,
    durationMs: percentiles(durations),
    lagMs: percentiles(cycles.filter((c) => c.startedAtMs !== null).map((c) => c.startedAtMs! - c.dueAtMs)),
    children,
  };
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

export interface FloorVsReal {
  spec: FloorSpec;
  floor: Omit<SideResult, 'children'>;
  real: Omit<SideResult, 'children'>;
  ratio: { p50: number | null; p95: number | null; p99: number | null };
  /** Real bots that had not completed their cycles by the deadline (their slots kept coming too late). */
  realBotsShort: string[];
  /** For the economy: the real bots and their children. */
  realBotIds: string[];
  realChildren: CycleHistoryStats[];
}

export async function floorVsReal(
  client: Client,
  apiUrl: string,
  worker: FloorWorker,
  spec: FloorSpec,
  tag: string,
): Promise<FloorVsReal> {
  const floorIds = Array.from({ length: spec.bots }, (_, i) => `${tag}floor${i + 1}`);
  const realIds = Array.from({ length: spec.bots }, (_, i) => `${tag}real${i + 1}`);
  // Real bot i is created half a slot after floor parent i: the two sides' cycles take turns.
  const half = (spec.intervalSeconds * 1000) / spec.bots / 2;
  const [, realBotsShort] = await Promise.all([
    runFloorParents(client, worker.taskQueue, spec, floorIds),
    runRealBots(apiUrl, spec, realIds, half),
  ]);
  const [floor, real] = await Promise.all([readSide(client, floorIds, spec), readSide(client, realIds, spec)]);
  const strip = ({ children: _c, ...rest }: SideResult) => rest;
  return {
    spec,
    floor: strip(floor),
    real: strip(real),
    ratio: {
      p50: ratio(real.durationMs.p50, floor.durationMs.p50),
      p95: ratio(real.durationMs.p95, floor.durationMs.p95),
      p99: ratio(real.durationMs.p99, floor.durationMs.p99),
    },
    realBotsShort,
    realBotIds: realIds,
    realChildren: real.children,
  };
}

export interface FloorAlone {
  spec: FloorSpec;
  durationMs: Percentiles;
  lagMs: Percentiles;
  dispatch: ReturnType<typeof summariseGaps>;
  /** Average CPU of the Temporal server while the floor ran, in % of one core (when measured). */
  temporalCpuPercent: number | null;
}

/** Measures something over the floor's run (not its reading): start() before, the returned stop() after. */
export type RunMeter = () => Promise<() => Promise<number | null>>;

/** The floor alone, with the server's dispatch latencies from the parents' and children's histories. */
export async function floorAlone(
  client: Client,
  worker: FloorWorker,
  spec: FloorSpec,
  tag: string,
  meter?: RunMeter,
): Promise<FloorAlone> {
  const ids = Array.from({ length: spec.bots }, (_, i) => `${tag}${i + 1}`);
  const stop = await meter?.();
  await runFloorParents(client, worker.taskQueue, spec, ids);
  const temporalCpuPercent = stop ? await stop() : null;
  const side = await readSide(client, ids, spec);
  const gaps = await readDispatchGaps(client, [
    ...ids.map((id) => `bot-${id}`),
    ...side.children.map((c) => c.workflowId),
  ]);
  return { spec, durationMs: side.durationMs, lagMs: side.lagMs, dispatch: summariseGaps(gaps), temporalCpuPercent };
}
