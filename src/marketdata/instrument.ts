// How a bot's symbol maps onto Alpha Vantage: crypto pairs use the digital-currency functions, anything else
// is treated as an equity ticker quoted in USD.

const CRYPTO = new Set([
  'BTC',
  'ETH',
  'SOL',
  'XRP',
  'ADA',
  'DOGE',
  'LTC',
  'DOT',
  'AVAX',
  'LINK',
  'BCH',
  'XLM',
  'MATIC',
]);

export interface Instrument {
  kind: 'crypto' | 'equity';
  base: string;
  quote: string;
  /** The NEWS_SENTIMENT ticker: CRYPTO:BTC, or the equity's own ticker. */
  newsTicker: string;
}

export function instrumentOf(symbol: string): Instrument {
  const [base, quote = 'USD'] = symbol.split('/');
  const kind = CRYPTO.has(base) ? 'crypto' : 'equity';
  return { kind, base, quote, newsTicker: kind === 'crypto' ? `CRYPTO:${base}` : base };
}
