import fetch from 'node-fetch';
import type { Candle, NewsSentiment } from '../../domain/types';
import { AlphaVantageError, redactSecrets } from './errors';
import {
  AV_FUNCTION,
  parseCryptoDaily,
  parseEquityDaily,
  parseEquityIntraday,
  parseExchangeRate,
  type ExchangeRate,
  type IntradayInterval,
} from './parse';
import { parseNewsSentiment } from './sentiment';

// One method per Alpha Vantage function the bot uses. Each call is exactly ONE HTTP GET: retries belong to the
// Temporal activity retry policy, which sees `retryable`/`retryAfterMs` on the AlphaVantageError thrown here.
// A free key allows 25 requests a day, so a retry loop in here would burn the quota invisibly.
// The API key travels in the query string, so every error leaving this class is scrubbed of it.

export interface AlphaVantageClientOptions {
  apiKey: string;
  /** e.g. https://www.alphavantage.co/query */
  baseUrl: string;
  /** Covers connecting, waiting and reading the whole body. */
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

export interface NewsQuery {
  /** Only articles published at or after this instant (sent as UTC `YYYYMMDDTHHMM`). */
  timeFrom?: Date;
  timeTo?: Date;
  sort?: 'LATEST' | 'EARLIEST' | 'RELEVANCE';
  /** The service's default is 50, its maximum 1000. */
  limit?: number;
}

/** `YYYYMMDDTHHMM` in UTC, the format NEWS_SENTIMENT's time_from/time_to take. */
function newsTime(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').slice(0, 13);
}

export class AlphaVantageClient {
  private readonly fetchImpl: typeof fetch;
  private made = 0;

  constructor(private readonly options: AlphaVantageClientOptions) {
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  /** How long one request may take before it is aborted. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** HTTP requests sent by this client so far (each counts against the daily quota, answered or not). */
  get requestsMade(): number {
    return this.made;
  }

  /** Daily candles of `symbol` (e.g. BTC) priced in `market` (e.g. USD), oldest first. */
  async cryptoDaily(symbol: string, market = 'USD'): Promise<Candle[]> {
    const body = await this.get(AV_FUNCTION.cryptoDaily, { symbol, market });
    return this.parse(() => parseCryptoDaily(body, market));
  }

  /** The latest rate for one unit of `from` in `to`, e.g. BTC -> USD. */
  async exchangeRate(from: string, to: string): Promise<ExchangeRate> {
    const body = await this.get(AV_FUNCTION.exchangeRate, { from_currency: from, to_currency: to });
    return this.parse(() => parseExchangeRate(body));
  }

  /** The last 100 daily candles of an equity (outputsize=compact; full is premium). */
  async equityDaily(symbol: string): Promise<Candle[]> {
    const body = await this.get(AV_FUNCTION.equityDaily, { symbol, outputsize: 'compact' });
    return this.parse(() => parseEquityDaily(body));
  }

  /** Recent intraday candles of an equity, times converted from US/Eastern to UTC. */
  async equityIntraday(symbol: string, interval: IntradayInterval): Promise<Candle[]> {
    const body = await this.get(AV_FUNCTION.equityIntraday, { symbol, interval, outputsize: 'compact' });
    return this.parse(() => parseEquityIntraday(body, interval));
  }

  /** News sentiment for one ticker (e.g. CRYPTO:BTC); no articles gives a neutral zero, not an error. */
  async newsSentiment(ticker: string, query: NewsQuery = {}): Promise<NewsSentiment> {
    const params: Record<string, string> = { tickers: ticker };
    if (query.timeFrom) params.time_from = newsTime(query.timeFrom);
    if (query.timeTo) params.time_to = newsTime(query.timeTo);
    if (query.sort) params.sort = query.sort;
    if (query.limit !== undefined) params.limit = String(query.limit);
    const body = await this.get(AV_FUNCTION.news, params);
    return this.parse(() => parseNewsSentiment(body, ticker));
  }

  private parse<T>(parser: () => T): T {
    try {
      return parser();
    } catch (err) {
      throw err instanceof AlphaVantageError ? err.redacted(this.options.apiKey) : err;
    }
  }

  /** One GET, aborted after timeoutMs; returns the parsed JSON body of a 200 answer. */
  private async get(fn: string, params: Record<string, string>): Promise<unknown> {
    const url = new URL(this.options.baseUrl);
    url.searchParams.set('function', fn);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    url.searchParams.set('apikey', this.options.apiKey);

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    this.made += 1;
    try {
      let status: number;
      let statusText: string;
      let text: string;
      try {
        const response = await this.fetchImpl(url.toString(), {
          signal: controller.signal,
          headers: { accept: 'application/json' },
        });
        status = response.status;
        statusText = response.statusText;
        // Read the body under the same timeout: a server can send headers and then stall.
        text = await response.text();
      } catch (err) {
        throw this.transportError(fn, err, controller.signal.aborted);
      }
      if (status !== 200) {
        const message = `Alpha Vantage ${fn} answered HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
        throw new AlphaVantageError({ kind: 'http', fn, status, message });
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        const start = redactSecrets(text.slice(0, 60), this.options.apiKey).replace(/\s+/g, ' ');
        const message = `Alpha Vantage ${fn} answer is not JSON (${text.length} bytes, starting ${JSON.stringify(start)})`;
        throw new AlphaVantageError({ kind: 'malformed', fn, message });
      }
    } catch (err) {
      throw err instanceof AlphaVantageError ? err.redacted(this.options.apiKey) : err;
    } finally {
      clearTimeout(timer);
    }
  }

  private transportError(fn: string, err: unknown, timedOut: boolean): AlphaVantageError {
    if (timedOut) {
      const message = `Alpha Vantage ${fn} did not answer within ${this.options.timeoutMs} ms`;
      return new AlphaVantageError({ kind: 'timeout', fn, message });
    }
    // node-fetch messages quote the URL, key included: scrub before it reaches a log.
    const reason = redactSecrets(err instanceof Error ? err.message : String(err), this.options.apiKey);
    return new AlphaVantageError({
      kind: 'network',
      fn,
      message: `Could not reach Alpha Vantage for ${fn}: ${reason}`,
    });
  }
}
