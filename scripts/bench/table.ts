import type { AlphaVantagePoint } from './alphaVantage';
import type { EconomyFigures } from './economy';
import type { FleetPoint, IdleCpu } from './fleets';
import type { FloorVsReal } from './floor';
import type { InProcessResult } from './inProcess';
import type { KnobComparison } from './knobs';
import type { Percentiles } from './observe';

// The bench's printed report: one table per section, then every target with PASS or MISS.

export interface TargetRow {
  key: string;
  label: string;
  measured: string;
  target: string;
  /** null: not measured in this run. */
  met: boolean | null;
  note?: string;
}

export interface BenchFigures {
  inProcess?: { perStrategy: InProcessResult[]; overall: InProcessResult };
  floor?: Omit<FloorVsReal, 'realBotIds' | 'realChildren'>;
  knobs?: KnobComparison;
  alphaVantage?: Omit<AlphaVantagePoint, 'botIds' | 'children'>;
  /** The topology's CPU with no bot cycling, measured before the fleets. */
  idle?: IdleCpu;
  fleets: FleetPoint[];
  largestFleet: { intervalSeconds: number; bots: number | null; tried: number[] };
  economy: { quicktest?: EconomyFigures; live?: EconomyFigures };
}

export function table(headers: string[], rows: (string | number | null)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const ms = (v: number | null) => (v === null ? '-' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v} ms`);
const pct = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(2)} %`);
const x = (r: number | null) => (r === null ? '-' : r.toFixed(2));
const p3 = (p: Percentiles) => `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)}`;
const kb = (bytes: number | null) => (bytes === null ? '-' : `${bytes} B (${(bytes / 1024).toFixed(2)} KB)`);

export function targetRows(f: BenchFigures, quick: boolean): TargetRow[] {
  const rows: TargetRow[] = [];
  const fl = f.floor;
  rows.push({
    key: 'floorRatioP50',
    label: 'cycle real/floor at p50',
    measured: fl ? x(fl.ratio.p50) : 'not run',
    target: '<= 1.1',
    met: fl?.ratio.p50 == null ? null : fl.ratio.p50 <= 1.1,
  });
  rows.push({
    key: 'floorRatioP95',
    label: 'cycle real/floor at p95',
    measured: fl ? x(fl.ratio.p95) : 'not run',
    target: '<= 1.2',
    met: fl?.ratio.p95 == null ? null : fl.ratio.p95 <= 1.2,
  });
  const q = f.economy.quicktest;
  const live = f.economy.live;
  rows.push({
    key: 'botEventsPerCycle',
    label: 'bot workflow history events per cycle (mean)',
    measured: q?.botEventsPerCycle.mean != null ? `${q.botEventsPerCycle.mean} (max ${q.botEventsPerCycle.max})` : '-',
    target: '<= 10',
    met: q?.botEventsPerCycle.mean == null ? null : q.botEventsPerCycle.mean <= 10,
    note: 'a timer, a child start and its close, and the workflow task after each',
  });
  for (const [key, e, mode] of [
    ['childBytesQuicktest', q, 'quicktest'],
    ['childBytesLive', live, 'live'],
  ] as const) {
    rows.push({
      key,
      label: `cycle child history size, ${mode} (max)`,
      measured: e?.childBytes.max != null ? `${kb(e.childBytes.max)} (mean ${kb(e.childBytes.mean)})` : '-',
      target: '<= 8 KB (8192 B)',
      met: e?.childBytes.max == null ? null : e.childBytes.max <= 8192,
    });
  }
  const largest = f.largestFleet;
  const thirty = largest.intervalSeconds === 30 && largest.tried.length > 0;
  rows.push({
    key: 'fleet',
    label: `largest fleet at ${largest.intervalSeconds}s with >= 99 % of due cycles and lag p99 <= 1 s`,
    measured: largest.tried.length ? `${largest.bots ?? 'none'} of ${largest.tried.join(', ')}` : 'not run',
    target: '>= 500 bots at 30s',
    met: thirty && !quick ? (largest.bots ?? 0) >= 500 : null,
    ...(thirty && !quick ? {} : { note: 'needs the full run (fleets at 30s)' }),
  });
  const av = f.alphaVantage;
  rows.push({
    key: 'alphaVantagePerDay',
    label: `Alpha Vantage requests per symbol per day (${av?.bots ?? '-'} bots on one symbol)`,
    measured: av ? `${av.perDay} (one per TTL: ${av.idealPerDay})` : 'not run',
    target: `<= ${av?.quota ?? 25}`,
    met: av ? av.perDay <= av.quota : null,
  });
  return rows;
}

export function renderTables(f: BenchFigures, targets: TargetRow[]): string {
  const out: string[] = [];
  if (f.inProcess) {
    out.push('In-process loop (decide + evaluateRisk + bookFill over quicktestSnapshot, no Temporal)');
    out.push(
      table(
        ['strategy', 'cycles', 'cycles/s', 'us/cycle'],
        [...f.inProcess.perStrategy, f.inProcess.overall].map((r) => [
          r.strategy,
          r.cycles,
          r.cyclesPerSecond,
          r.microsPerCycle,
        ]),
      ),
    );
  }
  if (f.floor) {
    const { floor, real, ratio, spec } = f.floor;
    out.push(
      `\nFloor vs real cycle: ${spec.bots} bots each side, ${spec.cycles} measured cycles each, every ${spec.intervalSeconds}s` +
        ' (child started -> completed, from its history)',
    );
    out.push(
      table(
        ['', 'cycles', 'p50', 'p95', 'p99', 'max', 'lag p50', 'lag p99'],
        [
          [
            'floor (no-op)',
            floor.cycles,
            ms(floor.durationMs.p50),
            ms(floor.durationMs.p95),
            ms(floor.durationMs.p99),
            ms(floor.durationMs.max),
            ms(floor.lagMs.p50),
            ms(floor.lagMs.p99),
          ],
          [
            'real (quicktest)',
            real.cycles,
            ms(real.durationMs.p50),
            ms(real.durationMs.p95),
            ms(real.durationMs.p99),
            ms(real.durationMs.max),
            ms(real.lagMs.p50),
            ms(real.lagMs.p99),
          ],
          ['real / floor', null, x(ratio.p50), x(ratio.p95), x(ratio.p99), null, null, null],
        ],
      ),
    );
    if (f.floor.realBotsShort.length) {
      out.push(`Real bots short of their cycles at the deadline: ${f.floor.realBotsShort.join(', ')}`);
    }
  }
  if (f.knobs) {
    out.push('\nDev-server dynamic config: the floor alone (cycle p50/p95/p99; dispatch = task scheduled -> started)');
    out.push(
      table(
        [
          'dynamic config',
          'run',
          'cycle',
          'workflow task p50/p95',
          'activity task p50/p95',
          'child start p50/p95',
          'timer late p50/p95',
          'temporal CPU %',
        ],
        f.knobs.runs.flatMap((r) =>
          (['cadence', 'backToBack'] as const).map((k) => {
            const a = r[k];
            const d = a.dispatch;
            return [
              r.label,
              k === 'cadence'
                ? `${a.spec.bots}x${a.spec.cycles} @${a.spec.intervalSeconds}s`
                : `1x${a.spec.cycles} back to back`,
              p3(a.durationMs),
              `${ms(d.workflowTaskMs.p50)} / ${ms(d.workflowTaskMs.p95)}`,
              `${ms(d.activityTaskMs.p50)} / ${ms(d.activityTaskMs.p95)}`,
              `${ms(d.childStartMs.p50)} / ${ms(d.childStartMs.p95)}`,
              k === 'cadence' ? `${ms(d.timerLateMs.p50)} / ${ms(d.timerLateMs.p95)}` : null,
              a.temporalCpuPercent,
            ];
          }),
        ),
      ),
    );
  }
  if (f.fleets.length) {
    out.push('\nFleets (quicktest bots; slots due in the window; CPU in % of one core, averaged over the window)');
    const names = [...new Set(f.fleets.flatMap((p) => p.cpu.map((c) => c.name)))];
    out.push(
      table(
        [
          'bots @ cadence',
          'due',
          'done',
          'done %',
          'skipped',
          'cycle p95',
          'cycle p99',
          'lag p99',
          ...names.map((n) => `${n} %`),
          'cores',
          'CPU-s/cycle',
          'above idle',
          'target',
        ],
        f.fleets.map((p) => [
          `${p.spec.bots} @ ${p.spec.intervalSeconds}s`,
          p.due,
          p.completed,
          pct(p.completedShare),
          p.skipped,
          ms(p.cycleMs.p95),
          ms(p.cycleMs.p99),
          ms(p.lagMs.p99),
          ...names.map((n) => p.cpu.find((c) => c.name === n)?.cpuPercent ?? null),
          p.cpuCores,
          p.cpuSecondsPerCycle,
          p.marginalCpuSecondsPerCycle,
          p.meetsTarget ? 'PASS' : 'MISS',
        ]),
      ),
    );
    if (f.idle) {
      out.push(
        `Idle topology (no bot cycling, ${f.idle.seconds}s): ${f.idle.cores} cores: ` +
          f.idle.cpu.map((c) => `${c.name} ${c.cpuPercent} %`).join(', '),
      );
    }
    const l = f.largestFleet;
    out.push(
      `Largest fleet at ${l.intervalSeconds}s keeping >= 99 % of due cycles with lag p99 <= 1 s: ${l.bots ?? 'none'} (tried ${l.tried.join(', ')})`,
    );
  }
  const econ = Object.entries(f.economy).filter((e): e is [string, EconomyFigures] => e[1] !== undefined);
  if (econ.length) {
    out.push('\nHistory economy per cycle (mean / max)');
    out.push(
      table(
        [
          'mode',
          'bots',
          'bot events',
          'bot bytes',
          'bot events incl. start-up',
          'children',
          'child events',
          'child bytes',
        ],
        econ.map(([mode, e]) => [
          mode,
          e.bots,
          `${e.botEventsPerCycle.mean ?? '-'} / ${e.botEventsPerCycle.max ?? '-'}`,
          `${e.botBytesPerCycle.mean ?? '-'} / ${e.botBytesPerCycle.max ?? '-'}`,
          `${e.botRunEventsPerCycle.mean ?? '-'} / ${e.botRunEventsPerCycle.max ?? '-'}`,
          e.children,
          `${e.childEvents.mean ?? '-'} / ${e.childEvents.max ?? '-'}`,
          `${e.childBytes.mean ?? '-'} / ${e.childBytes.max ?? '-'}`,
        ]),
      ),
    );
    const example = econ.find(([, e]) => e.botCycleEventTypes.length)?.[1].botCycleEventTypes;
    if (example) out.push(`One cycle in the bot's history: ${example.join(', ')}`);
    for (const [mode, e] of econ) {
      const top = e.childBytesByEventType.slice(0, 5);
      if (top.length) {
        out.push(
          `Largest ${mode} children, bytes by event type: ` +
            top.map((t) => `${t.type} ${t.bytesPerChild} B (${t.eventsPerChild} events)`).join(', '),
        );
      }
    }
  }
  const av = f.alphaVantage;
  if (av) {
    out.push(
      `\nAlpha Vantage: ${av.bots} live bots on ${av.symbol} @ ${av.intervalSeconds}s for ${av.windowSeconds}s, ` +
        `default TTLs (price ${av.ttlSeconds.price}s, candles ${av.ttlSeconds.candles}s, sentiment ${av.ttlSeconds.sentiment}s)`,
    );
    out.push(
      table(
        ['kind', 'requests seen', 'per day (extrapolated)', 'per day, one per TTL'],
        [
          ...av.perKind.map((k) => [k.kind, k.requests, k.perDay, k.idealPerDay]),
          ['total', av.perKind.reduce((s, k) => s + k.requests, 0), av.perDay, av.idealPerDay],
        ],
      ),
    );
    out.push(
      `By function: ${JSON.stringify(av.requestsByFunction)}; ${av.cyclesCompleted} cycles completed, ` +
        `${av.slotsSkipped} slots skipped, lag p50/p99 ${ms(av.lagMs.p50)} / ${ms(av.lagMs.p99)}`,
    );
  }
  out.push('\nTargets');
  out.push(
    table(
      ['', 'measured', 'target', 'result'],
      targets.map((t) => [t.label, t.measured, t.target, t.met === null ? 'n/a' : t.met ? 'PASS' : 'MISS']),
    ),
  );
  return out.join('\n');
}
