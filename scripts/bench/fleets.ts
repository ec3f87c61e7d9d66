import type { Client } from '@temporalio/client';
import type { BotHistory } from '../observe/histories';
import { fleet } from '../soak/fleet';
import type { ProcessSample, Topology } from '../topology/launcher';
import { createBots, sleepUntil, stopBots } from './api';
import { percentiles, readSettledBots, type Percentiles } from './observe';

// One fleet point: N quicktest bots (the soak's strategies and symbols in rotation) on one cadence, created
// through the API spread over one interval (so their slots are spread as those of bots created at different
// times would be), a warm-up after the last one is created, then a measured window. Every figure is read from
// the bots' histories for the slots due in the window; CPU from the process samples taken during it. Then the
// bots are stopped (POST /api/bots/:id/stop) before the next point; each point has its own bot ids.

export interface FleetPointSpec {
  bots: number;
  intervalSeconds: number;
  warmupSeconds: number;
  windowSeconds: number;
}

export interface ProcessCpu {
  name: string;
  /** Average percent of one core over the window (pidusage samples, weighted by their spans). */
  cpuPercent: number;
  /** RSS at the end of the window. */
  rssMb: number;
}

export interface FleetPoint {
  spec: FleetPointSpec;
  /** Slots due in the window, and those whose cycle completed. */
  due: number;
  completed: number;
  completedShare: number | null;
  failed: number;
  /** Slots due in the window that the bots skipped (reached more than half an interval late). */
  skipped: number;
  cycleMs: Percentiles;
  lagMs: Percentiles;
  cpu: ProcessCpu[];
  cpuCores: number;
  cpuSecondsPerCycle: number | null;
  /** The same, less what the topology burns idle (measured before the first point). */
  marginalCpuSecondsPerCycle: number | null;
  /** Bots whose histories still showed a cycle in flight when read. */
  unsettled: number;
  /** Bots the API refused to create, or to stop, after a few attempts (an overloaded server). */
  createRefused: number;
  stopRefused: number;
  createSeconds: number;
  meetsTarget: boolean;
}

const SAMPLE_EVERY_MS = 5000;

/** Average CPU per process over [from, to], weighting each pidusage sample by the span it covers. */
export function cpuOver(samples: readonly ProcessSample[], from: number, to: number): ProcessCpu[] {
  const names = [...new Set(samples.map((s) => s.name))].sort((a, b) => a.localeCompare(b));
  return names.map((name) => {
    const mine = samples.filter((s) => s.name === name).sort((a, b) => a.at - b.at);
    let weighted = 0;
    let span = 0;
    for (let i = 1; i < mine.length; i++) {
      if (mine[i].at < from || mine[i].at > to + 1000 || mine[i].pid !== mine[i - 1].pid) continue;
      const dt = mine[i].at - mine[i - 1].at;
      weighted += mine[i].cpuPercent * dt;
      span += dt;
    }
    const last = mine.filter((s) => s.at <= to + 1000).pop();
    return {
      name,
      cpuPercent: span > 0 ? Math.round((weighted / span) * 10) / 10 : 0,
      rssMb: last ? Math.round(last.rssBytes / 1048576) : 0,
    };
  });
}

/** Slot accounting for one bot over [from, to): its cadence is anchored on its earliest known cycle. */
function slotsIn(bot: BotHistory, intervalMs: number, from: number, to: number) {
  const c0 = bot.cycles[0];
  if (!c0) return { due: Math.floor((to - from) / intervalMs), skipped: 0 };
  const dueOf = (slot: number) => c0.dueAtMs + (slot - c0.cycle) * intervalMs;
  const first = c0.cycle + Math.ceil((from - c0.dueAtMs) / intervalMs);
  const last = c0.cycle + Math.ceil((to - c0.dueAtMs) / intervalMs) - 1;
  let skipped = 0;
  for (const s of bot.skips) {
    for (let slot = s.from; slot <= s.to; slot++) if (dueOf(slot) >= from && dueOf(slot) < to) skipped += 1;
  }
  return { due: Math.max(0, last - first + 1), skipped };
}

export interface IdleCpu {
  seconds: number;
  cpu: ProcessCpu[];
  cores: number;
}

/** What the topology burns with no bot cycling: the cost every fleet point pays before its first cycle. */
export async function measureIdle(topology: Topology, seconds: number): Promise<IdleCpu> {
  const samples: ProcessSample[] = [...(await topology.sampleProcesses())];
  const from = Date.now();
  const to = from + seconds * 1000;
  while (Date.now() < to) {
    await sleepUntil(Math.min(to, Date.now() + SAMPLE_EVERY_MS));
    samples.push(...(await topology.sampleProcesses()));
  }
  const cpu = cpuOver(samples, from, to);
  return { seconds, cpu, cores: Math.round(cpu.reduce((s, p) => s + p.cpuPercent, 0)) / 100 };
}

export async function runFleetPoint(
  topology: Topology,
  client: Client,
  spec: FleetPointSpec,
  tag: string,
  log: (line: string) => void,
  idle?: IdleCpu,
): Promise<FleetPoint> {
  const intervalMs = spec.intervalSeconds * 1000;
  const prefix = `${tag}f${spec.bots}x${String(spec.intervalSeconds).replace('.', '_')}s`;
  const bots = fleet(spec.bots, spec.intervalSeconds, prefix).map((b) => ({
    ...b,
    marketDataMode: 'quicktest' as const,
  }));
  const ids = bots.map((b) => b.id);
  log(`fleet ${spec.bots} bots @ ${spec.intervalSeconds}s: creating them over ${spec.intervalSeconds}s`);
  const created = await createBots(topology.apiUrl, bots, { spreadMs: intervalMs, concurrency: 16 });
  const from = created.doneAtMs + spec.warmupSeconds * 1000;
  const to = from + spec.windowSeconds * 1000;
  const samples: ProcessSample[] = [];
  await sleepUntil(from - 1000);
  // The first sample starts pidusage's span; each later one is the CPU since the previous.
  samples.push(...(await topology.sampleProcesses()));
  while (Date.now() < to) {
    await sleepUntil(Math.min(to, Date.now() + SAMPLE_EVERY_MS));
    samples.push(...(await topology.sampleProcesses()));
  }
  // A slot due just before the window's end may start up to half an interval late before it is skipped.
  await sleepUntil(to + Math.min(intervalMs / 2, 15_000));
  log(`fleet ${spec.bots} @ ${spec.intervalSeconds}s: window over, stopping the bots and reading their histories`);
  let stopRefused = await stopBots(topology.apiUrl, ids);
  if (stopRefused.length) stopRefused = await stopBots(topology.apiUrl, stopRefused);
  if (stopRefused.length) log(`fleet ${spec.bots}: ${stopRefused.length} bots still refused their stop signal`);
  // An overloaded point leaves a backlog: let it drain (up to 5 minutes) so the next point starts clean.
  const { bots: histories, unsettled } = await readSettledBots(client, ids, 300_000);

  let due = 0;
  let skipped = 0;
  for (const h of histories) {
    const s = slotsIn(h, intervalMs, from, to);
    due += s.due;
    skipped += s.skipped;
  }
  const inWindow = histories.flatMap((h) => h.cycles).filter((c) => c.dueAtMs >= from && c.dueAtMs < to);
  const done = inWindow.filter((c) => c.outcome === 'completed');
  const failed = inWindow.filter((c) => !['completed', 'running'].includes(c.outcome)).length;
  const cpu = cpuOver(samples, from, to);
  const cpuCores = cpu.reduce((s, p) => s + p.cpuPercent, 0) / 100;
  const lagMs = percentiles(inWindow.filter((c) => c.startedAtMs !== null).map((c) => c.startedAtMs! - c.dueAtMs));
  const completedShare = due > 0 ? Math.min(1, done.length / due) : null;
  return {
    spec,
    due,
    completed: done.length,
    completedShare,
    failed,
    skipped,
    cycleMs: percentiles(done.map((c) => c.closedAtMs! - c.startedAtMs!)),
    lagMs,
    cpu,
    cpuCores: Math.round(cpuCores * 100) / 100,
    cpuSecondsPerCycle: done.length ? Math.round(((cpuCores * spec.windowSeconds) / done.length) * 1000) / 1000 : null,
    marginalCpuSecondsPerCycle:
      done.length && idle
        ? Math.round((((cpuCores - idle.cores) * spec.windowSeconds) / done.length) * 1000) / 1000
        : null,
    unsettled,
    createRefused: created.failed.length,
    stopRefused: stopRefused.length,
    createSeconds: Math.round((created.doneAtMs - created.startedAtMs) / 100) / 10,
    meetsTarget: completedShare !== null && completedShare >= 0.99 && lagMs.p99 !== null && lagMs.p99 <= 1000,
  };
}
