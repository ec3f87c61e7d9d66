import { numbersOf, rounded, sma } from '../indicators';
import type { DecimalString } from '../../domain/types';

// The moving-average trend shared by the crossover strategy and the sentiment blend.

export interface TrendParams {
  fast: number;
  slow: number;
  fullScaleSpread: number;
}

export interface Trend {
  fastSma: number;
  slowSma: number;
  /** (fast - slow) / slow: above 0 is an uptrend. */
  spread: number;
  /** spread / fullScaleSpread clamped to -1 .. 1: how strong the trend is, signed. */
  score: number;
}

export const TREND_PARAMS = {
  fast: { default: 10, min: 2, max: 400, integer: true, description: 'fast simple moving average period, in candles' },
  slow: {
    default: 30,
    min: 3,
    max: 500,
    integer: true,
    description: 'slow simple moving average period, in candles; must be longer than fast',
  },
  fullScaleSpread: {
    default: 0.05,
    min: 0,
    minExclusive: true,
    max: 1,
    description: 'the spread (fast - slow) / slow at which the trend counts as full strength (0.05 = 5 %)',
  },
};

export function trendOf(series: readonly DecimalString[], p: TrendParams): Trend | null {
  const closes = numbersOf(series);
  const fastSma = sma(closes, p.fast);
  const slowSma = sma(closes, p.slow);
  if (fastSma === null || slowSma === null || slowSma <= 0) return null;
  const spread = (fastSma - slowSma) / slowSma;
  const score = Math.max(-1, Math.min(1, spread / p.fullScaleSpread));
  return { fastSma, slowSma, spread, score };
}

export function trendIndicators(trend: Trend | null): Record<string, number | null> {
  return {
    fastSma: rounded(trend?.fastSma ?? null, 2),
    slowSma: rounded(trend?.slowSma ?? null, 2),
    spread: rounded(trend?.spread ?? null, 6),
    trendScore: rounded(trend?.score ?? null),
  };
}
