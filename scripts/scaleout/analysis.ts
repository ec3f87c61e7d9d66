import type { CycleRecord } from '../observe/histories';
import { pidOfIdentity, type TaskStart } from '../observe/taskStarters';
import { cadenceOf, type Criterion, criteria, LAG_P99_LIMIT_MS, type SoakObservations } from '../soak/analysis';
import type { ScaleOutRun } from './scenario';

// The scale-out verdict. Nothing lost over the whole run: the soak's own criteria (journal == history, no
// duplicate orders or fills, accounts equal fills, no failed workflow, no activity out of retries). Recovery: from
// the kill until every bot has completed a cycle that started after it. Cadence: the soak's criteria
// again (due cycles completed, schedule lag p99), on the cycles due after a recovery window that starts at the
// kill. And who did the work, from the task starts in history.

/** Left out of the baseline: the first cycles wait for the cache's first Alpha Vantage requests. */
export const COLD_START_MS = 15_000;
/** On an overloaded machine (the baseline missed the soak's criteria) the survivor must keep within these of it. */
const OVERLOAD_COMPLETED_RATIO = 0.9;
const OVERLOAD_LAG_FACTOR = 3;

export interface CadenceWindow {
  fromMs: number;
  toMs: number;
  completed: number;
  due: number;
  lagP99Ms: number | null;
  rows: Criterion[];
}

export interface ScaleOutFigures {
  /** Kill -> every bot completed a cycle started after it; null if some bot never did. */
  recoveryMs: number | null;
  /** Kill -> the fleet's last skipped slot or late start (on a loaded machine, load disturbs it too). */
  lastDisturbanceMs: number | null;
  recoveryWindowMs: number;
  before: CadenceWindow;
  after: CadenceWindow;
  /** Task starts per worker role: before the kill, during the recovery window, after it. */
  workers: Record<'before' | 'recovery' | 'after', Record<string, number>>;
  /** After the kill: workflow tasks that timed out (a dead worker held them), activity attempts beyond the first. */
  afterKill: { workflowTaskTimeouts: number; activityRetries: number };
}

export interface ScaleOutVerdict {
  rows: Criterion[];
  figures: ScaleOutFigures;
}

const INTEGRITY = ['workflows', 'exhausted', 'journal', 'accounts'];

/** The run restricted to the cycles due in [fromMs, toMs], judged as a soak of that span. */
export function cadenceIn(o: SoakObservations, fromMs: number, toMs: number): CadenceWindow {
  const inWindow = (c: CycleRecord) => c.dueAtMs >= fromMs && c.dueAtMs <= toMs;
  const bots = o.bots.map((b) => ({ ...b, cycles: b.cycles.filter(inWindow) }));
  const ids = new Set(bots.flatMap((b) => b.cycles.map((c) => c.workflowId)));
  const window: SoakObservations = {
    ...o,
    startedAtMs: fromMs,
    stoppedAtMs: toMs,
    bots,
    children: o.children.filter((c) => ids.has(c.workflowId)),
  };
  const rows = criteria(window).filter((r) => r.key === 'completed' || r.key === 'lagP99');
  return { fromMs, toMs, ...cadenceOf(window), rows };
}

/** The fleet's last disturbance at or after `fromMs`: a skipped-slot notice, or a cycle that started late. */
export function lastDisturbanceMs(o: SoakObservations, fromMs: number): number | null {
  const late = o.bots
    .flatMap((b) => b.cycles)
    .filter((c) => c.startedAtMs !== null && c.startedAtMs >= fromMs && c.startedAtMs - c.dueAtMs > LAG_P99_LIMIT_MS)
    .map((c) => c.startedAtMs!);
  const skips = o.bots
    .flatMap((b) => b.skips)
    .map((s) => Date.parse(s.at))
    .filter((t) => t >= fromMs);
  const all = [...late, ...skips];
  return all.length ? Math.max(...all) : null;
}

/**
 * When every bot had completed a cycle started at or after `fromMs`; null if some bot never did. Unlike the chaos
 * campaign's recovery (the first cycle completed after a fault), a cycle in flight at the kill does not count.
 */
export function takenOverAtMs(o: SoakObservations, fromMs: number): number | null {
  let latest = fromMs;
  for (const b of o.bots) {
    const first = b.cycles.find(
      (c) => c.outcome === 'completed' && c.startedAtMs !== null && c.startedAtMs >= fromMs && c.closedAtMs !== null,
    );
    if (!first) return null;
    latest = Math.max(latest, first.closedAtMs!);
  }
  return latest;
}

/**
 * The soak's cadence criteria after recovery. When the run's own baseline before the kill missed them, the machine
 * (shared, overloaded) is the limit, not the worker count: the survivor must then keep close to that baseline.
 */
function cadenceRows(before: CadenceWindow, after: CadenceWindow): Criterion[] {
  const baselineMissed = before.rows.some((r) => r.pass !== true);
  const ratio = (w: CadenceWindow) => (w.due ? w.completed / w.due : 0);
  return after.rows.map((r) => {
    const row = { ...r, key: `after.${r.key}`, label: `after recovery: ${r.label}` };
    if (r.pass === true || !baselineMissed) return row;
    const base = before.rows.find((b) => b.key === r.key)!;
    const relative =
      r.key === 'completed'
        ? {
            bound: `>= ${OVERLOAD_COMPLETED_RATIO} x the baseline's`,
            pass: ratio(after) >= OVERLOAD_COMPLETED_RATIO * ratio(before),
          }
        : {
            bound: `<= ${OVERLOAD_LAG_FACTOR} x the baseline's`,
            pass: (after.lagP99Ms ?? Infinity) <= OVERLOAD_LAG_FACTOR * (before.lagP99Ms ?? 0),
          };
    return {
      ...row,
      threshold: `${r.threshold}, or ${relative.bound} when the baseline missed it`,
      pass: relative.pass,
      note: `overloaded machine: the baseline before the kill was ${base.value}`,
    };
  });
}

function startsByRole(starts: TaskStart[], roleOfPid: Map<number, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of starts) {
    const pid = pidOfIdentity(s.identity);
    const role = (pid !== null && roleOfPid.get(pid)) || s.identity;
    counts[role] = (counts[role] ?? 0) + 1;
  }
  return counts;
}

export function judgeScaleOut(run: ScaleOutRun, recoveryWindowMs: number): ScaleOutVerdict {
  const o = run.observations;
  const kill = run.killedAtMs;
  const recoveredBy = kill + recoveryWindowMs;
  const back = takenOverAtMs(o, kill);
  const recoveryMs = back === null ? null : back - kill;
  const disturbed = lastDisturbanceMs(o, kill);
  const before = cadenceIn(o, o.startedAtMs + COLD_START_MS, kill);
  const after = cadenceIn(o, recoveredBy, o.stoppedAtMs);
  const roleOfPid = new Map(Object.entries(run.workerPids).map(([role, pid]) => [pid, role]));
  const starts = run.starters.flatMap((s) => s.starts);
  // Up to the stop: the API's `stop` Updates that follow run as speculative workflow tasks, whose started events
  // the server writes without the worker's identity.
  const between = (from: number, to: number) =>
    startsByRole(
      starts.filter((s) => s.atMs >= from && s.atMs < to),
      roleOfPid,
    );
  const workers = {
    before: between(o.startedAtMs, kill),
    recovery: between(kill, recoveredBy),
    after: between(recoveredBy, o.stoppedAtMs),
  };
  const afterKill = {
    workflowTaskTimeouts: run.starters.flatMap((s) => s.workflowTaskTimeoutsAt).filter((t) => t >= kill).length,
    activityRetries: starts.filter((s) => s.atMs >= kill).reduce((n, s) => n + s.attempt - 1, 0),
  };
  const others = Object.keys(workers.after).filter((role) => role !== run.survivor);
  const rows: Criterion[] = [
    ...criteria(o).filter((r) => INTEGRITY.includes(r.key)),
    {
      key: 'recovery',
      label: 'recovery: kill -> every bot completed a cycle started after it',
      value: recoveryMs === null ? 'some bot never did' : `${(recoveryMs / 1000).toFixed(1)} s`,
      threshold: `<= ${recoveryWindowMs / 1000} s`,
      pass: recoveryMs !== null && recoveryMs <= recoveryWindowMs,
    },
    ...cadenceRows(before, after),
    {
      key: 'sharedBefore',
      label: 'before the kill: workers that started tasks',
      value: Object.keys(workers.before).sort().join(', '),
      threshold: `all ${Object.keys(run.workerPids).length}`,
      pass: Object.keys(run.workerPids).every((role) => (workers.before[role] ?? 0) > 0),
    },
    {
      key: 'survivor',
      label: `after recovery: task starts by ${run.survivor} / by any other`,
      value: `${workers.after[run.survivor] ?? 0} / ${others.reduce((n, r) => n + workers.after[r], 0)}`,
      threshold: '> 0 / 0',
      pass: (workers.after[run.survivor] ?? 0) > 0 && others.length === 0,
    },
  ];
  const figures = {
    recoveryMs,
    lastDisturbanceMs: disturbed === null ? null : disturbed - kill,
    recoveryWindowMs,
    before,
    after,
    workers,
    afterKill,
  };
  return { rows, figures };
}
