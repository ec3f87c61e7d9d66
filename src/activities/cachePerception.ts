import type { DecimalString, MarketSnapshot, NewsSentiment } from '../domain/types';
import type { CachedMarket } from '../marketdata/cache';
import { instrumentOf } from '../marketdata/instrument';
import { historyOf } from '../trading/strategies';
import type { ActivityDeps, MarketDataTtl, StrategyConfig } from './deps';

export type MarketDataKind = 'price' | 'candles' | 'sentiment';

/** What a cycle asks of the market-data activities: a symbol, and the strategy whose history sets the closes. */
export interface MarketDataRequest {
  symbol: string;
  strategy: StrategyConfig;
}

/** The cache's newest data as a cycle sees it: closes trimmed to the strategy's history. */
export interface CachedObservation {
  price: { price: DecimalString; asOf: string } | null;
  closes: DecimalString[];
  sentiment: NewsSentiment | null;
}

export interface CachePlan {
  cached: CachedObservation;
  /** Kinds whose cached copy is missing or older than its TTL: these need a live request. */
  stale: MarketDataKind[];
}

export type FetchedMarketData = (
  | { kind: 'price'; price: string; asOf: string }
  | { kind: 'candles'; closes: DecimalString[] }
  | { kind: 'sentiment'; sentiment: NewsSentiment }
) & {
  /** Set when another cycle's request, stored moments before, answered this one: no request was sent. */
  servedFromCache?: true;
};

export const ageSeconds = (iso: string | null | undefined, now: Date) =>
  iso ? (now.getTime() - Date.parse(iso)) / 1000 : Number.POSITIVE_INFINITY;

/** Perception from the Postgres market cache: what it holds and what is stale, and the newest copy as a fallback. */
export function makeCachePerceptionActivities({ marketCache, marketDataTtl, now = () => new Date() }: ActivityDeps) {
  return {
    /** What the cache holds for the symbol, and which kinds are too old to serve without asking Alpha Vantage. */
    async readMarketCache(input: MarketDataRequest): Promise<CachePlan> {
      const at = now();
      const history = historyOf(input.strategy);
      const cached = await marketCache.newest(input.symbol, instrumentOf(input.symbol).newsTicker, history);
      const stale: MarketDataKind[] = [];
      if (!fresh(cached, 'price', at, marketDataTtl)) stale.push('price');
      if (!fresh(cached, 'candles', at, marketDataTtl)) stale.push('candles');
      // Sentiment is optional: after a failure it waits out its TTL like a success would, sparing the quota.
      const sentimentAsked = Math.min(
        ageSeconds(cached.sentiment?.fetchedAt, at),
        ageSeconds(cached.sentimentFailedAt, at),
      );
      if (sentimentAsked > marketDataTtl.sentimentSeconds) stale.push('sentiment');
      return { cached: observationOf(cached), stale };
    },

    /** The fallback when live perception failed for good: the newest cached data, however old; null if none. */
    async fallbackPerception(input: MarketDataRequest): Promise<MarketSnapshot | null> {
      const at = now();
      const history = historyOf(input.strategy);
      const cached = await marketCache.newest(input.symbol, instrumentOf(input.symbol).newsTicker, history);
      const price = cached.price ?? lastClose(cached);
      if (!price) return null;
      return {
        symbol: input.symbol,
        price: price.price,
        asOf: price.asOf,
        ageSeconds: Math.max(0, Math.round(ageSeconds(price.asOf, at))),
        source: 'fallback-cache',
        closes: cached.candles.map((c) => c.close),
        sentiment: cached.sentiment
          ? { score: cached.sentiment.score, articles: cached.sentiment.articles, label: cached.sentiment.label }
          : null,
      };
    },
  };
}

/** When the cached copy of `kind` was fetched; null if there is none. */
export function fetchedAtOf(cached: CachedMarket, kind: MarketDataKind): string | null {
  if (kind === 'price') return cached.price?.fetchedAt ?? null;
  if (kind === 'candles') return cached.candles.length > 0 ? cached.candlesFetchedAt : null;
  return cached.sentiment?.fetchedAt ?? null;
}

/** Whether the cached copy of `kind` was fetched within its TTL (a failed request does not count here). */
export function fresh(cached: CachedMarket, kind: MarketDataKind, at: Date, ttl: MarketDataTtl): boolean {
  const seconds = kind === 'price' ? ttl.priceSeconds : kind === 'candles' ? ttl.candlesSeconds : ttl.sentimentSeconds;
  return ageSeconds(fetchedAtOf(cached, kind), at) <= seconds;
}

function observationOf(cached: CachedMarket): CachedObservation {
  const s = cached.sentiment;
  return {
    price: cached.price ? { price: cached.price.price, asOf: cached.price.asOf } : null,
    closes: cached.candles.map((c) => c.close),
    sentiment: s ? { score: s.score, articles: s.articles, label: s.label } : null,
  };
}

function lastClose(cached: CachedMarket): { price: string; asOf: string } | null {
  const last = cached.candles[cached.candles.length - 1];
  return last ? { price: last.close, asOf: last.time } : null;
}
