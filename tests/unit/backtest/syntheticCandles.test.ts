import { candlesFromCloses, syntheticCandles } from '../../../src/backtest/syntheticCandles';
import { dec } from '../../../src/domain/money';

describe('synthetic candles', () => {
  it('are the same for the same seed and differ for another', () => {
    const a = syntheticCandles({ seed: 7, count: 500 });
    expect(syntheticCandles({ seed: 7, count: 500 })).toEqual(a);
    expect(syntheticCandles({ seed: 8, count: 500 })).not.toEqual(a);
  });

  it('are well-formed: positive, bounded by high and low, one interval apart, open = previous close', () => {
    const candles = syntheticCandles({ seed: 1, count: 1000, volatility: 0.05, intervalMs: 3_600_000 });
    candles.forEach((c, i) => {
      const [open, high, low, close] = [c.open, c.high, c.low, c.close].map((v) => dec(v));
      expect(low.gt(0)).toBe(true);
      expect(high.gte(open) && high.gte(close) && low.lte(open) && low.lte(close)).toBe(true);
      if (i > 0) {
        expect(Date.parse(c.time) - Date.parse(candles[i - 1].time)).toBe(3_600_000);
        expect(c.open).toBe(candles[i - 1].close);
      }
    });
  });

  it('follow a drift', () => {
    const up = syntheticCandles({ seed: 3, count: 300, drift: 0.01, volatility: 0.01 });
    expect(Number(up[up.length - 1].close)).toBeGreaterThan(Number(up[0].close) * 5);
  });

  it('can be crafted from closes', () => {
    expect(candlesFromCloses([100, 101]).map((c) => [c.open, c.close])).toEqual([
      ['100.00', '100.00'],
      ['100.00', '101.00'],
    ]);
  });
});
