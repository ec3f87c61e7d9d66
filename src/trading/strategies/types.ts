import type { Candle, Decision, IsoTime, NewsSentiment, PortfolioSummary } from '../../domain/types';

export interface StrategyContext {
  symbol: string;
  cycle: number;
  now: IsoTime;
  price: string;
  /** Oldest first. */
  candles: Candle[];
  sentiment: NewsSentiment | null;
  portfolio: PortfolioSummary;
  params: Record<string, number>;
}

/** A strategy is pure: the same context gives the same decision, in a workflow replay or a backtest. */
export interface Strategy {
  name: string;
  description: string;
  decide(ctx: StrategyContext): Decision;
}
