import { ApplicationFailure, log } from '@temporalio/activity';
import { type AlphaVantageClient, AlphaVantageError } from '../marketdata/alphavantage';
import { type CachedMarket, DAILY, FetchInFlightError } from '../marketdata/cache';
import { type Instrument, instrumentOf } from '../marketdata/instrument';
import { historyOf } from '../trading/strategies';
import {
  type FetchedMarketData,
  fetchedAtOf,
  fresh,
  type MarketDataKind,
  type MarketDataRequest,
} from './cachePerception';
import type { ActivityDeps, MarketDataTtl } from './deps';

/** Beyond the Alpha Vantage timeout, how long a fetch waits for a concurrent request of the same data. */
const FETCH_LOCK_MARGIN_MS = 1_000;

/** Perception from Alpha Vantage: one request per kind, on the rate-limited market-data task queue. */
export function makeAlphaVantageActivities({
  marketCache,
  alphaVantage,
  marketDataTtl,
  now = () => new Date(),
}: ActivityDeps) {
  return {
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
