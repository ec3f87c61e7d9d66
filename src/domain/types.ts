// Plain JSON types shared by workflows, activities, the API and the backtester.
// Money, prices and quantities travel as decimal strings: never binary floats. Times are ISO-8601 UTC strings.

export type DecimalString = string;
export type IsoTime = string;

export type Side = 'buy' | 'sell';
export type Action = 'buy' | 'sell' | 'hold';
export type MarketDataMode = 'quicktest' | 'live';

/** Where a cycle's market data came from. `mock` is synthetic data and never trusted outside quicktest. */
export type DataSource = 'live' | 'cache' | 'fallback-cache' | 'mock';

export type Phase = 'IDLE' | 'PERCEPTION' | 'REASONING' | 'RISK_CHECK' | 'EXECUTION' | 'LEARNING';

export interface Candle {
  /** Start of the candle, UTC. */
  time: IsoTime;
  open: DecimalString;
  high: DecimalString;
  low: DecimalString;
  close: DecimalString;
  volume: DecimalString;
}

export interface NewsSentiment {
  /** Relevance-weighted mean of the ticker's sentiment scores, -1 (bearish) .. 1 (bullish). */
  score: number;
  articles: number;
  label: string;
}

export interface MarketSnapshot {
  symbol: string;
  /** The price a market order would be perceived to fill at. */
  price: DecimalString;
  /** When the price was observed by its source. */
  asOf: IsoTime;
  /** Seconds between `asOf` and when the cycle perceived it. */
  ageSeconds: number;
  source: DataSource;
  /**
   * Daily closes, oldest first: only as many as the bot's strategy reads (Strategy.history), because a
   * snapshot travels through workflow history. The whole series stays in the market-data cache.
   */
  closes: DecimalString[];
  sentiment: NewsSentiment | null;
  /** Why live data was not used, when it was not. */
  note?: string;
}

export interface Position {
  symbol: string;
  quantity: DecimalString;
  averageCost: DecimalString;
}

export interface PortfolioSummary {
  cash: DecimalString;
  /** cash + position value at the last perceived price. */
  equity: DecimalString;
  realizedPnl: DecimalString;
  position: Position;
  /** Price used to value the position. */
  markPrice: DecimalString | null;
}

export interface Decision {
  action: Action;
  quantity: DecimalString;
  /** 0 .. 1 */
  confidence: number;
  rationale: string;
  strategy: string;
  indicators?: Record<string, number | null>;
}

export interface OrderIntent {
  clientOrderId: string;
  botId: string;
  cycle: number;
  symbol: string;
  side: Side;
  quantity: DecimalString;
  /** The perceived price; the fill price adds slippage against the trader. */
  referencePrice: DecimalString;
}

export interface RiskVerdict {
  approved: boolean;
  /** The rule that decided: the first rule that rejected or changed the order, or `all-passed`. */
  rule: string;
  reason: string;
  /** The order to place when approved (possibly resized or turned into an exit). */
  order: { side: Side; quantity: DecimalString } | null;
  /** True when the bot must halt new entries until an operator resumes it (e.g. max drawdown). */
  halt?: boolean;
  /** Rules that resized or replaced the order, in order; absent when none did (most cycles: history stays small). */
  amendments?: { rule: string; reason: string }[];
}

export interface Fill {
  clientOrderId: string;
  botId: string;
  cycle: number;
  symbol: string;
  side: Side;
  quantity: DecimalString;
  price: DecimalString;
  fee: DecimalString;
  realizedPnl: DecimalString;
  cashAfter: DecimalString;
  filledAt: IsoTime;
}

export type ExecutionResult =
  | { status: 'filled'; fill: Fill; duplicate: boolean }
  | { status: 'rejected'; clientOrderId: string; reason: string; duplicate: boolean };

export interface BrokerCosts {
  /** Fee in basis points of notional (10 = 0.10 %). */
  feeBps: number;
  /** Slippage in basis points against the trader. */
  slippageBps: number;
}
