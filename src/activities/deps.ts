import type { TradingLedger } from '../ledger';
import type { AlphaVantageClient } from '../marketdata/alphavantage';
import type { MarketCache } from '../marketdata/cache';

export interface PerceptionRequest {
  botId: string;
  symbol: string;
  cycle: number;
  /** The bot's strategy: a snapshot carries as many closes as it reads (Strategy.history). */
  strategy: StrategyConfig;
}

export interface StrategyConfig {
  name: string;
  params: Record<string, number>;
}

/** How long cached market data is served without a request, per kind (see README: quota arithmetic). */
export interface MarketDataTtl {
  priceSeconds: number;
  candlesSeconds: number;
  sentimentSeconds: number;
}

/** What activities are given: the ledger, the market-data sources and a clock; never a database pool. */
export interface ActivityDeps {
  ledger: TradingLedger;
  marketCache: MarketCache;
  /** Absent when no API key is configured: live fetches then fail as AlphaVantage.no-key and cycles fall back. */
  alphaVantage?: AlphaVantageClient;
  marketDataTtl: MarketDataTtl;
  /** Injected so tests can pin time; defaults to the wall clock (activities, unlike workflows, may read it). */
  now?: () => Date;
}
