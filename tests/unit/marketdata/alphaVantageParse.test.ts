import { AlphaVantageError } from '../../../src/marketdata/alphavantage/errors';
import {
  parseCryptoDaily,
  parseEquityDaily,
  parseEquityIntraday,
  parseExchangeRate,
} from '../../../src/marketdata/alphavantage/parse';
import {
  CURRENT_CRYPTO_DAILY,
  CURRENT_EXCHANGE_RATE,
  EQUITY_DAILY,
  INTRADAY_SUMMER,
  INTRADAY_WINTER,
  OLD_CRYPTO_DAILY_CNY,
  OLD_EXCHANGE_RATE,
} from './alphaVantageFixtures';

/** Runs `parse` and returns the AlphaVantageError it throws (fails the test if it throws nothing else). */
function failureOf(parse: () => unknown): AlphaVantageError {
  try {
    parse();
  } catch (err) {
    if (err instanceof AlphaVantageError) return err;
    throw err;
  }
  throw new Error('expected the parser to throw');
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('parseCryptoDaily', () => {
  it('reads the current format into candles, oldest first, at midnight UTC, as decimal strings', () => {
    const candles = parseCryptoDaily(CURRENT_CRYPTO_DAILY, 'USD');
    expect(candles.map((c) => c.time)).toEqual([
      '2024-07-14T00:00:00.000Z',
      '2024-07-15T00:00:00.000Z',
      '2024-07-16T00:00:00.000Z',
    ]);
    expect(candles[2]).toEqual({
      time: '2024-07-16T00:00:00.000Z',
      open: '64795.99',
      high: '65391.12',
      low: '64056',
      close: '65085.34',
      volume: '1053.48302',
    });
  });

  it('reads the old per-currency columns, picking the requested market (CNY)', () => {
    const candles = parseCryptoDaily(OLD_CRYPTO_DAILY_CNY, 'CNY');
    expect(candles).toHaveLength(2);
    expect(candles[1]).toEqual({
      time: '2017-12-20T00:00:00.000Z',
      open: '111425.9504672',
      high: '119203.30478364',
      low: '105376.71606848',
      close: '123574.46322682',
      volume: '48011.52398154',
    });
  });

  it('reads the old layout in USD from the `1b. ... (USD)` columns', () => {
    const candles = parseCryptoDaily(OLD_CRYPTO_DAILY_CNY, 'USD');
    expect(candles[1]).toMatchObject({ open: '16928.425', high: '18110', low: '16009.38', close: '18780.02814954' });
  });

  it('reads the old layout for another market (EUR) from its `a` columns', () => {
    const body = clone(OLD_CRYPTO_DAILY_CNY) as unknown as { 'Time Series (Digital Currency Daily)': object };
    const series = JSON.stringify(body['Time Series (Digital Currency Daily)']).replace(/\(CNY\)/g, '(EUR)');
    body['Time Series (Digital Currency Daily)'] = JSON.parse(series) as object;
    expect(parseCryptoDaily(body, 'EUR')[1].close).toBe('123574.46322682');
  });

  it('is malformed, naming the missing column, when the requested market is not in an old answer', () => {
    const error = failureOf(() => parseCryptoDaily(OLD_CRYPTO_DAILY_CNY, 'EUR'));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('Time Series (Digital Currency Daily).2017-12-20.open');
  });

  it('is malformed, naming the field, when a price is not a decimal', () => {
    const body = clone(CURRENT_CRYPTO_DAILY);
    body['Time Series (Digital Currency Daily)']['2024-07-15']['4. close'] = 'N/A';
    const error = failureOf(() => parseCryptoDaily(body));
    expect(error).toMatchObject({ kind: 'malformed', retryable: false, function: 'DIGITAL_CURRENCY_DAILY' });
    expect(error.message).toContain('Time Series (Digital Currency Daily).2024-07-15.close');
    expect(error.message).toContain('"N/A"');
  });

  it('is malformed when a row key is not a date, or the series is missing', () => {
    const body = clone(CURRENT_CRYPTO_DAILY) as unknown as Record<string, Record<string, unknown>>;
    body['Time Series (Digital Currency Daily)']['16/07/2024'] =
      body['Time Series (Digital Currency Daily)']['2024-07-16'];
    expect(failureOf(() => parseCryptoDaily(body)).message).toContain('16/07/2024');
    const missing = failureOf(() => parseCryptoDaily({ 'Meta Data': CURRENT_CRYPTO_DAILY['Meta Data'] }));
    expect(missing.kind).toBe('malformed');
    expect(missing.message).toContain('Time Series (Digital Currency Daily)');
    expect(failureOf(() => parseCryptoDaily('<html>')).kind).toBe('malformed');
  });

  it('is empty when the series has no rows, or the answer is {}', () => {
    const body = { ...CURRENT_CRYPTO_DAILY, 'Time Series (Digital Currency Daily)': {} };
    expect(failureOf(() => parseCryptoDaily(body))).toMatchObject({ kind: 'empty', retryable: false });
    expect(failureOf(() => parseCryptoDaily({})).kind).toBe('empty');
  });

  it('reports failure bodies as what they are, not as malformed', () => {
    const body = { Note: 'Our standard API call frequency is 5 calls per minute and 500 calls per day.' };
    expect(failureOf(() => parseCryptoDaily(body))).toMatchObject({ kind: 'burst-limit', retryAfterMs: 60_000 });
  });
});

describe('parseEquityDaily and parseEquityIntraday', () => {
  it('reads TIME_SERIES_DAILY oldest first at midnight UTC of the trading date', () => {
    const candles = parseEquityDaily(EQUITY_DAILY);
    expect(candles.map((c) => [c.time, c.close, c.volume])).toEqual([
      ['2024-07-15T00:00:00.000Z', '177.45', '3431203'],
      ['2024-07-16T00:00:00.000Z', '183.98', '6101434'],
    ]);
  });

  it('converts winter (EST) intraday bars to UTC: 14:56 US/Eastern is 19:56Z', () => {
    const candles = parseEquityIntraday(INTRADAY_WINTER, '1min');
    expect(candles.map((c) => c.time)).toEqual(['2017-12-18T19:55:00.000Z', '2017-12-18T19:56:00.000Z']);
    expect(candles[1]).toMatchObject({ open: '86.49', high: '86.5', low: '86.475', close: '86.5', volume: '10494' });
  });

  it('converts summer (EDT) intraday bars to UTC: 14:56 US/Eastern is 18:56Z', () => {
    expect(parseEquityIntraday(INTRADAY_SUMMER, '1min')[0].time).toBe('2024-07-16T18:56:00.000Z');
  });

  it('uses the zone named in Meta Data', () => {
    const body = clone(INTRADAY_SUMMER);
    body['Meta Data']['6. Time Zone'] = 'UTC';
    expect(parseEquityIntraday(body, '1min')[0].time).toBe('2024-07-16T14:56:00.000Z');
    body['Meta Data']['6. Time Zone'] = 'Nowhere/Special';
    expect(failureOf(() => parseEquityIntraday(body, '1min')).kind).toBe('malformed');
  });

  it('looks for the series of the requested interval', () => {
    const error = failureOf(() => parseEquityIntraday(INTRADAY_SUMMER, '5min'));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('Time Series (5min)');
  });
});

describe('parseExchangeRate', () => {
  it('reads the old answer (no bid/ask)', () => {
    expect(parseExchangeRate(OLD_EXCHANGE_RATE)).toEqual({
      price: '109631.430607',
      asOf: '2017-12-20T19:23:21.000Z',
    });
  });

  it('reads the current answer with bid and ask', () => {
    expect(parseExchangeRate(CURRENT_EXCHANGE_RATE)).toEqual({
      price: '67412.53',
      asOf: '2024-07-16T14:05:01.000Z',
      bid: '67412.52',
      ask: '67412.53',
    });
  });

  it('treats a "-" bid as absent and a garbage rate as malformed', () => {
    const body = clone(CURRENT_EXCHANGE_RATE);
    body['Realtime Currency Exchange Rate']['8. Bid Price'] = '-';
    expect(parseExchangeRate(body).bid).toBeUndefined();
    body['Realtime Currency Exchange Rate']['5. Exchange Rate'] = '';
    const error = failureOf(() => parseExchangeRate(body));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('Realtime Currency Exchange Rate.5. Exchange Rate');
  });

  it('is malformed when Last Refreshed is not a time', () => {
    const body = clone(OLD_EXCHANGE_RATE);
    body['Realtime Currency Exchange Rate']['6. Last Refreshed'] = 'now';
    expect(failureOf(() => parseExchangeRate(body)).message).toContain('6. Last Refreshed');
  });

  it('classifies failure bodies before validating', () => {
    expect(failureOf(() => parseExchangeRate({ 'Error Message': 'Invalid API call.' })).kind).toBe('invalid-request');
    expect(failureOf(() => parseExchangeRate({})).kind).toBe('empty');
  });
});
