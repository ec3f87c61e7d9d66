import type { AppConfig } from '../config';
import { AlphaVantageClient } from '../marketdata/alphavantage';

/** The Alpha Vantage client for the market-data worker; none without a key (live cycles then fall back). */
export function buildAlphaVantageClient(config: AppConfig): AlphaVantageClient | undefined {
  const { apiKey, baseUrl, timeoutMs } = config.alphaVantage;
  return apiKey ? new AlphaVantageClient({ apiKey, baseUrl, timeoutMs }) : undefined;
}
