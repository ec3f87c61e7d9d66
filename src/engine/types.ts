import type { BotConfig } from '../domain/botConfig';
import type { BrokerCosts, DataSource, DecimalString, IsoTime, MarketDataMode, NewsSentiment } from '../domain/types';
import type { SizeAdjustment } from '../trading/learning/adaptiveSizing';
import type { StatsAccumulator } from '../trading/learning/accumulator';
import type { RiskState } from '../trading/risk/state';

// The bot's state machine speaks these types. They are plain JSON, so the same state can cross an activity
// boundary, a continue-as-new, a journal row or a file, and be fed again to the same pure functions.

/** What a bot remembers between cycles: the gatekeeper's memory, its running statistics, and what they concluded. */
export interface TradingState {
  /** Peak equity, halt, the day's realized PnL, the last stop-loss; null until the first cycle is judged. */
  risk: RiskState | null;
  /** The learning loop's running statistics (the live bot keeps them beside its journal, in `bot_learning`). */
  learning: StatsAccumulator;
  /** What learning last concluded about entry size: the one fact `decide` reads from it. Null until it has. */
  sizing: SizeAdjustment | null;
}

/**
 * What a live bot carries in its workflow, through continue-as-new, and hands to each cycle: the trading state
 * without the statistics, which stay beside the journal (`bot_learning`) and out of history. Only the engine's
 * functions change it (src/engine/botState.ts).
 */
export type BotTradingState = Pick<TradingState, 'risk' | 'sizing'>;

/** One cycle's view of the market: what perception saw, and when. */
export interface Observation {
  cycle: number;
  /** The cycle's clock: rules that count days or cooldowns read it, never the wall clock. */
  now: IsoTime;
  price: DecimalString;
  /** Closes, oldest first, the current one last: at most the strategy's `history` of them. */
  closes: readonly DecimalString[];
  sentiment: NewsSentiment | null;
  source: DataSource;
  ageSeconds: number;
}

/** What the state machine needs of a bot's config (a BotConfig, a backtest's options or a what-if's request). */
export interface EngineConfig {
  botId: string;
  symbol: string;
  strategy: { name: string; params: Record<string, number> };
  /** Overrides of the default risk limits. */
  risk: Record<string, number>;
  costs: BrokerCosts;
  mode: MarketDataMode;
  /** Scale entries by what learning concluded (live bots always do; a backtest may turn it off). */
  adaptiveSizing: boolean;
}

/** Every state machine function answers this: what it concluded, the state after it, and why, in words. */
export interface Step<Output, State> {
  output: Output;
  nextState: State;
  explanation: string;
}

export function engineConfigOf(config: BotConfig): EngineConfig {
  return {
    botId: config.id,
    symbol: config.symbol,
    strategy: config.strategy,
    risk: config.risk,
    costs: config.broker,
    mode: config.marketDataMode,
    adaptiveSizing: true,
  };
}
