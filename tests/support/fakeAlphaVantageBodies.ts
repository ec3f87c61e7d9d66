// Answers in the real Alpha Vantage body shapes (current and old field names), with generated, plausible prices,
// and the service's failure texts. The fake server (fakeAlphaVantage.ts) picks among them per request.

export type Params = Record<string, string>;

const DAY_MS = 86_400_000;
const NAMES: Record<string, string> = {
  BTC: 'Bitcoin',
  ETH: 'Ethereum',
  USD: 'United States Dollar',
  EUR: 'Euro',
  CNY: 'Chinese Yuan',
};
/** Rough prices in USD, so generated answers look like the market. */
const USD_PRICE: Record<string, number> = { BTC: 68_000, ETH: 3_400, USD: 1, EUR: 1.08, CNY: 0.14 };

export const BURST_LIMIT_TEXT =
  'Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly ' +
  '(1 request per second). You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ ' +
  'to lift the free key rate limit (25 requests per day), raise the per-second burst limit, and instantly unlock ' +
  'all premium endpoints';
export const NOTE_RATE_LIMIT_TEXT =
  'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. ' +
  'Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.';
export const dailyQuotaText = (apiKey: string): string =>
  `We have detected your API key as ${apiKey} and our standard API rate limit is 25 requests per day. Please ` +
  'subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily ' +
  'rate limits.';
export const PREMIUM_TEXT =
  'Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at ' +
  'https://www.alphavantage.co/premium/ to instantly unlock all premium endpoints';
export const DEMO_KEY_TEXT =
  'The **demo** API key is for demo purposes only. Please claim your free API key at ' +
  '(https://www.alphavantage.co/support/#api-key) to explore our full API offerings. It takes fewer than 20 seconds.';
export const NO_ARTICLES_TEXT = 'No articles found. Please adjust the time range or refine your query.';
export const errorMessageText = (fn: string): string =>
  `Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for ${fn}.`;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), seeded from a name. */
function randomFor(name: string): () => number {
  let seed = [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16_777_619), 2_166_136_261) >>> 0;
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A live market for a soak: the exchange rate of every pair moves over wall-clock time around its base rate,
 * by `amplitude` (a fraction) at most, as a seeded mix of two sines whose main period is `periodSeconds`. The
 * mix never repeats exactly within a run, so a bot sees rises and falls of different sizes (winning and losing
 * round trips), and the same seed and elapsed time always give the same rate.
 */
export interface PriceWander {
  periodSeconds: number;
  amplitude: number;
  /** Mixed with the pair's name; default 'wander'. */
  seed?: string;
}

/** The factor on a pair's base rate `elapsedSeconds` into the wander, within 1 ± amplitude. */
export function wanderFactor(pair: string, wander: PriceWander, elapsedSeconds: number): number {
  const random = randomFor(`${wander.seed ?? 'wander'}:${pair}`);
  const phase1 = random() * 2 * Math.PI;
  const phase2 = random() * 2 * Math.PI;
  // An incommensurate second period (0.29..0.53 of the first) so swings differ from one period to the next.
  const ratio = 0.29 + random() * 0.24;
  const turn = (2 * Math.PI * elapsedSeconds) / wander.periodSeconds;
  return 1 + wander.amplitude * (0.65 * Math.sin(turn + phase1) + 0.35 * Math.sin(turn / ratio + phase2));
}

/** When given, prices are live: rates follow `factor` and are stamped `at` (the wall clock), not the fake's `now`. */
export interface LiveQuotes {
  at: Date;
  factor(pair: string): number;
}

interface Bar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * `count` bars oldest first around `start`, moving at most `maxMove` (fraction) per bar. A pull back toward
 * `start` keeps long series in a realistic band (BTC stays roughly within 10 % of its level).
 */
function walk(name: string, start: number, count: number, maxMove: number, volume: number): Bar[] {
  const random = randomFor(name);
  const bars: Bar[] = [];
  let close = start;
  for (let i = 0; i < count; i++) {
    const open = close;
    close = open * (1 + (random() * 2 - 1) * maxMove) + (start - open) * 0.1;
    const high = Math.max(open, close) * (1 + random() * maxMove * 0.5);
    const low = Math.min(open, close) * (1 - random() * maxMove * 0.5);
    bars.push({ open, high, low, close, volume: volume * (0.5 + random()) });
  }
  return bars;
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const utcWallClock = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');
const easternParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  weekday: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function easternWallClock(ms: number): { text: string; weekday: string; hour: number } {
  const p: Record<string, string> = {};
  for (const part of easternParts.formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    text: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`,
    weekday: p.weekday,
    hour: Number(p.hour),
  };
}

function cryptoDaily(now: Date, q: Params, days: number, oldFormat: boolean, live?: LiveQuotes): unknown {
  const symbol = q.symbol ?? 'BTC';
  const market = q.market ?? 'USD';
  const inMarket = (USD_PRICE[symbol] ?? 100) / (USD_PRICE[market] ?? 1);
  const toUsd = USD_PRICE[market] ?? 1;
  const bars = walk(`crypto:${symbol}:${market}`, inMarket, days, 0.03, 25_000 / days);
  const today = bars[bars.length - 1];
  if (live && today) {
    // As on the real service, today's bar is still forming: it closes at the current exchange rate.
    today.close = inMarket * live.factor(`${symbol}/${market}`);
    today.high = Math.max(today.high, today.close);
    today.low = Math.min(today.low, today.close);
  }
  const todayMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const series: Record<string, Record<string, string>> = {};
  bars.reverse().forEach((b, i) => {
    const f = (n: number) => n.toFixed(8);
    series[isoDay(todayMs - i * DAY_MS)] = oldFormat
      ? {
          [`1a. open (${market})`]: f(b.open),
          '1b. open (USD)': f(b.open * toUsd),
          [`2a. high (${market})`]: f(b.high),
          '2b. high (USD)': f(b.high * toUsd),
          [`3a. low (${market})`]: f(b.low),
          '3b. low (USD)': f(b.low * toUsd),
          [`4a. close (${market})`]: f(b.close),
          '4b. close (USD)': f(b.close * toUsd),
          '5. volume': f(b.volume),
          '6. market cap (USD)': f(b.volume * b.close * toUsd),
        }
      : {
          '1. open': f(b.open),
          '2. high': f(b.high),
          '3. low': f(b.low),
          '4. close': f(b.close),
          '5. volume': f(b.volume),
        };
  });
  return {
    'Meta Data': {
      '1. Information': 'Daily Prices and Volumes for Digital Currency',
      '2. Digital Currency Code': symbol,
      '3. Digital Currency Name': NAMES[symbol] ?? symbol,
      '4. Market Code': market,
      '5. Market Name': NAMES[market] ?? market,
      '6. Last Refreshed': `${isoDay(todayMs)} 00:00:00`,
      '7. Time Zone': 'UTC',
    },
    'Time Series (Digital Currency Daily)': series,
  };
}

function equityRows(bars: Bar[], keys: string[]): Record<string, Record<string, string>> {
  const series: Record<string, Record<string, string>> = {};
  keys.forEach((key, i) => {
    const b = bars[bars.length - 1 - i];
    const f = (n: number) => n.toFixed(4);
    series[key] = {
      '1. open': f(b.open),
      '2. high': f(b.high),
      '3. low': f(b.low),
      '4. close': f(b.close),
      '5. volume': String(Math.round(b.volume)),
    };
  });
  return series;
}

function equityDaily(now: Date, q: Params): unknown {
  const days: string[] = [];
  // Completed sessions only: the newest row is the last weekday before today.
  for (let ms = now.getTime() - DAY_MS; days.length < 100; ms -= DAY_MS) {
    const weekday = new Date(ms).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(isoDay(ms));
  }
  const bars = walk(`equity:${q.symbol}`, 180, days.length, 0.02, 4_000_000);
  return {
    'Meta Data': {
      '1. Information': 'Daily Prices (open, high, low, close) and Volumes',
      '2. Symbol': q.symbol,
      '3. Last Refreshed': days[0],
      '4. Output Size': 'Compact',
      '5. Time Zone': 'US/Eastern',
    },
    'Time Series (Daily)': equityRows(bars, days),
  };
}

function equityIntraday(now: Date, q: Params, oldFormat: boolean): unknown {
  const interval = q.interval ?? '5min';
  const stepMs = Number.parseInt(interval, 10) * 60_000;
  const keys: string[] = [];
  // Bars are stamped on the US/Eastern wall clock, extended hours 04:00-20:00, weekdays only.
  for (let ms = Math.floor(now.getTime() / stepMs) * stepMs - stepMs; keys.length < 100; ms -= stepMs) {
    const wall = easternWallClock(ms);
    if (wall.weekday !== 'Sat' && wall.weekday !== 'Sun' && wall.hour >= 4 && wall.hour < 20) keys.push(wall.text);
  }
  const bars = walk(`intraday:${q.symbol}:${interval}`, 180, keys.length, 0.002, 20_000);
  return {
    'Meta Data': {
      '1. Information': oldFormat
        ? `Intraday (${interval}) prices and volumes`
        : `Intraday (${interval}) open, high, low, close prices and volume`,
      '2. Symbol': q.symbol,
      '3. Last Refreshed': keys[0],
      '4. Interval': interval,
      '5. Output Size': 'Compact',
      '6. Time Zone': 'US/Eastern',
    },
    [`Time Series (${interval})`]: equityRows(bars, keys),
  };
}

function exchangeRate(now: Date, q: Params, oldFormat: boolean, live?: LiveQuotes): unknown {
  const from = q.from_currency ?? 'BTC';
  const to = q.to_currency ?? 'USD';
  const rate = ((USD_PRICE[from] ?? 1.2345) / (USD_PRICE[to] ?? 1)) * (live?.factor(`${from}/${to}`) ?? 1);
  const body: Record<string, string> = {
    '1. From_Currency Code': from,
    '2. From_Currency Name': NAMES[from] ?? from,
    '3. To_Currency Code': to,
    '4. To_Currency Name': NAMES[to] ?? to,
    '5. Exchange Rate': rate.toFixed(8),
    '6. Last Refreshed': utcWallClock(live?.at ?? now),
    '7. Time Zone': 'UTC',
  };
  if (!oldFormat) {
    body['8. Bid Price'] = (rate * 0.9999).toFixed(8);
    body['9. Ask Price'] = (rate * 1.0001).toFixed(8);
  }
  return { 'Realtime Currency Exchange Rate': body };
}

/**
 * Four articles. For the requested ticker, three mention it: (relevance, score) = (0.8, 0.4), (0.5, -0.2),
 * (0.2, 0.1); the fourth mentions only COIN. Relevance-weighted mean: (0.32 - 0.1 + 0.02) / 1.5 = 0.16.
 */
function news(now: Date, q: Params): unknown {
  const ticker = (q.tickers ?? 'CRYPTO:BTC').split(',')[0];
  const stamp = (hoursAgo: number) =>
    new Date(now.getTime() - hoursAgo * 3_600_000).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const mention = (t: string, relevance: string, score: string, label: string) => ({
    ticker: t,
    relevance_score: relevance,
    ticker_sentiment_score: score,
    ticker_sentiment_label: label,
  });
  const article = (title: string, hoursAgo: number, overall: number, mentions: unknown[]) => ({
    title,
    url: `https://news.example.com/${hoursAgo}`,
    time_published: stamp(hoursAgo),
    authors: ['Staff Reporter'],
    summary: `${title}.`,
    banner_image: null,
    source: 'Example Wire',
    category_within_source: 'Markets',
    source_domain: 'news.example.com',
    topics: [{ topic: 'Blockchain', relevance_score: '0.9' }],
    overall_sentiment_score: overall,
    overall_sentiment_label: overall >= 0.15 ? 'Somewhat-Bullish' : 'Neutral',
    ticker_sentiment: mentions,
  });
  const feed = [
    article('ETF inflows lift bitcoin', 2, 0.31, [
      mention(ticker, '0.8', '0.4', 'Bullish'),
      mention('FOREX:USD', '0.2', '0.05', 'Neutral'),
    ]),
    article('Miners sell into the rally', 5, -0.12, [mention(ticker, '0.5', '-0.2', 'Somewhat-Bearish')]),
    article('Exchange earnings beat estimates', 8, 0.28, [mention('COIN', '0.6', '0.3', 'Somewhat-Bullish')]),
    article('Crypto markets drift sideways', 11, 0.05, [mention(ticker, '0.2', '0.1', 'Neutral')]),
  ];
  return {
    items: String(feed.length),
    sentiment_score_definition:
      'x <= -0.35: Bearish; -0.35 < x <= -0.15: Somewhat-Bearish; -0.15 < x < 0.15: Neutral; 0.15 <= x < 0.35: Somewhat_Bullish; x >= 0.35: Bullish',
    relevance_score_definition: '0 < x <= 1, with a higher score indicating higher relevance.',
    feed,
  };
}

export function okBody(
  fn: string,
  now: Date,
  q: Params,
  oldFormat: boolean,
  cryptoDays: number,
  live?: LiveQuotes,
): unknown {
  switch (fn) {
    case 'DIGITAL_CURRENCY_DAILY':
      return cryptoDaily(now, q, cryptoDays, oldFormat, live);
    case 'TIME_SERIES_DAILY':
      return equityDaily(now, q);
    case 'TIME_SERIES_INTRADAY':
      return equityIntraday(now, q, oldFormat);
    case 'CURRENCY_EXCHANGE_RATE':
      return exchangeRate(now, q, oldFormat, live);
    case 'NEWS_SENTIMENT':
      return news(now, q);
    default:
      return { 'Error Message': errorMessageText(fn) };
  }
}

/** The success body with its rows removed: what "no data" looks like for each function. */
export function emptyBody(fn: string, now: Date, q: Params, cryptoDays: number): unknown {
  if (fn === 'CURRENCY_EXCHANGE_RATE') return {};
  const body = okBody(fn, now, q, false, cryptoDays) as Record<string, unknown>;
  if (fn === 'NEWS_SENTIMENT') return { ...body, items: '0', feed: [] };
  const seriesKey = Object.keys(body).find((k) => k.startsWith('Time Series'));
  return seriesKey ? { ...body, [seriesKey]: {} } : body;
}
