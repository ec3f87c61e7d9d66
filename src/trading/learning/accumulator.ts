import Decimal from 'decimal.js';
import { dec } from '../../domain/money';
import type { DecimalString } from '../../domain/types';
import { adaptiveSizing, type SizeAdjustment } from './adaptiveSizing';
import type { JournalEntry } from './roundTrips';
import { formatDrawdown, type OpenPosition, type PerformanceStats, statsFromParts, unrealizedPnl } from './stats';

// The statistics of performanceStats/statsByStrategy, kept incrementally: a live bot advances this plain-JSON
// accumulator by one journal entry per cycle instead of re-reading its whole journal (which grows without end).
// It gives the same figures as the batch functions over the same journal (tests/unit/trading/accumulator.test.ts).

interface Scope {
  cycles: number;
  trades: number;
  wins: number;
  /** Bot scope: every fill's realized PnL and fee. Strategy scope: its closed round trips' (open one added on report). */
  realized: DecimalString;
  fees: DecimalString;
  peak: DecimalString | null;
  worst: { fraction: DecimalString; amount: DecimalString; peak: DecimalString; trough: DecimalString };
  /** Welford's running mean and sum of squared deviations of per-cycle returns. */
  returns: { n: number; mean: number; m2: number };
}

interface OpenTrip {
  strategy: string;
  held: DecimalString;
  pnl: DecimalString;
  fees: DecimalString;
}

export interface StatsAccumulator {
  /** The last journal cycle folded in: advancing by it again changes nothing (activity retries). */
  lastCycle: number;
  lastEquity: DecimalString | null;
  bot: Scope;
  byStrategy: Record<string, Scope>;
  openTrip: OpenTrip | null;
  /** Net PnL of the most recent closed round trips, oldest first, for the adaptive sizing rule. */
  recentClosedPnl: DecimalString[];
}

const RECENT_KEPT = 50;

function emptyScope(): Scope {
  return {
    cycles: 0,
    trades: 0,
    wins: 0,
    realized: '0',
    fees: '0',
    peak: null,
    worst: { fraction: '0', amount: '0', peak: '0', trough: '0' },
    returns: { n: 0, mean: 0, m2: 0 },
  };
}

export function emptyAccumulator(): StatsAccumulator {
  return { lastCycle: 0, lastEquity: null, bot: emptyScope(), byStrategy: {}, openTrip: null, recentClosedPnl: [] };
}

function observeEquity(scope: Scope, equity: Decimal, ret: number | null): void {
  scope.cycles += 1;
  if (scope.peak === null || equity.gt(scope.peak)) scope.peak = equity.toString();
  const peak = dec(scope.peak);
  if (peak.gt(0)) {
    const fraction = peak.minus(equity).div(peak);
    if (fraction.gt(scope.worst.fraction)) {
      scope.worst = {
        fraction: fraction.toString(),
        amount: peak.minus(equity).toString(),
        peak: peak.toString(),
        trough: equity.toString(),
      };
    }
  }
  if (ret !== null) {
    const r = scope.returns;
    r.n += 1;
    const delta = ret - r.mean;
    r.mean += delta / r.n;
    r.m2 += delta * (ret - r.mean);
  }
}

function closeTrip(scope: Scope, pnl: Decimal, fees: Decimal, ownTotals: boolean): void {
  scope.trades += 1;
  if (pnl.gt(0)) scope.wins += 1;
  if (ownTotals) {
    scope.realized = dec(scope.realized).plus(pnl).toString();
    scope.fees = dec(scope.fees).plus(fees).toString();
  }
}

/** Folds one journal entry (the next cycle, oldest first) into the accumulator; returns a new accumulator. */
export function advanceStats(acc: StatsAccumulator, entry: JournalEntry): StatsAccumulator {
  if (entry.cycle <= acc.lastCycle) return acc;
  const next = JSON.parse(JSON.stringify(acc)) as StatsAccumulator;
  const strategy = (next.byStrategy[entry.strategy] ??= emptyScope());
  const equity = dec(entry.equity);
  const before = next.lastEquity === null ? null : dec(next.lastEquity);
  const ret = before !== null && before.gt(0) ? equity.div(before).minus(1).toNumber() : null;
  observeEquity(next.bot, equity, ret);
  observeEquity(strategy, equity, ret);

  const fill = entry.fill;
  if (fill) {
    next.bot.realized = dec(next.bot.realized).plus(fill.realizedPnl).toString();
    next.bot.fees = dec(next.bot.fees).plus(fill.fee).toString();
    // A sell with nothing open belongs to history before the journal: it counts in totals, not in a round trip.
    if (next.openTrip || fill.side === 'buy') {
      const trip = (next.openTrip ??= { strategy: entry.strategy, held: '0', pnl: '0', fees: '0' });
      const held = fill.side === 'buy' ? dec(trip.held).plus(fill.quantity) : dec(trip.held).minus(fill.quantity);
      trip.held = held.toString();
      trip.pnl = dec(trip.pnl).plus(fill.realizedPnl).toString();
      trip.fees = dec(trip.fees).plus(fill.fee).toString();
      if (held.lte(0)) {
        const owner = (next.byStrategy[trip.strategy] ??= emptyScope());
        closeTrip(next.bot, dec(trip.pnl), dec(trip.fees), false);
        closeTrip(owner, dec(trip.pnl), dec(trip.fees), true);
        next.recentClosedPnl = [...next.recentClosedPnl, trip.pnl].slice(-RECENT_KEPT);
        next.openTrip = null;
      }
    }
  }
  next.lastEquity = equity.toString();
  next.lastCycle = entry.cycle;
  return next;
}

export function accumulatorOf(entries: readonly JournalEntry[]): StatsAccumulator {
  return entries.reduce(advanceStats, emptyAccumulator());
}

function scopeStats(scope: Scope, realized: Decimal, fees: Decimal, unrealized: Decimal): PerformanceStats {
  const { n, mean, m2 } = scope.returns;
  const stdev = n >= 2 ? Math.sqrt(m2 / (n - 1)) : 0;
  return statsFromParts({
    cycles: scope.cycles,
    trades: scope.trades,
    wins: scope.wins,
    realized,
    fees,
    unrealized,
    maxDrawdown: formatDrawdown(scope.worst),
    sharpeLike: n >= 2 && stdev > 0 ? mean / stdev : null,
  });
}

export interface LearnedFigures {
  stats: PerformanceStats;
  statsByStrategy: Record<string, PerformanceStats>;
  sizing: SizeAdjustment;
}

/** The figures the accumulator stands for, valuing any open position at `open`'s mark. */
export function figuresOf(acc: StatsAccumulator, open: OpenPosition | null): LearnedFigures {
  const unrealized = unrealizedPnl(open);
  const statsByStrategy: Record<string, PerformanceStats> = {};
  for (const name of Object.keys(acc.byStrategy).sort()) {
    const scope = acc.byStrategy[name];
    const own = acc.openTrip?.strategy === name ? acc.openTrip : null;
    statsByStrategy[name] = scopeStats(
      scope,
      dec(scope.realized).plus(own?.pnl ?? 0),
      dec(scope.fees).plus(own?.fees ?? 0),
      own ? unrealized : dec(0),
    );
  }
  return {
    stats: scopeStats(acc.bot, dec(acc.bot.realized), dec(acc.bot.fees), unrealized),
    statsByStrategy,
    sizing: adaptiveSizing(acc.recentClosedPnl.map((pnl) => ({ pnl }))),
  };
}
