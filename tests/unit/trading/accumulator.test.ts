import { dec } from '../../../src/domain/money';
import type { Fill } from '../../../src/domain/types';
import {
  accumulatorOf,
  adaptiveSizing,
  advanceStats,
  closedRoundTrips,
  figuresOf,
  performanceStats,
  roundTripsOf,
  statsByStrategy,
  type JournalEntry,
  type PerformanceStats,
} from '../../../src/trading/learning';

// The live bot's incremental statistics must equal the batch statistics over the same journal.

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function journal(length: number, seed: number): JournalEntry[] {
  const rand = seeded(seed);
  const strategies = ['ma-crossover', 'rsi-mean-reversion', 'sentiment-blend'];
  const entries: JournalEntry[] = [];
  let equity = dec(10_000);
  let held = dec(0);
  for (let cycle = 1; cycle <= length; cycle++) {
    equity = equity.mul(1 + (rand() - 0.5) * 0.04).toDecimalPlaces(2);
    const strategy = strategies[Math.floor(rand() * strategies.length)];
    let fill: Fill | null = null;
    const roll = rand();
    const make = (side: 'buy' | 'sell', quantity: string): Fill => ({
      clientOrderId: `b:${cycle}`,
      botId: 'b',
      cycle,
      symbol: 'BTC/USD',
      side,
      quantity,
      price: '50000',
      fee: dec(rand() * 5)
        .toDecimalPlaces(2)
        .toFixed(2),
      realizedPnl: dec((rand() - 0.45) * 200)
        .toDecimalPlaces(2)
        .toFixed(2),
      cashAfter: '0',
      filledAt: new Date(Date.UTC(2026, 0, 1) + cycle * 60_000).toISOString(),
    });
    if (cycle === 2)
      fill = make('sell', '0.05'); // a sell with nothing open: history before the journal
    else if (roll < 0.15) {
      const q = dec(Math.ceil(rand() * 4)).div(10);
      held = held.plus(q);
      fill = make('buy', q.toFixed());
    } else if (roll < 0.3 && held.gt(0)) {
      // Partial or full exits.
      const q = rand() < 0.5 ? held : held.div(2).toDecimalPlaces(8);
      held = held.minus(q);
      fill = make('sell', q.toFixed());
    }
    entries.push({ cycle, time: `t${cycle}`, strategy, equity: equity.toFixed(2), fill });
  }
  return entries;
}

function expectSame(incremental: PerformanceStats, batch: PerformanceStats): void {
  const { sharpeLike: a, ...restA } = incremental;
  const { sharpeLike: b, ...restB } = batch;
  expect(restA).toEqual(restB);
  if (b === null) expect(a).toBeNull();
  else expect(a).toBeCloseTo(b, 10);
}

describe('incremental statistics', () => {
  it.each([1, 2, 3])('equal the batch statistics over 3,000 random cycles (seed %i)', (seed) => {
    const entries = journal(3_000, seed);
    const open = { position: { symbol: 'BTC/USD', quantity: '0.3', averageCost: '49000' }, markPrice: '51000' };
    const figures = figuresOf(accumulatorOf(entries), open);

    expectSame(figures.stats, performanceStats(entries, open));
    const batch = statsByStrategy(entries, open);
    expect(Object.keys(figures.statsByStrategy)).toEqual(Object.keys(batch));
    for (const name of Object.keys(batch)) expectSame(figures.statsByStrategy[name], batch[name]);
    expect(figures.sizing).toEqual(adaptiveSizing(closedRoundTrips(roundTripsOf(entries))));
    expect(figures.stats.trades).toBeGreaterThan(50);
  });

  it('is idempotent per cycle (a retried learning activity adds nothing) and survives a JSON round trip', () => {
    const entries = journal(200, 7);
    const acc = accumulatorOf(entries);
    expect(advanceStats(acc, entries[199])).toBe(acc);
    expect(advanceStats(acc, entries[10])).toBe(acc);
    const copy = JSON.parse(JSON.stringify(acc)) as typeof acc;
    expect(figuresOf(copy, null)).toEqual(figuresOf(acc, null));
  });

  it('starts empty: no trades, no ratio, size x1', () => {
    const figures = figuresOf(accumulatorOf([]), null);
    expect(figures.stats).toMatchObject({ cycles: 0, trades: 0, winRate: null, sharpeLike: null, realizedPnl: '0.00' });
    expect(figures.sizing.multiplier).toBe(1);
  });

  it('counts a break-even round trip as a loss, as the batch statistics do', () => {
    const f = (cycle: number, side: 'buy' | 'sell', realizedPnl: string): Fill => ({
      clientOrderId: `b:${cycle}`,
      botId: 'b',
      cycle,
      symbol: 'BTC/USD',
      side,
      quantity: '0.1',
      price: '50000',
      fee: '0.00',
      realizedPnl,
      cashAfter: '0',
      filledAt: `2026-01-0${cycle}T00:00:00.000Z`,
    });
    const entries: JournalEntry[] = [
      { cycle: 1, time: 't1', strategy: 'a', equity: '10000.00', fill: f(1, 'buy', '-1.00') },
      { cycle: 2, time: 't2', strategy: 'a', equity: '10000.00', fill: f(2, 'sell', '1.00') },
    ];
    const figures = figuresOf(accumulatorOf(entries), null);
    expect(figures.stats).toMatchObject({ trades: 1, wins: 0, losses: 1 });
    expectSame(figures.stats, performanceStats(entries, null));
  });
});
