import type { Candle, DecimalString, IsoTime } from '../../domain/types';
import { AlphaVantageError, classifyBody } from './errors';
import { candleFieldsSchema, exchangeRateSchema, metaDataSchema, seriesRowsSchema, type RawRow } from './schemas';
import { dayToIso, wallClockToIso } from './time';

// Turns Alpha Vantage answers into domain types. Failure bodies are recognised BEFORE schema validation, so a
// rate-limit answer is reported as a rate limit and not as "malformed". Every parser throws AlphaVantageError.

export const AV_FUNCTION = {
  cryptoDaily: 'DIGITAL_CURRENCY_DAILY',
  exchangeRate: 'CURRENCY_EXCHANGE_RATE',
  equityDaily: 'TIME_SERIES_DAILY',
  equityIntraday: 'TIME_SERIES_INTRADAY',
  news: 'NEWS_SENTIMENT',
} as const;

export type IntradayInterval = '1min' | '5min' | '15min' | '30min' | '60min';

export interface ExchangeRate {
  price: DecimalString;
  /** When Alpha Vantage last refreshed the rate, UTC. */
  asOf: IsoTime;
  bid?: DecimalString;
  ask?: DecimalString;
}

export const CRYPTO_DAILY_KEY = 'Time Series (Digital Currency Daily)';
export const EQUITY_DAILY_KEY = 'Time Series (Daily)';
export const intradayKey = (interval: IntradayInterval): string => `Time Series (${interval})`;

export interface ShapeIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** Names where zod found a problem, e.g. `Time Series (Daily).2024-01-02.open: not a decimal number: "x"`. */
export function malformed(fn: string, issues: readonly ShapeIssue[], prefix: PropertyKey[] = []): AlphaVantageError {
  const described = issues.slice(0, 3).map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return `${path || '(body)'}: ${issue.message}`;
  });
  const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : '';
  return new AlphaVantageError({
    kind: 'malformed',
    fn,
    message: `Alpha Vantage ${fn} answer is not in the expected shape: ${described.join('; ')}${more}`,
  });
}

/** Throws the classified failure body, or 'empty' for a bare `{}` (what the service sends for some bad queries). */
export function rejectFailureBody(fn: string, body: unknown): void {
  const failure = classifyBody(fn, body);
  if (failure) throw failure;
  if (isObject(body) && Object.keys(body).length === 0) {
    throw new AlphaVantageError({ kind: 'empty', fn, message: `Alpha Vantage answered ${fn} with an empty object` });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

const FIELD_NUMBERS = { open: 1, high: 2, low: 3, close: 4, volume: 5 } as const;
const OLD_FIELD = /^(\d)[ab]?\. ([a-z]+) \(([a-z]+)\)$/i;

/**
 * Maps a row to open..volume. Current rows use `1. open`; old crypto rows had one column per currency
 * (`1a. open (CNY)`, `1b. open (USD)`): the column in the requested market is the one that matches current data.
 */
function currentFields(row: RawRow, market: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, n] of Object.entries(FIELD_NUMBERS)) {
    let value: unknown = row[`${n}. ${name}`];
    if (value === undefined) {
      for (const [key, candidate] of Object.entries(row)) {
        const m = OLD_FIELD.exec(key);
        if (m && Number(m[1]) === n && m[2].toLowerCase() === name && m[3].toUpperCase() === market.toUpperCase()) {
          value = candidate;
          break;
        }
      }
    }
    fields[name] = value;
  }
  return fields;
}

interface SeriesSpec {
  fn: string;
  seriesKey: string;
  /** Series row key -> UTC ISO time, or null when the key is not a time. `meta` is the Meta Data block. */
  timeOf: (key: string, meta: Record<string, string>) => IsoTime | null;
  market?: string;
}

/** Any Alpha Vantage OHLCV series -> candles, oldest first. */
export function parseCandleSeries(body: unknown, spec: SeriesSpec): Candle[] {
  const { fn, seriesKey } = spec;
  rejectFailureBody(fn, body);
  if (!isObject(body)) throw malformed(fn, [{ path: [], message: `expected a JSON object, got ${jsonType(body)}` }]);
  const metaData = metaDataSchema.safeParse(body['Meta Data']);
  if (!metaData.success) throw malformed(fn, metaData.error.issues, ['Meta Data']);
  const series = seriesRowsSchema.safeParse(body[seriesKey]);
  if (!series.success) throw malformed(fn, series.error.issues, [seriesKey]);
  const meta = metaData.data ?? {};
  const rows = Object.entries(series.data);
  if (rows.length === 0) {
    throw new AlphaVantageError({
      kind: 'empty',
      fn,
      message: `Alpha Vantage ${fn} answer has no rows in ${seriesKey}`,
    });
  }
  const market = spec.market ?? 'USD';
  const candles = rows.map(([key, row]): Candle => {
    let time: IsoTime | null;
    try {
      time = spec.timeOf(key, meta);
    } catch {
      time = null; // e.g. a time zone Intl does not know
    }
    if (time === null) {
      throw malformed(fn, [{ path: [seriesKey, key], message: 'row key is not a valid time' }]);
    }
    const fields = candleFieldsSchema.safeParse(currentFields(row, market));
    if (!fields.success) throw malformed(fn, fields.error.issues, [seriesKey, key]);
    return { time, ...fields.data };
  });
  return candles.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

function metaTimeZone(meta: Record<string, string>, fallback: string): string {
  const key = Object.keys(meta).find((k) => /time zone/i.test(k));
  return key ? meta[key] : fallback;
}

/** DIGITAL_CURRENCY_DAILY, current or old field names, priced in `market` (USD unless told). */
export function parseCryptoDaily(body: unknown, market = 'USD'): Candle[] {
  return parseCandleSeries(body, {
    fn: AV_FUNCTION.cryptoDaily,
    seriesKey: CRYPTO_DAILY_KEY,
    market,
    timeOf: (day) => dayToIso(day),
  });
}

/** TIME_SERIES_DAILY: a daily bar is stamped with midnight UTC of its trading date. */
export function parseEquityDaily(body: unknown): Candle[] {
  return parseCandleSeries(body, { fn: AV_FUNCTION.equityDaily, seriesKey: EQUITY_DAILY_KEY, timeOf: dayToIso });
}

/** TIME_SERIES_INTRADAY: bar times are wall clock in Meta Data's zone (US/Eastern for equities) -> UTC. */
export function parseEquityIntraday(body: unknown, interval: IntradayInterval): Candle[] {
  return parseCandleSeries(body, {
    fn: AV_FUNCTION.equityIntraday,
    seriesKey: intradayKey(interval),
    timeOf: (key, meta) => wallClockToIso(key, metaTimeZone(meta, 'US/Eastern')),
  });
}

/** CURRENCY_EXCHANGE_RATE -> the rate, when it was refreshed (UTC) and the bid/ask when the answer has them. */
export function parseExchangeRate(body: unknown): ExchangeRate {
  const fn = AV_FUNCTION.exchangeRate;
  rejectFailureBody(fn, body);
  const parsed = exchangeRateSchema.safeParse(body);
  if (!parsed.success) throw malformed(fn, parsed.error.issues);
  const rate = parsed.data['Realtime Currency Exchange Rate'];
  let asOf: IsoTime | null;
  try {
    asOf = wallClockToIso(rate['6. Last Refreshed'], rate['7. Time Zone'] ?? 'UTC');
  } catch {
    asOf = null;
  }
  if (asOf === null) {
    const path = ['Realtime Currency Exchange Rate', '6. Last Refreshed'];
    throw malformed(fn, [{ path, message: `not a date-time in zone ${rate['7. Time Zone'] ?? 'UTC'}` }]);
  }
  const result: ExchangeRate = { price: rate['5. Exchange Rate'], asOf };
  if (rate['8. Bid Price'] !== undefined) result.bid = rate['8. Bid Price'];
  if (rate['9. Ask Price'] !== undefined) result.ask = rate['9. Ask Price'];
  return result;
}
