import Decimal from 'decimal.js';
import { dec, formatMoney, roundCash } from '../../domain/money';
import type { DecimalString, Position } from '../../domain/types';
import { closedRoundTrips, roundTripsOf, type JournalEntry, type RoundTrip } from './roundTrips';

// Performance statistics from a bot's journal. Money (PnL, fees, drawdown amounts) is decimal; ratios are numbers.

export interface Drawdown {
  /** Largest fall from a running peak, as a fraction of that peak (0.25 = 25 %), 6 decimals. */
  fraction: DecimalString;
  amount: DecimalString;
  peak: DecimalString;
  trough: DecimalString;
}

export interface PerformanceStats {
  cycles: number;
  /** Closed round trips. */
  trades: number;
  wins: number;
  losses: number;
  /** wins / trades (0..1), null before the first closed round trip. */
  winRate: number | null;
  realizedPnl: DecimalString;
  /** (mark - average cost) x quantity of the open position; the buy fee is already in realizedPnl. */
  unrealizedPnl: DecimalString;
  fees: DecimalString;
  maxDrawdown: Drawdown;
  /** See sharpeLike(). */
  sharpeLike: number | null;
}

export interface OpenPosition {
  position: Position;
  markPrice: DecimalString | null;
}

export function unrealizedPnl(open: OpenPosition | null): Decimal {
  if (!open || open.markPrice === null) return dec(0);
  const held = dec(open.position.quantity);
  if (held.lte(0)) return dec(0);
  return roundCash(dec(open.markPrice).minus(open.position.averageCost).mul(held));
}

export function maxDrawdown(equities: readonly DecimalString[]): Drawdown {
  let peak: Decimal | null = null;
  let worst = { fraction: dec(0), amount: dec(0), peak: dec(0), trough: dec(0) };
  for (const value of equities) {
    const equity = dec(value);
    if (peak === null || equity.gt(peak)) peak = equity;
    if (peak.lte(0)) continue;
    const fraction = peak.minus(equity).div(peak);
    if (fraction.gt(worst.fraction)) worst = { fraction, amount: peak.minus(equity), peak, trough: equity };
  }
  return formatDrawdown(worst);
}

export function formatDrawdown(worst: {
  fraction: Decimal.Value;
  amount: Decimal.Value;
  peak: Decimal.Value;
  trough: Decimal.Value;
}): Drawdown {
  return {
    fraction: dec(worst.fraction).toDecimalPlaces(6).toFixed(),
    amount: formatMoney(roundCash(dec(worst.amount))),
    peak: formatMoney(worst.peak),
    trough: formatMoney(worst.trough),
  };
}

/** Simple returns between consecutive equities: e[i] / e[i-1] - 1 (skipped where e[i-1] is not positive). */
export function cycleReturns(equities: readonly DecimalString[]): number[] {
  const returns: number[] = [];
  for (let i = 1; i < equities.length; i++) {
    const before = dec(equities[i - 1]);
    if (before.gt(0)) returns.push(dec(equities[i]).div(before).minus(1).toNumber());
  }
  return returns;
}

/**
 * A Sharpe-like ratio: mean / sample standard deviation (n - 1) of per-cycle returns, with no risk-free rate and
 * NOT annualised (multiply by sqrt(cycles per year) for that). Null with fewer than 2 returns or no variation.
 */
export function sharpeLike(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  const stdev = Math.sqrt(variance);
  if (!(stdev > 0)) return null;
  return mean / stdev;
}

function sum(values: readonly DecimalString[]): Decimal {
  return values.reduce((a, v) => a.plus(v), dec(0));
}

function statsOf(
  cycles: number,
  equities: readonly DecimalString[],
  returns: readonly number[],
  trips: readonly RoundTrip[],
  realized: Decimal,
  fees: Decimal,
  unrealized: Decimal,
): PerformanceStats {
  const closed = closedRoundTrips(trips);
  return statsFromParts({
    cycles,
    trades: closed.length,
    wins: closed.filter((t) => dec(t.pnl).gt(0)).length,
    realized,
    fees,
    unrealized,
    maxDrawdown: maxDrawdown(equities),
    sharpeLike: sharpeLike(returns),
  });
}

/** One shape for the batch statistics and the incremental accumulator's (./accumulator.ts). */
export function statsFromParts(p: {
  cycles: number;
  trades: number;
  wins: number;
  realized: Decimal;
  fees: Decimal;
  unrealized: Decimal;
  maxDrawdown: Drawdown;
  sharpeLike: number | null;
}): PerformanceStats {
  return {
    cycles: p.cycles,
    trades: p.trades,
    wins: p.wins,
    losses: p.trades - p.wins,
    winRate: p.trades > 0 ? p.wins / p.trades : null,
    realizedPnl: formatMoney(p.realized),
    unrealizedPnl: formatMoney(p.unrealized),
    fees: formatMoney(p.fees),
    maxDrawdown: p.maxDrawdown,
    sharpeLike: p.sharpeLike,
  };
}

/** A bot's statistics over its journal (oldest first); `open` is its current position and mark, if any. */
export function performanceStats(entries: readonly JournalEntry[], open: OpenPosition | null): PerformanceStats {
  const equities = entries.map((e) => e.equity);
  const fills = entries.flatMap((e) => (e.fill ? [e.fill] : []));
  return statsOf(
    entries.length,
    equities,
    cycleReturns(equities),
    roundTripsOf(entries),
    sum(fills.map((f) => f.realizedPnl)),
    sum(fills.map((f) => f.fee)),
    unrealizedPnl(open),
  );
}

/**
 * The same statistics per strategy. A round trip (its PnL, fees, win or loss, and any unrealized PnL while open)
 * belongs to the strategy that opened it; a cycle's return to the strategy that decided in that cycle; the
 * drawdown is taken over the equity of the cycles each strategy ran.
 */
export function statsByStrategy(
  entries: readonly JournalEntry[],
  open: OpenPosition | null,
): Record<string, PerformanceStats> {
  const trips = roundTripsOf(entries);
  const openTrip = trips.find((t) => t.closedAt === null) ?? null;
  const names = [...new Set(entries.map((e) => e.strategy))].sort();
  const out: Record<string, PerformanceStats> = {};
  for (const name of names) {
    const equities: DecimalString[] = [];
    const returns: number[] = [];
    let cycles = 0;
    entries.forEach((entry, i) => {
      if (entry.strategy !== name) return;
      cycles += 1;
      equities.push(entry.equity);
      const before = i > 0 ? dec(entries[i - 1].equity) : null;
      if (before && before.gt(0)) returns.push(dec(entry.equity).div(before).minus(1).toNumber());
    });
    const own = trips.filter((t) => t.strategy === name);
    const unrealized = openTrip?.strategy === name ? unrealizedPnl(open) : dec(0);
    out[name] = statsOf(
      cycles,
      equities,
      returns,
      own,
      sum(own.map((t) => t.pnl)),
      sum(own.map((t) => t.fees)),
      unrealized,
    );
  }
  return out;
}
