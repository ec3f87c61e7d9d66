import type { Pool } from 'pg';
import type { Broker } from '../broker/paperBroker';
import type { MarketSnapshot } from '../domain/types';

export interface PerceptionRequest {
  botId: string;
  symbol: string;
  cycle: number;
  mode: 'quicktest' | 'live';
}

/** Where live market data comes from; the quicktest feed needs none. */
export interface MarketDataSource {
  perceive(req: PerceptionRequest, now: Date): Promise<MarketSnapshot>;
}

export interface ActivityDeps {
  pool: Pool;
  broker: Broker;
  liveMarketData?: MarketDataSource;
  /** Injected so tests can pin time; defaults to the wall clock (activities, unlike workflows, may read it). */
  now?: () => Date;
}
