import type { Candle, IsoTime } from '../domain/types';

// Deterministic synthetic markets for tests and demos: a seeded random walk, or candles around given closes.
// The same seed gives the same candles on every machine: the generator uses only integer maths and Math.log,
// Math.sqrt, Math.cos, Math.exp, which give the same results for the same inputs within one Node version.

export const DAY_MS = 86_400_000;

/** mulberry32: a tiny, well-known 32-bit PRNG; returns uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface WalkOptions {
  seed: number;
  count: number;
  /** Time of the first candle; default 2020-01-01T00:00:00Z. */
  start?: IsoTime;
  /** Candle length; default one day. */
  intervalMs?: number;
  startPrice?: number;
  /** Mean log return per candle; default 0. */
  drift?: number;
  /** Standard deviation of the log return per candle; default 0.02. */
  volatility?: number;
}

function candle(time: number, open: number, close: number, wick: number): Candle {
  const high = Math.max(open, close) * (1 + wick);
  const low = Math.min(open, close) * (1 - wick);
  return {
    time: new Date(time).toISOString(),
    open: open.toFixed(2),
    high: high.toFixed(2),
    low: low.toFixed(2),
    close: close.toFixed(2),
    volume: '100.00',
  };
}

/** A geometric random walk: close[i] = close[i-1] x exp(drift + volatility x N(0, 1)). */
export function syntheticCandles(options: WalkOptions): Candle[] {
  const random = seededRandom(options.seed);
  const start = Date.parse(options.start ?? '2020-01-01T00:00:00Z');
  const interval = options.intervalMs ?? DAY_MS;
  const drift = options.drift ?? 0;
  const volatility = options.volatility ?? 0.02;
  const candles: Candle[] = [];
  // Prices are kept at cent precision so each candle's open is exactly the previous close.
  let previous = Number((options.startPrice ?? 50_000).toFixed(2));
  for (let i = 0; i < options.count; i++) {
    const close = Math.max(0.01, Number((previous * Math.exp(drift + volatility * gaussian(random))).toFixed(2)));
    candles.push(candle(start + i * interval, previous, close, (random() * volatility) / 2));
    previous = close;
  }
  return candles;
}

/** Candles whose closes are exactly the numbers given (open = previous close): for crafting a signal in a test. */
export function candlesFromCloses(
  closes: readonly number[],
  start: IsoTime = '2020-01-01T00:00:00Z',
  intervalMs = DAY_MS,
) {
  const t0 = Date.parse(start);
  return closes.map((close, i) => candle(t0 + i * intervalMs, i === 0 ? close : closes[i - 1], close, 0.001));
}
