import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { machine, type Machine } from '../report/machine';
import { launchTopology, type Topology } from '../topology/launcher';
import { SERVER_DYNAMIC_CONFIG } from '../topology/serverConfig';
import { describeTemporal, topologyTemporal } from '../topology/temporalChoice';
import { topologyClient } from '../topology/temporalClient';
import { DEFAULT_DYNAMIC_CONFIG } from '../topology/temporalProcess';
import { runAlphaVantagePoint } from './alphaVantage';
import type { BenchArgs, Section } from './args';
import { economyOf } from './economy';
import { measureIdle, runFleetPoint } from './fleets';
import { floorVsReal, startFloorWorker, type FloorWorker } from './floor';
import { inProcessLoop } from './inProcess';
import { compareDynamicConfig } from './knobs';
import { renderTables, targetRows, type BenchFigures, type TargetRow } from './table';

// `npm run bench`: every section on one topology (one Temporal dev server, one Postgres, the API, W workers),
// one after the other, so that each figure is taken with nothing else running and ratios hold on a noisy
// machine. Order: the in-process loop (before anything starts), then on the topology the dev-server knobs,
// the floor against the real cycle, the Alpha Vantage count, and the fleets from the smallest up.

const t0 = Date.now();
/** Each line with the seconds since the bench started, so a slow section shows. */
export const log = (line: string) => console.log(`[bench +${Math.round((Date.now() - t0) / 1000)}s] ${line}`);

export interface BenchReport extends BenchFigures {
  kind: 'ooda-bot bench';
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: Machine;
  args: BenchArgs;
  topology?: {
    temporal: BenchArgs['temporal'];
    workers: number;
    startupMs: number;
    dynamicConfig: Record<string, unknown>;
    env: Record<string, string>;
  };
  targets: TargetRow[];
  /** True while the run is still going (the file is rewritten after each section), or when it was cut short. */
  partial: boolean;
  /** Set when the run broke. */
  error?: string;
}

/** The workers' and API's environment: production defaults (TTLs included), a shorter shutdown grace only. */
const TOPOLOGY_ENV = { WORKER_SHUTDOWN_GRACE_SECONDS: '10' };
const FLOOR_QUEUE = 'bench-floor';

export interface BenchOutcome {
  report: BenchReport;
  outDir: string;
  /** False when the run broke: an exception, or no cycle completed at all. */
  ran: boolean;
}

export async function runBench(args: BenchArgs): Promise<BenchOutcome> {
  const started = Date.now();
  const outDir = path.resolve(
    args.out ?? path.join('reports', `bench-${new Date(started).toISOString().replace(/[:.]/g, '-')}`),
  );
  mkdirSync(outDir, { recursive: true });
  const on = (s: Section) => !args.skip.includes(s);
  const figures: BenchFigures = {
    fleets: [],
    largestFleet: { intervalSeconds: args.fleetIntervalSeconds, bots: null, tried: [] },
    economy: {},
  };
  let topologyInfo: BenchReport['topology'];
  const report = (): BenchReport => ({
    kind: 'ooda-bot bench',
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: machine(),
    args,
    ...(topologyInfo ? { topology: topologyInfo } : {}),
    ...figures,
    targets: targetRows(figures, args.quick),
    partial: true,
  });
  const file = path.join(outDir, 'bench.json');
  // After each section, so that a run cut short (Ctrl-C, a crash) still leaves what it measured.
  const checkpoint = () => writeFileSync(file, `${JSON.stringify(report(), null, 2)}\n`);
  log(`${args.quick ? 'quick' : 'full'} run on ${describeTemporal(args)}; out: ${outDir}`);

  let error: unknown;
  try {
    if (on('inprocess')) {
      log(`in-process loop: ${args.inProcessSeconds}s per strategy`);
      figures.inProcess = inProcessLoop(args.inProcessSeconds);
      log(`in-process loop: ${figures.inProcess.overall.microsPerCycle} us per cycle over all strategies`);
      checkpoint();
    }
    const topology = await launchTopology({
      runDir: path.join(outDir, 'run'),
      workers: args.workers,
      env: TOPOLOGY_ENV,
      temporal: topologyTemporal(args),
      log: (line) => log(line),
    });
    topologyInfo = {
      temporal: args.temporal,
      workers: args.workers,
      startupMs: topology.startupMs,
      dynamicConfig: args.temporal === 'server' ? SERVER_DYNAMIC_CONFIG : DEFAULT_DYNAMIC_CONFIG,
      env: TOPOLOGY_ENV,
    };
    try {
      await onTopology(topology, args, figures, outDir, on, checkpoint);
    } finally {
      const t = await topology.stop();
      log(
        `topology stopped in ${t.stopMs} ms; processes left: ${t.alivePids.length}, ports open: ${t.openPorts.length}`,
      );
    }
  } catch (err) {
    error = err;
    log(`failed: ${(err as Error).stack ?? String(err)}`);
  }

  const final: BenchReport = {
    ...report(),
    partial: false,
    ...(error ? { error: String((error as Error).message ?? error) } : {}),
  };
  writeFileSync(file, `${JSON.stringify(final, null, 2)}\n`);
  console.log(`\n${renderTables(figures, final.targets)}\n`);
  log(`wrote ${file} (${final.durationSeconds}s)`);
  const anyCycles =
    (figures.floor?.real.cycles ?? 0) > 0 ||
    figures.fleets.some((p) => p.completed > 0) ||
    (figures.alphaVantage?.cyclesCompleted ?? 0) > 0;
  const onlyInProcess = ['floor', 'alphavantage', 'fleets'].every((s) => !on(s as Section));
  return { report: final, outDir, ran: !error && (anyCycles || onlyInProcess) };
}

async function onTopology(
  topology: Topology,
  args: BenchArgs,
  figures: BenchFigures,
  outDir: string,
  on: (s: Section) => boolean,
  checkpoint: () => void,
): Promise<void> {
  const { client, close } = await topologyClient(topology);
  let worker: FloorWorker | undefined;
  // Bot ids carry a per-run tag, so a bench against a reused database never meets an old account. The floor's
  // queue too: on a remote namespace no other run's floor worker takes its tasks.
  const tag = `b${Date.now().toString(36).slice(-5)}`;
  const floorQueue = `${FLOOR_QUEUE}-${tag}`;
  try {
    if (on('floor') || on('knobs')) {
      log(`floor worker: bundling scripts/bench/floorWorkflows.ts, task queue ${floorQueue}`);
      worker = await startFloorWorker(topology, floorQueue);
    }
    if (on('knobs') && worker) {
      // At a 1 s cadence the parents' timers are shorter than a second: the timer queue's time shift shows.
      const spec = { bots: 4, cycles: 25, intervalSeconds: 1 };
      figures.knobs = await compareDynamicConfig({ topology, client, worker }, spec, outDir, tag, log);
      for (const r of figures.knobs.runs) {
        log(
          `knobs: ${r.label}: cycle p50/p95 ${r.cadence.durationMs.p50}/${r.cadence.durationMs.p95} ms at 1s, ` +
            `${r.backToBack.durationMs.p50}/${r.backToBack.durationMs.p95} ms back to back; ` +
            `timer late p50 ${r.cadence.dispatch.timerLateMs.p50} ms`,
        );
      }
      checkpoint();
    }
    if (on('floor') && worker) {
      const f = args.floor;
      log(`floor vs real: ${f.bots}+${f.bots} bots, ${f.cycles} measured cycles each, every ${f.intervalSeconds}s`);
      const result = await floorVsReal(client, topology.apiUrl, worker, f, tag);
      const { realBotIds, realChildren, ...shown } = result;
      figures.floor = shown;
      log(
        `floor vs real: p50 ${shown.floor.durationMs.p50} vs ${shown.real.durationMs.p50} ms, ` +
          `p95 ${shown.floor.durationMs.p95} vs ${shown.real.durationMs.p95} ms`,
      );
      figures.economy.quicktest = await economyOf(client, realBotIds, realChildren);
      checkpoint();
    }
    await worker?.stop();
    worker = undefined;
    if (on('alphavantage')) {
      const av = await runAlphaVantagePoint(topology, client, args.alphaVantage, tag, log);
      const { botIds, children, ...shown } = av;
      figures.alphaVantage = shown;
      log(`alpha vantage: ${JSON.stringify(shown.requestsByFunction)} -> ${shown.perDay} per symbol per day`);
      figures.economy.live = await economyOf(client, botIds, children);
      checkpoint();
    }
    if (on('fleets')) {
      // From the lightest load (cycles per second) to the heaviest, so an overloaded point comes after the others.
      const points = [
        ...args.fleets.map((bots) => ({ bots, intervalSeconds: args.fleetIntervalSeconds })),
        ...(args.stress ? [args.stress] : []),
      ].sort((a, b) => a.bots / a.intervalSeconds - b.bots / b.intervalSeconds);
      const idleSeconds = args.quick ? 5 : 30;
      log(`fleets: the topology idle for ${idleSeconds}s first`);
      figures.idle = await measureIdle(topology, idleSeconds);
      for (const p of points) {
        const point = await runFleetPoint(
          topology,
          client,
          { ...p, warmupSeconds: args.warmupSeconds, windowSeconds: args.windowSeconds },
          tag,
          log,
          figures.idle,
        );
        figures.fleets.push(point);
        const atCadence = figures.fleets.filter((f) => f.spec.intervalSeconds === args.fleetIntervalSeconds);
        const passing = atCadence.filter((f) => f.meetsTarget).map((f) => f.spec.bots);
        figures.largestFleet = {
          intervalSeconds: args.fleetIntervalSeconds,
          bots: passing.length ? Math.max(...passing) : null,
          tried: atCadence.map((f) => f.spec.bots),
        };
        checkpoint();
        log(
          `fleet ${p.bots} @ ${p.intervalSeconds}s: ${point.completed}/${point.due} due cycles ` +
            `(${point.completedShare === null ? '-' : (point.completedShare * 100).toFixed(2)} %), lag p99 ${point.lagMs.p99} ms, ` +
            `cycle p95 ${point.cycleMs.p95} ms, ${point.cpuCores} cores, ${point.cpuSecondsPerCycle} CPU-s/cycle`,
        );
      }
    }
  } finally {
    await worker?.stop();
    await close();
  }
}
