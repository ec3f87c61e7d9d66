import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { CachePlan, FetchedMarketData, MarketDataKind, OodaActivities, PerceptionRequest } from '../activities';
import type { BotConfig } from '../domain/botConfig';
import type { MarketSnapshot } from '../domain/types';
import { marketDataQueue, phaseOptions } from './activityOptions';

// Synthetic data is pure computation: a local activity, run by the workflow worker without a server round trip.
const synthetic = proxyLocalActivities<OodaActivities>(phaseOptions.syntheticPerception);
const cache = proxyActivities<OodaActivities>(phaseOptions.cachePerception);

export interface PerceptionOutcome {
  snapshot: MarketSnapshot;
  /** True when this cycle sent at least one request to Alpha Vantage: the market-data breaker counts only these. */
  liveAttempted: boolean;
  liveOk: boolean;
  error: string | null;
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    return `${err.cause.type ?? 'error'}: ${err.cause.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Observe, for a live bot: fresh cache first; stale kinds from Alpha Vantage (each request an activity on the
 * rate-limited market-data queue, retried by policy); when that fails for good, or the market-data breaker is open, the
 * fallback activity's newest cached data; when there is none, synthetic data flagged `mock`.
 */
export async function perceiveLive(config: BotConfig, cycle: number, allowLive: boolean): Promise<PerceptionOutcome> {
  const req = { botId: config.id, symbol: config.symbol, cycle, strategy: config.strategy };
  if (!allowLive) return fallBack(req, false, 'circuit breaker open: live data skipped');

  const plan: CachePlan = await cache.readMarketCache({ symbol: config.symbol, strategy: config.strategy });
  const alphaVantage = proxyActivities<OodaActivities>({
    ...phaseOptions.alphaVantageFetch,
    retry: { ...phaseOptions.alphaVantageFetch.retry, maximumAttempts: config.marketDataMaxAttempts },
    taskQueue: marketDataQueue(workflowInfo().taskQueue),
  });
  const fetched: Partial<Record<MarketDataKind, FetchedMarketData>> = {};
  const failed: Partial<Record<MarketDataKind, string>> = {};
  for (const kind of plan.stale) {
    try {
      fetched[kind] = await alphaVantage.fetchMarketData({ kind, symbol: config.symbol, strategy: config.strategy });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      failed[kind] = failureMessage(err);
    }
  }
  const errors = Object.entries(failed).map(([kind, message]) => `${kind}: ${message}`);
  // The market-data breaker judges the data a cycle cannot do without: price and candles. Sentiment alone reads neutral.
  const liveAttempted = plan.stale.some((kind) => kind !== 'sentiment');
  const price =
    fetched.price?.kind === 'price' ? fetched.price : plan.stale.includes('price') ? null : plan.cached.price;
  const closes = fetched.candles?.kind === 'candles' ? fetched.candles.closes : plan.cached.closes;
  // Sentiment is a garnish: without it the strategies read neutral. Price and some candle history are not.
  if (!price || closes.length === 0) {
    const error = errors.join('; ') || 'no candle history';
    return fallBack(req, liveAttempted, error);
  }
  const sentiment = fetched.sentiment?.kind === 'sentiment' ? fetched.sentiment.sentiment : plan.cached.sentiment;
  const snapshot: MarketSnapshot = {
    symbol: config.symbol,
    price: price.price,
    asOf: price.asOf,
    ageSeconds: Math.max(0, Math.round((Date.now() - Date.parse(price.asOf)) / 1000)),
    // Live only when this cycle's own request answered: a price another cycle had just fetched reads as cache.
    source: fetched.price && !fetched.price.servedFromCache ? 'live' : 'cache',
    closes,
    sentiment,
    ...(errors.length ? { note: errors.join('; ') } : {}),
  };
  return { snapshot, liveAttempted, liveOk: !failed.price && !failed.candles, error: errors.join('; ') || null };
}

async function fallBack(req: PerceptionRequest, liveAttempted: boolean, error: string): Promise<PerceptionOutcome> {
  const cached = await cache.fallbackPerception({ symbol: req.symbol, strategy: req.strategy });
  if (cached) return { snapshot: { ...cached, note: error }, liveAttempted, liveOk: false, error };
  const made = await synthetic.perceiveMarket(req);
  return {
    snapshot: { ...made, note: `synthetic: no live or cached data (${error})` },
    liveAttempted,
    liveOk: false,
    error,
  };
}
