import { ApplicationFailure, log } from '@temporalio/activity';
import type { DecimalString, MarketSnapshot, NewsSentiment } from '../domain/types';
import { type AlphaVantageClient, AlphaVantageError } from '../marketdata/alphavantage';
import { type CachedMarket, DAILY, FetchInFlightError } from '../marketdata/cache';
import { type Instrument, instrumentOf } from '../marketdata/instrument';
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

/** Beyond the Alpha Vantage timeout, how long a fetch waits for a concurrent request of the same data. */
const FETCH_LOCK_MARGIN_MS = 1_000;

const ageSeconds = (iso: string | null | undefined, now: Date) =>
  iso ? (now.getTime() - Date.parse(iso)) / 1000 : Number.POSITIVE_INFINITY;

export function makeMarketDataActivities({
  marketCache,
  alphaVantage,
  marketDataTtl,
  now = () => new Date(),
}: ActivityDeps) {
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

    /**
     * One Alpha Vantage request (runs on the rate-limited market-data task queue), stored in the cache on
     * success. Failures become typed ApplicationFailures: the retry policy decides, using nextRetryDelay for
     * the burst limit; quota, premium, demo-key and bad requests are not retried.
     */
    async fetchMarketData(input: MarketDataRequest & { kind: MarketDataKind }): Promise<FetchedMarketData> {
      if (!alphaVantage) {
        throw ApplicationFailure.nonRetryable(
          'no ALPHAVANTAGE_API_KEY is configured on this worker',
          'AlphaVantage.no-key',
        );
      }
      const inst = instrumentOf(input.symbol);
      const asked = now();
      try {
        // The holder's request cannot outlive its own timeout: wait that long, and a little more.
        const waitMs = alphaVantage.timeoutMs + FETCH_LOCK_MARGIN_MS;
        return await marketCache.underFetchLock(input.symbol, input.kind, waitMs, async () => {
          // Bots on one symbol find it stale together: the first request is stored while the others wait for
          // the lock, and they are served that copy (stored after they asked, whatever the TTL), sparing the quota.
          const cached = await marketCache.newest(input.symbol, inst.newsTicker, historyOf(input.strategy));
          const served = fetchedFromCache(cached, input.kind, { now: now(), asked }, marketDataTtl);
          if (served) {
            log.info('served from the cache, fetched by another cycle moments ago', {
              symbol: input.symbol,
              kind: input.kind,
            });
            return served;
          }
          // The request this one waited for failed: fail as well, and let the retry policy space the next try,
          // rather than spend the quota on a service that refused a moment ago.
          const failure = await marketCache.lastFailure(input.symbol, input.kind);
          if (failure && failure.at >= asked) {
            throw ApplicationFailure.retryable(
              `a concurrent request for the same data failed moments ago: ${failure.error}`,
              'AlphaVantage.concurrent-failure',
            );
          }
          return requestAlphaVantage(alphaVantage, input, inst);
        });
      } catch (err) {
        if (err instanceof FetchInFlightError)
          throw ApplicationFailure.retryable(err.message, 'AlphaVantage.in-flight');
        throw err;
      }
    },
  };

  async function requestAlphaVantage(
    alphaVantage: AlphaVantageClient,
    input: MarketDataRequest & { kind: MarketDataKind },
    inst: Instrument,
  ): Promise<FetchedMarketData> {
    // Stored with the time the answer arrived (so a cycle that waited for this request knows it is newer than
    // its own question); a failure with the time it happened.
    try {
      if (input.kind === 'price') {
        if (inst.kind === 'crypto') {
          const rate = await alphaVantage.exchangeRate(inst.base, inst.quote);
          await marketCache.storePrice(input.symbol, rate.price, rate.asOf, now());
          return { kind: 'price', price: rate.price, asOf: rate.asOf };
        }
        const bars = await alphaVantage.equityIntraday(inst.base, '5min');
        const last = bars[bars.length - 1];
        await marketCache.storePrice(input.symbol, last.close, last.time, now());
        return { kind: 'price', price: last.close, asOf: last.time };
      }
      if (input.kind === 'candles') {
        const candles =
          inst.kind === 'crypto'
            ? await alphaVantage.cryptoDaily(inst.base, inst.quote)
            : await alphaVantage.equityDaily(inst.base);
        await marketCache.storeCandles(input.symbol, DAILY, candles, now());
        // The service may send years of rows: all are cached, the strategy's history goes into workflow history.
        return { kind: 'candles', closes: candles.slice(-historyOf(input.strategy)).map((c) => c.close) };
      }
      const sentiment = await alphaVantage.newsSentiment(inst.newsTicker);
      await marketCache.storeSentiment(inst.newsTicker, sentiment, now());
      return { kind: 'sentiment', sentiment };
    } catch (err) {
      await marketCache.recordFailure(input.symbol, input.kind, (err as Error).message, now()).catch(() => undefined);
      if (err instanceof AlphaVantageError) {
        throw ApplicationFailure.create({
          message: err.message,
          type: `AlphaVantage.${err.kind}`,
          nonRetryable: !err.retryable,
          nextRetryDelay: err.retryAfterMs,
        });
      }
      throw err;
    }
  }
}

/** When the cached copy of `kind` was fetched; null if there is none. */
function fetchedAtOf(cached: CachedMarket, kind: MarketDataKind): string | null {
  if (kind === 'price') return cached.price?.fetchedAt ?? null;
  if (kind === 'candles') return cached.candles.length > 0 ? cached.candlesFetchedAt : null;
  return cached.sentiment?.fetchedAt ?? null;
}

/** Whether the cached copy of `kind` was fetched within its TTL (a failed request does not count here). */
function fresh(cached: CachedMarket, kind: MarketDataKind, at: Date, ttl: MarketDataTtl): boolean {
  const seconds = kind === 'price' ? ttl.priceSeconds : kind === 'candles' ? ttl.candlesSeconds : ttl.sentimentSeconds;
  return ageSeconds(fetchedAtOf(cached, kind), at) <= seconds;
}

/**
 * The cached copy of `kind` as a fetch returns it, when it is within its TTL or was stored after `asked` (by the
 * request this fetch waited for); null when a request is needed.
 */
function fetchedFromCache(
  cached: CachedMarket,
  kind: MarketDataKind,
  time: { now: Date; asked: Date },
  ttl: MarketDataTtl,
): FetchedMarketData | null {
  const fetchedAt = fetchedAtOf(cached, kind);
  const newer = fetchedAt !== null && Date.parse(fetchedAt) >= time.asked.getTime();
  if (!newer && !fresh(cached, kind, time.now, ttl)) return null;
  const servedFromCache = true;
  if (kind === 'price') return { kind, price: cached.price!.price, asOf: cached.price!.asOf, servedFromCache };
  if (kind === 'candles') return { kind, closes: cached.candles.map((c) => c.close), servedFromCache };
  const s = cached.sentiment!;
  return { kind, sentiment: { score: s.score, articles: s.articles, label: s.label }, servedFromCache };
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
