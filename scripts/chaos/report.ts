import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { machine } from '../report/machine';
import type { TeardownReport } from '../topology/launcher';
import type { ChaosArgs } from './args';
import type { EventRecord } from './faults';
import { type Invariant, type Observations, recoveryAfter, recoveryDistribution } from './invariants';

// The campaign's report: report.json (the seed, the schedule, every event with its planned and actual time and
// the recovery after it, every invariant with its figures) and the summary printed at the end of a run.

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

export function reproduceCommand(args: Pick<ChaosArgs, 'minutes' | 'seed' | 'workers' | 'bots'>): string {
  return `npm run chaos -- --minutes ${args.minutes} --seed ${args.seed} --workers ${args.workers} --bots ${args.bots}`;
}

function eventRow(o: Observations, r: EventRecord) {
  const recovery = r.category === 'fault' && r.endedAt !== null ? recoveryAfter(o, r.endedAt) : null;
  return {
    id: r.id,
    kind: r.kind,
    category: r.category,
    target: r.target,
    plannedAtS: seconds(r.plannedAtMs),
    actualAtS: r.injectedAt === null ? null : seconds(r.injectedAt - o.t0),
    plannedDurationS: seconds(r.plannedDurationMs),
    /** Injected -> the part back (restarted, resumed, answering): the real length of the fault. */
    actualDurationS: r.injectedAt !== null && r.endedAt !== null ? seconds(r.endedAt - r.injectedAt) : null,
    endedAtS: r.endedAt === null ? null : seconds(r.endedAt - o.t0),
    injected: r.injected,
    detail: r.detail.trim(),
    ...(r.error ? { error: r.error } : {}),
    ...(r.operator ? { attempts: r.operator.attempts, ambiguousAttempts: r.operator.ambiguous } : {}),
    ...(recovery
      ? {
          /** Fault end -> next completed cycle of every bot running then (the slowest), from history. */
          recoveryMs: recovery.worstMs,
          recoveryMsPerBot: recovery.perBot,
          /** Another fault struck between this one's end and its recovery: the figure includes that one too. */
          overlapped: o.records.some(
            (x) =>
              x.id !== r.id &&
              x.category === 'fault' &&
              x.injectedAt !== null &&
              x.injectedAt <= r.endedAt! + (recovery.worstMs ?? Infinity) &&
              (x.endedAt ?? x.injectedAt) >= r.endedAt!,
          ),
        }
      : {}),
  };
}

export interface ChaosReport {
  kind: 'ooda-bot chaos campaign';
  pass: boolean;
  seed: string;
  reproduce: string;
  schedule: { planned: Partial<Record<string, number>> } & Record<string, unknown>;
  [key: string]: unknown;
}

export function buildReport(
  args: ChaosArgs,
  o: Observations,
  invariants: Invariant[],
  extra: { runDir: string; startupMs: number; campaignMs: number; teardown?: TeardownReport },
): ChaosReport {
  const events = o.records.sort((a, b) => a.id - b.id).map((r) => eventRow(o, r));
  const recoveries = events.flatMap((e) => (typeof e.recoveryMs === 'number' ? [e.recoveryMs] : []));
  const byKind: Record<string, ReturnType<typeof recoveryDistribution>> = {};
  for (const kind of new Set(events.filter((e) => e.category === 'fault').map((e) => e.kind))) {
    byKind[kind] = recoveryDistribution(
      events.flatMap((e) => (e.kind === kind && typeof e.recoveryMs === 'number' ? [e.recoveryMs] : [])),
    );
  }
  const pass = invariants.every((i) => i.pass);
  return {
    kind: 'ooda-bot chaos campaign',
    pass,
    seed: args.seed,
    reproduce: reproduceCommand(args),
    generatedAt: new Date().toISOString(),
    args: { minutes: args.minutes, seed: args.seed, workers: args.workers, bots: args.bots },
    machine: machine(),
    runDir: extra.runDir,
    startupMs: extra.startupMs,
    campaignMs: extra.campaignMs,
    startedAt: new Date(o.t0).toISOString(),
    failedInvariants: invariants.filter((i) => !i.pass).map((i) => i.id),
    recovery: {
      definition:
        'fault end (part restarted, resumed or answering again) -> next completed cycle of every bot running then',
      ...recoveryDistribution(recoveries),
      /** Faults no other fault overlapped until every bot had recovered: the recovery from that fault alone. */
      isolated: recoveryDistribution(
        events.flatMap((e) => (typeof e.recoveryMs === 'number' && !e.overlapped ? [e.recoveryMs] : [])),
      ),
      byKind,
      unrecovered: events
        .filter((e) => e.category === 'fault' && e.endedAtS !== null && e.recoveryMs === null)
        .map((e) => e.id),
    },
    invariants,
    schedule: { window: o.schedule.window, tailMs: o.schedule.tailMs, planned: o.schedule.planned },
    events,
    unplannedExits: o.unplanned.map((u) => ({
      ...u,
      noticedAtS: seconds(u.noticedAt - o.t0),
      restartedAtS: u.restartedAt === null ? null : seconds(u.restartedAt - o.t0),
    })),
    bots: o.bots.map((b) => {
      const h = o.histories.find((x) => x.botId === b.config.id);
      const cycles = h?.cycles ?? [];
      return {
        id: b.config.id,
        mode: b.config.marketDataMode,
        intervalSeconds: b.config.intervalSeconds,
        createdAtS: b.initial ? 0 : seconds(b.createdAt - o.t0),
        runs: h?.runs.length ?? 0,
        cyclesCompleted: cycles.filter((c) => c.outcome === 'completed').length,
        cyclesFailed: cycles.filter((c) => c.outcome === 'failed').length,
        slotsSkipped: (h?.skips ?? []).reduce((s, x) => s + x.to - x.from + 1, 0),
      };
    }),
    teardown: extra.teardown ?? null,
  };
}

function figureText(figures: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(figures)) {
    const text = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    if (text.length <= 140) parts.push(`${k} ${text}`);
  }
  return parts.join(', ');
}

export function printSummary(
  report: ChaosReport,
  invariants: Invariant[],
  outDir: string,
  print: (l: string) => void,
): void {
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    print(line);
  };
  const events = report.events as ReturnType<typeof eventRow>[];
  const kinds = Object.keys(report.schedule.planned);
  log(
    `seed ${report.seed}: ${kinds.map((k) => `${k} ${events.filter((e) => e.kind === k && e.injected).length}/${events.filter((e) => e.kind === k).length}`).join(', ')}`,
  );
  const r = report.recovery as ReturnType<typeof recoveryDistribution> & {
    isolated: ReturnType<typeof recoveryDistribution>;
  };
  const dist = (d: ReturnType<typeof recoveryDistribution>) =>
    `p50 ${seconds(d.p50Ms)} s, p95 ${seconds(d.p95Ms)} s, max ${seconds(d.maxMs)} s over ${d.faults} faults`;
  log(`recovery (fault end -> next completed cycle of every running bot): ${dist(r)}`);
  log(`  of faults no other fault overlapped: ${dist(r.isolated)}`);
  for (const i of invariants) {
    log(`${i.pass ? 'PASS' : 'FAIL'} ${i.title}`);
    log(`       ${figureText(i.figures)}`);
    for (const v of i.violations.slice(0, 8)) log(`       ! ${v}`);
  }
  const reportPath = path.join(outDir, 'report.json');
  log(`${report.pass ? 'PASS' : 'FAIL'}: report ${reportPath}`);
  if (!report.pass) log(`reproduce with: ${report.reproduce}`);
  writeFileSync(path.join(outDir, 'summary.txt'), `${lines.join('\n')}\n`);
}

export function writeReport(outDir: string, report: ChaosReport): string {
  const file = path.join(outDir, 'report.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
