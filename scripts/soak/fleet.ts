// The bots a soak (and the benchmark's fleets) trade with: live market data from the Alpha Vantage stand-in,
// strategies and symbols in rotation, with short indicator periods so that the stand-in's wandering prices make
// them trade within minutes, winning and losing round trips both.

export interface FleetBot {
  id: string;
  symbol: string;
  marketDataMode: 'live';
  intervalSeconds: number;
  strategy: { name: string; params: Record<string, number> };
}

const SYMBOLS = ['BTC/USD', 'ETH/USD', 'SOL/USD', 'DOGE/USD'];
const STRATEGIES: FleetBot['strategy'][] = [
  { name: 'ma-crossover', params: { fast: 2, slow: 4 } },
  { name: 'rsi-mean-reversion', params: { period: 3, oversold: 45, overbought: 55 } },
  { name: 'sentiment-blend', params: { fast: 2, slow: 4, entryThreshold: 0.05 } },
  // Alternates buy and sell every cycle: the steady trade flow that exercises the ledger.
  { name: 'quicktest', params: { quantity: 0.01 } },
];

export function fleet(count: number, intervalSeconds: number, prefix = 'soak'): FleetBot[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i + 1}`,
    symbol: SYMBOLS[i % SYMBOLS.length],
    marketDataMode: 'live' as const,
    intervalSeconds,
    strategy: STRATEGIES[Math.floor(i / SYMBOLS.length + i) % STRATEGIES.length],
  }));
}

/**
 * The environment the soak's workers and API run with: prices cached for a short while (so bots on one symbol
 * share a request), daily candles refreshed every minute so today's bar follows the wandering price.
 */
export function fleetEnv(intervalSeconds: number): Record<string, string> {
  return {
    ALPHAVANTAGE_PRICE_TTL_SECONDS: String(Math.max(2, Math.min(30, intervalSeconds))),
    ALPHAVANTAGE_CANDLES_TTL_SECONDS: '60',
    ALPHAVANTAGE_SENTIMENT_TTL_SECONDS: '600',
    ALPHAVANTAGE_REQUESTS_PER_SECOND: '20',
    WORKER_SHUTDOWN_GRACE_SECONDS: '10',
  };
}
