import { RSI, SMA } from 'trading-signals';
import type { Candle, DecimalString } from '../../domain/types';

// Indicators come from `trading-signals`; this module only adapts candles to it. Indicator values are
// statistics, not money, so they are JS numbers; they are a pure function of the closes given, so a
// replayed cycle and a backtest see the same values.

export function closesOf(candles: readonly Candle[]): DecimalString[] {
  return candles.map((c) => c.close);
}

/** Closes as the indicator library takes them. */
export function numbersOf(closes: readonly DecimalString[]): number[] {
  return closes.map(Number);
}

/** The simple moving average of the last `period` closes, or null when there are fewer closes than that. */
export function sma(closes: readonly number[], period: number): number | null {
  if (closes.length < period) return null;
  const indicator = new SMA(period);
  // Only the last `period` closes matter to a simple average.
  indicator.updates(closes.slice(-period), false);
  return indicator.getResult();
}

/**
 * Wilder's RSI over the closes given (0..100), or null when there are fewer than `period + 1` closes. Wilder's
 * smoothing remembers the whole series, so the value depends on how much history the caller passes.
 */
export function rsi(closes: readonly number[], period: number): number | null {
  const indicator = new RSI(period);
  if (closes.length < indicator.getRequiredInputs()) return null;
  // With no move at all the library reports 100 (no losses); a market that never moved is neutral.
  if (closes.every((c) => c === closes[0])) return 50;
  indicator.updates(closes, false);
  return indicator.getResult();
}

/** Indicator values as stored in the cycle journal: rounded so the record reads well and compares exactly. */
export function rounded(value: number | null, decimals = 4): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
