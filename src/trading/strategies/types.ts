import type { Candle, Decision, IsoTime, NewsSentiment, PortfolioSummary } from '../../domain/types';
import type { SizeAdjustment } from '../learning/adaptiveSizing';
import type { SettingSpecs } from '../settings';

export interface StrategyContext {
  symbol: string;
  cycle: number;
  now: IsoTime;
  price: string;
  /** Oldest first. */
  candles: Candle[];
  /** News sentiment for the symbol; null means none was available and counts as neutral. */
  sentiment: NewsSentiment | null;
  portfolio: PortfolioSummary;
  params: Record<string, number>;
  /** The learning loop's size multiplier from recent round trips (see learning/adaptiveSizing); absent means x1. */
  sizing?: SizeAdjustment;
}

/** A strategy is pure: the same context gives the same decision, in a workflow replay or a backtest. */
export interface Strategy {
  name: string;
  description: string;
  /** Every param the strategy reads, with its documented default and range. */
  params: SettingSpecs;
  /** Throws InvalidStrategyParamsError on unknown keys, values out of range or inconsistent combinations. */
  validateParams(params: Record<string, number>): void;
  decide(ctx: StrategyContext): Decision;
}
