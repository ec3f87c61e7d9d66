import type { ChartSpec, SummaryRow } from '../report/html';
import type { ProcessSample } from '../topology/launcher';
import type { BotHistory, CycleHistoryStats, CycleRecord } from '../observe/histories';
import type { LedgerAudit } from '../observe/ledgerAudit';
import { percentile, round, slope, slopeBound } from '../observe/stats';

// The soak's verdict: each criterion with its measured value and threshold, all read from process samples,
// workflow histories and the ledger. And the charts that show how the run went.

export const SLOPE_MIN_MINUTES = 20;
/** The most a cycle may start after its slot was due, at the 99th percentile. */
export const LAG_P99_LIMIT_MS = 1000;
const MB = 1024 * 1024;

export interface SoakObservations {
  startedAtMs: number;
  /** When the bots were told to stop: slots due after this are not expected. */
  stoppedAtMs: number;
  intervalSeconds: number;
  warmupMinutes?: number;
  samples: ProcessSample[];
  bots: BotHistory[];
  children: CycleHistoryStats[];
  audit: LedgerAudit;
  equity: { botId: string; at: number; equity: number }[];
  alphaVantageRequests: { function: string; symbol: string; at: number }[];
}

export interface Criterion extends SummaryRow {
  key: string;
}

const mbPer10Min = (bytesPerMs: number | null) => (bytesPerMs === null ? null : (bytesPerMs * 600_000) / MB);

export interface MemorySlope {
  name: string;
  rss: number | null;
  /** Anonymous memory (sampler.ts): what a leak grows, without shared or file pages. */
  anon: number | null;
  heap: number | null;
  /**
   * The worker threads' committed heap (the workflow thread's in a worker; sampler.ts), read once a minute: not a
   * criterion (nothing can collect that heap from outside, so it is crest or trough by chance), but it says
   * whether RSS growth outside the main heap is V8's.
   */
  threadHeap: number | null;
  /**
   * The Temporal server's Go heap in use (sampler.ts), read once a minute: not a criterion either (the server is
   * judged on its RSS), but it says whether its RSS growth is a live heap growing or memory Go holds back.
   */
  goHeap: number | null;
  /**
   * What the memory criterion judges: RSS (Postgres: its anonymous memory), fitted to per-minute means, with the
   * one-sided 95 % margin of that slope (stats.ts, slopeBound); the margin is null when too few independent
   * points bound it (the process can be shown neither growing nor flat). Null without enough points.
   */
  judged: { figure: 'rss' | 'anon'; slope: number; margin: number | null } | null;
}

/** Fewer collected heap points than this after warm-up (a short run): the slope uses every heap sample. */
const MIN_COLLECTED_POINTS = 10;

/** Per process: the least-squares slope of RSS, anonymous memory and heap after warm-up, in MB per 10 minutes. */
export function memorySlopes(o: SoakObservations): MemorySlope[] {
  const runMs = o.stoppedAtMs - o.startedAtMs;
  const warmupMs = o.warmupMinutes !== undefined ? o.warmupMinutes * 60_000 : runMs * 0.2;
  const from = o.startedAtMs + warmupMs;
  const names = [...new Set(o.samples.map((s) => s.name))].sort();
  return names.map((name) => {
    const mine = o.samples.filter((s) => s.name === name && s.at >= from && s.at <= o.stoppedAtMs);
    // The live heap (read right after a full collection) where the run has enough such points; a leak raises it,
    // while the heap between collections is a sawtooth whose phase at the run's end would decide the slope.
    const withHeap = mine.filter((s) => typeof s.heapUsed === 'number');
    const collected = withHeap.filter((s) => s.heapCollected);
    const heap = (collected.length >= MIN_COLLECTED_POINTS ? collected : withHeap).map(
      (s) => [s.at, s.heapUsed!] as [number, number],
    );
    return {
      name,
      rss: mbPer10Min(slope(mine.map((s) => [s.at, s.rssBytes]))),
      anon: anonSlope(mine),
      heap: name === 'temporal' || name === 'postgres' ? null : mbPer10Min(slope(heap)),
      threadHeap: figureSlope(mine, (s) => s.threadHeapTotal),
      goHeap: figureSlope(mine, (s) => s.goHeapInUse),
      judged: judgedSlope(name, mine, from),
    };
  });
}

/**
 * Postgres is judged on its private memory: the sum of its processes' RSS counts the shared buffer pool once per
 * backend that touched a page, and grows as they touch more of it (bounded by shared_buffers: a cache warming,
 * not a leak). Every other process is one process, judged on its RSS. Per-minute means: the margin's correction
 * for serial correlation reads the series at the scale where a heap resizes, not its 10-second jitter.
 */
function judgedSlope(name: string, samples: ProcessSample[], fromMs: number): MemorySlope['judged'] {
  const figure = name === 'postgres' && anonSlope(samples) !== null ? 'anon' : 'rss';
  // Minutes counted from the end of warm-up, each point at its samples' mean time; a minute with fewer than half
  // the samples of a full one (the run's last, cut by the stop) is dropped: its mean would weigh as much as a full
  // minute's at the end of the line, where a point moves the slope most.
  const byMinute = new Map<number, [number, number][]>();
  for (const s of samples) {
    const bytes = figure === 'anon' ? s.anonBytes : s.rssBytes;
    if (typeof bytes !== 'number') continue;
    const minute = Math.floor((s.at - fromMs) / 60_000);
    byMinute.set(minute, [...(byMinute.get(minute) ?? []), [s.at, bytes]]);
  }
  const full = Math.max(0, ...[...byMinute.values()].map((m) => m.length));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const points = [...byMinute.values()]
    .filter((m) => m.length * 2 >= full)
    .map((m) => [mean(m.map(([at]) => at)), mean(m.map(([, bytes]) => bytes))] as [number, number]);
  const bound = slopeBound(points);
  if (bound === null) return null;
  const margin = Number.isFinite(bound.margin) ? mbPer10Min(bound.margin) : null;
  return { figure, slope: mbPer10Min(bound.slope)!, margin };
}

/** The slope of a figure only some samples carry (the once-a-minute ones), from those samples. */
function figureSlope(samples: ProcessSample[], figure: (s: ProcessSample) => number | undefined): number | null {
  const points = samples.flatMap((s) => {
    const v = figure(s);
    return typeof v === 'number' ? [[s.at, v] as [number, number]] : [];
  });
  return mbPer10Min(slope(points));
}

/** The anonymous-memory slope when at least 80 % of the samples have the figure (a pid can vanish mid-read). */
function anonSlope(samples: ProcessSample[]): number | null {
  const points = samples.flatMap((s) =>
    typeof s.anonBytes === 'number' ? [[s.at, s.anonBytes] as [number, number]] : [],
  );
  return samples.length > 0 && points.length >= 0.8 * samples.length ? mbPer10Min(slope(points)) : null;
}

/** The most memory a process may be shown to grow after warm-up, MB per 10 minutes (issue #9). */
export const GROWTH_LIMIT_MB = 1;

type Judged = NonNullable<MemorySlope['judged']>;

const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
/** A judged slope as printed: "+1.23 ± 0.45", the margin "unknown" where too few points bound it. */
export const withMargin = (j: Judged) => `${signed(j.slope)} ± ${j.margin === null ? 'unknown' : j.margin.toFixed(2)}`;

// An unknown margin shows neither growth nor flatness: the process passes and is named as not shown flat.
const lower = (j: Judged) => (j.margin === null ? -Infinity : j.slope - j.margin);
const upper = (j: Judged) => (j.margin === null ? Infinity : j.slope + j.margin);

/** What a process's samples show: growth above the limit (it fails), flat within it, or neither at this length. */
export function growthShown(j: Judged): 'growth' | 'flat' | 'undecided' {
  if (lower(j) > GROWTH_LIMIT_MB) return 'growth';
  return upper(j) > GROWTH_LIMIT_MB ? 'undecided' : 'flat';
}

/**
 * The memory verdict. A process fails when its samples show growth above the limit at 95 %: slope minus margin
 * above it. A least-squares line through memory a garbage collector sizes swings with the collector (40-100 MB in
 * a worker: docs/soak/README.md), so the point slope alone passed or failed the same process by chance. Processes
 * the run cannot show flat either (slope plus margin above the limit) are named in the note: a longer run narrows
 * the margin.
 */
export function memoryGrowth(slopes: MemorySlope[]): {
  pass: boolean;
  worst: string | null;
  value: string;
  note?: string;
} {
  const judged = slopes.flatMap((s) => (s.judged ? [{ name: s.name, ...s.judged }] : []));
  if (judged.length === 0) return { pass: false, worst: null, value: 'n/a' };
  const worst = judged.reduce((w, j) => (lower(j) > lower(w) ? j : w));
  const figure = (j: { name: string; figure: string }) => (j.name === 'postgres' ? `${j.figure}, ` : '');
  const undecided = judged.filter((j) => growthShown(j) === 'undecided');
  return {
    pass: growthShown(worst) !== 'growth',
    worst: worst.name,
    value: `${withMargin(worst)} MB/10 min (${figure(worst)}${worst.name}, the highest lower bound); all: ${judged
      .map((j) => `${j.name} ${withMargin(j)}`)
      .join(', ')}`,
    ...(undecided.length
      ? {
          note: `not shown flat at this length (slope + margin above ${GROWTH_LIMIT_MB}): ${undecided.map((j) => j.name).join(', ')}`,
        }
      : {}),
  };
}

function cyclesOf(o: SoakObservations): CycleRecord[] {
  return o.bots.flatMap((b) => b.cycles);
}

/** Slots due while the bots ran: from each bot's first due slot to the stop. */
function dueSlots(o: SoakObservations): number {
  const intervalMs = o.intervalSeconds * 1000;
  return o.bots.reduce((sum, b) => {
    const first = b.cycles[0];
    if (!first) return sum + Math.floor((o.stoppedAtMs - o.startedAtMs) / intervalMs);
    return sum + Math.floor((o.stoppedAtMs - first.dueAtMs) / intervalMs) + 1;
  }, 0);
}

export function lagsMs(o: SoakObservations): number[] {
  return cyclesOf(o)
    .filter((c) => c.startedAtMs !== null)
    .map((c) => c.startedAtMs! - c.dueAtMs);
}

/** Due cycles completed (a skipped slot is missed), the slots due while the bots ran, and the schedule lag p99. */
export function cadenceOf(o: SoakObservations): { completed: number; due: number; lagP99Ms: number | null } {
  const completed = cyclesOf(o).filter((c) => c.outcome === 'completed' && c.dueAtMs <= o.stoppedAtMs).length;
  return { completed, due: dueSlots(o), lagP99Ms: percentile(lagsMs(o), 99) };
}

export function criteria(o: SoakObservations): Criterion[] {
  const runMinutes = (o.stoppedAtMs - o.startedAtMs) / 60_000;
  const slopes = memorySlopes(o);
  const enough = runMinutes >= SLOPE_MIN_MINUTES;
  const worst = (values: (number | null)[]) =>
    values.reduce<number | null>((m, v) => (v === null ? m : m === null ? v : Math.max(m, v)), null);
  const growth = memoryGrowth(slopes);
  const worstHeap = worst(slopes.map((s) => s.heap));
  const cycles = cyclesOf(o);
  const { completed, due, lagP99Ms: lagP99 } = cadenceOf(o);
  const failedWorkflows =
    o.bots.flatMap((b) => b.runs).filter((r) => !['RUNNING', 'CONTINUED_AS_NEW', 'COMPLETED'].includes(r.status))
      .length + cycles.filter((c) => !['completed', 'running'].includes(c.outcome)).length;
  const wftFailures =
    o.bots.flatMap((b) => b.runs).reduce((s, r) => s + r.workflowTaskFailures, 0) +
    o.children.reduce((s, c) => s + c.workflowTaskFailures, 0);
  const exhausted = o.children.reduce((s, c) => s + c.exhausted, 0);
  const a = o.audit;
  const slopeNote = enough
    ? undefined
    : `needs ${SLOPE_MIN_MINUTES} min of data, this run had ${runMinutes.toFixed(1)}`;
  return [
    {
      key: 'rssSlope',
      label:
        'memory growth after warm-up, per process: RSS (Postgres: private memory), least-squares slope ± its 95 % margin',
      value: growth.value,
      threshold: `none shown above ${GROWTH_LIMIT_MB} MB/10 min (slope - margin <= ${GROWTH_LIMIT_MB})`,
      pass: enough && growth.worst !== null ? growth.pass : null,
      ...(slopeNote ? { note: slopeNote } : growth.note ? { note: growth.note } : {}),
    },
    {
      key: 'heapSlope',
      label: 'V8 heap slope after warm-up (live heap, after a full collection), worst node process',
      value: worstHeap === null ? 'n/a' : `${worstHeap.toFixed(2)} MB/10 min`,
      threshold: '<= 1 MB/10 min',
      pass: enough && worstHeap !== null ? worstHeap <= 1 : null,
      ...(slopeNote ? { note: slopeNote } : {}),
    },
    {
      key: 'completed',
      label: 'due cycles completed (skipped slots count as missed)',
      value: `${completed} of ${due} (${due ? ((100 * completed) / due).toFixed(2) : '0'} %)`,
      threshold: '>= 99 %',
      pass: due > 0 && completed / due >= 0.99,
    },
    {
      key: 'lagP99',
      label: 'schedule lag p99 (slot due -> cycle started)',
      value: lagP99 === null ? 'no cycles' : `${lagP99} ms`,
      threshold: `<= ${LAG_P99_LIMIT_MS} ms`,
      pass: lagP99 !== null && lagP99 <= LAG_P99_LIMIT_MS,
    },
    {
      key: 'workflows',
      label: 'failed, terminated or timed-out workflows; workflow task failures',
      value: `${failedWorkflows}; ${wftFailures}`,
      threshold: '0; 0',
      pass: failedWorkflows === 0 && wftFailures === 0,
    },
    {
      key: 'exhausted',
      label: 'activities that ran out of retries',
      value: exhausted,
      threshold: '0',
      pass: exhausted === 0,
    },
    {
      key: 'journal',
      label: 'journal == history (completed cycles without a row; rows without a completed cycle)',
      value: `${a.missingJournal.length}; ${a.orphanJournal.length} (${a.journalRows} rows)`,
      threshold: '0; 0',
      pass: a.missingJournal.length === 0 && a.orphanJournal.length === 0,
    },
    {
      key: 'accounts',
      label: 'accounts == recomputed from fills; duplicate orders or fills',
      value: `${a.accountMismatches.length} mismatches over ${a.accounts} accounts; ${a.duplicateOrders.length + a.duplicateFills.length} duplicates`,
      threshold: '0; 0',
      pass: a.accountMismatches.length === 0 && a.duplicateOrders.length + a.duplicateFills.length === 0,
    },
  ];
}

/** Plain facts beside the criteria. */
export function facts(o: SoakObservations): SummaryRow[] {
  const cycles = cyclesOf(o);
  const runs = o.bots.flatMap((b) => b.runs);
  const botEvents = runs.reduce((s, r) => s + r.events, 0);
  const botBytes = runs.reduce((s, r) => s + r.bytes, 0);
  const started = runs.reduce((s, r) => s + r.cycles, 0);
  const durations = o.children.filter((c) => c.closedAtMs !== null).map((c) => c.closedAtMs! - c.startedAtMs);
  const childEvents = o.children.map((c) => c.events);
  const childBytes = o.children.map((c) => c.bytes);
  const avg = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : null);
  const perSymbol = new Map<string, number>();
  for (const r of o.alphaVantageRequests) perSymbol.set(r.symbol, (perSymbol.get(r.symbol) ?? 0) + 1);
  const runDays = (o.stoppedAtMs - o.startedAtMs) / 86_400_000;
  return [
    {
      label: 'cycles started / completed',
      value: `${cycles.length} / ${cycles.filter((c) => c.outcome === 'completed').length}`,
    },
    {
      label: 'slots skipped',
      value: o.bots.reduce((s, b) => s + b.skips.reduce((t, k) => t + k.to - k.from + 1, 0), 0),
    },
    {
      label: 'fills (buys / sells; winning / losing sells)',
      value: `${o.audit.fills} (${o.audit.buys} / ${o.audit.sells}; ${o.audit.winningSells} / ${o.audit.losingSells})`,
    },
    {
      label: 'cycle duration p50 / p95 / p99',
      value: `${percentile(durations, 50)} / ${percentile(durations, 95)} / ${percentile(durations, 99)} ms`,
    },
    { label: 'schedule lag p50 / max', value: `${percentile(lagsMs(o), 50)} / ${percentile(lagsMs(o), 100)} ms` },
    { label: 'activity retries', value: o.children.reduce((s, c) => s + c.retries, 0) },
    {
      label: 'bot runs (continue-as-new)',
      value: `${runs.length} runs, ${runs.filter((r) => r.continuedAsNew).length} continued as new`,
    },
    {
      label: 'bot workflow history per cycle',
      value: started ? `${round(botEvents / started)} events, ${round(botBytes / started / 1024, 2)} KB` : 'n/a',
    },
    {
      label: 'cycle child history (mean, max)',
      value: o.children.length
        ? `${round(avg(childEvents))} events, ${round(avg(childBytes)! / 1024, 2)} KB (max ${Math.max(...childEvents)} events, ${round(Math.max(...childBytes) / 1024, 2)} KB)`
        : 'n/a',
    },
    {
      label: 'Alpha Vantage requests per symbol per day (extrapolated)',
      value:
        [...perSymbol.entries()]
          .sort()
          .map(([s, n]) => `${s} ${Math.round(n / runDays)}`)
          .join(', ') || 'none',
    },
  ];
}

const perMinute = (t: number) => Math.floor(t / 60_000) * 60_000;

function bucketed<T>(items: T[], at: (t: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const it of items) {
    const k = perMinute(at(it));
    m.set(k, [...(m.get(k) ?? []), it]);
  }
  return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

export function charts(o: SoakObservations): ChartSpec[] {
  const names = [...new Set(o.samples.map((s) => s.name))].sort();
  const nodeNames = names.filter((n) => n !== 'temporal' && n !== 'postgres');
  const done = cyclesOf(o).filter((c) => c.outcome === 'completed' && c.closedAtMs !== null);
  const durations = o.children.filter((c) => c.closedAtMs !== null);
  const byMinute = bucketed(durations, (c) => c.closedAtMs!);
  const lagByMinute = bucketed(
    cyclesOf(o).filter((c) => c.startedAtMs !== null),
    (c) => c.startedAtMs!,
  );
  const pct = (p: number) =>
    [...byMinute.entries()].map(
      ([t, cs]) =>
        [
          t,
          percentile(
            cs.map((c) => c.closedAtMs! - c.startedAtMs),
            p,
          ),
        ] as [number, number | null],
    );
  const lagPct = (p: number) =>
    [...lagByMinute.entries()].map(
      ([t, cs]) =>
        [
          t,
          percentile(
            cs.map((c) => c.startedAtMs! - c.dueAtMs),
            p,
          ),
        ] as [number, number | null],
    );
  const botIds = [...new Set(o.equity.map((e) => e.botId))];
  const all: ChartSpec[] = [
    {
      id: 'rss',
      title: 'RSS per process',
      kind: 'line',
      yName: 'MB',
      xKind: 'time',
      series: memorySeries(o, names, (s) => s.rssBytes),
    },
    {
      id: 'anon',
      title: 'Anonymous (private) memory per process',
      kind: 'line',
      yName: 'MB',
      xKind: 'time',
      series: memorySeries(o, names, (s) => s.anonBytes),
    },
    {
      id: 'heap',
      title: 'V8 heap used per node process',
      kind: 'line',
      yName: 'MB',
      xKind: 'time',
      series: memorySeries(o, nodeNames, (s) => s.heapUsed),
    },
    {
      id: 'threadHeap',
      title: 'Workflow thread heap per worker (committed, once a minute)',
      kind: 'line',
      yName: 'MB',
      xKind: 'time',
      series: memorySeries(
        o,
        nodeNames.filter((n) => n.startsWith('worker-')),
        (s) => s.threadHeapTotal,
      ),
    },
    {
      id: 'goHeap',
      title: "Temporal server's Go heap: in use, and held (in use + idle not returned), once a minute",
      kind: 'line',
      yName: 'MB',
      xKind: 'time',
      series: [
        ...memorySeries(o, ['temporal'], (s) => s.goHeapInUse).map((x) => ({ ...x, name: 'in use' })),
        ...memorySeries(o, ['temporal'], (s) => s.goHeapHeld).map((x) => ({ ...x, name: 'held' })),
      ],
    },
    {
      id: 'cycles',
      title: 'Cycles completed per minute',
      kind: 'bar',
      yName: 'cycles',
      xKind: 'time',
      series: [
        {
          name: 'cycles',
          points: [...bucketed(done, (c) => c.closedAtMs!).entries()].map(([t, cs]) => [t, cs.length]),
        },
      ],
    },
    {
      id: 'latency',
      title: 'Cycle duration (child started -> completed), per minute',
      kind: 'line',
      yName: 'ms',
      xKind: 'time',
      yFromZero: true,
      series: [50, 95, 99].map((p) => ({ name: `p${p}`, points: pct(p) })),
    },
    {
      id: 'lag',
      title: 'Schedule lag (slot due -> cycle started), per minute',
      kind: 'line',
      yName: 'ms',
      xKind: 'time',
      yFromZero: true,
      series: [50, 99, 100].map((p) => ({ name: p === 100 ? 'max' : `p${p}`, points: lagPct(p) })),
    },
    {
      id: 'equity',
      title: 'Equity per bot',
      kind: 'line',
      yName: 'USD',
      xKind: 'time',
      series: botIds.map((id) => ({
        name: id,
        points: o.equity.filter((e) => e.botId === id).map((e) => [e.at, e.equity] as [number, number | null]),
      })),
    },
  ];
  // A server the run does not own (remote) has no samples: no empty chart for it.
  return all.filter((chart) => chart.id !== 'goHeap' || chart.series.some((line) => line.points.length > 0));
}

/** One line per process of a memory figure in MB; samples without it (an IPC timeout, no /proc) are left out. */
function memorySeries(
  o: SoakObservations,
  names: string[],
  bytes: (s: ProcessSample) => number | null | undefined,
): { name: string; points: [number, number | null][] }[] {
  return names.map((name) => ({
    name,
    points: o.samples.flatMap((s) => {
      const b = s.name === name ? bytes(s) : null;
      return typeof b === 'number' ? [[s.at, round(b / MB)] as [number, number | null]] : [];
    }),
  }));
}
