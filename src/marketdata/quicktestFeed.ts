import type { Candle, MarketSnapshot } from '../domain/types';

// The quicktest market: deterministic and scripted. Cycle 1 sees $50,000 and cycle 2 sees $52,000, so the
// quicktest strategy reproduces the first milestone (BUY 0.1 BTC @ 50,000, SELL @ 52,000, +$200.00).
// Later cycles walk a fixed repeating path so a demo bot keeps trading, wins some and loses some.

const SCRIPT = ['50000.00', '52000.00'];
const PATH = [51000, 50500, 49800, 50900, 52500, 51700, 50200, 49500, 50600, 51800, 53000, 52100];
/** Candle times are a fixed function of the cycle number, so a replayed cycle sees the same history. */
const EPOCH_MS = Date.UTC(2024, 0, 1);
const CANDLE_MS = 60_000;
export const QUICKTEST_HISTORY = 60;

export function quicktestPrice(cycle: number): string {
  if (cycle >= 1 && cycle <= SCRIPT.length) return SCRIPT[cycle - 1];
  const i = (((cycle - SCRIPT.length - 1) % PATH.length) + PATH.length) % PATH.length;
  return PATH[i].toFixed(2);
}

function candleFor(cycle: number): Candle {
  const close = Number(quicktestPrice(cycle));
  const open = Number(quicktestPrice(cycle - 1));
  return {
    time: new Date(EPOCH_MS + cycle * CANDLE_MS).toISOString(),
    open: open.toFixed(2),
    high: Math.max(open, close).toFixed(2),
    low: Math.min(open, close).toFixed(2),
    close: close.toFixed(2),
    volume: '1.00',
  };
}

export function quicktestSnapshot(
  symbol: string,
  cycle: number,
  perceivedAt: Date,
  history = QUICKTEST_HISTORY,
): MarketSnapshot {
  const closes: string[] = [];
  for (let c = cycle - Math.min(history, QUICKTEST_HISTORY) + 1; c <= cycle; c++) closes.push(candleFor(c).close);
  return {
    symbol,
    price: quicktestPrice(cycle),
    asOf: perceivedAt.toISOString(),
    ageSeconds: 0,
    source: 'mock',
    closes,
    sentiment: null,
    note: 'quicktest: scripted deterministic feed',
  };
}
