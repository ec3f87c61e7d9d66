import { dec } from '../../domain/money';
import type { DecimalString } from '../../domain/types';

// The learning loop's one lever: recent results scale the next entry's size, within fixed bounds, and say
// why in words the cycle journal can show. A losing streak halves the size; a winning streak adds at most half.

export interface SizeAdjustment {
  /** Scales a strategy's entry size; always within MIN_MULTIPLIER .. MAX_MULTIPLIER. */
  multiplier: number;
  explanation: string;
}

export interface AdaptiveSizingOptions {
  /** How many of the most recent round trips count. */
  window: number;
  /** Fewer closed round trips than this leave the size alone: one lucky trade proves nothing. */
  minTrades: number;
}

export const MIN_MULTIPLIER = 0.5;
export const MAX_MULTIPLIER = 1.5;
export const DEFAULT_ADAPTIVE_SIZING: AdaptiveSizingOptions = { window: 10, minTrades: 3 };

/**
 * multiplier = clamp(0.5 + wins / n, 0.5, 1.5) over the last n = min(window, closed) round trips, rounded to
 * two decimals; a round trip wins when its net PnL (fees included) is above zero.
 */
export function adaptiveSizing(
  closedRoundTrips: readonly { pnl: DecimalString }[],
  options: AdaptiveSizingOptions = DEFAULT_ADAPTIVE_SIZING,
): SizeAdjustment {
  const recent = closedRoundTrips.slice(-options.window);
  if (recent.length < Math.max(1, options.minTrades)) {
    return {
      multiplier: 1,
      explanation: `only ${recent.length} closed round trip${recent.length === 1 ? '' : 's'} (need ${options.minTrades}): size x1`,
    };
  }
  const wins = recent.filter((t) => dec(t.pnl).gt(0)).length;
  const raw = 0.5 + wins / recent.length;
  const multiplier = Math.round(Math.min(MAX_MULTIPLIER, Math.max(MIN_MULTIPLIER, raw)) * 100) / 100;
  return { multiplier, explanation: `won ${wins} of last ${recent.length} round trips: size x${multiplier}` };
}
