import type { Pool } from 'pg';
import { dec } from '../domain/money';
import type { Candle, NewsSentiment } from '../domain/types';

// The market-data cache in Postgres: candles upserted per (symbol, interval, time); prices and sentiment
// appended with their fetch time. Reads return the newest of each, however old: callers judge freshness.

export interface CachedPrice {
  price: string;
  asOf: string;
  fetchedAt: string;
}

export interface CachedSentiment extends NewsSentiment {
  fetchedAt: string;
}

export interface CachedMarket {
  price: CachedPrice | null;
  candles: Candle[];
  candlesFetchedAt: string | null;
  sentiment: CachedSentiment | null;
  /** When a request for news sentiment last failed, if ever. */
  sentimentFailedAt: string | null;
}

export const DAILY = '1d';
/** The most candles a cycle may read: above every strategy's longest history (RSI(200) reads 1001). */
export const HISTORY_ROWS = 1024;

/** A fetch that found another worker's request for the same data still in flight after waiting for it. */
export class FetchInFlightError extends Error {
  override name = 'FetchInFlightError';
}

export class MarketCache {
  constructor(private readonly pool: Pool) {}

  /**
   * Runs `fetch` holding a lock on (symbol, kind) across every worker, so bots that find the same data stale at
   * the same moment send one request: the others wait for it, then read what it stored. `waitMs` should outlast
   * the holder's request (its timeout); a lock still held after it is a FetchInFlightError, never a second
   * request. The lock is a transaction-scoped advisory lock: a worker that dies releases it with its connection.
   */
  async underFetchLock<T>(symbol: string, kind: string, waitMs: number, fetch: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // Checked out, a client has no pool listener: a Postgres crash while the request runs would otherwise be an
    // uncaught 'error' event that kills the worker.
    let broken: Error | undefined;
    const onError = (err: Error) => (broken = err);
    client.on('error', onError);
    const release = () => {
      client.off('error', onError);
      client.release(broken);
    };
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.round(waitMs))}ms`]);
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`market-fetch:${symbol}:${kind}`]);
    } catch (err) {
      // 55P03 lock_not_available: the holder's request outlived the wait.
      if ((err as { code?: string }).code === '55P03') {
        await client.query('ROLLBACK').catch(onError);
        release();
        throw new FetchInFlightError(`another request for ${symbol} ${kind} is still in flight after ${waitMs} ms`);
      }
      broken ??= err as Error;
      release();
      throw err;
    }
    try {
      return await fetch();
    } finally {
      await client.query('COMMIT').catch(onError);
      release();
    }
  }

  /** When a request for (symbol, kind) last failed, and why; null if never. */
  async lastFailure(symbol: string, kind: string): Promise<{ at: Date; error: string } | null> {
    const r = await this.pool.query<{ failed_at: Date; error: string }>(
      'SELECT failed_at, error FROM market_fetch_failures WHERE symbol = $1 AND kind = $2',
      [symbol, kind],
    );
    return r.rows[0] ? { at: r.rows[0].failed_at, error: r.rows[0].error } : null;
  }

  async storeCandles(symbol: string, interval: string, candles: Candle[], fetchedAt: Date): Promise<void> {
    if (candles.length === 0) return;
    const values: unknown[] = [];
    const rows = candles.map((c, i) => {
      values.push(symbol, interval, c.time, c.open, c.high, c.low, c.close, c.volume, fetchedAt);
      const o = i * 9;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}, $${o + 9})`;
    });
    await this.pool.query(
      `INSERT INTO market_candles (symbol, interval, time, open, high, low, close, volume, fetched_at)
       VALUES ${rows.join(', ')}
       ON CONFLICT (symbol, interval, time) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,
         low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, fetched_at = EXCLUDED.fetched_at`,
      values,
    );
  }

  async storePrice(symbol: string, price: string, asOf: string, fetchedAt: Date): Promise<void> {
    await this.pool.query('INSERT INTO market_prices (symbol, price, as_of, fetched_at) VALUES ($1, $2, $3, $4)', [
      symbol,
      price,
      asOf,
      fetchedAt,
    ]);
  }

  async storeSentiment(ticker: string, s: NewsSentiment, fetchedAt: Date): Promise<void> {
    await this.pool.query(
      'INSERT INTO market_sentiment (ticker, score, articles, label, fetched_at) VALUES ($1, $2, $3, $4, $5)',
      [ticker, s.score, s.articles, s.label, fetchedAt],
    );
  }

  async recordFailure(symbol: string, kind: string, error: string, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO market_fetch_failures (symbol, kind, failed_at, error) VALUES ($1, $2, $3, $4)
       ON CONFLICT (symbol, kind) DO UPDATE SET failed_at = EXCLUDED.failed_at, error = EXCLUDED.error`,
      [symbol, kind, at, error.slice(0, 500)],
    );
  }

  /** The newest price and sentiment, and the newest `rows` candles (oldest first). */
  async newest(symbol: string, newsTicker: string, rows = HISTORY_ROWS, interval = DAILY): Promise<CachedMarket> {
    const [price, candles, sentiment, sentimentFailure] = await Promise.all([
      this.pool.query<{ price: string; as_of: Date; fetched_at: Date }>(
        'SELECT price, as_of, fetched_at FROM market_prices WHERE symbol = $1 ORDER BY fetched_at DESC LIMIT 1',
        [symbol],
      ),
      this.pool.query<{
        time: Date;
        open: string;
        high: string;
        low: string;
        close: string;
        volume: string;
        fetched_at: Date;
      }>(
        `SELECT * FROM (SELECT time, open, high, low, close, volume, fetched_at FROM market_candles
                         WHERE symbol = $1 AND interval = $2 ORDER BY time DESC LIMIT $3) t
          ORDER BY time`,
        [symbol, interval, Math.max(1, Math.min(rows, HISTORY_ROWS))],
      ),
      this.pool.query<{ score: number; articles: number; label: string; fetched_at: Date }>(
        'SELECT score, articles, label, fetched_at FROM market_sentiment WHERE ticker = $1 ORDER BY fetched_at DESC LIMIT 1',
        [newsTicker],
      ),
      this.pool.query<{ failed_at: Date }>(
        `SELECT failed_at FROM market_fetch_failures WHERE symbol = $1 AND kind = 'sentiment'`,
        [symbol],
      ),
    ]);
    const p = price.rows[0];
    const s = sentiment.rows[0];
    const n = (v: string) => dec(v).toFixed();
    return {
      price: p ? { price: n(p.price), asOf: p.as_of.toISOString(), fetchedAt: p.fetched_at.toISOString() } : null,
      candles: candles.rows.map((c) => ({
        time: c.time.toISOString(),
        open: n(c.open),
        high: n(c.high),
        low: n(c.low),
        close: n(c.close),
        volume: n(c.volume),
      })),
      candlesFetchedAt: candles.rows.length
        ? new Date(Math.max(...candles.rows.map((c) => c.fetched_at.getTime()))).toISOString()
        : null,
      sentiment: s
        ? { score: s.score, articles: s.articles, label: s.label, fetchedAt: s.fetched_at.toISOString() }
        : null,
      sentimentFailedAt: sentimentFailure.rows[0]?.failed_at.toISOString() ?? null,
    };
  }
}
