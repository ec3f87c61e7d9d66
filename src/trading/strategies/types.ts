import type { Decision, DecimalString, IsoTime, NewsSentiment, PortfolioSummary } from '../../domain/types';
import type { SizeAdjustment } from '../learning/adaptiveSizing';
import type { SettingSpecs } from '../settings';

export interface StrategyContext {
  symbol: string;
  cycle: number;
  now: IsoTime;
  price: string;
  /** Closing prices, oldest first, the current candle's last: the strategy's `history` of them at most. */
  closes: readonly DecimalString[];
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
  /**
   * How many closes, the current one included, the strategy reads with these params. A cycle passes exactly
   * these through workflow history, and the backtest the same number, so both decide on the same series.
   */
  history(params: Record<string, number>): number;
  decide(ctx: StrategyContext): Decision;
}
