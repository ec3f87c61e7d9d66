import { createServer } from 'node:net';
import { AlphaVantageClient } from '../../../src/marketdata/alphavantage/client';
import { AlphaVantageError } from '../../../src/marketdata/alphavantage/errors';
import { startFakeAlphaVantage, type FakeAlphaVantage, type FakeBehaviour } from '../../support/fakeAlphaVantage';

const API_KEY = 'TESTKEY9Z8Y7X';
// A Wednesday afternoon in New York summer time (14:02 EDT).
const NOW = new Date('2024-07-17T18:02:30Z');

let fake: FakeAlphaVantage;
let client: AlphaVantageClient;

beforeEach(async () => {
  fake = await startFakeAlphaVantage({ now: NOW });
  client = new AlphaVantageClient({ apiKey: API_KEY, baseUrl: fake.url, timeoutMs: 2_000 });
});

afterEach(async () => {
  await fake.close();
});

async function failureOf(call: Promise<unknown>): Promise<AlphaVantageError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof AlphaVantageError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** A port nothing listens on: bind one, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('AlphaVantageClient against the fake service', () => {
  it('cryptoDaily: one GET with the right query, candles oldest first ending today, BTC priced realistically', async () => {
    const candles = await client.cryptoDaily('BTC', 'USD');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].function).toBe('DIGITAL_CURRENCY_DAILY');
    expect(fake.requests[0].params).toMatchObject({ symbol: 'BTC', market: 'USD', apikey: API_KEY });
    expect(client.requestsMade).toBe(1);

    expect(candles.length).toBeGreaterThanOrEqual(60);
    expect(candles[candles.length - 1].time).toBe('2024-07-17T00:00:00.000Z');
    for (let i = 1; i < candles.length; i++) expect(candles[i].time > candles[i - 1].time).toBe(true);
    for (const candle of candles) {
      expect(Number(candle.close)).toBeGreaterThan(50_000);
      expect(Number(candle.close)).toBeLessThan(100_000);
      expect(Number(candle.high)).toBeGreaterThanOrEqual(Number(candle.low));
      expect(candle.close).toMatch(/^\d+(\.\d+)?$/);
    }
  });

  it('cryptoDaily: the old-format answer gives the same candles as the current one', async () => {
    fake.queue('DIGITAL_CURRENCY_DAILY', 'ok-old-format', 'ok');
    const old = await client.cryptoDaily('BTC', 'EUR');
    const current = await client.cryptoDaily('BTC', 'EUR');
    expect(old).toEqual(current);
    expect(old.length).toBeGreaterThanOrEqual(60);
  });

  it('exchangeRate: price between bid and ask, stamped with the refresh time in UTC', async () => {
    const rate = await client.exchangeRate('BTC', 'USD');
    expect(fake.requests[0].params).toMatchObject({ from_currency: 'BTC', to_currency: 'USD' });
    expect(rate.asOf).toBe('2024-07-17T18:02:30.000Z');
    expect(Number(rate.price)).toBeGreaterThan(50_000);
    expect(Number(rate.bid)).toBeLessThan(Number(rate.price));
    expect(Number(rate.ask)).toBeGreaterThan(Number(rate.price));
    fake.queue('CURRENCY_EXCHANGE_RATE', 'ok-old-format');
    const old = await client.exchangeRate('BTC', 'USD');
    expect(old).toEqual({ price: rate.price, asOf: rate.asOf });
  });

  it('equityDaily asks for the compact output and gets 100 weekday candles', async () => {
    const candles = await client.equityDaily('IBM');
    expect(fake.requests[0].params).toMatchObject({
      function: 'TIME_SERIES_DAILY',
      symbol: 'IBM',
      outputsize: 'compact',
    });
    expect(candles).toHaveLength(100);
    expect(candles[99].time).toBe('2024-07-16T00:00:00.000Z');
    expect(candles.every((c) => ![0, 6].includes(new Date(c.time).getUTCDay()))).toBe(true);
  });

  it('equityIntraday converts the US/Eastern bar times to UTC (summer and winter)', async () => {
    const summer = await client.equityIntraday('IBM', '5min');
    expect(fake.requests[0].params).toMatchObject({ function: 'TIME_SERIES_INTRADAY', interval: '5min' });
    // Last complete bar before 14:02 EDT is 13:55 EDT = 17:55Z.
    expect(summer[summer.length - 1].time).toBe('2024-07-17T17:55:00.000Z');

    const winterFake = await startFakeAlphaVantage({ now: new Date('2024-01-17T18:02:30Z') });
    try {
      const winter = new AlphaVantageClient({ apiKey: API_KEY, baseUrl: winterFake.url, timeoutMs: 2_000 });
      const candles = await winter.equityIntraday('IBM', '5min');
      // 18:02Z is 13:02 EST: the last bar is 12:55 EST = 17:55Z.
      expect(candles[candles.length - 1].time).toBe('2024-01-17T17:55:00.000Z');
    } finally {
      await winterFake.close();
    }
  });

  it('newsSentiment: relevance-weighted score over the articles that mention the ticker', async () => {
    const sentiment = await client.newsSentiment('CRYPTO:BTC', {
      timeFrom: new Date('2024-07-16T18:00:00Z'),
      sort: 'LATEST',
      limit: 50,
    });
    expect(fake.requests[0].params).toMatchObject({
      tickers: 'CRYPTO:BTC',
      time_from: '20240716T1800',
      sort: 'LATEST',
      limit: '50',
    });
    // The fake's feed: (0.8*0.4 + 0.5*-0.2 + 0.2*0.1) / (0.8 + 0.5 + 0.2) = 0.24 / 1.5 = 0.16
    expect(sentiment).toEqual({ score: 0.16, articles: 3, label: 'Somewhat-Bullish' });
  });

  it('newsSentiment: "No articles found" and an empty feed are a neutral zero, not an error', async () => {
    fake.queue('NEWS_SENTIMENT', 'no-articles', 'empty-series');
    const neutral = { score: 0, articles: 0, label: 'Neutral' };
    expect(await client.newsSentiment('CRYPTO:BTC')).toEqual(neutral);
    expect(await client.newsSentiment('CRYPTO:BTC')).toEqual(neutral);
  });

  it('times out a request that never answers, as a retryable timeout', async () => {
    // 1 s, not less: on a loaded CI machine a 200 ms budget ran out before the request reached the stand-in.
    const quick = new AlphaVantageClient({ apiKey: API_KEY, baseUrl: fake.url, timeoutMs: 1000 });
    fake.respondWith('DIGITAL_CURRENCY_DAILY', 'hang');
    const started = Date.now();
    const error = await failureOf(quick.cryptoDaily('BTC', 'USD'));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, function: 'DIGITAL_CURRENCY_DAILY' });
    expect(error.message).toContain('1000 ms');
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(5_000);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['http-500', 500, true],
    ['http-502', 502, true],
  ] as const)('%s is a retryable http error', async (behaviour, status, retryable) => {
    fake.queue('DIGITAL_CURRENCY_DAILY', behaviour);
    const error = await failureOf(client.cryptoDaily('BTC', 'USD'));
    expect(error).toMatchObject({ kind: 'http', status, retryable });
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('a 4xx status is not retryable', async () => {
    fake.queue('CURRENCY_EXCHANGE_RATE', { status: 404, body: 'Not Found' });
    expect(await failureOf(client.exchangeRate('BTC', 'USD'))).toMatchObject({ kind: 'http', retryable: false });
  });

  it('a body that is not JSON is malformed, not retryable', async () => {
    fake.queue('DIGITAL_CURRENCY_DAILY', 'malformed-json');
    const error = await failureOf(client.cryptoDaily('BTC', 'USD'));
    expect(error).toMatchObject({ kind: 'malformed', retryable: false });
    expect(error.message).toContain('not JSON');
  });

  it('an empty series is "empty", for crypto and equities', async () => {
    fake.queue('DIGITAL_CURRENCY_DAILY', 'empty-series');
    fake.queue('TIME_SERIES_DAILY', 'empty-series');
    expect(await failureOf(client.cryptoDaily('BTC', 'USD'))).toMatchObject({ kind: 'empty', retryable: false });
    expect(await failureOf(client.equityDaily('IBM'))).toMatchObject({ kind: 'empty', retryable: false });
  });

  it.each([
    ['burst-limit', 'burst-limit', true],
    ['note-rate-limit', 'burst-limit', true],
    ['daily-quota', 'daily-quota', false],
    ['premium', 'premium', false],
    ['demo-key', 'demo-key', false],
    ['error-message', 'invalid-request', false],
    ['information', 'information', false],
  ] as const)(
    'the %s body becomes kind %s (retryable %s) after exactly one request',
    async (behaviour, kind, retryable) => {
      fake.queue('DIGITAL_CURRENCY_DAILY', behaviour);
      const error = await failureOf(client.cryptoDaily('BTC', 'USD'));
      expect(error).toMatchObject({ kind, retryable });
      expect(fake.requests).toHaveLength(1);
      expect(client.requestsMade).toBe(1);
    },
  );

  it('a refused connection is a retryable network error', async () => {
    const offline = new AlphaVantageClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${await closedPort()}/query`,
      timeoutMs: 2_000,
    });
    const error = await failureOf(offline.exchangeRate('BTC', 'USD'));
    expect(error).toMatchObject({ kind: 'network', retryable: true, function: 'CURRENCY_EXCHANGE_RATE' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('never puts the API key in any error message or stack', async () => {
    const behaviours: FakeBehaviour[] = [
      'hang',
      'http-500',
      'http-502',
      'burst-limit',
      'note-rate-limit',
      'daily-quota',
      'premium',
      'demo-key',
      'error-message',
      'malformed-json',
      'empty-series',
      { body: `{"echo": "apikey=${API_KEY}` },
    ];
    const quick = new AlphaVantageClient({ apiKey: API_KEY, baseUrl: fake.url, timeoutMs: 200 });
    fake.queue('DIGITAL_CURRENCY_DAILY', ...behaviours);
    const errors: AlphaVantageError[] = [];
    for (let i = 0; i < behaviours.length; i++) errors.push(await failureOf(quick.cryptoDaily('BTC', 'USD')));
    const offline = new AlphaVantageClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${await closedPort()}/query`,
      timeoutMs: 2_000,
    });
    errors.push(await failureOf(offline.cryptoDaily('BTC', 'USD')));

    expect(new Set(errors.map((e) => e.kind)).size).toBeGreaterThanOrEqual(10);
    for (const error of errors) {
      expect(error.message).not.toContain(API_KEY);
      expect(error.stack ?? '').not.toContain(API_KEY);
      expect(JSON.stringify(error)).not.toContain(API_KEY);
    }
  });
});
