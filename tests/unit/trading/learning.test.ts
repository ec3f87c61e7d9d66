import type { Fill } from '../../../src/domain/types';
import {
  adaptiveSizing,
  cycleReturns,
  maxDrawdown,
  performanceStats,
  roundTripsOf,
  sharpeLike,
  statsByStrategy,
  type JournalEntry,
} from '../../../src/trading/learning';

function fill(
  cycle: number,
  side: 'buy' | 'sell',
  quantity: string,
  price: string,
  fee: string,
  realizedPnl: string,
): Fill {
  return {
    clientOrderId: `c${cycle}`,
    botId: 'bot',
    cycle,
    symbol: 'BTC/USD',
    side,
    quantity,
    price,
    fee,
    realizedPnl,
    cashAfter: '0',
    filledAt: `2024-01-0${cycle}T00:00:00.000Z`,
  };
}

// Three round trips, by hand:
//   a: buy 0.1 @ 50,000 (fee 1.00, realized -1.00), sell @ 51,000 (fee 1.00, realized 100 - 1 = 99.00): +98.00, a win
//   b: buy 0.1 @ 50,000 (fee 1.00), sell @ 49,510 (fee 1.00, realized -49 - 1 = -50.00): -51.00, a loss
//   b: buy 0.1 @ 50,000 (fee 2.00, realized -2.00), still open; marked at 51,000: unrealized +100.00
// Equity per cycle: 10000, 11000, 9900, 10890, 10890, 10890, 10890.
const journal: JournalEntry[] = [
  { cycle: 1, time: 't1', strategy: 'a', equity: '10000.00', fill: fill(1, 'buy', '0.1', '50000', '1.00', '-1.00') },
  { cycle: 2, time: 't2', strategy: 'a', equity: '11000.00', fill: fill(2, 'sell', '0.1', '51000', '1.00', '99.00') },
  { cycle: 3, time: 't3', strategy: 'b', equity: '9900.00', fill: fill(3, 'buy', '0.1', '50000', '1.00', '-1.00') },
  { cycle: 4, time: 't4', strategy: 'b', equity: '10890.00', fill: fill(4, 'sell', '0.1', '49510', '1.00', '-50.00') },
  { cycle: 5, time: 't5', strategy: 'b', equity: '10890.00', fill: null },
  { cycle: 6, time: 't6', strategy: 'b', equity: '10890.00', fill: fill(6, 'buy', '0.1', '50000', '2.00', '-2.00') },
  { cycle: 7, time: 't7', strategy: 'b', equity: '10890.00', fill: null },
];
const open = { position: { symbol: 'BTC/USD', quantity: '0.1', averageCost: '50000' }, markPrice: '51000' };

describe('round trips', () => {
  it('groups fills from flat to flat and credits the opening strategy', () => {
    const trips = roundTripsOf(journal);
    expect(trips.map((t) => [t.strategy, t.pnl, t.fees, t.closedAt !== null])).toEqual([
      ['a', '98.00', '2.00', true],
      ['b', '-51.00', '2.00', true],
      ['b', '-2.00', '2.00', false],
    ]);
  });
});

describe('performance statistics', () => {
  it('match the hand-computed figures', () => {
    const stats = performanceStats(journal, open);
    expect(stats).toEqual({
      cycles: 7,
      trades: 2,
      wins: 1,
      losses: 1,
      winRate: 0.5,
      realizedPnl: '45.00', // -1 + 99 - 1 - 50 - 2
      unrealizedPnl: '100.00', // (51,000 - 50,000) x 0.1
      fees: '6.00',
      maxDrawdown: { fraction: '0.1', amount: '1100.00', peak: '11000.00', trough: '9900.00' },
      sharpeLike: expect.any(Number),
    });
    // Returns 0.1, -0.1, 0.1, 0, 0, 0: mean 1/60; sample variance = (3 x 0.01 - 6 / 3600) / 5.
    const mean = 1 / 60;
    const stdev = Math.sqrt((0.03 - 6 * mean * mean) / 5);
    expect(stats.sharpeLike).toBeCloseTo(mean / stdev, 12);
  });

  it('split by strategy', () => {
    const byStrategy = statsByStrategy(journal, open);
    expect(Object.keys(byStrategy)).toEqual(['a', 'b']);
    expect(byStrategy.a).toMatchObject({
      cycles: 2,
      trades: 1,
      wins: 1,
      winRate: 1,
      realizedPnl: '98.00',
      unrealizedPnl: '0.00',
    });
    expect(byStrategy.b).toMatchObject({
      cycles: 5,
      trades: 1,
      wins: 0,
      winRate: 0,
      realizedPnl: '-53.00',
      unrealizedPnl: '100.00',
      fees: '4.00',
    });
  });

  it('handle an empty journal', () => {
    expect(performanceStats([], null)).toMatchObject({
      trades: 0,
      winRate: null,
      sharpeLike: null,
      realizedPnl: '0.00',
    });
  });
});

describe('drawdown and the Sharpe-like ratio', () => {
  it('measure the deepest fall from a running peak', () => {
    expect(maxDrawdown(['100', '120', '90', '130', '104'])).toEqual({
      fraction: '0.25',
      amount: '30.00',
      peak: '120.00',
      trough: '90.00',
    });
    expect(maxDrawdown(['100', '101', '102']).fraction).toBe('0');
  });

  it('is mean over sample stdev of per-cycle returns, not annualised', () => {
    // Returns +10 %, -10 %, +10 %: mean 1/30, sample stdev sqrt(((2/30)^2 x 2 + (4/30)^2) / 2) = 0.11547...
    const returns = cycleReturns(['10000', '11000', '9900', '10890']);
    expect(returns).toEqual([0.1, -0.1, 0.1]);
    expect(sharpeLike(returns)).toBeCloseTo(1 / (2 * Math.sqrt(3)), 12);
    expect(sharpeLike([0.01])).toBeNull();
    expect(sharpeLike([0.01, 0.01])).toBeNull();
  });
});

describe('adaptive sizing', () => {
  const trips = (results: string) =>
    [...results].map((r) => ({ pnl: r === 'W' ? '10.00' : r === 'L' ? '-10.00' : '0.00' }));

  it('leaves the size alone until there are enough round trips', () => {
    expect(adaptiveSizing([])).toEqual({ multiplier: 1, explanation: 'only 0 closed round trips (need 3): size x1' });
    expect(adaptiveSizing(trips('WW'))).toEqual({
      multiplier: 1,
      explanation: 'only 2 closed round trips (need 3): size x1',
    });
  });

  it('scales with the recent win rate, within 0.5 .. 1.5', () => {
    expect(adaptiveSizing(trips('WWWWWWWLLL'))).toEqual({
      multiplier: 1.2,
      explanation: 'won 7 of last 10 round trips: size x1.2',
    });
    expect(adaptiveSizing(trips('WWWWWWWWWW')).multiplier).toBe(1.5);
    expect(adaptiveSizing(trips('LLLLLLLLLL')).multiplier).toBe(0.5);
    expect(adaptiveSizing(trips('WWL')).multiplier).toBe(1.17);
  });

  it('looks only at the last `window` round trips and counts a break-even as no win', () => {
    expect(adaptiveSizing(trips('WWWWWLLLLLLLLLL'))).toMatchObject({ multiplier: 0.5 });
    expect(adaptiveSizing(trips('000'))).toMatchObject({ multiplier: 0.5 });
    expect(adaptiveSizing(trips('WLWL'), { window: 2, minTrades: 2 })).toEqual({
      multiplier: 1,
      explanation: 'won 1 of last 2 round trips: size x1',
    });
  });

  it('stays within its bounds for every possible record', () => {
    for (let n = 0; n <= 12; n++) {
      for (let wins = 0; wins <= n; wins++) {
        const { multiplier } = adaptiveSizing(trips('W'.repeat(wins) + 'L'.repeat(n - wins)));
        expect(multiplier).toBeGreaterThanOrEqual(0.5);
        expect(multiplier).toBeLessThanOrEqual(1.5);
      }
    }
  });
});
