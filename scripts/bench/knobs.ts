import path from 'node:path';
import type { Client } from '@temporalio/client';
import { launchTopology, type ProcessSample, type Topology } from '../topology/launcher';
import { topologyClient, type TopologyClient } from '../topology/temporalClient';
import { DEFAULT_DYNAMIC_CONFIG, type DynamicConfig } from '../topology/temporalProcess';
import {
  floorAlone,
  startFloorWorker,
  type FloorAlone,
  type FloorSpec,
  type FloorWorker,
  type RunMeter,
} from './floor';
import { cpuOver } from './fleets';

// What the dev server's dynamic config does: the floor alone, at a 1 s cadence and back to back, on dev
// servers that differ only in their dynamic config, one knob added at a time from none (the server's
// defaults) to the launcher's default. The extra servers share the bench's Postgres and run no app worker;
// nothing else runs meanwhile.

/**
 * The timer queue reads timers due up to now + this shift, and a timer created closer than that to now fires
 * at the end of it: by default (1s) a 400 ms timer fires after about a second.
 */
export const TIMER_TIME_SHIFT = '100ms';

export interface KnobRun {
  label: string;
  dynamicConfig: DynamicConfig;
  cadence: FloorAlone;
  backToBack: FloorAlone;
}

export interface KnobComparison {
  runs: KnobRun[];
}

export const BACK_TO_BACK: FloorSpec = { bots: 1, cycles: 30, intervalSeconds: 0 };

/** Average CPU of the Temporal server over the run, from pidusage samples every 10 s. */
function temporalCpu(topology: Topology): RunMeter {
  return async () => {
    const samples: ProcessSample[] = [...(await topology.sampleProcesses())];
    const from = Date.now();
    const timer = setInterval(() => void topology.sampleProcesses().then((s) => samples.push(...s)), 10_000);
    return async () => {
      clearInterval(timer);
      samples.push(...(await topology.sampleProcesses()));
      return cpuOver(samples, from, Date.now()).find((p) => p.name === 'temporal')?.cpuPercent ?? null;
    };
  };
}

async function floorRuns(topology: Topology, client: Client, worker: FloorWorker, spec: FloorSpec, tag: string) {
  const cadence = await floorAlone(client, worker, spec, `${tag}c`, temporalCpu(topology));
  const backToBack = await floorAlone(client, worker, BACK_TO_BACK, `${tag}b`, temporalCpu(topology));
  return { cadence, backToBack };
}

/** A second dev server with this dynamic config, on the bench's Postgres, for the length of `use`. */
async function withDevServer<T>(
  main: Topology,
  dynamicConfig: DynamicConfig,
  runDir: string,
  taskQueue: string,
  log: (line: string) => void,
  use: (t: Topology, client: Client, worker: FloorWorker) => Promise<T>,
): Promise<T> {
  const t = await launchTopology({
    runDir,
    workers: 0,
    build: false,
    database: { url: main.databaseUrl },
    temporal: { devServer: { dynamicConfig, ui: false } },
    log: (line) => log(`[${path.basename(runDir)}] ${line}`),
  });
  let temporal: TopologyClient | undefined;
  let worker: FloorWorker | undefined;
  try {
    temporal = await topologyClient(t);
    worker = await startFloorWorker(t, taskQueue);
    return await use(t, temporal.client, worker);
  } finally {
    await worker?.stop();
    await temporal?.close();
    await t.stop();
  }
}

/**
 * One knob at a time: no dynamic config, then each key of the launcher's default added in turn (and the timer
 * time shift, if the default lacks it). The step equal to the launcher's default runs on the bench's own server.
 */
export function knobLadder(): { label: string; dynamicConfig: DynamicConfig }[] {
  const keys: [string, DynamicConfig[string]][] = Object.entries(DEFAULT_DYNAMIC_CONFIG);
  if (!keys.some(([k]) => k === 'history.timerProcessorMaxTimeShift')) {
    keys.push(['history.timerProcessorMaxTimeShift', TIMER_TIME_SHIFT]);
  }
  const ladder = [{ label: 'none (server defaults)', dynamicConfig: {} as DynamicConfig }];
  for (let i = 0; i < keys.length; i++) {
    const [key, value] = keys[i];
    ladder.push({
      label: `+ ${key.replace(/^history\./, '')}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
      dynamicConfig: Object.fromEntries(keys.slice(0, i + 1)),
    });
  }
  return ladder;
}

const sameConfig = (a: DynamicConfig, b: DynamicConfig) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export async function compareDynamicConfig(
  main: { topology: Topology; client: Client; worker: FloorWorker },
  spec: FloorSpec,
  outDir: string,
  tag: string,
  log: (line: string) => void,
): Promise<KnobComparison> {
  const runs: KnobRun[] = [];
  for (const [i, v] of knobLadder().entries()) {
    const onMain = sameConfig(v.dynamicConfig, DEFAULT_DYNAMIC_CONFIG);
    log(
      `knobs: the floor alone, dynamic config ${JSON.stringify(v.dynamicConfig)}${onMain ? ' (the bench server)' : ''}`,
    );
    const k = `${tag}k${i}`;
    const result = onMain
      ? await floorRuns(main.topology, main.client, main.worker, spec, k)
      : await withDevServer(
          main.topology,
          v.dynamicConfig,
          path.join(outDir, `run-dynamic-config-${i}`),
          main.worker.taskQueue,
          log,
          (t, c, w) => floorRuns(t, c, w, spec, k),
        );
    runs.push({ label: onMain ? `${v.label} (launcher default)` : v.label, dynamicConfig: v.dynamicConfig, ...result });
  }
  return { runs };
}
