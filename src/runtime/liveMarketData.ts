import type { Pool } from 'pg';
import type { MarketDataSource } from '../activities';
import type { AppConfig } from '../config';

/** Live market data for the perception phase; none until an Alpha Vantage key is configured. */
export function buildLiveMarketData(_config: AppConfig, _pool: Pool): MarketDataSource | undefined {
  return undefined;
}
