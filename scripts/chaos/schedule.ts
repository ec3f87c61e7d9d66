import type { CrashPointName } from '../../src/chaos/crashPoints';
import { badChangeCount, drawChange, initialValues, type PlannedConfigChange } from './configChanges';
import { initialFleet, lateBot } from './fleet';
import { seededRng, type Rng } from './rng';

// The whole fault schedule of a campaign, built up front from its seed: kind, time offset, target and duration of
// every fault and every operator action. Nothing here looks at the clock or the system, so the same seed and the
// same options always give the same schedule (tests/integration/chaos.test.ts builds it twice).
//
// Lanes keep faults that cannot meaningfully overlap apart: the services lane (Temporal restarts, Postgres
// crashes and pauses) runs one fault at a time with room to recover in between; worker kills, crash points, API
// restarts, Alpha Vantage failures and operator traffic land anywhere, on top of each other and of the services.

export type FaultKind =
  | 'worker-kill'
  | 'crash-point'
  | 'temporal-restart'
  | 'postgres-crash'
  | 'postgres-pause'
  | 'api-restart'
  | 'alphavantage-hang'
  | 'alphavantage-500';
export type OperatorKind = 'stop-bot' | 'start-bot' | 'create-bot' | 'config-change';
export type EventKind = FaultKind | OperatorKind;
export type Lane = 'workers' | 'crash-points' | 'services' | 'api' | 'alphavantage' | 'operator';

export interface PlannedEvent {
  /** 1-based, in time order. */
  id: number;
  kind: EventKind;
  category: 'fault' | 'operator';
  lane: Lane;
  /** Offset from the campaign's start. */
  atMs: number;
  /** worker-<i>, a crash point's name, temporal, postgres, api, alphavantage, or a bot id. */
  target: string;
  /**
   * How long the part stays down, paused or failing; for a worker kill or a crash point, the delay before the
   * worker is started again; 0 for operator actions.
   */
  durationMs: number;
  /** config-change only: the body of PATCH /api/bots/:id/config, and whether it must be accepted. */
  change?: PlannedConfigChange;
}

export interface ScheduleOptions {
  seed: string;
  minutes: number;
  workers: number;
  bots: number;
}

export interface ChaosSchedule extends ScheduleOptions {
  /** Faults are planned inside [start, end) (ms from the campaign's start); then a quiet tail to recover. */
  window: { startMs: number; endMs: number };
  tailMs: number;
  /** How many events of each kind are planned. */
  planned: Partial<Record<EventKind, number>>;
  events: PlannedEvent[];
}

/** Quiet time after the fault window: the recovery invariant allows 30 s, plus margin. */
export const TAIL_MS = 35_000;
const WINDOW_START_MS = 5_000;
/** Room after a service fault for the restart itself and for the bots to settle before the next one. */
const SERVICE_GAP_MS = 8_000;
export const MIN_MINUTES = 2;

/** How many of each kind a campaign of `minutes` plans (2 minutes: 5 kills, 2 crash points, 1 of each service). */
export function plannedCounts(minutes: number): Record<EventKind, number> {
  const per = (every: number, min: number) => Math.max(min, Math.ceil(minutes / every));
  return {
    'worker-kill': Math.max(5, Math.ceil(2.2 * minutes)),
    'crash-point': per(2, 2),
    'temporal-restart': per(4.5, 1),
    'postgres-crash': per(4.5, 1),
    'postgres-pause': per(4.5, 1),
    'api-restart': per(5, 1),
    'alphavantage-hang': per(8, 1),
    'alphavantage-500': per(8, 1),
    'stop-bot': per(5, 1) + 1, // pairs of stop then start, plus one bot stopped for good
    'start-bot': per(5, 1),
    'create-bot': per(6, 1),
    'config-change': per(3, 2),
  };
}

const seconds = (lo: number, hi: number, rng: Rng) => Math.round(rng.range(lo, Math.max(lo, hi)) * 1000);

/** `count` times spread over [start, end): one uniform draw in each of `count` equal strata. */
function stratified(count: number, startMs: number, endMs: number, rng: Rng, widthShare = 1): number[] {
  const stratum = (endMs - startMs) / count;
  return Array.from({ length: count }, (_, i) => Math.round(startMs + i * stratum + rng.next() * stratum * widthShare));
}

export function buildSchedule(options: ScheduleOptions): ChaosSchedule {
  const { minutes, workers, bots } = options;
  if (minutes < MIN_MINUTES) throw new Error(`a campaign needs at least ${MIN_MINUTES} minutes, got ${minutes}`);
  // One generator per lane, each from the seed and the lane's name: adding a kind of fault to one lane later does
  // not reshuffle the others.
  const rngFor = (lane: Lane) => seededRng(`${options.seed}/${lane}`);
  const startMs = WINDOW_START_MS;
  const endMs = Math.round(minutes * 60_000) - TAIL_MS;
  const counts = plannedCounts(minutes);
  const events: Omit<PlannedEvent, 'id'>[] = [];
  const add = (e: Omit<PlannedEvent, 'id' | 'category'>) =>
    events.push({ ...e, category: e.lane === 'operator' ? 'operator' : 'fault' });

  // Workers: SIGKILL at random moments, each restarted after a short delay.
  const workerRng = rngFor('workers');
  for (const atMs of stratified(counts['worker-kill'], startMs, endMs, workerRng)) {
    const target = `worker-${workerRng.int(0, workers - 1)}`;
    add({ kind: 'worker-kill', lane: 'workers', atMs, target, durationMs: seconds(0.5, 4, workerRng) });
  }

  // Crash points: a token dropped at this moment makes the next worker passing that point die there.
  const crashRng = rngFor('crash-points');
  const points: CrashPointName[] = crashRng.shuffle(['execution.afterFill', 'learning.afterJournal']);
  stratified(counts['crash-point'], startMs, endMs, crashRng).forEach((atMs, i) =>
    add({
      kind: 'crash-point',
      lane: 'crash-points',
      atMs,
      target: points[i % points.length],
      durationMs: seconds(0.5, 3, crashRng),
    }),
  );

  // Services, one at a time: Temporal killed and restarted, Postgres crashed and restarted, Postgres paused.
  const serviceRng = rngFor('services');
  const services = serviceRng.shuffle([
    ...Array<FaultKind>(counts['temporal-restart']).fill('temporal-restart'),
    ...Array<FaultKind>(counts['postgres-crash']).fill('postgres-crash'),
    ...Array<FaultKind>(counts['postgres-pause']).fill('postgres-pause'),
  ]);
  const segment = (endMs - startMs) / services.length;
  services.forEach((kind, i) => {
    const room = segment - SERVICE_GAP_MS;
    const durationMs =
      kind === 'postgres-pause'
        ? seconds(15, Math.min(30, room / 1000), serviceRng)
        : seconds(2, Math.min(40, (room - 5000) / 1000), serviceRng);
    const atMs = Math.round(startMs + i * segment + serviceRng.next() * Math.max(0, room - durationMs));
    add({ kind, lane: 'services', atMs, target: kind === 'temporal-restart' ? 'temporal' : 'postgres', durationMs });
  });

  // The API process killed and started again.
  const apiRng = rngFor('api');
  for (const atMs of stratified(counts['api-restart'], startMs, endMs, apiRng)) {
    add({ kind: 'api-restart', lane: 'api', atMs, target: 'api', durationMs: seconds(1, 5, apiRng) });
  }

  // The Alpha Vantage stand-in hangs or answers HTTP 500 for a while (live bots fall back, then recover).
  const avRng = rngFor('alphavantage');
  const avKinds = avRng.shuffle([
    ...Array<FaultKind>(counts['alphavantage-hang']).fill('alphavantage-hang'),
    ...Array<FaultKind>(counts['alphavantage-500']).fill('alphavantage-500'),
  ]);
  const avStratum = (endMs - startMs) / avKinds.length;
  avKinds.forEach((kind, i) => {
    const durationMs = seconds(8, Math.min(25, avStratum / 1000 - 4), avRng);
    const atMs = Math.round(startMs + i * avStratum + avRng.next() * Math.max(0, avStratum - durationMs - 2000));
    add({ kind, lane: 'alphavantage', atMs, target: 'alphavantage', durationMs });
  });

  // Operator traffic: stop then start a bot, stop one bot for good, create new bots.
  const opRng = rngFor('operator');
  const fleet = initialFleet(bots).map((b) => b.id);
  const stopsForGood = opRng.pick(fleet);
  const togglable = fleet.filter((id) => id !== stopsForGood);
  const pairs = counts['start-bot'];
  const pairStratum = (endMs - startMs) / pairs;
  for (let i = 0; i < pairs; i++) {
    const target = opRng.pick(togglable);
    const stopAt = Math.round(startMs + i * pairStratum + opRng.next() * pairStratum * 0.4);
    const startAt = stopAt + seconds(3, Math.min(15, (pairStratum * 0.5) / 1000), opRng);
    add({ kind: 'stop-bot', lane: 'operator', atMs: stopAt, target, durationMs: 0 });
    add({ kind: 'start-bot', lane: 'operator', atMs: startAt, target, durationMs: 0 });
  }
  const finalStopAt = Math.round(startMs + (endMs - startMs) * opRng.range(0.5, 0.8));
  add({ kind: 'stop-bot', lane: 'operator', atMs: finalStopAt, target: stopsForGood, durationMs: 0 });
  const created = stratified(counts['create-bot'], startMs, endMs, opRng, 0.8).map((atMs, i) => {
    const bot = lateBot(i + 1, bots);
    add({ kind: 'create-bot', lane: 'operator', atMs, target: bot.id, durationMs: 0 });
    return { bot, atMs };
  });

  // Config changes to bots that exist by then (not the one stopped for good), about one in four a bad one. Their
  // generator is their own, not the operator lane's: adding them moved no other event of a seed.
  const configRng = seededRng(`${options.seed}/config-change`);
  const changes = counts['config-change'];
  const bad = new Set(configRng.shuffle([...Array(changes).keys()]).slice(0, badChangeCount(changes)));
  const current = new Map([...initialFleet(bots), ...created.map((c) => c.bot)].map((b) => [b.id, initialValues(b)]));
  stratified(changes, startMs, endMs, configRng, 0.9).forEach((atMs, i) => {
    const exists = [...togglable, ...created.filter((c) => c.atMs < atMs).map((c) => c.bot.id)];
    const target = configRng.pick(exists);
    const change = drawChange(configRng, current.get(target)!, !bad.has(i));
    add({ kind: 'config-change', lane: 'operator', atMs, target, durationMs: 0, change });
  });

  const lanes: Lane[] = ['services', 'workers', 'crash-points', 'api', 'alphavantage', 'operator'];
  const ordered = events
    .sort((a, b) => a.atMs - b.atMs || lanes.indexOf(a.lane) - lanes.indexOf(b.lane))
    .map((e, i) => ({ id: i + 1, ...e }));
  const planned: Partial<Record<EventKind, number>> = {};
  for (const kind of Object.keys(counts) as EventKind[]) {
    const n = ordered.filter((e) => e.kind === kind).length;
    if (n > 0) planned[kind] = n;
  }
  const { seed } = options;
  return { seed, minutes, workers, bots, window: { startMs, endMs }, tailMs: TAIL_MS, planned, events: ordered };
}

const clock = (ms: number) => {
  const tenths = Math.round(ms / 100); // rounded once, or 59.96 s would print as 00:60.0
  return `${String(Math.floor(tenths / 600)).padStart(2, '0')}:${((tenths % 600) / 10).toFixed(1).padStart(4, '0')}`;
};

/** The schedule as printed before a run: one line per event, in time order. */
export function formatSchedule(s: ChaosSchedule): string {
  const head =
    `schedule for seed ${s.seed}: ${s.minutes} min, ${s.workers} workers, ${s.bots} bots; faults in ` +
    `[${clock(s.window.startMs)}, ${clock(s.window.endMs)}), then ${s.tailMs / 1000} s quiet`;
  const counts = Object.entries(s.planned)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const lines = s.events.map(
    (e) =>
      `  #${String(e.id).padStart(3)} ${clock(e.atMs)}  ${e.kind.padEnd(17)} ${e.target.padEnd(22)}` +
      (e.durationMs ? ` ${(e.durationMs / 1000).toFixed(1)} s` : '') +
      (e.change ? ` ${JSON.stringify(e.change.body)}${e.change.valid ? '' : ' (bad: must be refused)'}` : ''),
  );
  return [head, `  planned: ${counts}`, ...lines].join('\n');
}
