import { candlesFromCloses } from '../../../src/backtest/syntheticCandles';
import { closesOf, numbersOf, rounded, rsi, sma } from '../../../src/trading/indicators';

describe('indicators (trading-signals)', () => {
  it('averages the last `period` closes', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toBe(4);
    expect(sma([1, 2], 3)).toBeNull();
  });

  it("computes Wilder's RSI: 100 on only gains, 0 on only losses, 50 when nothing moved", () => {
    const up = Array.from({ length: 15 }, (_, i) => 100 + i);
    expect(rsi(up, 14)).toBe(100);
    expect(rsi([...up].reverse(), 14)).toBe(0);
    expect(rsi(Array(15).fill(100), 14)).toBe(50);
    expect(rsi(up.slice(1), 14)).toBeNull();
  });

  it('matches a hand-computed RSI', () => {
    // Period 2: changes +2, -1 -> avg gain 1, avg loss 0.5; then +1 -> gain (1 + 1) / 2 = 1, loss 0.5 / 2 = 0.25.
    // RS = 4, RSI = 100 - 100 / 5 = 80.
    expect(rsi([10, 12, 11, 12], 2)).toBeCloseTo(80, 10);
  });

  it('rounds values for the journal', () => {
    expect(rounded(1 / 3)).toBe(0.3333);
    expect(rounded(null)).toBeNull();
    expect(rounded(Number.NaN)).toBeNull();
  });

  it('takes closes as the decimal strings a snapshot carries, and numbers only for the indicator library', () => {
    const closes = closesOf(candlesFromCloses([100, 101.5, 99.25]));
    expect(closes).toEqual(['100.00', '101.50', '99.25']);
    expect(numbersOf(closes)).toEqual([100, 101.5, 99.25]);
    expect(numbersOf(['50000.00', '0.00000001'])).toEqual([50000, 1e-8]);
  });
});
